using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Testing;

namespace Scim.Core.Tests.Conformance;

/// <summary>
/// Stores shaped like a host's existing database, to prove the suite's claims: tables
/// <c>Accounts(AccountId int identity, Email unique, FirstName, LastName, IsDisabled, Department,
/// ManagerId (a foreign key to Accounts, set null on delete), CreatedAt)</c>,
/// <c>Teams(TeamId int identity, Name)</c> and <c>TeamMemberships(TeamId, AccountId)</c> with cascading
/// foreign keys to both. One organisation (no tenant column); the ids are the identity columns;
/// <c>meta.version</c> is a hash of the row (and, for a team, of its members), never stored.
/// </summary>
internal static class HostShapedStores
{
    public static readonly AttributeMapping<Account> AccountMapping = new AttributeMapping<Account>()
        .Map("id", a => a.AccountId)
        .Map("userName", a => a.Email)
        .Map("name.givenName", a => a.FirstName)
        .Map("name.familyName", a => a.LastName)
        .Map("active", a => !a.IsDisabled)
        .Map("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", a => a.Department)
        .Map("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", a => a.ManagerId == null ? null : Key(a.ManagerId.Value))
        .Map("meta.created", a => a.CreatedAt);

    public static readonly AttributeMapping<Team> TeamMapping = new AttributeMapping<Team>()
        .Map("id", t => t.TeamId)
        .Map("displayName", t => t.Name)
        .MapCollection("members", t => t.Members, m => m.Map("value", accountId => accountId));

    /// <summary>New, empty stores over a new database, with the schemas the host's service would serve over them.</summary>
    public static StoreUnderTest Create(bool echoCreates = false)
    {
        // What the host's ScimBuilder.DeclareStoredAttributes / DeclareMemberTypes do.
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareStoredAttributes("User", AccountMapping.Paths);
        registry.DeclareStoredAttributes("Group", TeamMapping.Paths);
        registry.DeclareMemberTypes("Group", ["User"]);
        registry.Freeze();
        var database = new HostDatabase();
        var users = new AccountStore(database, registry);
        return new StoreUnderTest(echoCreates ? new EchoingAccountStore(users) : users, new TeamStore(database, registry))
        {
            Schemas = registry,
            SingleTenant = true,
            AssignsIds = true,
            KeepsVersions = false,
        };
    }

    internal static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The id a SCIM request names, or <see langword="null"/> when it names no row (not an int).</summary>
    internal static int? RowId(string id) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var key) ? key : null;

    /// <summary>A weak version computed from values.</summary>
    internal static string Hash(params IEnumerable<object?> values) =>
        "W/\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "\u0000")))))[..16] + "\"";
}

internal sealed class Account
{
    public int AccountId { get; init; }

    public required string Email { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public bool? IsDisabled { get; set; }

    public string? Department { get; set; }

    public int? ManagerId { get; set; }

    public DateTimeOffset? CreatedAt { get; init; }
}

internal sealed class Team
{
    public int TeamId { get; init; }

    public required string Name { get; set; }

    /// <summary>The team's rows of TeamMemberships: account ids.</summary>
    public HashSet<int> Members { get; } = [];
}

/// <summary>The tables, one lock for all of them (a database's transactions, simplified).</summary>
internal sealed class HostDatabase
{
    private int _lastAccountId;
    private int _lastTeamId;

    public Lock Sync { get; } = new();

    public Dictionary<int, Account> Accounts { get; } = [];

