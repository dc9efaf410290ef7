using System.Text.Json.Nodes;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// A page's derived <c>groups</c> go to the right users whatever order the group store answers its
/// membership lookup in: the order asked (the in-memory store), reversed, by group, or one
/// member's rows apart from each other (a SQL store without an <c>ORDER BY</c>), with groups that
/// nest and without. Each user of the page gets exactly the entries a GET of it returns.
/// </summary>
public sealed class ServicePageGroupsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, bool> Orders => new()
    {
        { "asked", false }, { "reversed", false }, { "by group", false }, { "scattered", false },
        { "asked", true }, { "reversed", true }, { "by group", true }, { "scattered", true },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task EachUserOfAPage_GetsItsOwnGroups_InAnyOrderOfTheStoresAnswer(string order, bool nested)
    {
        var registry = SchemaRegistry.CreateDefault();
        using var users = new InMemoryUserStore(registry);
        using var inner = new InMemoryGroupStore(registry);
        var groups = new SpyGroupStore(inner);
        var service = new ScimService(new ScimEngine(registry, new ScimServiceOptions()), users, groups, new Scim.Core.Events.InlineDelivery([]), null, null);

        var ids = new List<string>();
        foreach (var name in new[] { "u1", "u2", "u3", "u4", "u5", "u6" })
        {
            ids.Add((await service.CreateAsync(ServiceKit.Context, "User", ServiceKit.UserBody(name), cancellationToken: Ct)).Id);
        }

        var a = await CreateGroupAsync(service, "A", ids[0], ids[1], ids[2]);
        var b = await CreateGroupAsync(service, "B", ids[4], ids[1]);
        var c = await CreateGroupAsync(service, "C", ids[5], ids[1]);
        var parent = nested ? await CreateGroupAsync(service, "Parent", b) : null;

        groups.Reorder = order switch
        {
            "asked" => null,
            "reversed" => answer => answer.Reverse(),
            "by group" => answer => answer.OrderBy(m => m.GroupId, StringComparer.Ordinal).ThenByDescending(m => m.MemberId, StringComparer.Ordinal),
            _ => answer => answer.Select((m, i) => (m, i)).OrderBy(x => x.i % 2).ThenByDescending(x => x.i).Select(x => x.m),
        };

        var page = await service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName" }, Ct);

        Assert.Equal(ids, page.Resources.Select(r => (string)r.ToJson()["id"]!));
        var expected = new List<string>[]
        {
            [$"{a} A direct"],
            [$"{a} A direct", $"{b} B direct", $"{c} C direct", .. parent is null ? (string[])[] : [$"{parent} Parent indirect"]],
            [$"{a} A direct"],
            [],
            [$"{b} B direct", .. parent is null ? (string[])[] : [$"{parent} Parent indirect"]],
            [$"{c} C direct"],
        };
        Assert.Equal(expected.Select(e => e.Order(StringComparer.Ordinal).ToList()), page.Resources.Select(r => Entries(r.ToJson())));

        // The same as each user's own read.
        groups.Reorder = null;
        for (var i = 0; i < ids.Count; i++)
        {
            var one = await service.GetAsync(ServiceKit.Context, "User", ids[i], cancellationToken: Ct);
            Assert.Equal(Entries(one.ToJson()), Entries(page.Resources[i].ToJson()));
        }
    }

    private static async Task<string> CreateGroupAsync(ScimService service, string name, params string[] members) =>
        (await service.CreateAsync(ServiceKit.Context, "Group", ServiceKit.GroupBody(name, members), cancellationToken: Ct)).Id;

    private static List<string> Entries(JsonObject user) =>
        [.. (user["groups"]?.AsArray() ?? []).Select(g => $"{g!["value"]} {g["display"]} {g["type"]}").Order(StringComparer.Ordinal)];
}
