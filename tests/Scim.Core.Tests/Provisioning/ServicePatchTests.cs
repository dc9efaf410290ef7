using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>PATCH through the service: the IdPs' shapes, no-op patches, atomicity, If-Match and large groups.</summary>
public sealed class ServicePatchTests
{
    /// <summary>
    /// A write whose time is earlier than the stored one (taken before it waited for the resource,
    /// here a clock set back) still moves <c>meta.lastModified</c> forward: a client syncing with
    /// <c>meta.lastModified gt</c> must see every newer version.
    /// </summary>
    [Fact]
    public async Task GroupMemberChange_WithAnEarlierTime_StillMovesLastModifiedForward()
    {
        var clock = new MovableClock(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        using var kit = new ServiceKit(time: clock);
        var ada = await kit.CreateUserAsync("ada");
        var bob = await kit.CreateUserAsync("bob");
        var group = await kit.CreateGroupAsync("Ops", null, ada);
        var before = (await kit.GetAsync("Groups", group)).Resource.Meta!.LastModified!.Value;

        clock.Now = before.AddSeconds(-5);
        await kit.PatchAsync("Groups", group, $$"""{"op":"add","path":"members","value":[{"value":"{{bob}}"}]}""");

        var after = (await kit.GetAsync("Groups", group)).Resource.Meta!.LastModified!.Value;
        Assert.True(after > before, $"{after:O} is not after {before:O}");
        Assert.True(after - before < TimeSpan.FromMilliseconds(1));
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---------------------------------------------------------------- Entra ID

    [Fact]
    public async Task Entra_CapitalisedOp_Applies()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var patched = await kit.PatchAsync("Users", id, """{"op":"Replace","path":"displayName","value":"Barbara"}""");
        Assert.True(patched.Changed);
        Assert.Equal("Barbara", (await kit.StoredUserAsync(id))!.DisplayName);
        Assert.Equal(ScimChangeKind.Patched, kit.Events.All[^1].Kind);
    }

    [Fact]
    public async Task Entra_BooleanString_Deactivates()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        await kit.PatchAsync("Users", id, """{"op":"Replace","path":"active","value":"False"}""");
        Assert.False((await kit.StoredUserAsync(id))!.Active);
        Assert.Equal(ScimChangeKind.Deactivated, kit.Events.All[^1].Kind);
    }

    [Fact]
    public async Task Entra_NoPathDottedAndUrnKeys_Apply()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var patched = await kit.PatchAsync("Users", id, $$"""
            {"op":"Replace","value":{"name.givenName":"Barbara","name.familyName":"Jensen","{{ServiceKit.Enterprise}}:employeeNumber":"701984","displayName":"Babs"} }
            """);

        var stored = await kit.StoredUserAsync(id);
        Assert.Equal("Barbara", stored!.Name!.GivenName);
        Assert.Equal("Jensen", stored.Name.FamilyName);
        Assert.Equal("701984", stored.EnterpriseUser!.EmployeeNumber);
        Assert.Equal("Babs", stored.DisplayName);
        Assert.Equal("701984", (string?)patched.ToJson()[ServiceKit.Enterprise]!["employeeNumber"]);
        Assert.Equal(
            new[] { "displayName", "name", $"{ServiceKit.Enterprise}:employeeNumber" }.Order(StringComparer.Ordinal),
            kit.Events.All[^1].ChangedPaths.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Entra_ManagerAsString_Applies()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var boss = await kit.CreateUserAsync("boss");
        await kit.PatchAsync("Users", id, $$"""{"op":"Add","path":"{{ServiceKit.Enterprise}}:manager","value":"{{boss}}"}""");
        Assert.Equal(boss, (await kit.StoredUserAsync(id))!.EnterpriseUser!.Manager!.Value);
    }

    [Fact]
    public async Task Entra_RemoveMembersWithValueList_RemovesOnlyThose()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var carol = await kit.CreateUserAsync("carol");
        var group = await kit.CreateGroupAsync("G", null, alice, bob, carol);
        kit.Events.Clear();

        await kit.PatchAsync("Groups", group, $$"""{"op":"Remove","path":"members","value":[{"value":"{{alice}}"},{"value":"{{carol}}"}]}""");

        Assert.Equal([bob], await kit.MemberIdsAsync(group));
        var change = Assert.Single(kit.Events.All);
        Assert.Equal(ScimChangeKind.MembersRemoved, change.Kind);
        Assert.Equal(new[] { alice, carol }.Order(StringComparer.Ordinal), change.RemovedMemberIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Entra_AddMembersCapitalised_AddsThem()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.CreateGroupAsync("G");
        var patched = await kit.PatchAsync("Groups", group, $$"""{"op":"Add","path":"members","value":[{"value":"{{alice}}"}]}""");
        Assert.True(patched.Changed);
        Assert.Equal([alice], await kit.MemberIdsAsync(group));
        Assert.Equal("User", (await kit.StoredGroupAsync(group))!.Members.Single().Type);
    }