    /// <summary>The unique index on Accounts.Email (case-insensitive collation).</summary>
    public Dictionary<string, int> AccountsByEmail { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<int, Team> Teams { get; } = [];

    public int NextAccountId() => ++_lastAccountId;

    public int NextTeamId() => ++_lastTeamId;

    /// <summary>The foreign key Accounts.ManagerId → Accounts: a manager must be an existing account.</summary>
    public int? ManagerKey(string? managerId) =>
        managerId is null ? null
            : HostShapedStores.RowId(managerId) is { } id && Accounts.ContainsKey(id) ? id
            : throw new InvalidOperationException($"FOREIGN KEY constraint failed: Accounts.ManagerId '{managerId}' is no account.");

    /// <summary>The foreign key TeamMemberships.AccountId → Accounts: a member must be an existing account.</summary>
    public int MemberKey(string? memberId) =>
        memberId is not null && HostShapedStores.RowId(memberId) is { } id && Accounts.ContainsKey(id)
            ? id
            : throw new InvalidOperationException($"FOREIGN KEY constraint failed: TeamMemberships.AccountId '{memberId}' is no account.");
}

internal sealed class AccountStore(HostDatabase db, SchemaRegistry registry) : IUserStore, ICursorPagingStore
{
    private readonly ScimQueryable _queryable = new(registry, CaseFolding.ToUpperInvariant);
    private readonly ScimResourceType _type = registry.FindResourceType("User")!;

    public TimeSpan? CursorTimeout => null;

    public static User ToScim(Account a) => new()
    {
        Id = HostShapedStores.Key(a.AccountId),
        UserName = a.Email,
        Name = a.FirstName is null && a.LastName is null ? null : new Name { GivenName = a.FirstName, FamilyName = a.LastName },
        Active = !a.IsDisabled,
        EnterpriseUser = a.Department is null && a.ManagerId is null ? null : new EnterpriseUser
        {
            Department = a.Department,
            Manager = a.ManagerId is { } manager ? new Manager { Value = HostShapedStores.Key(manager) } : null,
        },
        Meta = new ResourceMeta
        {
            ResourceType = "User",
            Created = a.CreatedAt,
            Version = HostShapedStores.Hash(a.Email, a.FirstName, a.LastName, a.IsDisabled, a.Department, a.ManagerId),
        },
    };

    public Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            return Task.FromResult(Find(id) is { } row ? ToScim(row) : null);
        }
    }

    public Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            var page = _queryable.Execute(db.Accounts.Values.AsQueryable(), query, _type, HostShapedStores.AccountMapping);
            return Task.FromResult(new ScimPage<User>([.. page.Resources.Select(ToScim)], page.TotalResults, page.NextCursor));
        }
    }

    public Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            if (db.AccountsByEmail.ContainsKey(resource.UserName!))
            {
                return Task.FromResult(StoreWriteResult.Conflict<User>("userName"));
            }

            var row = new Account { AccountId = db.NextAccountId(), Email = resource.UserName!, CreatedAt = resource.Meta?.Created };
            Apply(resource, row);
            db.Accounts.Add(row.AccountId, row);
            db.AccountsByEmail.Add(row.Email, row.AccountId);
            return Task.FromResult(StoreWriteResult.Success(ToScim(row)));
        }
    }

    public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            if (Find(resource.Id!) is not { } row)
            {
                return Task.FromResult(StoreWriteResult.NotFound<User>());
            }

            if (expectedVersion is not null && expectedVersion != ToScim(row).Meta!.Version)
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<User>());
            }

            if (db.AccountsByEmail.TryGetValue(resource.UserName!, out var holder) && holder != row.AccountId)
            {
                return Task.FromResult(StoreWriteResult.Conflict<User>("userName"));
            }

            db.AccountsByEmail.Remove(row.Email);
            row.Email = resource.UserName!;
            db.AccountsByEmail.Add(row.Email, row.AccountId);
            Apply(resource, row);
            return Task.FromResult(StoreWriteResult.Success(ToScim(row)));
        }
    }

    public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            if (Find(id) is not { } row)
            {
                return Task.FromResult(StoreWriteResult.NotFound<User>());
            }

            if (expectedVersion is not null && expectedVersion != ToScim(row).Meta!.Version)
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<User>());
            }

            db.Accounts.Remove(row.AccountId);
            db.AccountsByEmail.Remove(row.Email);
            foreach (var team in db.Teams.Values)
            {
                team.Members.Remove(row.AccountId); // ON DELETE CASCADE
            }

            foreach (var report in db.Accounts.Values.Where(a => a.ManagerId == row.AccountId))
            {
                report.ManagerId = null; // ON DELETE SET NULL
            }

            return Task.FromResult(StoreWriteResult.Success<User>(null));
        }
    }

    private void Apply(User resource, Account row)
    {
        row.ManagerId = db.ManagerKey(resource.EnterpriseUser?.Manager?.Value);
        row.FirstName = resource.Name?.GivenName;
        row.LastName = resource.Name?.FamilyName;
        row.IsDisabled = !resource.Active;
        row.Department = resource.EnterpriseUser?.Department;
    }

    private Account? Find(string id) => HostShapedStores.RowId(id) is { } key ? db.Accounts.GetValueOrDefault(key) : null;
}

