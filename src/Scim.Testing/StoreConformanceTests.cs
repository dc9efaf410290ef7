using System.Globalization;
using System.Text.Json.Nodes;
using Scim.Core.Filtering;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// The base of every conformance suite: it asks the subclass for the stores before each test and
/// gives each test its own random tenant (<see cref="Context"/>) and run id (<see cref="RunId"/>,
/// part of every id the test makes), so tests are independent even when they share one database.
/// What the stores claim (<see cref="StoreUnderTest"/>) decides what each test expects, and which
/// tests are skipped, each with the claim as reason.
/// </summary>
public abstract class StoreConformanceTests : IAsyncLifetime
{
    private static int _sequence;
    private StoreUnderTest? _stores;
    private StoreClaims? _claims;

    /// <summary>Gives the test its own tenant and run id.</summary>
    protected StoreConformanceTests()
    {
        RunId = Guid.NewGuid().ToString("N")[..12];
        Context = new ScimContext("conformance-" + RunId, "scim-testing");
    }

    /// <summary>The built-in schemas (User, Group and Enterprise User, every attribute kept): what the suites use when <see cref="StoreUnderTest.Schemas"/> is <see langword="null"/>.</summary>
    protected static SchemaRegistry Registry { get; } = SchemaRegistry.CreateDefault();

    /// <summary>The User resource type of <see cref="Registry"/>.</summary>
    protected static ScimResourceType UserType { get; } = Registry.FindResourceType("User")!;

    /// <summary>The Group resource type of <see cref="Registry"/>.</summary>
    protected static ScimResourceType GroupType { get; } = Registry.FindResourceType("Group")!;

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The test's own tenant (fresh and empty when the test starts).</summary>
    protected ScimContext Context { get; }

    /// <summary>Twelve lower-case hex digits unique to this test, part of every id it makes.</summary>
    protected string RunId { get; }

    /// <summary>The stores under test.</summary>
    protected StoreUnderTest Stores => _stores ?? throw new InvalidOperationException("The stores are created in InitializeAsync.");

    /// <summary>The user store under test.</summary>
    protected IUserStore Users => Stores.Users;

    /// <summary>The group store under test.</summary>
    protected IGroupStore Groups => Stores.Groups;