    [Fact]
    public async Task Entra_ReplaceWorkEmailWithNoWorkEmail_AddsIt()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        await kit.PatchAsync("Users", id, """{"op":"Replace","path":"emails[type eq \"work\"].value","value":"b@example.com"}""");
        var email = Assert.Single((await kit.StoredUserAsync(id))!.Emails);
        Assert.Equal(("work", "b@example.com"), (email.Type, email.Value));
    }

    // ---------------------------------------------------------------- Okta

    [Fact]
    public async Task Okta_NoPathActiveFalse_Deactivates()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var patched = await kit.PatchAsync("Users", id, """{"op":"replace","value":{"active":false}}""");
        Assert.Equal(false, (bool?)patched.ToJson()["active"]);
        Assert.False((await kit.StoredUserAsync(id))!.Active);
        var change = kit.Events.All[^1];
        Assert.Equal(ScimChangeKind.Deactivated, change.Kind);
        Assert.Equal(["active"], change.ChangedPaths);
    }

    [Fact]
    public async Task Okta_RenameGroupWithEchoedId_Applies()
    {
        using var kit = new ServiceKit();
        var group = await kit.CreateGroupAsync("Old");
        await kit.PatchAsync("Groups", group, $$"""{"op":"replace","value":{"id":"{{group}}","displayName":"New name"} }""");
        Assert.Equal("New name", (await kit.StoredGroupAsync(group))!.DisplayName);
        Assert.Equal(["displayName"], kit.Events.All[^1].ChangedPaths);
    }

    [Fact]
    public async Task Okta_AddMemberThenRemoveByFilter_Works()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var group = await kit.CreateGroupAsync("G", null, alice);

        await kit.PatchAsync("Groups", group, $$"""{"op":"add","path":"members","value":[{"value":"{{bob}}","display":"bob"}]}""");
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), await kit.MemberIdsAsync(group));

        await kit.PatchAsync("Groups", group, $$"""{"op":"remove","path":"members[value eq \"{{alice}}\"]"}""");
        Assert.Equal([bob], await kit.MemberIdsAsync(group));
        Assert.Equal(ScimChangeKind.MembersRemoved, kit.Events.All[^1].Kind);
        Assert.Equal([alice], kit.Events.All[^1].RemovedMemberIds);
    }

    [Fact]
    public async Task Okta_ReactivateUser_IsActivated()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        await kit.PatchAsync("Users", id, """{"op":"replace","value":{"active":false}}""");
        await kit.PatchAsync("Users", id, """{"op":"replace","value":{"active":true}}""");
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Deactivated, ScimChangeKind.Activated], kit.Events.All.Select(e => e.Kind));
    }

    // ---------------------------------------------------------------- password

    [Fact]
    public async Task Patch_PasswordOnly_ChangesTheStoredPassword()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"p","password":"old-secret"}"""), cancellationToken: Ct);

        var patched = await kit.PatchAsync("Users", created.Id, """{"op":"replace","path":"password","value":"new-secret"}""");

        Assert.True(patched.Changed);
        Assert.NotEqual(created.Version, patched.Version);
        Assert.Equal("new-secret", (await kit.StoredUserAsync(created.Id))!.Password);
        Assert.Equal(["password"], kit.Events.All[^1].ChangedPaths);
    }

    [Fact]
    public async Task Patch_RemovePassword_UnassignsIt()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"p","password":"old-secret"}"""), cancellationToken: Ct);

        var patched = await kit.PatchAsync("Users", created.Id, """{"op":"remove","path":"password"}""");

        Assert.True(patched.Changed);
        Assert.NotEqual(created.Version, patched.Version);
        Assert.Null((await kit.StoredUserAsync(created.Id))!.Password);
        Assert.Equal(["password"], kit.Events.All[^1].ChangedPaths);
    }

    [Fact]
    public async Task PatchAndPut_SamePasswordAgain_ChangeNothing()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"p","password":"same-secret"}"""), cancellationToken: Ct);
        kit.Events.Clear();

        var patched = await kit.PatchAsync("Users", created.Id, """{"op":"replace","path":"password","value":"same-secret"}""");
        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", created.Id, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"p","password":"same-secret"}"""), cancellationToken: Ct);

        Assert.False(patched.Changed);
        Assert.False(replaced.Changed);
        Assert.Equal(created.Version, replaced.Version);
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Patch_RemovePasswordNeverSet_ChangesNothing()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("p"), cancellationToken: Ct);
        var patched = await kit.PatchAsync("Users", created.Id, """{"op":"remove","path":"password"}""");
        Assert.False(patched.Changed);
        Assert.Equal(created.Version, patched.Version);
    }

    // ---------------------------------------------------------------- no-op

    [Fact]
    public async Task Patch_ChangingNothing_KeepsVersion_NoEvent()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen", email: "b@example.com"), cancellationToken: Ct);
        var before = await kit.StoredUserAsync(created.Id);
        kit.Events.Clear();

        var patched = await kit.PatchAsync("Users", created.Id, """{"op":"replace","path":"active","value":true}""");
        var again = await kit.PatchAsync("Users", created.Id, """{"op":"add","path":"emails","value":[{"value":"b@example.com","type":"work","primary":true}]}""");
        var removeAbsent = await kit.PatchAsync("Users", created.Id, """{"op":"remove","path":"emails[type eq \"home\"]"}""");

        Assert.All(new[] { patched, again, removeAbsent }, r =>
        {
            Assert.False(r.Changed);
            Assert.Equal(created.Version, r.Version);
        });
        Assert.Same(before, await kit.StoredUserAsync(created.Id));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Patch_GroupAddingExistingMemberOrRemovingAbsent_KeepsVersion_NoEvent()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var group = await kit.CreateGroupAsync("G", null, alice);
        var version = (await kit.StoredGroupAsync(group))!.Meta!.Version;
        kit.Events.Clear();

        var add = await kit.PatchAsync("Groups", group, $$"""{"op":"add","path":"members","value":[{"value":"{{alice}}"}]}""");
        var remove = await kit.PatchAsync("Groups", group, $$"""{"op":"remove","path":"members[value eq \"{{bob}}\"]"}""");
        var rename = await kit.PatchAsync("Groups", group, """{"op":"replace","path":"displayName","value":"G"}""");
        var replaceSame = await kit.PatchAsync("Groups", group, $$"""{"op":"replace","path":"members","value":[{"value":"{{alice}}"}]}""");

        Assert.All(new[] { add, remove, rename, replaceSame }, r =>
        {
            Assert.False(r.Changed);
            Assert.Equal(version, r.Version);
        });
        Assert.Equal(version, (await kit.StoredGroupAsync(group))!.Meta!.Version);
        Assert.Empty(kit.Events.All);
    }

    // ---------------------------------------------------------------- atomicity

    [Theory]
    [InlineData("""{"op":"replace","path":"active","value":"maybe"}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"op":"remove","path":"userName"}""", ScimErrorType.Mutability)]
    [InlineData("""{"op":"replace","path":"id","value":"x"}""", ScimErrorType.Mutability)]
    [InlineData("""{"op":"replace","path":"shoeSize","value":44}""", ScimErrorType.InvalidPath)]
    [InlineData("""{"op":"remove"}""", ScimErrorType.NoTarget)]
    [InlineData("""{"op":"replace","path":"emails[type eq \"home\"]","value":{"value":"x@example.com"}}""", ScimErrorType.NoTarget)]
    public async Task Patch_ThirdOperationInvalid_StoredUserUnchanged(string third, string scimType)
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen", email: "b@example.com"), cancellationToken: Ct);
        var before = await kit.StoredUserAsync(created.Id);
        var beforeJson = ScimSerializer.Serialize(before!);
        kit.Events.Clear();

        var error = await ServiceKit.ThrowsScimAsync(400, scimType, () => kit.PatchAsync("Users", created.Id, string.Join(",",
            """{"op":"replace","path":"displayName","value":"Changed"}""",
            """{"op":"add","path":"title","value":"Boss"}""",
            third)));

        Assert.Contains("Operations[2]", error.Detail, StringComparison.Ordinal);
        var after = await kit.StoredUserAsync(created.Id);
        Assert.Same(before, after);
        Assert.Equal(beforeJson, ScimSerializer.Serialize(after!));
        Assert.Equal(created.Version, after!.Meta!.Version);
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Patch_ThirdOperationAddsUnknownMember_GroupUnchanged()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var group = await kit.CreateGroupAsync("G", null, alice);
        var version = (await kit.StoredGroupAsync(group))!.Meta!.Version;
        kit.Events.Clear();

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => kit.PatchAsync("Groups", group, string.Join(",",
            """{"op":"replace","path":"displayName","value":"Renamed"}""",
            $$"""{"op":"add","path":"members","value":[{"value":"{{bob}}"}]}""",
            """{"op":"add","path":"members","value":[{"value":"ghost"}]}""")));

        var stored = await kit.StoredGroupAsync(group);
        Assert.Equal("G", stored!.DisplayName);
        Assert.Equal(version, stored.Meta!.Version);
        Assert.Equal([alice], await kit.MemberIdsAsync(group));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Patch_ThirdOperationInvalidOnGroup_GroupUnchanged()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var group = await kit.CreateGroupAsync("G", null, alice);
        var version = (await kit.StoredGroupAsync(group))!.Meta!.Version;

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidPath, () => kit.PatchAsync("Groups", group, string.Join(",",
            """{"op":"replace","path":"displayName","value":"Renamed"}""",
            $$"""{"op":"add","path":"members","value":[{"value":"{{bob}}"}]}""",
            """{"op":"replace","path":"nope","value":1}""")));

        Assert.Equal(("G", version), ((await kit.StoredGroupAsync(group))!.DisplayName, (await kit.StoredGroupAsync(group))!.Meta!.Version));
        Assert.Equal([alice], await kit.MemberIdsAsync(group));
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"jump","path":"x"}]}""")]
    [InlineData("""{"Operations":[""")]
    public async Task Patch_MalformedMessage_Is400InvalidSyntax(string body)
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var before = await kit.StoredUserAsync(id);
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () => kit.Service.PatchAsync(ServiceKit.Context, "Users", id, ServiceKit.Json(body), cancellationToken: Ct));
        Assert.Same(before, await kit.StoredUserAsync(id));
    }

    [Fact]
    public async Task Patch_UnknownId_Is404()
    {
        using var kit = new ServiceKit();
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.PatchAsync("Users", "ghost", """{"op":"replace","path":"displayName","value":"x"}"""));
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.PatchAsync("Groups", "ghost", """{"op":"replace","path":"displayName","value":"x"}"""));
    }

    [Fact]
    public async Task Patch_UserNameToTakenOne_Is409Uniqueness_AndUnchanged()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        await kit.CreateUserAsync("taken");
        var before = await kit.StoredUserAsync(id);
        await ServiceKit.ThrowsScimAsync(409, ScimErrorType.Uniqueness, () => kit.PatchAsync("Users", id, """{"op":"replace","path":"userName","value":"Taken"}"""));
        Assert.Same(before, await kit.StoredUserAsync(id));
    }

    [Fact]
    public async Task Patch_ImmutableChanged_Is400Mutability()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("badged");
        await kit.PatchAsync("Users", id, $$"""{"op":"add","path":"{{ServiceKit.Badge}}:badgeId","value":"B-1"}""");
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.Mutability, () => kit.PatchAsync("Users", id, $$"""{"op":"replace","path":"{{ServiceKit.Badge}}:badgeId","value":"B-2"}"""));
    }

    // ---------------------------------------------------------------- If-Match

    [Fact]
    public async Task Patch_IfMatchCurrent_Applies()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);
        var patched = await kit.PatchAsync("Users", created.Id, """{"op":"replace","path":"displayName","value":"X"}""", new ScimRequestOptions { IfMatch = created.Version });
        Assert.True(patched.Changed);
        Assert.Equal("X", (await kit.StoredUserAsync(created.Id))!.DisplayName);
    }

    [Fact]
    public async Task Patch_IfMatchStale_Is412_AndNoChange()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);
        await kit.PatchAsync("Users", created.Id, """{"op":"replace","path":"displayName","value":"First"}""");
        var before = await kit.StoredUserAsync(created.Id);
        kit.Events.Clear();

        await ServiceKit.ThrowsScimAsync(412, null, () =>
            kit.PatchAsync("Users", created.Id, """{"op":"replace","path":"displayName","value":"Second"}""", new ScimRequestOptions { IfMatch = created.Version }));

        Assert.Same(before, await kit.StoredUserAsync(created.Id));
        Assert.Equal("First", before!.DisplayName);
        Assert.Empty(kit.Events.All);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"nope\", *")]
    public async Task Patch_IfMatchStar_Applies(string ifMatch)
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var patched = await kit.PatchAsync("Users", id, """{"op":"replace","path":"displayName","value":"X"}""", new ScimRequestOptions { IfMatch = ifMatch });
        Assert.True(patched.Changed);
    }

    [Fact]
    public async Task Patch_IfMatchListContainingCurrent_Applies()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);
        var patched = await kit.PatchAsync("Users", created.Id, """{"op":"replace","path":"displayName","value":"X"}""", new ScimRequestOptions { IfMatch = $"W/\"old\", {created.Version}" });
        Assert.True(patched.Changed);
    }

    [Fact]
    public async Task Patch_GroupIfMatch_StaleIs412_CurrentApplies()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("G"), cancellationToken: Ct);
        var added = await kit.PatchAsync("Groups", created.Id, $$"""{"op":"add","path":"members","value":[{"value":"{{alice}}"}]}""", new ScimRequestOptions { IfMatch = created.Version });
        Assert.NotEqual(created.Version, added.Version);

        await ServiceKit.ThrowsScimAsync(412, null, () =>
            kit.PatchAsync("Groups", created.Id, $$"""{"op":"add","path":"members","value":[{"value":"{{bob}}"}]}""", new ScimRequestOptions { IfMatch = created.Version }));
        Assert.Equal([alice], await kit.MemberIdsAsync(created.Id));

        await kit.PatchAsync("Groups", created.Id, $$"""{"op":"add","path":"members","value":[{"value":"{{bob}}"}]}""", new ScimRequestOptions { IfMatch = added.Version });
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), await kit.MemberIdsAsync(created.Id));
    }

    // ---------------------------------------------------------------- large groups

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Patch_AddMembersToTenThousandMemberGroup_ReportsEffectiveIds(bool returnResource)
    {
        using var kit = new ServiceKit();
        var ids = await SeedUsersAsync(kit, 10_003);
        var group = (await kit.Service.CreateAsync(ServiceKit.Context, new Group { DisplayName = "Big", Members = [.. ids.Take(10_000).Select(id => new GroupMember { Value = id })] }, Ct)).Id;
        Assert.Equal(10_000, (await kit.StoredGroupAsync(group))!.Members.Count);
        var version = (await kit.StoredGroupAsync(group))!.Meta!.Version;
        kit.Events.Clear();

        // Two new members, one already there, one new twice.
        var fresh = ids.Skip(10_000).ToArray();
        var patched = await kit.PatchAsync("Groups", group, $$"""
            {"op":"add","path":"members","value":[{"value":"{{fresh[0]}}"},{"value":"{{ids[5]}}"},{"value":"{{fresh[1]}}"},{"value":"{{fresh[0]}}"}]}
            """, new ScimRequestOptions { ReturnResource = returnResource });

        Assert.True(patched.Changed);
        Assert.NotEqual(version, patched.Version);
        var change = Assert.Single(kit.Events.All);
        Assert.Equal(ScimChangeKind.MembersAdded, change.Kind);
        Assert.Equal(new[] { fresh[0], fresh[1] }.Order(StringComparer.Ordinal), change.AddedMemberIds.Order(StringComparer.Ordinal));
        Assert.Empty(change.RemovedMemberIds);
        Assert.Equal(patched.Version, change.Version);
        var stored = await kit.StoredGroupAsync(group);
        Assert.Equal(10_002, stored!.Members.Count);
        Assert.Equal(patched.Version, stored.Meta!.Version);
        if (returnResource)
        {
            var members = patched.ToJson()["members"]!.AsArray();
            Assert.Equal(10_002, members.Count);
            Assert.Contains(members, m => (string?)m!["value"] == fresh[1]);
        }
    }

    [Fact]
    public async Task Patch_RemoveOneOfTenThousand_ReportsIt()
    {
        using var kit = new ServiceKit();
        var ids = await SeedUsersAsync(kit, 10_000);
        var group = (await kit.Service.CreateAsync(ServiceKit.Context, new Group { DisplayName = "Big", Members = [.. ids.Select(id => new GroupMember { Value = id })] }, Ct)).Id;
        kit.Events.Clear();

        var patched = await kit.PatchAsync("Groups", group, $$"""{"op":"remove","path":"members[value eq \"{{ids[1234]}}\"]"}""", new ScimRequestOptions { ReturnResource = false });

        Assert.True(patched.Changed);
        Assert.Equal([ids[1234]], kit.Events.All.Single().RemovedMemberIds);
        Assert.Equal(9_999, (await kit.StoredGroupAsync(group))!.Members.Count);
    }

    private static async Task<List<string>> SeedUsersAsync(ServiceKit kit, int count)
    {
        var ids = new List<string>(count);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7().ToString();
            var user = new User { Id = id, UserName = $"user{i:D5}", Meta = new ResourceMeta { ResourceType = "User", Created = now, LastModified = now, Version = "W/\"seed\"" } };
            Assert.Equal(StoreWriteStatus.Succeeded, (await kit.Users.CreateAsync(ServiceKit.Context, user, Ct)).Status);
            ids.Add(id);
        }

        return ids;
    }
}
