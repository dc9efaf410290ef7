using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>DELETE through the service, and the memberships a delete takes with it.</summary>
public sealed class ServiceDeleteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delete_User_IsGone()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");
        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", id, cancellationToken: Ct);
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Users", id));
        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Deleted], kit.Events.All.Select(e => e.Kind));
    }

    [Fact]
    public async Task Delete_UnknownId_Is404_NoEvent()
    {
        using var kit = new ServiceKit();
        await kit.CreateUserAsync("alice");
        kit.Events.Clear();
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.Service.DeleteAsync(ServiceKit.Context, "Users", "ghost", cancellationToken: Ct));
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.Service.DeleteAsync(ServiceKit.Context, "Groups", "ghost", cancellationToken: Ct));
        Assert.Empty(kit.Events.All);
    }

    /// <summary>
    /// A delete whose store keeps reporting a change (a race it lost every time it ran) is 409
    /// "kept changing" when the client sent no If-Match, as for a replace or a patch; 412 only
    /// answers an If-Match.
    /// </summary>
    [Fact]
    public async Task Delete_ThatKeepsLosingItsRace_Is409WithoutIfMatch_412WithIt()
    {
        var registry = Scim.Core.Schema.SchemaRegistry.CreateDefault();
        var rows = new Scim.Core.InMemory.InMemoryUserStore(registry);
        var service = new ScimService(new ScimEngine(registry, new ScimServiceOptions()), new ChangingUsers(rows), null, new InlineDelivery([], null), null, null);
        var created = await service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);

        var without = await ServiceKit.ThrowsScimAsync(409, null, () => service.DeleteAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: Ct));
        Assert.Contains("kept changing", without.Detail, StringComparison.Ordinal);
        await ServiceKit.ThrowsScimAsync(412, null, () => service.DeleteAsync(ServiceKit.Context, "Users", created.Id, new ScimRequestOptions { IfMatch = created.Version }, Ct));
    }

    /// <summary>A store that refuses a delete (something still needs the resource) gives 409 without <c>uniqueness</c>, which would say a value is taken.</summary>
    [Fact]
    public async Task Delete_TheStoreRefuses_Is409WithoutScimType()
    {
        var registry = Scim.Core.Schema.SchemaRegistry.CreateDefault();
        var service = new ScimService(new ScimEngine(registry, new ScimServiceOptions()), new RefusingUsers(new Scim.Core.InMemory.InMemoryUserStore(registry)), null, new InlineDelivery([], null), null, null);
        var created = await service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);

        var refused = await ServiceKit.ThrowsScimAsync(409, null, () => service.DeleteAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: Ct));
        Assert.Null(refused.ScimType);
    }

    [Fact]
    public async Task Delete_Twice_SecondIs404()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");
        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", id, cancellationToken: Ct);
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.Service.DeleteAsync(ServiceKit.Context, "Users", id, cancellationToken: Ct));
    }

    [Fact]
    public async Task Delete_AnotherTenantsId_Is404_AndTheirsStays()
    {
        using var kit = new ServiceKit();
        var other = ServiceKit.Tenant("other");
        var theirs = await kit.CreateUserAsync("alice", other);
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.Service.DeleteAsync(ServiceKit.Context, "Users", theirs, cancellationToken: Ct));
        Assert.Equal(1, kit.Users.Count("other"));
    }

    [Fact]
    public async Task Delete_IfMatchStale_Is412_AndStays()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
        await kit.PatchAsync("Users", created.Id, """{"op":"replace","path":"displayName","value":"A"}""");
        kit.Events.Clear();

        await ServiceKit.ThrowsScimAsync(412, null, () => kit.Service.DeleteAsync(ServiceKit.Context, "Users", created.Id, new ScimRequestOptions { IfMatch = created.Version }, Ct));

        Assert.NotNull(await kit.StoredUserAsync(created.Id));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Delete_IfMatchStaleOnGroup_Is412_AndStays()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("G"), cancellationToken: Ct);
        await kit.PatchAsync("Groups", created.Id, $$"""{"op":"add","path":"members","value":[{"value":"{{alice}}"}]}""");

        await ServiceKit.ThrowsScimAsync(412, null, () => kit.Service.DeleteAsync(ServiceKit.Context, "Groups", created.Id, new ScimRequestOptions { IfMatch = created.Version }, Ct));

        Assert.Equal([alice], await kit.MemberIdsAsync(created.Id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Delete_IfMatchCurrentOrStar_Deletes(bool star)
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", created.Id, new ScimRequestOptions { IfMatch = star ? "*" : created.Version }, Ct);
        Assert.Null(await kit.StoredUserAsync(created.Id));
    }

    [Fact]
    public async Task Delete_IfMatchOnUnknownId_Is404()
    {
        using var kit = new ServiceKit();
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.Service.DeleteAsync(ServiceKit.Context, "Users", "ghost", new ScimRequestOptions { IfMatch = "*" }, Ct));
    }

    [Fact]
    public async Task Delete_User_FreesTheUserName()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");
        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", id, cancellationToken: Ct);
        var again = await kit.CreateUserAsync("ALICE");
        Assert.NotEqual(id, again);
    }

    [Fact]
    public async Task Delete_User_RemovesItFromEveryGroup()
    {
        var clock = new FakeTimeProvider();
        using var kit = new ServiceKit(time: clock);
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var g1 = await kit.CreateGroupAsync("G1", null, alice, bob);
        var g2 = await kit.CreateGroupAsync("G2", null, alice);
        var g3 = await kit.CreateGroupAsync("G3", null, bob);
        var versions = new Dictionary<string, string?>
        {
            [g1] = (await kit.StoredGroupAsync(g1))!.Meta!.Version,
            [g2] = (await kit.StoredGroupAsync(g2))!.Meta!.Version,
            [g3] = (await kit.StoredGroupAsync(g3))!.Meta!.Version,
        };
        kit.Events.Clear();
        clock.Advance(TimeSpan.FromHours(1));

        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", alice, cancellationToken: Ct);

        Assert.Equal([bob], await kit.MemberIdsAsync(g1));
        Assert.Empty(await kit.MemberIdsAsync(g2));
        Assert.Equal([bob], await kit.MemberIdsAsync(g3));
        Assert.Empty(await kit.Groups.GetGroupsOfMembersAsync(ServiceKit.Context, [alice], Ct));

        var events = kit.Events.All;
        Assert.Equal(ScimChangeKind.Deleted, events[0].Kind);
        Assert.Equal(alice, events[0].ResourceId);
        Assert.Null(events[0].Version);
        var removals = events.Skip(1).ToList();
        Assert.Equal(new[] { g1, g2 }.Order(StringComparer.Ordinal), removals.Select(e => e.ResourceId).Order(StringComparer.Ordinal));
        foreach (var removal in removals)
        {
            Assert.Equal(ScimChangeKind.MembersRemoved, removal.Kind);
            Assert.Equal("Group", removal.ResourceType);
            Assert.Equal([alice], removal.RemovedMemberIds);
            Assert.Equal(["members"], removal.ChangedPaths);
            var stored = await kit.StoredGroupAsync(removal.ResourceId);
            Assert.NotEqual(versions[removal.ResourceId], stored!.Meta!.Version);
            Assert.Equal(stored.Meta.Version, removal.Version);
            Assert.Equal(clock.GetUtcNow(), stored.Meta.LastModified);
        }

        Assert.Equal(versions[g3], (await kit.StoredGroupAsync(g3))!.Meta!.Version);
    }

    [Fact]
    public async Task Delete_UserInNoGroup_PublishesOnlyDeleted()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        await kit.CreateGroupAsync("G", null, bob);
        kit.Events.Clear();
        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", alice, cancellationToken: Ct);
        Assert.Equal([ScimChangeKind.Deleted], kit.Events.All.Select(e => e.Kind));
    }

    [Fact]
    public async Task Delete_Group_RemovesItFromParentGroups()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var child = await kit.CreateGroupAsync("Child", null, alice);
        var parent = await kit.CreateGroupAsync("Parent", null, child, alice);
        var grand = await kit.CreateGroupAsync("Grand", null, parent, child);
        var parentVersion = (await kit.StoredGroupAsync(parent))!.Meta!.Version;
        kit.Events.Clear();

        await kit.Service.DeleteAsync(ServiceKit.Context, "Groups", child, cancellationToken: Ct);

        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Groups", child));
        Assert.Equal([alice], await kit.MemberIdsAsync(parent));
        Assert.Equal([parent], await kit.MemberIdsAsync(grand));
        Assert.NotEqual(parentVersion, (await kit.StoredGroupAsync(parent))!.Meta!.Version);
        var events = kit.Events.All;
        Assert.Equal((ScimChangeKind.Deleted, child), (events[0].Kind, events[0].ResourceId));
        Assert.Equal(new[] { parent, grand }.Order(StringComparer.Ordinal), events.Skip(1).Select(e => e.ResourceId).Order(StringComparer.Ordinal));
        Assert.All(events.Skip(1), e => Assert.Equal((ScimChangeKind.MembersRemoved, child), (e.Kind, e.RemovedMemberIds.Single())));

        // Alice is still a member of Parent, directly, and of Grand through it.
        var groups = (await kit.GetAsync("Users", alice)).ToJson()["groups"]!.AsArray().Select(g => ((string)g!["value"]!, (string)g["type"]!)).ToList();
        Assert.Equal([(parent, "direct"), (grand, "indirect")], groups);
    }

    [Fact]
    public async Task Delete_GroupWithMembers_LeavesTheMembers()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.CreateGroupAsync("G", null, alice);
        await kit.Service.DeleteAsync(ServiceKit.Context, "Groups", group, cancellationToken: Ct);
        Assert.NotNull(await kit.StoredUserAsync(alice));
        Assert.Null((await kit.GetAsync("Users", alice)).ToJson()["groups"]);
        Assert.Empty(await kit.Groups.GetGroupsOfMembersAsync(ServiceKit.Context, [alice], Ct));
    }

    /// <summary>A user store whose delete always reports that the user changed meanwhile.</summary>
    private sealed class ChangingUsers(IUserStore rows) : DelegatingUserStore(rows)
    {
        public override Task<StoreWriteResult<Scim.Core.Resources.User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) =>
            Task.FromResult(StoreWriteResult.VersionMismatch<Scim.Core.Resources.User>());
    }

    /// <summary>A user store that refuses every delete.</summary>
    private sealed class RefusingUsers(IUserStore rows) : DelegatingUserStore(rows)
    {
        public override Task<StoreWriteResult<Scim.Core.Resources.User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) =>
            Task.FromResult(StoreWriteResult.Conflict<Scim.Core.Resources.User>("id"));
    }
}
