using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Resources;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The group store over a host's group entity and its membership join entity. Membership changes
/// are rows added and removed by key, in chunks: adding one member to a group of 100,000 reads
/// and writes the same few rows as for a group of 10. Members are users.
/// </summary>
internal sealed class EntityGroupStore<TContext, TGroup, TMember>(IServiceProvider services, EntityStoreShared<TGroup> shared, Membership<TMember> membership)
    : EntityStore<TContext, TGroup, Group>(services, shared, ResourceTrees.OwnedToGroup), IGroupStore, IGroupNestingStore
    where TContext : DbContext
    where TGroup : class
    where TMember : class
{
    // What the last lookup of members' groups told about nesting (this store's or the user store's): the service asks right after.
    private readonly KnownNesting _nesting = services.GetRequiredService<KnownNesting>();

    // Over a user map that deletes softly: the users a write adds are checked in its transaction.
    private readonly ServedUsers<TContext>? _servedUsers = services.GetService<ServedUsers<TContext>>();

    public async Task<GroupPatchResult> PatchAsync(ScimContext context, GroupPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(patch);
        _nesting.Forget();
        return await UnchangedAsync(context, patch, cancellationToken).ConfigureAwait(false) ?? await WriteAsync(context, async (db, _) =>
        {
            if (await FindAsync(db, context, patch.Id, cancellationToken).ConfigureAwait(false) is not { } group)
            {
                return new GroupPatchResult(StoreWriteStatus.NotFound);
            }

            if (patch.ExpectedVersion is not null && !string.Equals(await VersionAsync(db, group, cancellationToken).ConfigureAwait(false), patch.ExpectedVersion, StringComparison.Ordinal))
            {
                return new GroupPatchResult(StoreWriteStatus.VersionMismatch);
            }

            var key = Shape.KeyOf(patch.Id)!;
            List<string> removed = [], added = [];
            if (patch.Members.RemoveAll && patch.Members.Added.Count > 0)
            {
                // A replace of the members: the rows of those who stay are kept as they are.
                (removed, added) = await membership.ReplaceAllAsync(db, key, context.Tenant, patch.Members.Added, cancellationToken).ConfigureAwait(false);
                await CheckServedAsync(db, context, added, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (patch.Members.RemoveAll)
                {
                    removed = await membership.RemoveAllAsync(db, key, cancellationToken).ConfigureAwait(false);
                }
                else if (patch.Members.Removed.Count > 0)
                {
                    removed = await membership.RemoveAsync(db, key, patch.Members.Removed, cancellationToken).ConfigureAwait(false);
                }

                if (patch.Members.Added.Count > 0)
                {
                    added = await AddMembersAsync(db, context, key, patch.Members.Added, cancellationToken).ConfigureAwait(false);
                }
            }

            // A member removed by remove-all and added back is no change for it.
            var readded = removed.Intersect(added, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            removed.RemoveAll(readded.Contains);
            added.RemoveAll(readded.Contains);
            if (patch.Attributes is not null || added.Count > 0 || removed.Count > 0)
            {
                if (patch.Attributes is not null)
                {
                    Shape.Apply(ResourceTrees.ToTree(patch.Attributes), group);
                    if (added.Count == 0 && removed.Count == 0 && !db.ChangeTracker.HasChanges())
                    {
                        // Nothing the row keeps changed (an attribute the map serves but does not write): version, time and events stay.
                        return new GroupPatchResult(StoreWriteStatus.Succeeded, ResourceOf(group, await DigestAsync(db, group, cancellationToken).ConfigureAwait(false)), [], []) { AttributesUnchanged = true };
                    }
                }

                Shape.Stamp(group, patch.LastModified, patch.NewVersion);
                CheckLengths(db);
            }

            // One SaveChanges writes the new membership rows, the group's new version and the
            // event: one batch, one round trip. A version computed from the rows reads them saved.
            if (!Shape.KeepsVersion)
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            var patched = ResourceOf(group, await DigestAsync(db, group, cancellationToken).ConfigureAwait(false));
            await SaveWithEventAsync(db, context, patch.Id, patched.Meta?.Version, cancellationToken, added, removed).ConfigureAwait(false);
            Shape.RefreshMeta(group, patched);
            return new GroupPatchResult(StoreWriteStatus.Succeeded, patched, added, removed);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The answer to a patch that only adds members who are all members already (an identity
    /// provider's sync sends such adds again and again): it changes nothing, so it is answered from
    /// reads outside any transaction (on SQLite without waiting for the database's one writer), as
    /// of the moment of those reads. <see langword="null"/> when the patch may change something, or
    /// when the reads do not settle it (no such group, another version than expected): the write
    /// decides those.
    /// </summary>
    private async Task<GroupPatchResult?> UnchangedAsync(ScimContext context, GroupPatch patch, CancellationToken cancellationToken)
    {
        if (patch.Attributes is not null || patch.Members.RemoveAll || patch.Members.Removed.Count > 0 || patch.Members.Added.Count == 0 || Shape.KeyOf(patch.Id) is not { } key)
        {
            return null;
        }

        await using var lease = Open();
        var db = lease.Context;
        await EntityContexts.OpenForReads(db, cancellationToken).ConfigureAwait(false);
        try
        {
            // The members first: an add that changes something costs one statement more than before.
            if (!await membership.HasAllAsync(db, key, patch.Members.Added, cancellationToken).ConfigureAwait(false)
                || await CompiledReads<TContext, TGroup>.ByKey(Shape, db)(db, key, context.Tenant).ConfigureAwait(false) is not { } group)
            {
                return null;
            }

            var digest = await DigestAsync(db, group, cancellationToken).ConfigureAwait(false);
            return patch.ExpectedVersion is not null && !string.Equals(Shape.VersionOf(group, digest), patch.ExpectedVersion, StringComparison.Ordinal)
                ? null
                : new GroupPatchResult(StoreWriteStatus.Succeeded, ResourceOf(group, digest), [], []);
        }
        finally
        {
            await EntityContexts.CloseAfterReads(db).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<MemberGroup>> GetGroupsOfMembersAsync(ScimContext context, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(memberIds);
        await using var lease = Open();
        var found = await LinksAsync(lease.Context, context, Shared, membership, _nesting, memberIds, cancellationToken).ConfigureAwait(false);
        return [.. found.Select(l => new MemberGroup(l.MemberId, l.GroupId, l.Name))];
    }

    /// <summary>Removes the membership rows of <paramref name="memberId"/> in the tenant's groups; the keys of the groups that had one.</summary>
    internal static async Task<List<object>> RemoveMemberRowsAsync(TContext db, ScimContext context, EntityStoreShared<TGroup> shared, Membership<TMember> membership, string memberId, CancellationToken cancellationToken)
    {
        var listing = (await membership.GroupsOfAsync(db, [memberId], cancellationToken).ConfigureAwait(false)).Select(p => p.GroupKey).ToList();
        var fromRows = new List<object>();
        var shape = shared.Shape;
        foreach (var chunk in listing.Chunk(SqlLists.Chunk))
        {
            var groups = shape.Served(context.Tenant) is { } served ? db.Set<TGroup>().Where(served) : db.Set<TGroup>();
            foreach (var group in await groups.AsNoTracking().Where(shape.KeyIn(chunk)).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = shape.KeyValueOf(group);
                await membership.RemoveAsync(db, key, [memberId], cancellationToken).ConfigureAwait(false);
                fromRows.Add(key);
            }
        }

        return fromRows;
    }

    /// <summary>
    /// The groups of the tenant that list the given members, with their names, on a context the
    /// caller holds (the group store's own lease, or the connection a user store read its users on);
    /// what the query told about nesting is kept in <paramref name="nesting"/>.
    /// </summary>
    internal static async Task<List<(string MemberId, string GroupId, string? Name)>> LinksAsync(TContext db, ScimContext context, EntityStoreShared<TGroup> shared, Membership<TMember> membership, KnownNesting nesting, IEnumerable<string> memberIds, CancellationToken cancellationToken)
    {
        var tenant = context.Tenant;
        var shape = shared.Shape;
        var groups = shape.Served(tenant) is { } served ? db.Set<TGroup>().Where(served) : db.Set<TGroup>();
        var found = await membership.GroupsOfAsync(db, groups.AsNoTracking(), shape.TenantValue(tenant), shape.KeyExpression, shape.TenantExpression, shape.KeptExpression, shared.DisplayName, memberIds, cancellationToken).ConfigureAwait(false);
        nesting.Learn(context, found.MayNest);
        return found.Links;
    }

    public async Task<IReadOnlyList<string>> MemberDeletedAsync(ScimContext context, string memberId, IReadOnlyCollection<string> formerGroupIds, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(memberId);
        ArgumentNullException.ThrowIfNull(formerGroupIds);
        return await WriteAsync<List<string>>(context, async (db, _) =>
        {
            // With a cascading foreign key the rows went with the member, and a user's delete takes
            // them first (RemoveMemberRowsAsync); a nested group's rows of this tenant's groups go
            // now (another tenant's groups are not this request's to change).
            var fromRows = await RemoveMemberRowsAsync(db, context, Shared, membership, memberId, cancellationToken).ConfigureAwait(false);
            var keys = fromRows.Concat(formerGroupIds.Select(Shape.KeyOf).OfType<object>()).Distinct().ToList();
            var changed = new List<string>();
            foreach (var chunk in keys.Chunk(SqlLists.Chunk))
            {
                var groups = await Rows(db, context).Where(Shape.KeyIn(chunk)).ToListAsync(cancellationToken).ConfigureAwait(false);

                // A computed version follows the members left (their rows are gone by now): the
                // event carries that one, which a GET then serves, not the service's new version.
                var digests = Shape.KeepsVersion || groups.Count == 0 ? null : await membership.DigestsAsync(db, groups.ConvertAll(Shape.KeyValueOf), cancellationToken).ConfigureAwait(false);
                foreach (var group in groups)
                {
                    Shape.Stamp(group, lastModified, newVersion);
                    var id = Shape.IdOf(group);
                    var version = digests is null ? newVersion : Shape.VersionOf(group, digests.GetValueOrDefault(Shape.KeyValueOf(group)) ?? "0");
                    changed.Add(id);
                    if (!EventRows.Add(db, context, id, version) && digests is not null)
                    {
                        context.Events?.SetVersion(id, version); // no outbox: the service completes the event
                    }
                }
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return changed;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether any membership row names a group (never, when members are users only).</summary>
    public async ValueTask<bool> MayHaveNestedGroupsAsync(ScimContext context, CancellationToken cancellationToken)
    {
        if (_nesting.Of(context) is { } known)
        {
            return known;
        }

        await using var lease = Open();
        return await membership.MayNestAsync(lease.Context, cancellationToken).ConfigureAwait(false);
    }

    protected override T Changed<T>() =>
        (typeof(T) == typeof(GroupPatchResult) ? new GroupPatchResult(StoreWriteStatus.VersionMismatch) as T : StoreWriteResult.VersionMismatch<Group>() as T)!;

    protected override T Conflict<T>(string attribute) =>
        (typeof(T) == typeof(GroupPatchResult) ? new GroupPatchResult(StoreWriteStatus.Conflict, conflictAttribute: attribute) as T : StoreWriteResult.Conflict<Group>(attribute) as T)!;

    protected override IQueryable<TGroup> Prepare(IQueryable<TGroup> query, TContext db) => membership.WithMembershipRows(query, db);

    protected override async Task<string?> DigestAsync(TContext db, TGroup entity, CancellationToken cancellationToken)
    {
        if (Shape.KeepsVersion)
        {
            return null;
        }

        var key = Shape.KeyValueOf(entity);
        return (await membership.DigestsAsync(db, [key], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(key) ?? "0";
    }

    protected override async Task<Group> ResourceAsync(TContext db, ScimContext context, TGroup entity, ReadHints hints, CancellationToken cancellationToken)
    {
        var group = ResourceOf(entity, await DigestAsync(db, entity, cancellationToken).ConfigureAwait(false));
        if (hints.IncludesMembers)
        {
            group.Members = await membership.MembersAsync(db, Shape.KeyValueOf(entity), cancellationToken).ConfigureAwait(false);
        }

        return group;
    }

    protected override async Task<IReadOnlyList<Group>> ResourcesAsync(TContext db, ScimContext context, IReadOnlyList<TGroup> entities, ReadHints hints, CancellationToken cancellationToken)
    {
        var keys = entities.Select(Shape.KeyValueOf).ToList();
        var members = hints.IncludesMembers && entities.Count > 0
            ? await membership.MembersAsync(db, keys, cancellationToken).ConfigureAwait(false)
            : [];
        var digests = !Shape.KeepsVersion && entities.Count > 0
            ? await membership.DigestsAsync(db, keys, cancellationToken).ConfigureAwait(false)
            : null;
        return [.. entities.Select(entity =>
        {
            var group = ResourceOf(entity, digests is null ? null : digests.GetValueOrDefault(Shape.KeyValueOf(entity)) ?? "0");
            group.Members = members.GetValueOrDefault(Shape.KeyValueOf(entity)) ?? [];
            return group;
        })];
    }

    protected override async Task AfterCreateAsync(TContext db, ScimContext context, TGroup entity, Group resource, CancellationToken cancellationToken)
    {
        _nesting.Forget();
        if (resource.Members.Count > 0)
        {
            // The group's row first (a membership row refers to it), then its members, saved for the
            // response, which reads them.
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await AddMembersAsync(db, context, Shape.KeyValueOf(entity), resource.Members, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task AfterReplaceAsync(TContext db, ScimContext context, TGroup entity, Group resource, CancellationToken cancellationToken)
    {
        _nesting.Forget();
        var key = Shape.KeyValueOf(entity);
        var wanted = resource.Members.Select(m => m.Value!).ToHashSet(StringComparer.Ordinal);
        var present = await membership.MembersAsync(db, key, cancellationToken).ConfigureAwait(false);
        await membership.RemoveAsync(db, key, present.Select(m => m.Value!).Where(m => !wanted.Contains(m)), cancellationToken).ConfigureAwait(false);
        await AddMembersAsync(db, context, key, resource.Members, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false); // with the group's row; the response reads the members
    }

    /// <summary>Adds membership rows for the members not in the group yet; the ids added.</summary>
    private async Task<List<string>> AddMembersAsync(TContext db, ScimContext context, object key, IEnumerable<GroupMember> members, CancellationToken cancellationToken)
    {
        var added = await membership.AddAsync(db, key, context.Tenant, members, cancellationToken).ConfigureAwait(false);
        await CheckServedAsync(db, context, added, cancellationToken).ConfigureAwait(false);
        return added;
    }

    private Task CheckServedAsync(TContext db, ScimContext context, List<string> added, CancellationToken cancellationToken) =>
        _servedUsers is null ? Task.CompletedTask : _servedUsers.CheckAsync(db, context.Tenant, added, cancellationToken);

    protected override bool WritesMembers => true;

    // A membership row's key to a group (the group it is in, or the nested one it names); a key of
    // the host's own on the join entity to something else stays the host's 409.
    protected override bool IsMembershipReference(TContext db, Exception error) =>
        DatabaseFailures.ConstraintName(error) is { } name
        && db.Model.FindEntityType(typeof(TMember))?.GetForeignKeys().Any(k => k.GetConstraintName() == name && k.PrincipalEntityType.ClrType == typeof(TGroup)) == true;

    protected override async Task BeforeDeleteAsync(TContext db, ScimContext context, TGroup entity, CancellationToken cancellationToken)
    {
        await membership.RemoveAllAsync(db, Shape.KeyValueOf(entity), cancellationToken).ConfigureAwait(false);
        await membership.BeforeGroupDeletedAsync(db, Shape.KeyValueOf(entity), cancellationToken).ConfigureAwait(false);
    }
}
