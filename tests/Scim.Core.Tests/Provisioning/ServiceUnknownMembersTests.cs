using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// <see cref="ScimServiceOptions.UnknownMembers"/>: a member that is no user or group of the tenant
/// (Entra's bare-string member, <c>"value":"string id 1"</c>) is refused by default, with an error
/// that names the option, and left out under <see cref="UnknownMemberHandling.Ignore"/> (the rest of
/// the write applies; the version stays when nothing else changes; a warning names the ids), in
/// POST, PUT, PATCH and Bulk. Other member mistakes are refused either way.
/// </summary>
public sealed class ServiceUnknownMembersTests
{
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string Unknown = "string id 1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScimServiceOptions Ignoring => new() { UnknownMembers = UnknownMemberHandling.Ignore };

    private static string AddBare(string id) => $$"""{"op":"add","path":"members","value":"{{id}}"}""";

    private static async Task<(string Group, string Version, string Alice)> GroupWithAliceAsync(ServiceKit kit)
    {
        var alice = await kit.CreateUserAsync("alice");
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("Tour Guides", alice), cancellationToken: Ct);
        kit.Events.Clear();
        return (created.Id, created.Version, alice);
    }

    // ---------------------------------------------------------------- refused (the default)

    [Fact]
    public async Task Patch_BareStringUnknownMember_ByDefault_Is400NamingItAndTheOption()
    {
        using var kit = new ServiceKit();
        var (group, version, alice) = await GroupWithAliceAsync(kit);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => kit.PatchAsync("Groups", group, AddBare(Unknown)));

        Assert.Contains($"'{Unknown}' is not a user or group of this tenant", error.Detail, StringComparison.Ordinal);
        Assert.Contains("ScimServiceOptions.UnknownMembers = Ignore", error.Detail, StringComparison.Ordinal);
        Assert.Equal([alice], await kit.MemberIdsAsync(group));
        Assert.Equal(version, (await kit.StoredGroupAsync(group))!.Meta!.Version);
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Post_UnknownMember_ByDefault_Is400AndCreatesNoGroup()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("Tour Guides", alice, Unknown), cancellationToken: Ct));

        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).TotalResults);
    }

    [Fact]
    public async Task Put_UnknownMember_ByDefault_Is400AndKeepsTheMembers()
    {
        using var kit = new ServiceKit();
        var (group, version, alice) = await GroupWithAliceAsync(kit);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.GroupBody("Tour Guides", Unknown), cancellationToken: Ct));

        Assert.Equal([alice], await kit.MemberIdsAsync(group));
        Assert.Equal(version, (await kit.StoredGroupAsync(group))!.Meta!.Version);
    }

    // ---------------------------------------------------------------- left out (Ignore)

    [Fact]
    public async Task Patch_OnlyUnknownMembers_Ignored_ChangesNothingKeepsTheVersionAndWarns()
    {
        var logger = new RecordingLogger<ScimService>();
        using var kit = new ServiceKit(Ignoring, logger: logger);
        var (group, version, alice) = await GroupWithAliceAsync(kit);

        var patched = await kit.PatchAsync("Groups", group, AddBare(Unknown));

        Assert.False(patched.Changed);
        Assert.Equal(version, patched.Version);
        Assert.Equal([alice], await kit.MemberIdsAsync(group));
        Assert.Equal(version, (await kit.StoredGroupAsync(group))!.Meta!.Version);
        Assert.Empty(kit.Events.All);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains(group, entry.Message, StringComparison.Ordinal);
        Assert.Contains(ServiceKit.Context.Tenant, entry.Message, StringComparison.Ordinal);
        Assert.Contains($"1 members", entry.Message, StringComparison.Ordinal);
        Assert.Contains(Unknown, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_KnownAndUnknownMembers_Ignored_AddsTheKnownOnes()
    {
        var logger = new RecordingLogger<ScimService>();
        using var kit = new ServiceKit(Ignoring, logger: logger);
        var (group, version, alice) = await GroupWithAliceAsync(kit);
        var bob = await kit.CreateUserAsync("bob");
        kit.Events.Clear();

        var patched = await kit.PatchAsync("Groups", group, $$"""{"op":"add","path":"members","value":[{"value":"{{Unknown}}"},{"value":"{{bob}}"},{"value":"later-2"}]}""");

        Assert.True(patched.Changed);
        Assert.NotEqual(version, patched.Version);
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), await kit.MemberIdsAsync(group));
        var change = Assert.Single(kit.Events.All);
        Assert.Equal([bob], change.AddedMemberIds);
        Assert.Contains($"{Unknown}, later-2", Assert.Single(logger.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_RemoveAndUnknownAdd_Ignored_RemovesAndKeepsItsVersionChange()
    {
        using var kit = new ServiceKit(Ignoring);
        var (group, version, alice) = await GroupWithAliceAsync(kit);

        var patched = await kit.PatchAsync("Groups", group, $$"""{"op":"remove","path":"members[value eq \"{{alice}}\"]"},{"op":"add","path":"members","value":[{"value":"{{Unknown}}"}]}""");

        Assert.True(patched.Changed);
        Assert.NotEqual(version, patched.Version);
        Assert.Empty(await kit.MemberIdsAsync(group));
    }

    [Fact]
    public async Task Post_UnknownMember_Ignored_CreatesTheGroupWithTheOthersAndWarnsWithItsId()
    {
        var logger = new RecordingLogger<ScimService>();
        using var kit = new ServiceKit(Ignoring, logger: logger);
        var alice = await kit.CreateUserAsync("alice");

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("Tour Guides", Unknown, alice), cancellationToken: Ct);

        Assert.Equal([alice], await kit.MemberIdsAsync(created.Id));
        Assert.Equal([alice], created.ToJson()["members"]!.AsArray().Select(m => (string?)m!["value"]));
        Assert.Contains(created.Id, Assert.Single(logger.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_UnknownMember_Ignored_ReplacesTheMembersWithTheKnownOnes()
    {
        using var kit = new ServiceKit(Ignoring);
        var (group, _, _) = await GroupWithAliceAsync(kit);
        var bob = await kit.CreateUserAsync("bob");

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.GroupBody("Tour Guides", bob, Unknown), cancellationToken: Ct);

        Assert.True(replaced.Changed);
        Assert.Equal([bob], await kit.MemberIdsAsync(group));
    }

    [Fact]
    public async Task Put_SameMembersPlusAnUnknownOne_Ignored_ChangesNothing()
    {
        using var kit = new ServiceKit(Ignoring);
        var (group, version, alice) = await GroupWithAliceAsync(kit);

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.GroupBody("Tour Guides", alice, Unknown), cancellationToken: Ct);

        Assert.False(replaced.Changed);
        Assert.Equal(version, replaced.Version);
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Patch_MemberOfAnotherTenant_Ignored_IsLeftOut()
    {
        using var kit = new ServiceKit(Ignoring);
        var (group, version, alice) = await GroupWithAliceAsync(kit);
        var elsewhere = await kit.CreateUserAsync("other", ServiceKit.Tenant("globex"));

        var patched = await kit.PatchAsync("Groups", group, AddBare(elsewhere));

        Assert.False(patched.Changed);
        Assert.Equal(version, patched.Version);
        Assert.Equal([alice], await kit.MemberIdsAsync(group));
    }

    [Fact]
    public async Task Patch_GroupWhereMembersAreUsersOnly_Ignored_IsLeftOut()
    {
        using var kit = new DeclaredKit(r => r.DeclareMemberTypes("Group", ["User"]), Ignoring);
        var inner = (await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("Inner"), cancellationToken: Ct)).Id;
        var outer = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("Outer"), cancellationToken: Ct);

        var patched = await kit.Service.PatchAsync(ServiceKit.Context, "Groups", outer.Id, ServiceKit.Patch(AddBare(inner)), cancellationToken: Ct);

        Assert.False(patched.Changed);
        Assert.Equal(outer.Version, patched.Version);
    }

    /// <summary>Member mistakes that are not unknown ids: refused whatever the option says.</summary>
    [Theory]
    [InlineData("""{"op":"add","path":"members","value":[{"display":"no value"}]}""", "needs a 'value'")]
    [InlineData("""{"op":"add","path":"members","value":[{"value":"$ALICE","type":"Group"}]}""", "is a User, not a Group")]
    [InlineData("""{"op":"add","path":"members","value":[{"value":"$GROUP"}]}""", "member of itself")]
    public async Task Patch_OtherMemberMistakes_Ignored_AreStill400(string operation, string detail)
    {
        using var kit = new ServiceKit(Ignoring);
        var (group, version, alice) = await GroupWithAliceAsync(kit);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.PatchAsync("Groups", group, operation.Replace("$ALICE", alice, StringComparison.Ordinal).Replace("$GROUP", group, StringComparison.Ordinal)));

        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
        Assert.Equal(version, (await kit.StoredGroupAsync(group))!.Meta!.Version);
    }

    // ---------------------------------------------------------------- Bulk

    private static async Task<JsonArray> BulkAsync(ServiceKit kit, string operations) =>
        (await kit.Service.BulkAsync(ServiceKit.Context, Encoding.UTF8.GetBytes($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{operations}}]}"""), Ct))
            .Body["Operations"]!.AsArray();

    private static string BulkPatch(string group, string operation) =>
        $$$"""{"method":"PATCH","path":"/Groups/{{{group}}}","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{{operation}}}]}}""";

    private static string BulkPost(string bulkId, string members) =>
        $$$"""{"method":"POST","path":"/Groups","bulkId":"{{{bulkId}}}","data":{"schemas":["{{{GroupSchema}}}"],"displayName":"{{{bulkId}}}","members":[{{{members}}}]}}""";

    [Fact]
    public async Task Bulk_UnknownMember_ByDefault_FailsThatOperationOnly()
    {
        using var kit = new ServiceKit();
        var (group, _, alice) = await GroupWithAliceAsync(kit);

        var results = await BulkAsync(kit, string.Join(",", BulkPatch(group, AddBare(Unknown)), BulkPost("ok", $$"""{"value":"{{alice}}"}""")));

        Assert.Equal(["400", "201"], results.Select(r => (string?)r!["status"]));
        Assert.Contains("UnknownMembers", (string?)results[0]!["response"]!["detail"], StringComparison.Ordinal);
        Assert.Equal([alice], await kit.MemberIdsAsync(group));
    }

    [Fact]
    public async Task Bulk_UnknownMembers_Ignored_SucceedWithoutThem()
    {
        using var kit = new ServiceKit(Ignoring);
        var (group, version, alice) = await GroupWithAliceAsync(kit);

        var results = await BulkAsync(kit, string.Join(",", BulkPatch(group, AddBare(Unknown)), BulkPost("new", $$"""{"value":"{{Unknown}}"},{"value":"{{alice}}"}""")));

        Assert.Equal(["200", "201"], results.Select(r => (string?)r!["status"]));
        Assert.Equal(version, (string?)results[0]!["version"]);
        var created = ((string)results[1]!["location"]!).Split('/')[^1];
        Assert.Equal([alice], await kit.MemberIdsAsync(created));
    }

    [Fact]
    public async Task Bulk_UnresolvedBulkId_Ignored_StillFailsItsOperation()
    {
        using var kit = new ServiceKit(Ignoring);

        var results = await BulkAsync(kit, BulkPost("g", """{"value":"bulkId:nobody"}"""));

        Assert.Equal("409", (string?)Assert.Single(results)!["status"]);
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).TotalResults);
    }
}