internal sealed class TeamStore(HostDatabase db, SchemaRegistry registry) : IGroupStore, ICursorPagingStore
{
    private readonly ScimQueryable _queryable = new(registry, CaseFolding.ToUpperInvariant);
    private readonly ScimResourceType _type = registry.FindResourceType("Group")!;

    public TimeSpan? CursorTimeout => null;

    public Task<Group?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            return Task.FromResult(Find(id) is { } team ? ToScim(team, hints.IncludesMembers) : null);
        }
    }

    public Task<ScimPage<Group>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            var page = _queryable.Execute(db.Teams.Values.AsQueryable(), query, _type, HostShapedStores.TeamMapping);
            return Task.FromResult(new ScimPage<Group>([.. page.Resources.Select(t => ToScim(t, query.Hints.IncludesMembers))], page.TotalResults, page.NextCursor));
        }
    }

    public Task<StoreWriteResult<Group>> CreateAsync(ScimContext context, Group resource, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            var members = resource.Members.Select(m => db.MemberKey(m.Value)).ToList();
            var team = new Team { TeamId = db.NextTeamId(), Name = resource.DisplayName! };
            team.Members.UnionWith(members);
            db.Teams.Add(team.TeamId, team);
            return Task.FromResult(StoreWriteResult.Success(ToScim(team, includeMembers: true)));
        }
    }

    public Task<StoreWriteResult<Group>> ReplaceAsync(ScimContext context, Group resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            if (Find(resource.Id!) is not { } team)
            {
                return Task.FromResult(StoreWriteResult.NotFound<Group>());
            }

            if (expectedVersion is not null && expectedVersion != VersionOf(team))
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<Group>());
            }

            var members = resource.Members.Select(m => db.MemberKey(m.Value)).ToList();
            team.Name = resource.DisplayName!;
            team.Members.Clear();
            team.Members.UnionWith(members);
            return Task.FromResult(StoreWriteResult.Success(ToScim(team, includeMembers: true)));
        }
    }

    public Task<StoreWriteResult<Group>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            if (Find(id) is not { } team)
            {
                return Task.FromResult(StoreWriteResult.NotFound<Group>());
            }

            if (expectedVersion is not null && expectedVersion != VersionOf(team))
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<Group>());
            }

            db.Teams.Remove(team.TeamId); // its TeamMemberships go with it (ON DELETE CASCADE)
            return Task.FromResult(StoreWriteResult.Success<Group>(null));
        }
    }

    public Task<GroupPatchResult> PatchAsync(ScimContext context, GroupPatch patch, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            if (Find(patch.Id) is not { } team)
            {
                return Task.FromResult(new GroupPatchResult(StoreWriteStatus.NotFound));
            }

            if (patch.ExpectedVersion is not null && patch.ExpectedVersion != VersionOf(team))
            {
                return Task.FromResult(new GroupPatchResult(StoreWriteStatus.VersionMismatch));
            }

            var additions = patch.Members.Added.Select(m => db.MemberKey(m.Value)).ToList();
            var removed = new HashSet<int>();
            if (patch.Members.RemoveAll)
            {
                removed.UnionWith(team.Members);
                team.Members.Clear();
            }

            foreach (var id in patch.Members.Removed.Select(HostShapedStores.RowId).OfType<int>())
            {
                if (team.Members.Remove(id))
                {
                    removed.Add(id);
                }
            }

            var added = new List<int>();
            foreach (var id in additions)
            {
                if (team.Members.Add(id) && !removed.Remove(id))
                {
                    added.Add(id); // new, not one taken away by remove-all and put back
                }
            }

            if (patch.Attributes is { } attributes)
            {
                team.Name = attributes.DisplayName!;
            }

            return Task.FromResult(new GroupPatchResult(
                StoreWriteStatus.Succeeded,
                ToScim(team, includeMembers: false),
                [.. added.Select(HostShapedStores.Key)],
                [.. removed.Select(HostShapedStores.Key)]));
        }
    }

    public Task<IReadOnlyList<MemberGroup>> GetGroupsOfMembersAsync(ScimContext context, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken)
    {
        lock (db.Sync)
        {
            var ids = memberIds.Select(HostShapedStores.RowId).OfType<int>().ToHashSet();
            IReadOnlyList<MemberGroup> result = [.. from team in db.Teams.Values
                                                    from member in team.Members.Where(ids.Contains)
                                                    select new MemberGroup(HostShapedStores.Key(member), HostShapedStores.Key(team.TeamId), team.Name)];
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<string>> MemberDeletedAsync(ScimContext context, string memberId, IReadOnlyCollection<string> formerGroupIds, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken)
    {
        // The cascade removed the account's memberships already; the groups read before the delete
        // changed, and their computed versions moved with their members: each event carries the
        // version a read now serves, not the one the service proposed.
        lock (db.Sync)
        {
            var changed = new List<string>();
            foreach (var team in formerGroupIds.Select(Find).OfType<Team>())
            {
                changed.Add(HostShapedStores.Key(team.TeamId));
                context.Events?.SetVersion(HostShapedStores.Key(team.TeamId), VersionOf(team));
            }

            return Task.FromResult<IReadOnlyList<string>>(changed);
        }
    }

    private static string VersionOf(Team team) =>
        HostShapedStores.Hash([team.Name, .. team.Members.Order().Cast<object?>()]);

    private static Group ToScim(Team team, bool includeMembers) => new()
    {
        Id = HostShapedStores.Key(team.TeamId),
        DisplayName = team.Name,
        Members = includeMembers ? [.. team.Members.Order().Select(id => new GroupMember { Value = HostShapedStores.Key(id), Type = "User" })] : [],
        Meta = new ResourceMeta { ResourceType = "Group", Version = VersionOf(team) },
    };

    private Team? Find(string id) => HostShapedStores.RowId(id) is { } key ? db.Teams.GetValueOrDefault(key) : null;
}

/// <summary>
/// A deliberately wrong user store, for the suite's self-test: its CreateAsync answers with the
/// resource it was given (with the assigned id), not with what it stored, so the response shows
/// attributes the database never kept.
/// </summary>
internal sealed class EchoingAccountStore(AccountStore inner) : IUserStore
{
    public async Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken)
    {
        var result = await inner.CreateAsync(context, resource, cancellationToken);
        if (!result.Succeeded)
        {
            return result;
        }

        resource.Id = result.Resource!.Id;
        resource.Meta!.Version = result.Resource.Meta!.Version;
        return StoreWriteResult.Success(resource);
    }

    public Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => inner.GetAsync(context, id, hints, cancellationToken);

    public Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => inner.QueryAsync(context, query, cancellationToken);

    public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken) => inner.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

    public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => inner.DeleteAsync(context, id, expectedVersion, cancellationToken);
}
