using Scim.Core.Resources;

namespace Scim.Core.Stores;

/// <summary>
/// Where resources of one type live: the host's own tables, the EF Core store or the in-memory
/// store. The provisioning service does everything SCIM-specific (validation, PATCH, versions,
/// events); a store reads and writes, scoped to <see cref="ScimContext.Tenant"/>.
/// </summary>
/// <remarks>
/// <para>The service proposes <c>id</c>, <c>meta.created</c>, <c>meta.lastModified</c> and
/// <c>meta.version</c> before it calls a write. A store keeps them where it has columns for them;
/// it may instead assign its own id (an identity key) and compute its version from what it stores
/// (a version that changes exactly when the resource does). Either way a successful write returns
/// the resource as stored, never the one it was handed, and the service uses that.</para>
/// <para>Conditional writes: when <c>expectedVersion</c> is not <see langword="null"/> the store
/// applies the write only if the stored <c>meta.version</c> equals it, atomically, and otherwise
/// returns <see cref="StoreWriteStatus.VersionMismatch"/>. The service passes back the exact
/// string it read, so an ordinal comparison of the version column is enough.</para>
/// <para>Creating a resource whose id already exists in the tenant returns
/// <see cref="StoreWriteStatus.Conflict"/> with the attribute <c>id</c>.</para>
/// <para>Objects passed to a write belong to the store afterwards; objects a store returns are
/// treated as read-only by the service.</para>
/// <para>Stores are called concurrently: one instance (a singleton) or one per request scope
/// serves many requests at once, and two requests may write the same resource at the same time.
/// Make every method safe for that (a <c>DbContext</c> per scope or from an
/// <c>IDbContextFactory</c>, never one shared between requests) and settle races in the
/// database: conditional writes on the version, unique indexes for uniqueness.</para>
/// </remarks>
/// <typeparam name="T">The resource class.</typeparam>
public interface IResourceStore<T>
    where T : ScimResource
{
    /// <summary>Gets one resource of the tenant by id.</summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="hints">What the caller will use; a store may skip loading what it does not include (e.g. a group's members).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resource, or <see langword="null"/> when the tenant has none with that id.</returns>
    Task<T?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken);

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
