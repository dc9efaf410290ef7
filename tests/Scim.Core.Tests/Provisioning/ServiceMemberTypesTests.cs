using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// <c>DeclareMemberTypes("Group", "User")</c>: a group store whose membership rows refer to users
/// only. A group offered as a member is refused with a message that says why, users still join, and
/// deleting a group no longer looks for the groups it belonged to.
/// </summary>
public sealed class ServiceMemberTypesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScimContext Context => ServiceKit.Context;

    private static DeclaredKit UsersOnly() => new(r => r.DeclareMemberTypes("Group", ["User"]));

    private static async Task<string> UserAsync(DeclaredKit kit, string userName) =>
        (await kit.Service.CreateAsync(Context, "Users", ServiceKit.UserBody(userName), cancellationToken: Ct)).Id;

    private static async Task<string> GroupAsync(DeclaredKit kit, string displayName, params string[] memberIds) =>
        (await kit.Service.CreateAsync(Context, "Groups", ServiceKit.GroupBody(displayName, memberIds), cancellationToken: Ct)).Id;

    private static async Task<List<string>> MemberIdsAsync(DeclaredKit kit, string groupId) =>
        [.. (await kit.Groups.GetAsync(Context, groupId, ReadHints.All, Ct))!.Members.Select(m => m.Value!).Order(StringComparer.Ordinal)];

    private static string AddMembers(params string[] ids) =>
        $$"""{"op":"add","path":"members","value":[{{string.Join(",", ids.Select(id => $$"""{"value":"{{id}}"}"""))}}]}""";

    // ---------------------------------------------------------------- adding members

    [Fact]
    public async Task Create_GroupAsMember_IsInvalidValueSayingMembersAreUsers()
    {
        using var kit = UsersOnly();
        var inner = await GroupAsync(kit, "Inner");

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => GroupAsync(kit, "Outer", inner));

        Assert.Contains($"'{inner}'", error.Detail, StringComparison.Ordinal);
        Assert.Contains("users only", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UserMembers_AreAddedAsUsers()
    {
        using var kit = UsersOnly();
        var alice = await UserAsync(kit, "alice");
        var bob = await UserAsync(kit, "bob");

        var id = await GroupAsync(kit, "Team", alice, bob);

        var group = await kit.Groups.GetAsync(Context, id, ReadHints.All, Ct);
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), group!.Members.Select(m => m.Value).Order(StringComparer.Ordinal));
        Assert.All(group.Members, m => Assert.Equal("User", m.Type));
    }

    [Fact]
    public async Task Patch_AddGroupAsMember_IsInvalidValueAndChangesNothing()
    {
        using var kit = UsersOnly();
        var alice = await UserAsync(kit, "alice");
        var inner = await GroupAsync(kit, "Inner");
        var outer = await GroupAsync(kit, "Outer", alice);
        kit.Events.Clear();

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.PatchAsync(Context, "Groups", outer, ServiceKit.Patch(AddMembers(inner)), cancellationToken: Ct));

        Assert.Contains("users only", error.Detail, StringComparison.Ordinal);
        Assert.Equal([alice], await MemberIdsAsync(kit, outer));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Patch_AddUserAndGroupTogether_IsInvalidValueAndAddsNeither()
    {
        using var kit = UsersOnly();
        var alice = await UserAsync(kit, "alice");
        var inner = await GroupAsync(kit, "Inner");
        var outer = await GroupAsync(kit, "Outer");

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.PatchAsync(Context, "Groups", outer, ServiceKit.Patch(AddMembers(alice, inner)), cancellationToken: Ct));

        Assert.Empty(await MemberIdsAsync(kit, outer));
    }

    [Fact]
    public async Task Patch_GroupMemberSaidToBeAGroup_IsInvalidValue()
    {
        using var kit = UsersOnly();
        var inner = await GroupAsync(kit, "Inner");
        var outer = await GroupAsync(kit, "Outer");

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.PatchAsync(Context, "Groups", outer, ServiceKit.Patch($$"""{"op":"add","path":"members","value":[{"value":"{{inner}}","type":"Group"}]}"""), cancellationToken: Ct));

        Assert.Empty(await MemberIdsAsync(kit, outer));
    }

    [Fact]
    public async Task Patch_AddUsers_StillWorks()
    {
        using var kit = UsersOnly();
        var alice = await UserAsync(kit, "alice");
        var bob = await UserAsync(kit, "bob");
        var team = await GroupAsync(kit, "Team", alice);

        var patched = await kit.Service.PatchAsync(Context, "Groups", team, ServiceKit.Patch(AddMembers(bob)), cancellationToken: Ct);

        Assert.True(patched.Changed);
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), await MemberIdsAsync(kit, team));
    }

    [Fact]
    public async Task Replace_GroupAsMember_IsInvalidValueAndChangesNothing()
    {
        using var kit = UsersOnly();
        var alice = await UserAsync(kit, "alice");
        var inner = await GroupAsync(kit, "Inner");
        var outer = await GroupAsync(kit, "Outer", alice);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.ReplaceAsync(Context, "Groups", outer, ServiceKit.GroupBody("Outer", alice, inner), cancellationToken: Ct));

        Assert.Equal([alice], await MemberIdsAsync(kit, outer));
    }

    [Fact]
    public async Task Create_UnknownMember_SaysMembersAreUsers()
    {
        using var kit = UsersOnly();

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => GroupAsync(kit, "Team", "nobody"));

        Assert.Contains("'nobody'", error.Detail, StringComparison.Ordinal);
        Assert.Contains("users only", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_GroupAsMember_NoDeclaration_IsAccepted()
    {
        using var kit = new DeclaredKit(_ => { });
        var inner = await GroupAsync(kit, "Inner");

        var outer = await GroupAsync(kit, "Outer", inner);

        Assert.Equal([inner], await MemberIdsAsync(kit, outer));
    }

    [Fact]
    public async Task Create_GroupAsMember_UsersAndGroupsDeclared_IsAccepted()
    {
        using var kit = new DeclaredKit(r => r.DeclareMemberTypes("Group", ["User", "Group"]));
        var inner = await GroupAsync(kit, "Inner");

        var outer = await GroupAsync(kit, "Outer", inner);

        Assert.Equal([inner], await MemberIdsAsync(kit, outer));
    }

    [Fact]
    public async Task Create_GroupAsMember_MembersTypeNotKeptByTheStore_IsStillRefused()
    {
        // The store keeps members' value and display only: members.type is no longer in the schema,
        // but the declared member types still decide.
        using var kit = new DeclaredKit(r =>
        {
            r.DeclareStoredAttributes("Group", ["displayName", "members.value", "members.display"]);
            r.DeclareMemberTypes("Group", ["User"]);
        });
        var alice = await UserAsync(kit, "alice");
        var inner = await GroupAsync(kit, "Inner");

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => GroupAsync(kit, "Outer", inner));
        Assert.Equal([alice], await MemberIdsAsync(kit, await GroupAsync(kit, "Team", alice)));
    }

    // ---------------------------------------------------------------- deletes

    [Fact]
    public async Task Delete_Group_UsersOnly_DoesNotLookUpGroupMemberships()
    {
        using var kit = UsersOnly();
        var alice = await UserAsync(kit, "alice");
        var team = await GroupAsync(kit, "Team", alice);
        kit.Groups.Reset();

        await kit.Service.DeleteAsync(Context, "Groups", team, cancellationToken: Ct);

        Assert.Empty(kit.Groups.MemberLookups);
        Assert.Null(await kit.Groups.GetAsync(Context, team, ReadHints.All, Ct));
    }

    [Fact]
    public async Task Delete_User_UsersOnly_LooksUpItsGroupsAndLeavesThem()
    {
        using var kit = UsersOnly();
        var alice = await UserAsync(kit, "alice");
        var bob = await UserAsync(kit, "bob");
        var team = await GroupAsync(kit, "Team", alice, bob);
        kit.Groups.Reset();
        kit.Events.Clear();

        await kit.Service.DeleteAsync(Context, "Users", alice, cancellationToken: Ct);

        Assert.Contains(kit.Groups.MemberLookups, ids => ids.SequenceEqual([alice]));
        Assert.Equal([bob], await MemberIdsAsync(kit, team));
        Assert.Contains(kit.Events.All, e => e.ResourceId == team);
    }

    [Fact]
    public async Task Delete_Group_NoDeclaration_LooksUpTheGroupsItBelongedTo()
    {
        using var kit = new DeclaredKit(_ => { });
        var inner = await GroupAsync(kit, "Inner");
        var outer = await GroupAsync(kit, "Outer", inner);
        kit.Groups.Reset();

        await kit.Service.DeleteAsync(Context, "Groups", inner, cancellationToken: Ct);

        Assert.Contains(kit.Groups.MemberLookups, ids => ids.SequenceEqual([inner]));
        Assert.Empty(await MemberIdsAsync(kit, outer));
    }
}

