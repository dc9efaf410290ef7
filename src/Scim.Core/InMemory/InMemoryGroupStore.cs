using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Scim.Core.Patching;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Versioning;

namespace Scim.Core.InMemory;

/// <summary>
/// The reference <see cref="IGroupStore"/>: groups in memory, per tenant, thread-safe. Members are
/// kept in a hash table per group with a reverse index (member → groups), so adding or removing a
/// member costs the same for a group of 10 and of 100,000, and a user's groups are found without
/// scanning. Lookups by id, displayName (case-insensitive) and externalId are O(1).
/// </summary>
internal sealed class InMemoryGroupStore : IGroupStore, ICursorPagingStore, IGroupNestingStore, IDisposable
{
    private readonly ConcurrentDictionary<string, GroupTenant> _tenants = new(StringComparer.Ordinal);
    private readonly InMemoryQueryEngine<Group> _engine;
    private readonly bool _uniqueExternalId;

    /// <summary>Creates an empty store.</summary>
    /// <param name="registry">The schemas (for filters and sorting).</param>
    /// <param name="uniqueExternalId">Whether <c>externalId</c> is unique per tenant (<see cref="Provisioning.ScimServiceOptions.UniqueExternalId"/>).</param>
    public InMemoryGroupStore(SchemaRegistry registry, bool uniqueExternalId = false)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _engine = new InMemoryQueryEngine<Group>(registry, "Group", ResourceMappings.StoredGroup, "displayName");
        _uniqueExternalId = uniqueExternalId;
    }

    /// <inheritdoc />
    public TimeSpan? CursorTimeout => null;

    /// <inheritdoc />
    public Task<Group?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var tenant = Find(context.Tenant);
        if (tenant is null)
        {
            return Task.FromResult<Group?>(null);
        }

        tenant.Table.Lock.EnterReadLock();
        try
        {
            var row = tenant.Table.ById.GetValueOrDefault(id);
            return Task.FromResult(row is null ? null : tenant.Copy(row, hints.IncludesMembers));
        }
        finally
        {
            tenant.Table.Lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public Task<ScimPage<Group>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(query);
        // An unknown tenant is queried as an empty one: the query is still checked (cursor, sort).
        var tenant = Find(context.Tenant) ?? EmptyTenant;
        var filterSeesMembers = query.Filter is not null && InMemoryQueryEngine<Group>.Mentions(query.Filter, "members");
        var includeMembers = query.Hints.IncludesMembers;
        tenant.Table.Lock.EnterReadLock();
        try
        {
            return Task.FromResult(_engine.Run(
                tenant.Table,
                query,
                filterSeesMembers ? row => tenant.Copy(row, true) : static row => row,
                row => tenant.Copy(row, includeMembers)));
        }
        finally
        {
            tenant.Table.Lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult<Group>> CreateAsync(ScimContext context, Group resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(resource.Id);
        var tenant = _tenants.GetOrAdd(context.Tenant, static _ => new GroupTenant());
        tenant.Table.Lock.EnterWriteLock();
        try
        {
            if (tenant.Table.ById.ContainsKey(resource.Id))
            {
                return Task.FromResult(StoreWriteResult.Conflict<Group>("id"));
            }

            if (Collision(tenant, resource) is { } attribute)
            {
                return Task.FromResult(StoreWriteResult.Conflict<Group>(attribute));
            }

            tenant.Table.Put(GroupTenant.AttributesOf(resource));
            tenant.SetMembers(resource.Id, resource.Members);
            return Task.FromResult(StoreWriteResult.Success(tenant.Copy(tenant.Table.ById[resource.Id], includeMembers: true)));
        }
        finally
        {
            tenant.Table.Lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult<Group>> ReplaceAsync(ScimContext context, Group resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(resource.Id);
        var tenant = Find(context.Tenant);
        if (tenant is null)
        {
            return Task.FromResult(StoreWriteResult.NotFound<Group>());
        }

        tenant.Table.Lock.EnterWriteLock();
        try
        {
            if (!tenant.Table.ById.TryGetValue(resource.Id, out var current))
            {
                return Task.FromResult(StoreWriteResult.NotFound<Group>());
            }

            if (!VersionMatches(expectedVersion, current))
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<Group>());
            }

            if (Collision(tenant, resource) is { } attribute)
            {
                return Task.FromResult(StoreWriteResult.Conflict<Group>(attribute));
            }

            tenant.Table.Put(GroupTenant.AttributesOf(resource));
            tenant.SetMembers(resource.Id, resource.Members);
            return Task.FromResult(StoreWriteResult.Success(tenant.Copy(tenant.Table.ById[resource.Id], includeMembers: true)));
        }
        finally
        {
            tenant.Table.Lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult<Group>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var tenant = Find(context.Tenant);
        if (tenant is null)
        {
            return Task.FromResult(StoreWriteResult.NotFound<Group>());
        }

        tenant.Table.Lock.EnterWriteLock();
        try
        {
            if (!tenant.Table.ById.TryGetValue(id, out var current))
            {
                return Task.FromResult(StoreWriteResult.NotFound<Group>());
            }

            if (!VersionMatches(expectedVersion, current))
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<Group>());
            }

            tenant.SetMembers(id, []);
            tenant.Members.Remove(id);
            tenant.Table.Remove(id, out _);
            return Task.FromResult(StoreWriteResult.Success(current));
        }
        finally
        {
            tenant.Table.Lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public Task<GroupPatchResult> PatchAsync(ScimContext context, GroupPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(patch);
        var tenant = Find(context.Tenant);
        if (tenant is null)
        {
            return Task.FromResult(new GroupPatchResult(StoreWriteStatus.NotFound));
        }

        tenant.Table.Lock.EnterWriteLock();
        try
        {
            if (!tenant.Table.ById.TryGetValue(patch.Id, out var current))
            {
                return Task.FromResult(new GroupPatchResult(StoreWriteStatus.NotFound));
            }

            if (!VersionMatches(patch.ExpectedVersion, current))
            {
                return Task.FromResult(new GroupPatchResult(StoreWriteStatus.VersionMismatch));
            }

            if (patch.Attributes is { } attributes)
            {
                attributes.Id = patch.Id;
                if (Collision(tenant, attributes) is { } attribute)
                {
                    return Task.FromResult(new GroupPatchResult(StoreWriteStatus.Conflict, conflictAttribute: attribute));
                }
            }

            var (added, removed) = tenant.ApplyDelta(patch.Id, patch.Members);
            var row = current;
            if (patch.Attributes is not null || added.Count > 0 || removed.Count > 0)
            {
                row = GroupTenant.AttributesOf(patch.Attributes ?? current);
                row.Meta = GroupTenant.Bumped(current.Meta, patch.NewVersion, patch.LastModified);
                tenant.Table.Put(row);
            }

            return Task.FromResult(new GroupPatchResult(StoreWriteStatus.Succeeded, tenant.Copy(row, includeMembers: false), added, removed));
        }
        finally
        {
            tenant.Table.Lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemberGroup>> GetGroupsOfMembersAsync(ScimContext context, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(memberIds);
        var tenant = Find(context.Tenant);
        if (tenant is null)
        {
            return Task.FromResult<IReadOnlyList<MemberGroup>>([]);
        }

        tenant.Table.Lock.EnterReadLock();
        try
        {
            if (memberIds is IReadOnlyList<string> { Count: 1 } one)
            {
                // One member (a user read or looked up): an array of the right size, no enumerator.
                return Task.FromResult<IReadOnlyList<MemberGroup>>(tenant.GroupsByMember.TryGetValue(one[0], out var its) ? Memberships(tenant, one[0], its) : []);
            }

            var result = new List<MemberGroup>();
            (string? Id, string? Name) last = default;
            foreach (var memberId in memberIds)
            {
                if (tenant.GroupsByMember.TryGetValue(memberId, out var groups))
                {
                    var start = result.Count;
                    CollectionsMarshal.SetCount(result, start + groups.Length);
                    Fill(tenant, memberId, groups, CollectionsMarshal.AsSpan(result)[start..], ref last);
                }
            }

            return Task.FromResult<IReadOnlyList<MemberGroup>>(result);
        }
        finally
        {
            tenant.Table.Lock.ExitReadLock();
        }
    }

    private static MemberGroup[] Memberships(GroupTenant tenant, string memberId, string[] groupIds)
    {
        var memberships = new MemberGroup[groupIds.Length];
        (string? Id, string? Name) last = default;
        Fill(tenant, memberId, groupIds, memberships, ref last);
        return memberships;
    }

    /// <summary>
    /// The memberships of one member. <paramref name="last"/> is the group named last, with its
    /// name: the members of a page share their groups, and comparing an id costs less than
    /// looking it up.
    /// </summary>
    private static void Fill(GroupTenant tenant, string memberId, string[] groupIds, Span<MemberGroup> into, ref (string? Id, string? Name) last)
    {
        for (var i = 0; i < groupIds.Length; i++)
        {
            var groupId = groupIds[i];
            if (!string.Equals(groupId, last.Id, StringComparison.Ordinal))
            {
                last = (groupId, tenant.Table.ById.GetValueOrDefault(groupId)?.DisplayName);
            }

            into[i] = new MemberGroup(memberId, groupId, last.Name);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> MemberDeletedAsync(ScimContext context, string memberId, IReadOnlyCollection<string> formerGroupIds, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(memberId);
        ArgumentNullException.ThrowIfNull(formerGroupIds);
        var tenant = Find(context.Tenant);
        if (tenant is null)
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        tenant.Table.Lock.EnterWriteLock();
        try
        {
            // The member's rows here, and any group the service saw listing it that still exists.
            var changed = (tenant.GroupsByMember.GetValueOrDefault(memberId) ?? [])
                .Concat(formerGroupIds.Where(tenant.Table.ById.ContainsKey))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            foreach (var groupId in changed)
            {
                tenant.ApplyDelta(groupId, new MembershipChange(false, [], [memberId]));
                var row = GroupTenant.AttributesOf(tenant.Table.ById[groupId]);
                row.Meta = GroupTenant.Bumped(row.Meta, newVersion, lastModified);
                tenant.Table.Put(row);
            }

            return Task.FromResult<IReadOnlyList<string>>(changed);
        }
        finally
        {
            tenant.Table.Lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    /// <inheritdoc />
    public ValueTask<bool> MayHaveNestedGroupsAsync(ScimContext context, CancellationToken cancellationToken) => new(Find(context.Tenant)?.MayNest ?? false);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tenant in _tenants.Values)
        {
            tenant.Table.Dispose();
        }
    }

    private static bool VersionMatches(string? expected, Group current) =>
        expected is null || ResourceVersion.WeakEquals(expected, current.Meta?.Version ?? string.Empty);

    private static GroupTenant EmptyTenant { get; } = new();

    private GroupTenant? Find(string tenant) => _tenants.GetValueOrDefault(tenant);

    private string? Collision(GroupTenant tenant, Group group) =>
        _uniqueExternalId && group.ExternalId is { } externalId && tenant.Table.IdsByExternalId(externalId).Any(id => !string.Equals(id, group.Id, StringComparison.Ordinal))
            ? "externalId"
            : null;

    /// <summary>One tenant's groups: attribute rows, member tables and the reverse index.</summary>
    private sealed class GroupTenant
    {
        public TenantTable<Group> Table { get; } = new(static g => g.DisplayName, StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, Dictionary<string, GroupMember>> Members { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// The groups each member is directly in. A plain array (most members are in a handful of
        /// groups), replaced on change: reading a page's derived groups then costs one object per
        /// member rather than a set's three, and the arrays handed out never change.
        /// </summary>
        public Dictionary<string, string[]> GroupsByMember { get; } = new(StringComparer.Ordinal);

        /// <summary>Set (under the write lock, never cleared) once any member that is not known to be a user is added.</summary>
        public volatile bool MayNest;

        public static Group AttributesOf(Group group)
        {
            var row = (Group)group.ShallowCopy();
            row.Members = [];
            return row;
        }

        public static ResourceMeta Bumped(ResourceMeta? meta, string version, DateTimeOffset lastModified) => new()
        {
            ResourceType = meta?.ResourceType ?? "Group",
            Created = meta?.Created,
            Location = meta?.Location,
            LastModified = WriteTimes.After(lastModified, meta?.LastModified),
            Version = version,
        };

        public Group Copy(Group row, bool includeMembers)
        {
            var copy = (Group)row.ShallowCopy();
            copy.Members = includeMembers && Members.TryGetValue(row.Id!, out var members)
                ? members.Values.Select(m => new GroupMember { Value = m.Value, Type = m.Type, Display = m.Display, Ref = m.Ref }).ToList()
                : [];
            return copy;
        }

        public void SetMembers(string groupId, IEnumerable<GroupMember> members)
        {
            ApplyDelta(groupId, new MembershipChange(true, [.. members], []));
        }

        public (List<string> Added, List<string> Removed) ApplyDelta(string groupId, MembershipChange delta)
        {
            if (!Members.TryGetValue(groupId, out var members))
            {
                Members[groupId] = members = new Dictionary<string, GroupMember>(StringComparer.Ordinal);
            }

            var removed = new HashSet<string>(StringComparer.Ordinal);
            if (delta.RemoveAll)
            {
                foreach (var id in members.Keys)
                {
                    removed.Add(id);
                    Unlink(id, groupId);
                }

                members.Clear();
            }

            foreach (var id in delta.Removed)
            {
                if (members.Remove(id))
                {
                    removed.Add(id);
                    Unlink(id, groupId);
                }
            }

            var added = new List<string>();
            foreach (var member in delta.Added)
            {
                var id = member.Value;
                if (id is null || members.ContainsKey(id))
                {
                    continue;
                }

                members[id] = new GroupMember { Value = id, Type = member.Type, Display = member.Display, Ref = member.Ref };
                if (!string.Equals(member.Type, "User", StringComparison.OrdinalIgnoreCase))
                {
                    MayNest = true;
                }

                ref var groups = ref CollectionsMarshal.GetValueRefOrAddDefault(GroupsByMember, id, out _);
                if (groups is null)
                {
                    groups = [groupId];
                }
                else if (Array.IndexOf(groups, groupId) < 0)
                {
                    groups = [.. groups, groupId];
                }

                if (!removed.Remove(id))
                {
                    added.Add(id); // removed by remove-all and added back: no change
                }
            }

            return (added, [.. removed]);
        }

        private void Unlink(string memberId, string groupId)
        {
            if (!GroupsByMember.TryGetValue(memberId, out var groups) || Array.IndexOf(groups, groupId) is var at && at < 0)
            {
                return;
            }

            if (groups.Length == 1)
            {
                GroupsByMember.Remove(memberId);
            }
            else
            {
                GroupsByMember[memberId] = [.. groups.AsSpan(0, at), .. groups.AsSpan(at + 1)];
            }
        }
    }
}
