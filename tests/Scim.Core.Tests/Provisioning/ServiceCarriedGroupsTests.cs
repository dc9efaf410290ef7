using System.Text.Json.Nodes;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// A user store that reads users' direct groups with them (<see cref="IUserGroupsStore"/>): the
/// service takes those instead of asking the group store for the user's groups, still asks it for
/// the groups above (nesting), and writes the same <c>groups</c> as without the capability.
/// </summary>
public sealed class ServiceCarriedGroupsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_TakesTheStoresGroups_AndAsksTheGroupStoreOnlyForTheGroupsAbove_TheirGroups()
    {
        using var kit = new Kit(carries: true);
        var alice = await kit.CreateUserAsync("alice");
        var team = await kit.CreateGroupAsync("Team", alice);
        var company = await kit.CreateGroupAsync("Company", team);
        kit.Groups.Reset();

        var groups = Entries((await kit.Service.GetAsync(ServiceKit.Context, "Users", alice, cancellationToken: Ct)).ToJson());

        Assert.Equal([$"{team} Team direct https://example.com/scim/v2/Groups/{team}", $"{company} Company indirect https://example.com/scim/v2/Groups/{company}"], groups);
        Assert.Equal([[team], [company]], kit.Groups.MemberLookups);
        Assert.Equal(1, kit.Users.GroupReads);
    }

    [Fact]
    public async Task ListAndLookup_TakeTheStoresGroups()
    {
        using var kit = new Kit(carries: true);
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        await kit.CreateUserAsync("carol");
        var team = await kit.CreateGroupAsync("Team", alice, bob);
        var admins = await kit.CreateGroupAsync("Admins", alice);
        kit.Groups.Reset();

        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName" }, Ct);
        var lookup = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = "userName eq \"BOB\"" }, Ct);

        Assert.Equal(
            [[$"{team} Team direct https://example.com/scim/v2/Groups/{team}", $"{admins} Admins direct https://example.com/scim/v2/Groups/{admins}"], [$"{team} Team direct https://example.com/scim/v2/Groups/{team}"], []],
            page.Resources.Select(r => Entries(r.ToJson())));
        Assert.Equal([$"{team} Team direct https://example.com/scim/v2/Groups/{team}"], Entries(Assert.Single(lookup.Resources).ToJson()));
        Assert.Empty(kit.Groups.MemberLookups);
    }

    [Fact]
    public async Task AStoreThatSaysNo_IsNotTrusted_TheGroupStoreIsAsked()
    {
        using var kit = new Kit(carries: false);
        var alice = await kit.CreateUserAsync("alice");
        var team = await kit.CreateGroupAsync("Team", alice);
        kit.Groups.Reset();

        var groups = Entries((await kit.Service.GetAsync(ServiceKit.Context, "Users", alice, cancellationToken: Ct)).ToJson());

        Assert.Equal([$"{team} Team direct https://example.com/scim/v2/Groups/{team}"], groups);
        Assert.Equal([[alice]], kit.Groups.MemberLookups);
    }

    [Fact]
    public async Task AReadWithoutGroups_AndAWrite_DoNotTakeTheStoresGroups()
    {
        using var kit = new Kit(carries: true);
        var alice = await kit.CreateUserAsync("alice");
        var team = await kit.CreateGroupAsync("Team", alice);
        kit.Groups.Reset();

        var projected = (await kit.Service.GetAsync(ServiceKit.Context, "Users", alice, new ScimRequestOptions { Attributes = "userName" }, Ct)).ToJson();
        Assert.Null(projected["groups"]);
        Assert.Equal(0, kit.Users.GroupReads);

        // A write's result is not a read: its groups come from the group store, as for any store.
        var patched = await kit.Service.PatchAsync(ServiceKit.Context, "Users", alice, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Boss"}]}"""), cancellationToken: Ct);
        Assert.Equal([$"{team} Team direct https://example.com/scim/v2/Groups/{team}"], Entries(patched.ToJson()));
        Assert.Equal([[alice]], kit.Groups.MemberLookups);
    }

    private static List<string> Entries(JsonObject user) =>
        [.. (user["groups"]?.AsArray() ?? []).Select(g => $"{g!["value"]} {g["display"]} {g["type"]} {g["$ref"]}").Order(StringComparer.Ordinal)];

    private sealed class Kit : IDisposable
    {
        public Kit(bool carries)
        {
            var registry = SchemaRegistry.CreateDefault();
            var engine = new ScimEngine(registry, new ScimServiceOptions());
            Inner = new InMemoryGroupStore(registry);
            Groups = new SpyGroupStore(Inner);
            Users = new CarryingUserStore(new InMemoryUserStore(registry), Inner, carries);
            Service = new ScimService(engine, Users, Groups, new Scim.Core.Events.InlineDelivery([]), null, null);
        }

        public InMemoryGroupStore Inner { get; }

        public SpyGroupStore Groups { get; }

        public CarryingUserStore Users { get; }

        public ScimService Service { get; }

        public async Task<string> CreateUserAsync(string userName) =>
            (await Service.CreateAsync(ServiceKit.Context, "User", ServiceKit.UserBody(userName), cancellationToken: Ct)).Id;

        public async Task<string> CreateGroupAsync(string displayName, params string[] memberIds) =>
            (await Service.CreateAsync(ServiceKit.Context, "Group", ServiceKit.GroupBody(displayName, memberIds), cancellationToken: Ct)).Id;

        public void Dispose()
        {
            Users.Inner.Dispose();
            Inner.Dispose();
        }
    }

    /// <summary>The in-memory user store, with each user's direct groups read from the in-memory group store (on a copy) when the hints ask for them.</summary>
    private sealed class CarryingUserStore(InMemoryUserStore inner, InMemoryGroupStore groups, bool carries) : IUserStore, IUserGroupsStore
    {
        private int _groupReads;

        public InMemoryUserStore Inner { get; } = inner;

        /// <summary>How many users were given their groups by a read.</summary>
        public int GroupReads => Volatile.Read(ref _groupReads);

        public bool ReadsGroupsOf(IGroupStore groupStore) => carries && groupStore is SpyGroupStore spy && spy.Inner == groups;

        public async Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) =>
            await Inner.GetAsync(context, id, hints, cancellationToken) is { } user ? (await WithGroupsAsync(context, [user], hints, cancellationToken))[0] : null;

        public async Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
        {
            var page = await Inner.QueryAsync(context, query, cancellationToken);
            return new ScimPage<User>(await WithGroupsAsync(context, page.Resources, query.Hints, cancellationToken), page.TotalResults, page.NextCursor);
        }

        public Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken) => Inner.CreateAsync(context, resource, cancellationToken);

        public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken) => Inner.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

        public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => Inner.DeleteAsync(context, id, expectedVersion, cancellationToken);

        private async Task<List<User>> WithGroupsAsync(ScimContext context, IReadOnlyList<User> users, ReadHints hints, CancellationToken cancellationToken)
        {
            if (!carries || !hints.Includes("groups") || users.Count == 0)
            {
                return [.. users];
            }

            var memberships = await groups.GetGroupsOfMembersAsync(context, [.. users.Select(u => u.Id!)], cancellationToken);
            var result = new List<User>(users.Count);
            foreach (var user in users)
            {
                var copy = (User)user.ShallowCopy();
                copy.Groups = [.. memberships.Where(m => m.MemberId == user.Id).Select(m => new UserGroup { Value = m.GroupId, Display = m.GroupDisplayName })];
                result.Add(copy);
                Interlocked.Increment(ref _groupReads);
            }

            return result;
        }
    }
}
