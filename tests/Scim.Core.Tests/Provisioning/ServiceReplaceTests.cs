using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>PUT through the service: replacement by mutability, versions, members and events.</summary>
public sealed class ServiceReplaceTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A member listed without a value is refused by PUT as by POST (it was dropped), and the group keeps its members.</summary>
    [Theory]
    [InlineData("""{"display":"nobody"}""")]
    [InlineData("""{"type":"User"}""")]
    [InlineData("""{"value":"","type":"User"}""")]
    public async Task Replace_GroupWithMemberWithoutValue_Is400InvalidValue_AndKeepsTheMembers(string member)
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("G", alice), cancellationToken: Ct);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group.Id, ServiceKit.Json($$"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":"{{alice}}"},{{member}}]}
                """), cancellationToken: Ct));

        var stored = (await kit.Service.GetAsync(ServiceKit.Context, "Groups", group.Id, cancellationToken: Ct)).ToJson();
        Assert.Equal([alice], stored["members"]!.AsArray().Select(m => (string?)m!["value"]));
        Assert.Equal(group.Version, (string?)stored["meta"]!["version"]);
    }

    [Fact]
    public async Task Replace_ReadWriteNotSent_IsCleared()
    {
        using var kit = new ServiceKit();
        var id = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""
            {"schemas":["{{UserSchema}}"],"userName":"bjensen","displayName":"Babs","title":"Boss","emails":[{"value":"b@example.com"}]}
            """), cancellationToken: Ct)).Id;

        var replaced = await PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","title":"CEO"}""");

        Assert.True(replaced.Changed);
        var json = replaced.ToJson();
        Assert.Equal("CEO", (string?)json["title"]);
        Assert.Null(json["displayName"]);
        Assert.Null(json["emails"]);
        var stored = await kit.StoredUserAsync(id);
        Assert.Null(stored!.DisplayName);
        Assert.Empty(stored.Emails);
        Assert.Equal(replaced.Version, stored.Meta!.Version);
    }

    [Fact]
    public async Task Replace_ReadOnlySent_IsIgnored()
    {
        var clock = new FakeTimeProvider();
        using var kit = new ServiceKit(time: clock);
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);
        var group = await kit.CreateGroupAsync("G");
        clock.Advance(TimeSpan.FromMinutes(5));

        var replaced = await PutAsync(kit, created.Id, $$"""
            {"schemas":["{{UserSchema}}"],"id":"{{created.Id}}","userName":"bjensen","displayName":"New",
             "meta":{"created":"1999-01-01T00:00:00Z","version":"W/\"client\"","resourceType":"Group"},
             "groups":[{"value":"{{group}}"}]}
            """);

        var json = replaced.ToJson();
        Assert.NotEqual("W/\"client\"", replaced.Version);
        Assert.Equal("User", (string?)json["meta"]!["resourceType"]);
        Assert.Equal((string?)created.ToJson()["meta"]!["created"], (string?)json["meta"]!["created"]);
        Assert.Equal(Scim.Core.Serialization.ScimDateTime.Format(clock.GetUtcNow()), (string?)json["meta"]!["lastModified"]);
        Assert.Null(json["groups"]);
        Assert.Empty(await kit.Groups.GetGroupsOfMembersAsync(ServiceKit.Context, [created.Id], Ct));
    }

    [Fact]
    public async Task Replace_ImmutableChanged_Is400Mutability_AndStoreUntouched()
    {
        using var kit = new ServiceKit();
        var id = await CreateBadgedAsync(kit, "B-1");
        var before = await kit.StoredUserAsync(id);
        kit.Events.Clear();

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.Mutability, () =>
            PutAsync(kit, id, BadgeBody("B-2")));

        Assert.Same(before, await kit.StoredUserAsync(id));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Replace_ImmutableSameOrNotSent_IsKept()
    {
        using var kit = new ServiceKit();
        var id = await CreateBadgedAsync(kit, "B-1");

        var same = await PutAsync(kit, id, BadgeBody("B-1", displayName: "One"));
        Assert.Equal("B-1", (string?)same.ToJson()[ServiceKit.Badge]!["badgeId"]);

        var omitted = await PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"userName":"badged","displayName":"Two"}""");
        Assert.Equal("B-1", (string?)omitted.ToJson()[ServiceKit.Badge]!["badgeId"]);
    }

    [Fact]
    public async Task Replace_ImmutableNotYetSet_CanBeSet()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("badged");
        var replaced = await PutAsync(kit, id, BadgeBody("B-9"));
        Assert.Equal("B-9", (string?)replaced.ToJson()[ServiceKit.Badge]!["badgeId"]);
    }

    [Fact]
    public async Task Replace_IdInBodyDiffersFromUrl_Is400InvalidValue()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var other = await kit.CreateUserAsync("other");
        var before = await kit.StoredUserAsync(id);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"id":"{{other}}","userName":"bjensen","displayName":"X"}"""));

        Assert.Same(before, await kit.StoredUserAsync(id));
        Assert.Null((await kit.StoredUserAsync(other))!.DisplayName);
    }

    [Fact]
    public async Task Replace_Unchanged_IsNotChanged_SameVersion_NoEvent()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen", "ext-1", email: "b@example.com"), cancellationToken: Ct);
        kit.Events.Clear();
        var before = await kit.StoredUserAsync(created.Id);

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", created.Id, ServiceKit.UserBody("bjensen", "ext-1", email: "b@example.com"), cancellationToken: Ct);

        Assert.False(replaced.Changed);
        Assert.Equal(created.Version, replaced.Version);
        Assert.Same(before, await kit.StoredUserAsync(created.Id));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Replace_PasswordNotSent_IsKept_AndSentIsChanged()
    {
        using var kit = new ServiceKit();
        var id = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""{"schemas":["{{UserSchema}}"],"userName":"p","password":"first"}"""), cancellationToken: Ct)).Id;

        await PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"userName":"p","displayName":"P"}""");
        Assert.Equal("first", (await kit.StoredUserAsync(id))!.Password);

        var changed = await PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"userName":"p","displayName":"P","password":"second"}""");
        Assert.True(changed.Changed);
        Assert.Equal("second", (await kit.StoredUserAsync(id))!.Password);
        Assert.Equal(["password"], kit.Events.All[^1].ChangedPaths);
    }

    [Fact]
    public async Task Replace_UnknownId_Is404()
    {
        using var kit = new ServiceKit();
        await kit.CreateUserAsync("someone");
        await ServiceKit.ThrowsScimAsync(404, null, () => PutAsync(kit, "ghost", $$"""{"schemas":["{{UserSchema}}"],"userName":"ghost"}"""));
        Assert.Equal(1, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    [Fact]
    public async Task Replace_AnotherTenantsId_Is404()
    {
        using var kit = new ServiceKit();
        var theirs = await kit.CreateUserAsync("theirs", ServiceKit.Tenant("other"));
        await ServiceKit.ThrowsScimAsync(404, null, () => PutAsync(kit, theirs, $$"""{"schemas":["{{UserSchema}}"],"userName":"mine"}"""));
    }

    [Fact]
    public async Task Replace_MissingUserName_Is400InvalidValue()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"displayName":"x"}"""));
    }

    [Fact]
    public async Task Replace_MalformedBody_Is400InvalidSyntax()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () => PutAsync(kit, id, "{\"schemas\":"));
    }

    [Fact]
    public async Task Replace_UserNameOfAnotherUser_Is409Uniqueness()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        await kit.CreateUserAsync("taken");
        var before = await kit.StoredUserAsync(id);

        await ServiceKit.ThrowsScimAsync(409, ScimErrorType.Uniqueness, () => PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"userName":"TAKEN"}"""));

        Assert.Same(before, await kit.StoredUserAsync(id));
    }

    [Fact]
    public async Task Replace_OwnUserNameInOtherCase_IsAllowed()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var replaced = await PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"userName":"BJensen"}""");
        Assert.Equal("BJensen", (string?)replaced.ToJson()["userName"]);
    }

    [Fact]
    public async Task Replace_ExternalIdOfAnother_WithUniqueExternalId_Is409Uniqueness()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { UniqueExternalId = true });
        var id = await kit.CreateUserAsync("a", externalId: "ext-a");
        await kit.CreateUserAsync("b", externalId: "ext-b");

        await ServiceKit.ThrowsScimAsync(409, ScimErrorType.Uniqueness, () => PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"userName":"a","externalId":"ext-b"}"""));
        var kept = await PutAsync(kit, id, $$"""{"schemas":["{{UserSchema}}"],"userName":"a","externalId":"ext-a","displayName":"A"}""");
        Assert.Equal("ext-a", (string?)kept.ToJson()["externalId"]);
    }

    [Fact]
    public async Task Replace_IfMatch_CurrentApplies_StaleIs412()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);

        var first = await PutAsync(kit, created.Id, $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","displayName":"1"}""", new ScimRequestOptions { IfMatch = created.Version });
        Assert.True(first.Changed);
        var before = await kit.StoredUserAsync(created.Id);

        await ServiceKit.ThrowsScimAsync(412, null, () =>
            PutAsync(kit, created.Id, $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","displayName":"2"}""", new ScimRequestOptions { IfMatch = created.Version }));
        Assert.Same(before, await kit.StoredUserAsync(created.Id));
    }

    [Fact]
    public async Task Replace_Group_ReplacesMembers_AndReportsAddedAndRemoved()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var carol = await kit.CreateUserAsync("carol");
        var group = await kit.CreateGroupAsync("G", null, alice, bob);
        var version = (await kit.StoredGroupAsync(group))!.Meta!.Version;
        kit.Events.Clear();

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.GroupBody("G", bob, carol), cancellationToken: Ct);

        Assert.True(replaced.Changed);
        Assert.NotEqual(version, replaced.Version);
        Assert.Equal(new[] { bob, carol }.Order(StringComparer.Ordinal), replaced.ToJson()["members"]!.AsArray().Select(m => (string)m!["value"]!).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { bob, carol }.Order(StringComparer.Ordinal), await kit.MemberIdsAsync(group));
        var change = Assert.Single(kit.Events.All);
        Assert.Equal(ScimChangeKind.Replaced, change.Kind);
        Assert.Equal([carol], change.AddedMemberIds);
        Assert.Equal([alice], change.RemovedMemberIds);
        Assert.Contains("members", change.ChangedPaths);
        Assert.Equal(replaced.Version, change.Version);
    }

    [Fact]
    public async Task Replace_GroupMembersOnlyAdded_IsMembersAdded()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var group = await kit.CreateGroupAsync("G", null, alice);
        kit.Events.Clear();

        await kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.GroupBody("G", alice, bob), cancellationToken: Ct);

        var change = Assert.Single(kit.Events.All);
        Assert.Equal(ScimChangeKind.MembersAdded, change.Kind);
        Assert.Equal([bob], change.AddedMemberIds);
        Assert.Empty(change.RemovedMemberIds);
    }

    [Fact]
    public async Task Replace_GroupWithoutMembers_RemovesAll()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.CreateGroupAsync("G", null, alice);
        kit.Events.Clear();

        await kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G"}"""), cancellationToken: Ct);

        Assert.Empty(await kit.MemberIdsAsync(group));
        var change = Assert.Single(kit.Events.All);
        Assert.Equal(ScimChangeKind.MembersRemoved, change.Kind);
        Assert.Equal([alice], change.RemovedMemberIds);
    }

    [Fact]
    public async Task Replace_GroupSameMembersAndName_IsNotChanged()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.CreateGroupAsync("G", null, alice);
        var version = (await kit.StoredGroupAsync(group))!.Meta!.Version;
        kit.Events.Clear();

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.GroupBody("G", alice), cancellationToken: Ct);

        Assert.False(replaced.Changed);
        Assert.Equal(version, replaced.Version);
        Assert.Equal(version, (await kit.StoredGroupAsync(group))!.Meta!.Version);
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Replace_GroupRenameAndMembers_IsOneReplacedEvent()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.CreateGroupAsync("G");
        kit.Events.Clear();

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.GroupBody("Renamed", alice), cancellationToken: Ct);

        Assert.Equal("Renamed", (await kit.StoredGroupAsync(group))!.DisplayName);
        var change = Assert.Single(kit.Events.All);
        Assert.Equal(ScimChangeKind.Replaced, change.Kind);
        Assert.Equal(["displayName", "members"], change.ChangedPaths.Order(StringComparer.Ordinal));
        Assert.Equal([alice], change.AddedMemberIds);
        Assert.Equal(replaced.Version, change.Version);
        Assert.Equal(replaced.Version, (await kit.StoredGroupAsync(group))!.Meta!.Version);
    }

    [Fact]
    public async Task Replace_GroupWithUnknownMember_Is400InvalidValue_AndMembersKept()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.CreateGroupAsync("G", null, alice);
        var version = (await kit.StoredGroupAsync(group))!.Meta!.Version;

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.GroupBody("Renamed", "ghost"), cancellationToken: Ct));

        var stored = await kit.StoredGroupAsync(group);
        Assert.Equal("G", stored!.DisplayName);
        Assert.Equal(version, stored.Meta!.Version);
        Assert.Equal([alice], await kit.MemberIdsAsync(group));
    }

    private static Task<ScimResourceResult> PutAsync(ServiceKit kit, string id, string body, ScimRequestOptions? options = null) =>
        kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, ServiceKit.Json(body), options, Ct);

    private static string BadgeBody(string badge, string? displayName = null) =>
        $$"""{"schemas":["{{UserSchema}}","{{ServiceKit.Badge}}"],"userName":"badged"{{(displayName is null ? "" : $",\"displayName\":\"{displayName}\"")}},"{{ServiceKit.Badge}}":{"badgeId":"{{badge}}"} }""";

    private static async Task<string> CreateBadgedAsync(ServiceKit kit, string badge) =>
        (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json(BadgeBody(badge)), cancellationToken: Ct)).Id;
}
