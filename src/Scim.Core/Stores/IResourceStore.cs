using Scim.Core.Projection;
using Scim.Core.Resources;

namespace Scim.Core.Stores;

/// <summary>
/// Where resources of one type live: the host's own tables, the EF Core store or the in-memory
/// store. The provisioning service does everything SCIM-specific (validation, PATCH, versions,
/// events); a store reads and writes, scoped to <see cref="ScimContext.Tenant"/>.
/// </summary>
/// <remarks>
/// <para>The service assigns <c>id</c>, <c>meta.created</c>, <c>meta.lastModified</c> and
/// <c>meta.version</c> before it calls a write; the store keeps them as given.</para>
/// <para>Conditional writes: when <c>expectedVersion</c> is not <see langword="null"/> the store
/// applies the write only if the stored <c>meta.version</c> equals it, atomically, and otherwise
/// returns <see cref="StoreWriteStatus.VersionMismatch"/>. The service passes back the exact
/// string it read, so an ordinal comparison of the version column is enough.</para>
/// <para>Creating a resource whose id already exists in the tenant returns
/// <see cref="StoreWriteStatus.Conflict"/> with the attribute <c>id</c>.</para>
/// <para>Objects passed to a write belong to the store afterwards; objects a store returns are
/// treated as read-only by the service.</para>
/// </remarks>
/// <typeparam name="T">The resource class.</typeparam>
public interface IResourceStore<T>
    where T : ScimResource
{
    /// <summary>Gets one resource of the tenant by id.</summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="projection">What the caller will use; a store may skip loading what it does not include (e.g. a group's members). <see langword="null"/>: everything.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resource, or <see langword="null"/> when the tenant has none with that id.</returns>
    Task<T?> GetAsync(ScimContext context, string id, ScimProjection? projection, CancellationToken cancellationToken);

    /// <summary>Runs a list query over the tenant's resources.</summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="query">Filter, sort, paging and projection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page and the total number of matches.</returns>
    Task<ScimPage<T>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken);

    /// <summary>Stores a new resource.</summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="resource">The resource, with id and meta assigned.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Success, or <see cref="StoreWriteStatus.Conflict"/> when a uniqueness rule would be broken.</returns>
    Task<StoreWriteResult<T>> CreateAsync(ScimContext context, T resource, CancellationToken cancellationToken);

    /// <summary>Replaces a stored resource (same id) with a new state.</summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="resource">The new state, with meta assigned.</param>
    /// <param name="expectedVersion">The version the write is conditioned on, or <see langword="null"/> for an unconditional write.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Success, not found, version mismatch or conflict.</returns>
    Task<StoreWriteResult<T>> ReplaceAsync(ScimContext context, T resource, string? expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes a resource.</summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="expectedVersion">The version the delete is conditioned on, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Success (with the deleted resource when the store has it at hand), not found or version mismatch.</returns>
    Task<StoreWriteResult<T>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken);
}

/// <summary>The store of User resources. Uniqueness: <c>userName</c> is unique per tenant, compared case-insensitively.</summary>
public interface IUserStore : IResourceStore<User>
{
}

/// <summary>
/// The store of Group resources. Membership changes arrive as deltas
/// (<see cref="PatchAsync"/>) so that adding one member never loads the member list.
/// </summary>
public interface IGroupStore : IResourceStore<Group>
{
    /// <summary>
    /// Applies a PATCH outcome atomically: the new attribute state (members excluded) when the
    /// attributes changed, and the membership delta — first remove-all when asked, then the
    /// removals, then the additions. Adding a member already present or removing one that is not
    /// there changes nothing. The version and lastModified are set only when something changed.
    /// </summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="patch">The change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome, with the member ids actually added and removed.</returns>
    Task<GroupPatchResult> PatchAsync(ScimContext context, GroupPatch patch, CancellationToken cancellationToken);

    /// <summary>
    /// The groups that directly contain any of the given members (users or groups), for the
    /// derived <c>groups</c> attribute of a User (RFC 7643 §4.1.2). The service walks the result
    /// upwards to find indirect memberships.
    /// </summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="memberIds">Member ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One entry per (member, group) pair.</returns>
    Task<IReadOnlyList<MemberGroup>> GetGroupsOfMembersAsync(ScimContext context, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken);

    /// <summary>Removes a deleted resource from every group of the tenant that lists it.</summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="memberId">The id of the deleted user or group.</param>
    /// <param name="newVersion">The version to give each group that changed.</param>
    /// <param name="lastModified">The time to give each group that changed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids of the groups that changed.</returns>
    Task<IReadOnlyList<string>> RemoveMemberFromAllGroupsAsync(ScimContext context, string memberId, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken);
}

/// <summary>
/// A store that serves RFC 9865 cursor paging: it returns <see cref="ScimPage{T}.NextCursor"/> and
/// accepts it back in <see cref="ScimQuery.Cursor"/>, and a cursor stays valid (no item skipped or
/// repeated) while other requests insert and delete. The service advertises cursor paging only for
/// stores that implement this.
/// </summary>
public interface ICursorPagingStore
{
    /// <summary>How long a cursor stays valid, advertised as <c>cursorTimeout</c>; <see langword="null"/> when cursors do not expire.</summary>
    TimeSpan? CursorTimeout { get; }
}
