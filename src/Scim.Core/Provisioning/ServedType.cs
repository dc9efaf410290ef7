using System.Text.Json.Nodes;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

/// <summary>
/// A resource type the service serves, with its store: the one typed path every operation takes,
/// whatever the type. The service works on canonical JSON trees and stored resources; this turns
/// trees into the store's typed resources and back (writeOnly values such as a user's password
/// included, in <see cref="ResourceTrees"/>) and calls the store.
/// </summary>
internal abstract class ServedType(ScimResourceType type)
{
    public ScimResourceType Type { get; } = type;

    public string Name => Type.Name;

    /// <summary>Whether the store pages by cursor (RFC 9865).</summary>
    public abstract bool PagesByCursor { get; }

    /// <summary>The store's cursor timeout, when it pages by cursor.</summary>
    public abstract TimeSpan? CursorTimeout { get; }

    public abstract Task<ScimResource?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken);

    public abstract Task<ScimPage<ScimResource>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken);

    /// <summary>Stores a new resource (one <see cref="FromTree"/> made).</summary>
    public abstract Task<StoreWriteResult<ScimResource>> CreateAsync(ScimContext context, ScimResource resource, CancellationToken cancellationToken);

    /// <summary>Replaces a stored resource (one <see cref="FromTree"/> made), conditioned on its version.</summary>
    public abstract Task<StoreWriteResult<ScimResource>> ReplaceAsync(ScimContext context, ScimResource resource, string? expectedVersion, CancellationToken cancellationToken);

    public abstract Task<StoreWriteStatus> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken);

    /// <summary>The typed resource of a canonical tree (the store's input).</summary>
    public abstract ScimResource FromTree(JsonObject tree);
}

/// <summary><see cref="ServedType"/> over one typed store.</summary>
internal sealed class ServedType<T>(ScimResourceType type, IResourceStore<T> store, Func<JsonObject, T> fromTree) : ServedType(type)
    where T : ScimResource
{
    public IResourceStore<T> Store { get; } = store;

    public override bool PagesByCursor => Store is ICursorPagingStore;

    public override TimeSpan? CursorTimeout => (Store as ICursorPagingStore)?.CursorTimeout;

    public override async Task<ScimResource?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) =>
        await Store.GetAsync(context, id, hints, cancellationToken).ConfigureAwait(false);

    public override async Task<ScimPage<ScimResource>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
    {
        var page = await Store.QueryAsync(context, query, cancellationToken).ConfigureAwait(false);
        return new ScimPage<ScimResource>(page.Resources, page.TotalResults, page.NextCursor);
    }

    public override async Task<StoreWriteResult<ScimResource>> CreateAsync(ScimContext context, ScimResource resource, CancellationToken cancellationToken)
    {
        var typed = (T)resource;
        return Widen(await Store.CreateAsync(context, typed, cancellationToken).ConfigureAwait(false), typed);
    }

    public override async Task<StoreWriteResult<ScimResource>> ReplaceAsync(ScimContext context, ScimResource resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        var typed = (T)resource;
        return Widen(await Store.ReplaceAsync(context, typed, expectedVersion, cancellationToken).ConfigureAwait(false), typed);
    }

    public override async Task<StoreWriteStatus> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) =>
        (await Store.DeleteAsync(context, id, expectedVersion, cancellationToken).ConfigureAwait(false)).Status;

    public override ScimResource FromTree(JsonObject tree) => fromTree(tree);

    /// <summary>The store's result as the service reads it; a success without a resource stands for the one written.</summary>
    private static StoreWriteResult<ScimResource> Widen(StoreWriteResult<T> result, T written) =>
        new(result.Status, result.Succeeded ? result.Resource ?? written : null, result.ConflictAttribute, result.Unchanged);
}
