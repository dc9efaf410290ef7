using System.Collections.Concurrent;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Versioning;

namespace Scim.Core.InMemory;

/// <summary>
/// The reference <see cref="IUserStore"/>: users in memory, per tenant, thread-safe (many readers,
/// one writer at a time per tenant), with O(1) lookups by id, userName (case-insensitive) and
/// externalId, and stable cursor paging. Data lives as long as the process.
/// </summary>
internal sealed class InMemoryUserStore : IUserStore, ICursorPagingStore, IDisposable
{
    private readonly ConcurrentDictionary<string, TenantTable<User>> _tenants = new(StringComparer.Ordinal);
    private readonly InMemoryQueryEngine<User> _engine;
    private readonly bool _uniqueExternalId;

    /// <summary>Creates an empty store.</summary>
    /// <param name="registry">The schemas (for filters and sorting).</param>
    /// <param name="uniqueExternalId">Whether <c>externalId</c> is unique per tenant (<see cref="Provisioning.ScimServiceOptions.UniqueExternalId"/>).</param>
    public InMemoryUserStore(SchemaRegistry registry, bool uniqueExternalId = false)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _engine = new InMemoryQueryEngine<User>(registry, "User", ResourceMappings.StoredUser, "userName");
        _uniqueExternalId = uniqueExternalId;
    }

    /// <inheritdoc />
    public TimeSpan? CursorTimeout => null;

    /// <summary>The number of users of a tenant.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The count.</returns>
    public int Count(string tenant)
    {
        var table = Find(tenant);
        if (table is null)
        {
            return 0;
        }

        table.Lock.EnterReadLock();
        try
        {
            return table.ById.Count;
        }
        finally
        {
            table.Lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var table = Find(context.Tenant);
        if (table is null)
        {
            return Task.FromResult<User?>(null);
        }

        table.Lock.EnterReadLock();
        try
        {
            return Task.FromResult(table.ById.GetValueOrDefault(id));
        }
        finally
        {
            table.Lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(query);
        // An unknown tenant is queried as an empty one: the query is still checked (cursor, sort).
        var table = Find(context.Tenant) ?? Empty;
        table.Lock.EnterReadLock();
        try
        {
            return Task.FromResult(_engine.Run(table, query, static u => u, static u => u));
        }
        finally
        {
            table.Lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(resource.Id);
        var table = _tenants.GetOrAdd(context.Tenant, static _ => NewTable());
        table.Lock.EnterWriteLock();
        try
        {
            if (table.ById.ContainsKey(resource.Id))
            {
                return Task.FromResult(StoreWriteResult.Conflict<User>("id"));
            }

            if (Collision(table, resource) is { } attribute)
            {
                return Task.FromResult(StoreWriteResult.Conflict<User>(attribute));
            }

            table.Put(resource);
            return Task.FromResult(StoreWriteResult.Success(resource));
        }
        finally
        {
            table.Lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(resource.Id);
        var table = Find(context.Tenant);
        if (table is null)
        {
            return Task.FromResult(StoreWriteResult.NotFound<User>());
        }

        table.Lock.EnterWriteLock();
        try
        {
            if (!table.ById.TryGetValue(resource.Id, out var current))
            {
                return Task.FromResult(StoreWriteResult.NotFound<User>());
            }

            if (expectedVersion is not null && !ResourceVersion.WeakEquals(expectedVersion, current.Meta?.Version ?? string.Empty))
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<User>());
            }

            if (Collision(table, resource) is { } attribute)
            {
                return Task.FromResult(StoreWriteResult.Conflict<User>(attribute));
            }

            table.Put(resource);
            return Task.FromResult(StoreWriteResult.Success(resource));
        }
        finally
        {
            table.Lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var table = Find(context.Tenant);
        if (table is null)
        {
            return Task.FromResult(StoreWriteResult.NotFound<User>());
        }

        table.Lock.EnterWriteLock();
        try
        {
            if (!table.ById.TryGetValue(id, out var current))
            {
                return Task.FromResult(StoreWriteResult.NotFound<User>());
            }

            if (expectedVersion is not null && !ResourceVersion.WeakEquals(expectedVersion, current.Meta?.Version ?? string.Empty))
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<User>());
            }

            table.Remove(id, out _);
            return Task.FromResult(StoreWriteResult.Success(current));
        }
        finally
        {
            table.Lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var table in _tenants.Values)
        {
            table.Dispose();
        }
    }

    private static TenantTable<User> Empty { get; } = NewTable();

    private static TenantTable<User> NewTable() => new(static u => u.UserName, StringComparer.OrdinalIgnoreCase);

    private TenantTable<User>? Find(string tenant) => _tenants.GetValueOrDefault(tenant);

    private string? Collision(TenantTable<User> table, User user)
    {
        if (user.UserName is { } userName && table.IdsBySecondary(userName).Any(id => !string.Equals(id, user.Id, StringComparison.Ordinal)))
        {
            return "userName";
        }

        if (_uniqueExternalId && user.ExternalId is { } externalId && table.IdsByExternalId(externalId).Any(id => !string.Equals(id, user.Id, StringComparison.Ordinal)))
        {
            return "externalId";
        }

        return null;
    }
}