/// <summary>
/// A member's <c>display</c> (read-only) and <c>$ref</c> (the service's URI of the member) are
/// not the client's: what a POST, PUT or PATCH sends for them is not kept, in the in-memory store
/// as in the EF Core stores, so a client cannot plant a URL that the service then serves.
/// </summary>
public sealed class ServiceMemberClientFieldsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScimContext Context => ServiceKit.Context;

    [Fact]
    public async Task MemberDisplayAndRef_FromTheClient_AreNotKept()
    {
        using var kit = new ServiceKit();
        var ada = (await kit.Service.CreateAsync(Context, "Users", ServiceKit.UserBody("ada"), cancellationToken: Ct)).Id;
        var grace = (await kit.Service.CreateAsync(Context, "Users", ServiceKit.UserBody("grace"), cancellationToken: Ct)).Id;
        string Member(string id) => $$"""{"value":"{{id}}","type":"User","display":"whatever","$ref":"http://evil.example/Users/x"}""";

        var created = await kit.Service.CreateAsync(Context, "Groups", ServiceKit.Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{{Member(ada)}}]}"""), cancellationToken: Ct);
        await kit.Service.PatchAsync(Context, "Groups", created.Id, ServiceKit.Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{{Member(grace)}}]}]}"""), cancellationToken: Ct);
        var afterPatch = await kit.Groups.GetAsync(Context, created.Id, ReadHints.All, Ct);
        Assert.All(afterPatch!.Members, m => Assert.Equal((null, null), (m.Display, m.Ref)));
        Assert.Equal(2, afterPatch.Members.Count);

        await kit.Service.ReplaceAsync(Context, "Groups", created.Id, ServiceKit.Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{{Member(grace)}}]}"""), cancellationToken: Ct);
        var read = (await kit.Service.GetAsync(Context, "Groups", created.Id, cancellationToken: Ct)).ToJson();
        var member = Assert.Single(read["members"]!.AsArray())!.AsObject();
        Assert.Equal(grace, (string?)member["value"]);
        Assert.DoesNotContain("evil", read.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("whatever", read.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>The in-memory store refuses a filter or sort on what it does not keep of a member, as the database stores do.</summary>
    [Theory]
    [InlineData("members.display eq \"whatever\"")]
    [InlineData("members[display co \"w\"]")]
    [InlineData("members.$ref pr")]
    public async Task FilterOnMemberDisplayOrRef_IsInvalidFilter(string filter)
    {
        using var kit = new ServiceKit();
        var ada = (await kit.Service.CreateAsync(Context, "Users", ServiceKit.UserBody("ada"), cancellationToken: Ct)).Id;
        await kit.Service.CreateAsync(Context, "Groups", ServiceKit.GroupBody("G", ada), cancellationToken: Ct);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidFilter, () => kit.Service.ListAsync(Context, "Groups", new ScimListRequest { Filter = filter }, Ct));
        Assert.Equal(1, (await kit.Service.ListAsync(Context, "Groups", new ScimListRequest { Filter = $"members.value eq \"{ada}\"" }, Ct)).TotalResults);
    }
}
