using System.Text.Json.Nodes;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>A user's derived, read-only <c>groups</c> attribute (RFC 7643 §4.1.2).</summary>
public sealed class ServiceUserGroupsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Groups_Direct_HaveValueRefDisplayAndType()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.CreateGroupAsync("Admins", null, alice);

        var entry = Assert.Single(await GroupsOfAsync(kit, alice));

        Assert.Equal(group, (string?)entry["value"]);
        Assert.Equal($"https://example.com/scim/v2/Groups/{group}", (string?)entry["$ref"]);
        Assert.Equal("Admins", (string?)entry["display"]);
        Assert.Equal("direct", (string?)entry["type"]);
    }

    [Fact]
    public async Task Groups_WithoutBaseUri_HaveNoRef()
    {
        using var kit = new ServiceKit();
        var context = new Scim.Core.Stores.ScimContext("acme");
        var alice = await kit.CreateUserAsync("alice", context);
        await kit.CreateGroupAsync("Admins", context, alice);
        var entry = (await kit.Service.GetAsync(context, "Users", alice, cancellationToken: Ct)).ToJson()["groups"]![0]!.AsObject();
        Assert.False(entry.ContainsKey("$ref"));
        Assert.Equal("Admins", (string?)entry["display"]);
    }

    [Fact]
    public async Task Groups_Nested_AreIndirect()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var team = await kit.CreateGroupAsync("Team", null, alice);
        var department = await kit.CreateGroupAsync("Department", null, team);
        var company = await kit.CreateGroupAsync("Company", null, department);
        var unrelated = await kit.CreateGroupAsync("Unrelated");

        var groups = (await GroupsOfAsync(kit, alice)).Select(g => ((string)g["value"]!, (string)g["display"]!, (string)g["type"]!)).ToList();

        Assert.Equal([(team, "Team", "direct"), (department, "Department", "indirect"), (company, "Company", "indirect")], groups);
        Assert.DoesNotContain(groups, g => g.Item1 == unrelated);
    }

    [Fact]
    public async Task Groups_NestingThatStartsLater_ShowsAtOnce_InGetsAndLists()
    {
        // The in-memory store lets the service skip the parents walk while no group has a group
        // member; the first group added to another must end that at once.
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var team = await kit.CreateGroupAsync("Team", null, alice);
        var department = await kit.CreateGroupAsync("Department");
        Assert.Equal([(team, "direct")], Kinds(await GroupsOfAsync(kit, alice)));

        await kit.PatchAsync("Groups", department, $$"""{"op":"add","path":"members","value":[{"value":"{{team}}"}]}""");

        Assert.Equal([(team, "direct"), (department, "indirect")], Kinds(await GroupsOfAsync(kit, alice)));
        var listed = (await kit.Service.ListAsync(ServiceKit.Context, "Users", cancellationToken: Ct)).Resources.Single().ToJson()["groups"]!.AsArray();
        Assert.Equal([(team, "direct"), (department, "indirect")], Kinds([.. listed.Select(g => g!.AsObject())]));

        // In another tenant nothing is nested: still only direct entries there.
        var other = new Scim.Core.Stores.ScimContext("other") { BaseUrl = ServiceKit.Context.BaseUrl };
        var bob = await kit.CreateUserAsync("bob", other);
        var crew = await kit.CreateGroupAsync("Crew", other, bob);
        var entry = Assert.Single((await kit.Service.GetAsync(other, "Users", bob, cancellationToken: Ct)).ToJson()["groups"]!.AsArray());
        Assert.Equal((crew, "direct"), ((string)entry!["value"]!, (string)entry["type"]!));
    }

    private static List<(string Value, string Type)> Kinds(List<JsonObject> groups) => [.. groups.Select(g => ((string)g["value"]!, (string)g["type"]!))];

    [Fact]
    public async Task Groups_DirectAndAlsoIndirect_IsListedOnceAsDirect()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var inner = await kit.CreateGroupAsync("Inner", null, alice);
        var outer = await kit.CreateGroupAsync("Outer", null, inner, alice);

        var groups = (await GroupsOfAsync(kit, alice)).Select(g => ((string)g["value"]!, (string)g["type"]!)).OrderBy(g => g.Item1, StringComparer.Ordinal).ToList();

        Assert.Equal(new[] { (inner, "direct"), (outer, "direct") }.OrderBy(g => g.Item1, StringComparer.Ordinal), groups);
    }

    [Fact]
    public async Task Groups_CycleBetweenTwoGroups_Terminates()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var a = await kit.CreateGroupAsync("A", null, alice);
        var b = await kit.CreateGroupAsync("B", null, a);
        await kit.PatchAsync("Groups", a, $$"""{"op":"add","path":"members","value":[{"value":"{{b}}"}]}""");

        var read = kit.GetAsync("Users", alice);
        var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10), Ct));

        Assert.Same(read, finished);
        var groups = (await read).ToJson()["groups"]!.AsArray().Select(g => ((string)g!["value"]!, (string)g["type"]!)).ToList();
        Assert.Equal([(a, "direct"), (b, "indirect")], groups);
        var listed = await kit.Service.ListAsync(ServiceKit.Context, "Users", null, Ct);
        Assert.Equal(2, listed.Resources.Single().ToJson()["groups"]!.AsArray().Count);
    }

    [Fact]
    public async Task Groups_DisplayFollowsRename()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.CreateGroupAsync("Old", null, alice);
        await kit.PatchAsync("Groups", group, """{"op":"replace","path":"displayName","value":"New"}""");
        Assert.Equal("New", (string?)(await GroupsOfAsync(kit, alice))[0]["display"]);
    }

    [Fact]
    public async Task Groups_ExcludedAttributesGroups_LeavesThemOut()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        await kit.CreateGroupAsync("Admins", null, alice);

        var user = (await kit.GetAsync("Users", alice, new ScimRequestOptions { ExcludedAttributes = "groups" })).ToJson();
        var listed = (await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { ExcludedAttributes = "groups" }, Ct)).ToJson();

        Assert.Null(user["groups"]);
        Assert.Equal("alice", (string?)user["userName"]);
        Assert.Null(listed["Resources"]![0]!["groups"]);
    }

    [Fact]
    public async Task Groups_AttributesNotNamingGroups_LeavesThemOut_AndNamingThemKeepsThem()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        await kit.CreateGroupAsync("Admins", null, alice);

        Assert.Null((await kit.GetAsync("Users", alice, new ScimRequestOptions { Attributes = "userName" })).ToJson()["groups"]);
        var only = (await kit.GetAsync("Users", alice, new ScimRequestOptions { Attributes = "groups" })).ToJson();
        Assert.Single(only["groups"]!.AsArray());
        Assert.Null(only["userName"]);
    }

    [Fact]
    public async Task Groups_InListResults_ArePerUser()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var carol = await kit.CreateUserAsync("carol");
        var a = await kit.CreateGroupAsync("A", null, alice);
        var b = await kit.CreateGroupAsync("B", null, bob, a);

        var list = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName" }, Ct);
        var byUser = list.Resources.ToDictionary(r => r.Id, r => r.ToJson()["groups"]?.AsArray().Select(g => ((string)g!["value"]!, (string)g["type"]!)).ToList());

        Assert.Equal([(a, "direct"), (b, "indirect")], byUser[alice]);
        Assert.Equal([(b, "direct")], byUser[bob]);
        Assert.Null(byUser[carol]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(12)]
    public async Task Groups_OfAUserInSeveralGroups_AreEachListedOnce_AlikeInGetLookupAndPage(int groupCount)
    {
        // A GET and a lookup that finds one user take the single-user path; a page of several users
        // the general one. All three must list every group once, in the same order.
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var made = new List<string>();
        for (var i = 0; i < groupCount; i++)
        {
            made.Add(await kit.CreateGroupAsync($"G{i:D2}", null, alice, bob));
        }

        var got = Kinds(await GroupsOfAsync(kit, alice));
        var lookup = (await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = "userName eq \"ALICE\"" }, Ct)).Resources.Single();
        var page = (await kit.Service.ListAsync(ServiceKit.Context, "Users", cancellationToken: Ct)).Resources.Single(r => r.Id == alice);

        Assert.Equal(made.Select(id => (id, "direct")).OrderBy(g => g.id, StringComparer.Ordinal), got.OrderBy(g => g.Value, StringComparer.Ordinal));
        Assert.Equal(got, Kinds([.. lookup.ToJson()["groups"]!.AsArray().Select(g => g!.AsObject())]));
        Assert.Equal(got, Kinds([.. page.ToJson()["groups"]!.AsArray().Select(g => g!.AsObject())]));
    }

    [Fact]
    public async Task Groups_AfterLeavingAGroup_AreGone()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.CreateGroupAsync("G", null, alice);
        await kit.PatchAsync("Groups", group, $$"""{"op":"remove","path":"members[value eq \"{{alice}}\"]"}""");
        Assert.Null((await kit.GetAsync("Users", alice)).ToJson()["groups"]);
    }

    [Fact]
    public async Task Groups_AreNotStoredOnTheUser()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        await kit.CreateGroupAsync("G", null, alice);
        var result = await kit.GetAsync("Users", alice);
        Assert.Empty((await kit.StoredUserAsync(alice))!.Groups);
        Assert.NotNull(result.ToJson()["groups"]);
    }

    private static async Task<List<JsonObject>> GroupsOfAsync(ServiceKit kit, string userId) =>
        [.. (await kit.GetAsync("Users", userId)).ToJson()["groups"]!.AsArray().Select(g => g!.AsObject())];
}