    /// <summary>What the stores claim, and what follows from it.</summary>
    internal StoreClaims Claims => _claims ??= new StoreClaims(Stores, Registry);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _stores = await CreateStoresAsync().ConfigureAwait(false) ?? throw new InvalidOperationException("CreateStoresAsync returned null.");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stores?.Cleanup is { } cleanup)
        {
            await cleanup().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Makes the stores for one test. Either make new stores each time, or return shared stores
    /// (each test uses its own tenant and ids, so tests do not see each other's data). Stores that
    /// claim <see cref="StoreUnderTest.SingleTenant"/> ignore the tenant: give each test new, empty ones.
    /// </summary>
    /// <returns>The stores and what they enforce.</returns>
    protected abstract Task<StoreUnderTest> CreateStoresAsync();

    /// <summary>Makes another fresh tenant.</summary>
    /// <returns>The context of a tenant nobody has used.</returns>
    protected static ScimContext NewTenant() => new("conformance-" + Guid.NewGuid().ToString("N")[..12], "scim-testing");

    /// <summary>Makes an id unique to this test (lower-case letters, digits and dashes).</summary>
    /// <param name="label">A readable prefix.</param>
    /// <returns>The id.</returns>
    protected string NewId(string label) =>
        string.Create(CultureInfo.InvariantCulture, $"{label}-{RunId}-{Interlocked.Increment(ref _sequence)}");

    /// <summary>A weak version tag as the service makes them.</summary>
    /// <param name="tag">What makes it unique.</param>
    /// <returns>The version, e.g. <c>W/"tag"</c>.</returns>
    protected static string Version(string tag) => $"W/\"{tag}\"";

    /// <summary>A point in time with whole seconds (every database keeps it exactly).</summary>
    /// <param name="day">Days after 2024-01-01.</param>
    /// <returns>The time, in UTC.</returns>
    protected static DateTimeOffset Day(int day) => new DateTimeOffset(2024, 1, 1, 8, 0, 0, TimeSpan.Zero).AddDays(day);

    /// <summary>A new user with id and meta assigned, as the service hands it to a store.</summary>
    /// <param name="userName">The userName.</param>
    /// <param name="id">The id, or <see langword="null"/> for a new one.</param>
    /// <param name="externalId">The externalId.</param>
    /// <param name="version">The version, or <see langword="null"/> for <c>W/"1"</c>.</param>
    /// <returns>The user.</returns>
    protected User NewUser(string userName, string? id = null, string? externalId = null, string? version = null) => new()
    {
        Id = id ?? NewId("user"),
        ExternalId = externalId,
        UserName = userName,
        Name = new Name { GivenName = "Given", FamilyName = userName },
        DisplayName = userName,
        Active = true,
        Emails = [new Email { Value = userName + "@example.com", Type = "work", Primary = true }],
        Meta = new ResourceMeta { ResourceType = "User", Created = Day(0), LastModified = Day(0), Version = version ?? Version("1") },
    };

    /// <summary>A new group with id and meta assigned.</summary>
    /// <param name="displayName">The displayName.</param>
    /// <param name="memberIds">The ids of its members (users).</param>
    /// <param name="id">The id, or <see langword="null"/> for a new one.</param>
    /// <param name="externalId">The externalId.</param>
    /// <param name="version">The version, or <see langword="null"/> for <c>W/"1"</c>.</param>
    /// <returns>The group.</returns>
    protected Group NewGroup(string displayName, IEnumerable<string>? memberIds = null, string? id = null, string? externalId = null, string? version = null) => new()
    {
        Id = id ?? NewId("group"),
        ExternalId = externalId,
        DisplayName = displayName,
        Members = memberIds?.Select(Member).ToList() ?? [],
        Meta = new ResourceMeta { ResourceType = "Group", Created = Day(0), LastModified = Day(0), Version = version ?? Version("1") },
    };

    /// <summary>A member reference to a user.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The member.</returns>
    protected static GroupMember Member(string userId) => new() { Value = userId, Type = "User" };

    /// <summary>Creates a user and checks that the store accepted it.</summary>
    /// <remarks>With <see cref="StoreUnderTest.AssignsIds"/> the id returned is the one the store assigned.</remarks>
    /// <param name="user">The user.</param>
    /// <param name="context">The tenant, or <see langword="null"/> for <see cref="Context"/>.</param>
    /// <returns>The user's id.</returns>
    protected async Task<string> CreateAsync(User user, ScimContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var proposed = user.Id!;
        var what = $"create user '{user.UserName}'";
        var result = await Users.CreateAsync(context ?? Context, user, Cancellation).ConfigureAwait(false);
        AssertSucceeded(result, what);
        return IdOf(result.Resource, proposed, what);
    }

    /// <summary>Creates a group and checks that the store accepted it.</summary>
    /// <remarks>With <see cref="StoreUnderTest.AssignsIds"/> the id returned is the one the store assigned.</remarks>
    /// <param name="group">The group.</param>
    /// <param name="context">The tenant, or <see langword="null"/> for <see cref="Context"/>.</param>
    /// <returns>The group's id.</returns>
    protected async Task<string> CreateAsync(Group group, ScimContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        var proposed = group.Id!;
        var what = $"create group '{group.DisplayName}'";
        var result = await Groups.CreateAsync(context ?? Context, group, Cancellation).ConfigureAwait(false);
        AssertSucceeded(result, what);
        return IdOf(result.Resource, proposed, what);
    }

    /// <summary>Creates users named <c>{prefix}0</c>, <c>{prefix}1</c>, ... and returns their ids (the assigned ones with <see cref="StoreUnderTest.AssignsIds"/>).</summary>
    /// <param name="count">How many.</param>
    /// <param name="prefix">The userName prefix.</param>
    /// <returns>The ids, in creation order.</returns>
    protected async Task<List<string>> CreateUsersAsync(int count, string prefix = "member")
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add(await CreateAsync(NewUser(string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}"))).ConfigureAwait(false));
        }

        return ids;
    }

    /// <summary>Like <see cref="CreateUsersAsync"/>, through <see cref="StoreUnderTest.SeedUsers"/> when the stores have it.</summary>
    /// <param name="count">How many.</param>
    /// <param name="prefix">The userName prefix.</param>
    /// <returns>The ids, in creation order.</returns>
    protected async Task<List<string>> SeedUsersAsync(int count, string prefix)
    {
        if (Stores.SeedUsers is not { } seed)
        {
            return await CreateUsersAsync(count, prefix).ConfigureAwait(false);
        }

        var users = Enumerable.Range(0, count).Select(i => NewUser(string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}"))).ToList();
        var ids = await seed(Context, users, Cancellation).ConfigureAwait(false);
        Assert.Equal(count, ids.Count);
        return [.. ids];
    }

    /// <summary>The member ids of a stored group, sorted ordinally.</summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="context">The tenant, or <see langword="null"/> for <see cref="Context"/>.</param>
    /// <returns>The ids.</returns>
    protected async Task<List<string>> MemberIdsAsync(string groupId, ScimContext? context = null)
    {
        var group = await Groups.GetAsync(context ?? Context, groupId, ReadHints.All, Cancellation).ConfigureAwait(false);
        Assert.NotNull(group);
        return [.. group.Members.Select(m => m.Value!).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The id of a created resource: the one the store returned when it assigns ids, else the
    /// proposed one, which a returned resource must then carry.
    /// </summary>
    private protected string IdOf(ScimResource? created, string proposed, string what)
    {
        if (Claims.AssignsIds)
        {
            Assert.True(!string.IsNullOrEmpty(created?.Id), $"{what}: the store assigns ids (StoreUnderTest.AssignsIds), so CreateAsync must return the created resource with its id.");
            return created!.Id!;
        }

        Assert.True(created is null || created.Id == proposed, $"{what}: CreateAsync returned id '{created?.Id}' for a resource created with id '{proposed}'. A store that assigns its own ids claims StoreUnderTest.AssignsIds.");
        return proposed;
    }

    /// <summary>
    /// Creates <see cref="ConformanceUsers"/> and returns them as the stores should now hold them:
    /// reduced to the kept attributes, with the ids the stores answered.
    /// </summary>
    private protected async Task<List<User>> SeedPopulationAsync()
    {
        // Managers are created before their reports, and a report names its manager by the id the
        // store gave it: a store that keeps the manager as a reference to a user it has (a foreign
        // key) refuses one it does not have, and one that assigns ids never has the proposed one.
        // The population's managers have no managers of their own.
        var users = ConformanceUsers.Create(RunId);
        var index = users.Select((u, i) => (u.Id!, i)).ToDictionary(p => p.Item1, p => p.i, StringComparer.Ordinal);
        int? ManagerOf(User user) => user.EnterpriseUser?.Manager?.Value is { } id && index.TryGetValue(id, out var i) ? i : null;
        var stored = new User?[users.Count];
        foreach (var i in Enumerable.Range(0, users.Count).OrderBy(i => ManagerOf(users[i]) is null ? 0 : 1))
        {
            var user = users[i];
            if (ManagerOf(user) is { } manager)
            {
                user.EnterpriseUser!.Manager!.Value = stored[manager]?.Id ?? throw new InvalidOperationException($"The population's user {i} has a manager who has one too.");
            }

            var expected = Claims.Reduce(user);
            expected["id"] = await CreateAsync(user).ConfigureAwait(false);
            stored[i] = ResourceTrees.ToUser(expected);
        }

        return [.. stored.Select(u => u!)];
    }

    /// <summary>
    /// Fails unless <paramref name="actual"/> is what the stores should hold for an input whose
    /// reduction (<see cref="StoreClaims.Reduce"/>, taken before the write) is <paramref name="expected"/>:
    /// the same kept attributes and nothing more, with the id <paramref name="id"/> and, when the
    /// stores compute versions, whatever version they set.
    /// </summary>
    private protected void AssertHolds(JsonObject expected, string id, ScimResource? actual, string what)
    {
        Assert.True(actual is not null, $"{what}: no resource.");
        var tree = (JsonObject)expected.DeepClone();
        tree["id"] = id;
        if (!Claims.KeepsVersions)
        {
            Assert.True(!string.IsNullOrEmpty(actual.Meta?.Version), $"{what}: meta.version is not set; a store that computes versions (StoreUnderTest.KeepsVersions = false) must set it.");
            var meta = tree["meta"] as JsonObject ?? [];
            meta["version"] = actual.Meta!.Version;
            tree["meta"] = meta;
        }

        CanonicalTree.AssertSame(tree, CanonicalTree.Of(actual), what);
    }

    /// <summary>
    /// Checks a version after a write. Stores that keep versions must hold <paramref name="given"/>
    /// when the write changed the resource and <paramref name="before"/> otherwise; stores that
    /// compute them must hold one that differs from <paramref name="before"/> exactly when it changed.
    /// </summary>
    private protected void AssertVersion(string? before, string? actual, string given, bool changed, string what)
    {
        if (Claims.KeepsVersions)
        {
            Assert.True(actual == (changed ? given : before), $"{what}: meta.version is {actual ?? "null"}, expected {(changed ? given : before) ?? "null"}.");
            return;
        }

        Assert.True(!string.IsNullOrEmpty(actual), $"{what}: meta.version is not set.");
        Assert.True(changed ? actual != before : actual == before, changed
            ? $"{what}: meta.version stayed {actual} although the resource changed (the stores compute versions: StoreUnderTest.KeepsVersions = false)."
            : $"{what}: meta.version changed from {before} to {actual} although the resource did not.");
    }

    /// <summary>Checks <c>meta.created</c> or <c>meta.lastModified</c> when the stores keep it (<see cref="StoreUnderTest.Schemas"/>).</summary>
    private protected void AssertTime(ScimResource? resource, string path, DateTimeOffset expected)
    {
        Assert.NotNull(resource);
        if (Claims.Keeps(Claims.TypeOf(resource), path))
        {
            var actual = path == "meta.created" ? resource.Meta?.Created : resource.Meta?.LastModified;
            Assert.True(actual == expected, $"{Claims.TypeOf(resource).Name} {resource.Id}: {path} is {actual:O}, expected {expected:O}.");
        }
    }

    /// <summary>The current version of a user.</summary>
    private protected async Task<string?> UserVersionAsync(string id) =>
        (await Users.GetAsync(Context, id, ReadHints.All, Cancellation).ConfigureAwait(false))?.Meta?.Version;

    /// <summary>The current version of a group.</summary>
    private protected async Task<string?> GroupVersionAsync(string id) =>
        (await Groups.GetAsync(Context, id, ReadHints.All, Cancellation).ConfigureAwait(false))?.Meta?.Version;

    /// <summary>Skips the test unless the stores keep the attribute.</summary>
    private protected void SkipUnlessKept(ScimResourceType type, string path) =>
        Assert.SkipUnless(Claims.Keeps(type, path), $"the store does not keep {path} (StoreUnderTest.Schemas)");

    /// <summary>Skips the test unless the stores keep every attribute the filter names (and, with assigned ids, it orders no id).</summary>
    private protected void SkipUnlessKept(ScimResourceType type, FilterExpression filter)
    {
        if (Claims.FirstUnkept(type, filter) is { } path)
        {
            Assert.Skip($"the store does not keep {path} (StoreUnderTest.Schemas)");
        }

        Assert.SkipWhen(Claims.AssignsIds && StoreClaims.OrdersIds(filter), "the store assigns its own ids (StoreUnderTest.AssignsIds), so ids compared by order or by part are the store's own");
    }

    /// <summary>Skips the test when the stores have one tenant only.</summary>
    private protected void SkipWhenSingleTenant() =>
        Assert.SkipWhen(Claims.SingleTenant, "the store ignores the tenant (StoreUnderTest.SingleTenant); this test needs two tenants");

    /// <summary>Skips the test unless a group's members may be groups.</summary>
    private protected void SkipUnlessGroupsMayBeMembers() =>
        Assert.SkipUnless(Claims.GroupsMayBeMembers, "the store's groups have users as members only (members.type of StoreUnderTest.Schemas); this test nests groups");

    /// <summary>A member reference to a group (a nested group).</summary>
    /// <param name="groupId">The group id.</param>
    /// <returns>The member.</returns>
    private protected static GroupMember GroupAsMember(string groupId) => new() { Value = groupId, Type = "Group" };

    /// <summary>Fails unless the write succeeded.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="result">The outcome.</param>
    /// <param name="what">What was written, for the message.</param>
    protected static void AssertSucceeded<T>(StoreWriteResult<T> result, string what)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(result);
        Assert.True(result.Succeeded, $"Expected {what} to succeed, but the store answered {result.Status}{(result.ConflictAttribute is null ? string.Empty : $" ({result.ConflictAttribute})")}.");
    }

    /// <summary>Sorts ids ordinally, for set comparisons.</summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The sorted list.</returns>
    protected static List<string> Sorted(IEnumerable<string?> ids) => [.. ids.Select(id => id!).Order(StringComparer.Ordinal)];
}
