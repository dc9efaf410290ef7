using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Versioning;

namespace Scim.Core.InMemory;

/// <summary>
/// The reference store of a host-registered resource type (<see cref="JsonResource"/>): rows in
/// memory per tenant, in id order, each kept with its canonical tree so that filters (RFC 7644
/// §3.4.2.2 semantics, through the schema) and sorting read it without serializing again. The
/// attributes the schema marks unique (<c>uniqueness</c> server or global, single-valued strings)
/// are unique per tenant, compared as their <c>caseExact</c> says; <c>externalId</c> too when
/// <see cref="Provisioning.ScimServiceOptions.UniqueExternalId"/> is set. Thread-safe; data lives
/// as long as the process.
/// </summary>
internal sealed class InMemoryResourceStore : IResourceStore<JsonResource>, ICursorPagingStore, IDisposable
{
    private readonly ConcurrentDictionary<string, Table> _tenants = new(StringComparer.Ordinal);
    private readonly ScimResourceType _type;
    private readonly ScimFilterEvaluator _filters;
    private readonly ScimSorter _sorter;
    private readonly IReadOnlyList<SchemaAttribute> _unique;
    private readonly bool _uniqueExternalId;

    /// <summary>Creates an empty store for one resource type.</summary>
    /// <param name="registry">The schemas.</param>
    /// <param name="resourceTypeName">The resource type, e.g. <c>Device</c>.</param>
    /// <param name="uniqueExternalId">Whether <c>externalId</c> is unique per tenant.</param>
    public InMemoryResourceStore(SchemaRegistry registry, string resourceTypeName, bool uniqueExternalId = false)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _type = registry.FindResourceType(resourceTypeName) ?? throw new InvalidOperationException($"The schema registry has no '{resourceTypeName}' resource type.");
        _filters = new ScimFilterEvaluator(registry);
        _sorter = new ScimSorter(registry);
        _unique = [.. (registry.FindSchema(_type.Schema)?.Attributes ?? []).Where(a => a.Uniqueness != Uniqueness.None && !a.MultiValued && a.Type == AttributeType.String)];
        _uniqueExternalId = uniqueExternalId;
    }

    /// <summary>The resource type served.</summary>
    public ScimResourceType ResourceType => _type;

    /// <inheritdoc />
    public TimeSpan? CursorTimeout => null;

    /// <inheritdoc />
    public Task<JsonResource?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        if (Find(context.Tenant) is not { } table)
        {
            return Task.FromResult<JsonResource?>(null);
        }

        lock (table)
        {
            return Task.FromResult(table.ById.TryGetValue(id, out var row) ? row.Resource : null);
        }
    }

    /// <inheritdoc />
    public Task<ScimPage<JsonResource>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(query);
        var predicate = query.Filter is null ? null : _filters.Compile(query.Filter, _type);
        var after = query.UsesCursor ? ScimQueryable.DecodeCursor(query.Cursor!) : null;
        if (query.UsesCursor && query.SortBy is not null)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, "sortBy cannot be combined with cursor paging; page by cursor in the default order, or sort with startIndex.");
        }

        var comparer = query.SortBy is null ? null : _sorter.CreateComparer(query.SortBy, query.SortOrder, _type);
        List<Row> matches;
        var table = Find(context.Tenant);
        if (table is null)
        {
            matches = [];
        }
        else
        {
            lock (table)
            {
                matches = predicate is null ? [.. table.Order] : [.. table.Order.Where(r => predicate(r.Tree))];
            }
        }

        if (comparer is not null)
        {
            // A stable sort: rows that compare equal keep their id order.
            matches = [.. matches.OrderBy(r => r.Tree, comparer)];
        }

        if (query.UsesCursor)
        {
            var start = after is null ? 0 : matches.FindIndex(r => string.CompareOrdinal(r.Resource.Id, after) > 0);
            start = start < 0 ? matches.Count : start;
            var slice = matches.Skip(start).Take(query.Count).Select(r => r.Resource).ToList();
            var more = start + slice.Count < matches.Count && slice.Count > 0;
            return Task.FromResult(new ScimPage<JsonResource>(slice, matches.Count, more ? ScimQueryable.EncodeCursor(slice[^1].Id!) : null));
        }

        var page = matches.Skip(query.StartIndex - 1).Take(query.Count).Select(r => r.Resource).ToList();
        return Task.FromResult(new ScimPage<JsonResource>(page, matches.Count));
    }

    /// <inheritdoc />
    public Task<StoreWriteResult<JsonResource>> CreateAsync(ScimContext context, JsonResource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(resource.Id);
        var table = _tenants.GetOrAdd(context.Tenant, static (_, unique) => new Table(unique), _unique);
        var row = new Row(resource, resource.ToJson());
        lock (table)
        {
            if (table.ById.ContainsKey(resource.Id))
            {
                return Task.FromResult(StoreWriteResult.Conflict<JsonResource>("id"));
            }

            if (Collision(table, row) is { } attribute)
            {
                return Task.FromResult(StoreWriteResult.Conflict<JsonResource>(attribute));
            }

            table.Put(row);
            return Task.FromResult(StoreWriteResult.Success(resource));
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult<JsonResource>> ReplaceAsync(ScimContext context, JsonResource resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(resource.Id);
        if (Find(context.Tenant) is not { } table)
        {
            return Task.FromResult(StoreWriteResult.NotFound<JsonResource>());
        }

        var row = new Row(resource, resource.ToJson());
        lock (table)
        {
            if (!table.ById.TryGetValue(resource.Id, out var current))
            {
                return Task.FromResult(StoreWriteResult.NotFound<JsonResource>());
            }

            if (expectedVersion is not null && !ResourceVersion.WeakEquals(expectedVersion, current.Resource.Meta?.Version ?? string.Empty))
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<JsonResource>());
            }

            if (Collision(table, row) is { } attribute)
            {
                return Task.FromResult(StoreWriteResult.Conflict<JsonResource>(attribute));
            }

            table.Put(row);
            return Task.FromResult(StoreWriteResult.Success(resource));
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult<JsonResource>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        if (Find(context.Tenant) is not { } table)
        {
            return Task.FromResult(StoreWriteResult.NotFound<JsonResource>());
        }

        lock (table)
        {
            if (!table.ById.TryGetValue(id, out var current))
            {
                return Task.FromResult(StoreWriteResult.NotFound<JsonResource>());
            }

            if (expectedVersion is not null && !ResourceVersion.WeakEquals(expectedVersion, current.Resource.Meta?.Version ?? string.Empty))
            {
                return Task.FromResult(StoreWriteResult.VersionMismatch<JsonResource>());
            }

            table.Remove(id);
            return Task.FromResult(StoreWriteResult.Success(current.Resource));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _tenants.Clear();

    private Table? Find(string tenant) => _tenants.GetValueOrDefault(tenant);

    /// <summary>The unique attribute another row of the tenant already has this row's value of, if any (call under the table's lock).</summary>
    private string? Collision(Table table, Row row)
    {
        for (var i = 0; i < _unique.Count; i++)
        {
            if (Table.UniqueValue(row.Resource, _unique[i]) is { } text
                && table.Unique[i].TryGetValue(text, out var holder)
                && !string.Equals(holder, row.Resource.Id, StringComparison.Ordinal))
            {
                return _unique[i].Name;
            }
        }

        if (_uniqueExternalId && row.Resource.ExternalId is { } externalId
            && table.Order.Any(other => !string.Equals(other.Resource.Id, row.Resource.Id, StringComparison.Ordinal) && string.Equals(other.Resource.ExternalId, externalId, StringComparison.Ordinal)))
        {
            return "externalId";
        }

        return null;
    }

    /// <summary>A stored resource and its canonical tree (what filters and sorting read).</summary>
    private sealed record Row(JsonResource Resource, JsonObject Tree);

    /// <summary>
    /// One tenant's rows, by id and in id order (ids the service makes increase, so inserts append),
    /// with an index per unique attribute (value to id, compared as the attribute's caseExact says).
    /// Guarded by locking the table.
    /// </summary>
    private sealed class Table(IReadOnlyList<SchemaAttribute> unique)
    {
        public Dictionary<string, Row> ById { get; } = new(StringComparer.Ordinal);

        public List<Row> Order { get; } = [];

        public Dictionary<string, string>[] Unique { get; } = [.. unique.Select(a => new Dictionary<string, string>(a.CaseExact ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase))];

        public static string? UniqueValue(JsonResource resource, SchemaAttribute attribute) =>
            resource.Attributes[attribute.Name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

        public void Put(Row row)
        {
            var id = row.Resource.Id!;
            var index = IndexOf(id);
            if (ById.TryGetValue(id, out var previous))
            {
                Unindex(previous);
                Order[index] = row;
            }
            else
            {
                Order.Insert(index, row);
            }

            ById[id] = row;
            for (var i = 0; i < unique.Count; i++)
            {
                if (UniqueValue(row.Resource, unique[i]) is { } text)
                {
                    Unique[i][text] = id;
                }
            }
        }

        public void Remove(string id)
        {
            if (ById.Remove(id, out var row))
            {
                Unindex(row);
                Order.RemoveAt(IndexOf(id));
            }
        }

        private void Unindex(Row row)
        {
            for (var i = 0; i < unique.Count; i++)
            {
                if (UniqueValue(row.Resource, unique[i]) is { } text && Unique[i].TryGetValue(text, out var holder) && string.Equals(holder, row.Resource.Id, StringComparison.Ordinal))
                {
                    Unique[i].Remove(text);
                }
            }
        }

        /// <summary>The position of the row with this id, or where it would go.</summary>
        private int IndexOf(string id)
        {
            int low = 0, high = Order.Count - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) / 2);
                var comparison = string.CompareOrdinal(Order[middle].Resource.Id, id);
                if (comparison == 0)
                {
                    return middle;
                }

                if (comparison < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return low;
        }
    }
}
