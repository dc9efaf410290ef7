using System.Data;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Provisioning;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The EF Core store of a host-registered resource type (an agent, a device): its resources are
/// rows of <see cref="ScimResourceEntity"/>, their attributes JSON. The lookups the service and the
/// IdPs make are SQL: by id (and the <c>id eq a or id eq b</c> of reference checks), by
/// <c>externalId</c>, by the schema's unique attribute. Any other filter, and sorting, is evaluated
/// in the process over the rows those narrow the query to, or over the tenant's rows of the type
/// when nothing narrows it: fine for the hundreds or thousands of agents a tenant has, not for
/// millions of rows (docs/implementing-a-store.md). Writes run in a transaction that claims the
/// row first; versions condition them; the unique index settles uniqueness; the change's event is
/// written to the outbox in the same transaction when the model has it.
/// </summary>
internal sealed class EntityResourceStore<TContext> : IResourceStore<JsonResource>, ICursorPagingStore
    where TContext : DbContext
{
    private const int Attempts = 6;

    private readonly IServiceProvider _services;
    private readonly ScimResourceType _type;
    private readonly SchemaAttribute? _unique;
    private readonly ScimFilterEvaluator _filters;
    private readonly ScimSorter _sorter;

    public EntityResourceStore(IServiceProvider services, [ServiceKey] string resourceTypeName)
    {
        _services = services;
        var registry = services.GetRequiredService<SchemaRegistry>();
        _type = registry.FindResourceType(resourceTypeName) ?? throw new InvalidOperationException($"The schema registry has no '{resourceTypeName}' resource type.");
        _unique = registry.FindSchema(_type.Schema)?.Attributes.FirstOrDefault(a => a.Uniqueness != Uniqueness.None && !a.MultiValued && a.Type == AttributeType.String);
        _filters = new ScimFilterEvaluator(registry, services.GetService<IOptions<ScimServiceOptions>>()?.Value.Filter);
        _sorter = new ScimSorter(registry);
    }

    /// <summary>Cursors are keysets on the id: they do not expire.</summary>
    public TimeSpan? CursorTimeout => null;

    public async Task<JsonResource?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        await using var lease = Open(out var db);
        var row = await Rows(db, context).AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToResource(row);
    }

    public async Task<ScimPage<JsonResource>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(query);
        if (query.UsesCursor && query.SortBy is not null)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, "sortBy cannot be combined with cursor paging; page by cursor in the default order, or sort with startIndex.");
        }

        var after = query.UsesCursor ? ScimQueryable.DecodeCursor(query.Cursor!) : null;
        var predicate = query.Filter is null ? null : _filters.Compile(query.Filter, _type);
        var comparer = query.SortBy is null ? null : _sorter.CreateComparer(query.SortBy, query.SortOrder, _type);

        await using var lease = Open(out var db);
        var rows = Rows(db, context).AsNoTracking();
        if (query.Filter is not null && Narrowing(query.Filter) is { } narrowing)
        {
            rows = rows.Where(narrowing);
        }

        var candidates = await rows.OrderBy(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var matches = new List<(JsonResource Resource, JsonObject Tree)>(candidates.Count);
        foreach (var row in candidates)
        {
            var resource = ToResource(row);
            var tree = resource.ToJson();
            if (predicate is null || predicate(tree))
            {
                matches.Add((resource, tree));
            }
        }

        if (comparer is not null)
        {
            matches = [.. matches.OrderBy(m => m.Tree, comparer)];
        }

        if (query.UsesCursor)
        {
            var start = after is null ? 0 : matches.FindIndex(m => string.CompareOrdinal(m.Resource.Id, after) > 0);
            start = start < 0 ? matches.Count : start;
            var slice = matches.Skip(start).Take(query.Count).Select(m => m.Resource).ToList();
            var more = slice.Count > 0 && start + slice.Count < matches.Count;
            return new ScimPage<JsonResource>(slice, matches.Count, more ? ScimQueryable.EncodeCursor(slice[^1].Id!) : null);
        }

        return new ScimPage<JsonResource>([.. matches.Skip(query.StartIndex - 1).Take(query.Count).Select(m => m.Resource)], matches.Count);
    }

    public Task<StoreWriteResult<JsonResource>> CreateAsync(ScimContext context, JsonResource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(resource.Id);
        return WriteAsync(async db =>
        {
            if (await db.Set<ScimResourceEntity>().AnyAsync(r => r.ResourceType == _type.Name && r.Id == resource.Id, cancellationToken).ConfigureAwait(false))
            {
                return StoreWriteResult.Conflict<JsonResource>("id");
            }

            var row = new ScimResourceEntity { ResourceType = _type.Name, Id = resource.Id, Tenant = context.Tenant };
            Apply(resource, row);
            db.Add(row);
            await SaveAsync(db, context, resource, cancellationToken).ConfigureAwait(false);
            return StoreWriteResult.Success(ToResource(row));
        }, cancellationToken);
    }

    public Task<StoreWriteResult<JsonResource>> ReplaceAsync(ScimContext context, JsonResource resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(resource.Id);
        return WriteAsync(async db =>
        {
            if (await ClaimAsync(db, context, resource.Id, cancellationToken).ConfigureAwait(false) is not { } row)
            {
                return StoreWriteResult.NotFound<JsonResource>();
            }

            if (expectedVersion is not null && !string.Equals(row.Version, expectedVersion, StringComparison.Ordinal))
            {
                return StoreWriteResult.VersionMismatch<JsonResource>();
            }

            Apply(resource, row);
            await SaveAsync(db, context, resource, cancellationToken).ConfigureAwait(false);
            return StoreWriteResult.Success(ToResource(row));
        }, cancellationToken);
    }

    public Task<StoreWriteResult<JsonResource>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        return WriteAsync(async db =>
        {
            if (await ClaimAsync(db, context, id, cancellationToken).ConfigureAwait(false) is not { } row)
            {
                return StoreWriteResult.NotFound<JsonResource>();
            }

            if (expectedVersion is not null && !string.Equals(row.Version, expectedVersion, StringComparison.Ordinal))
            {
                return StoreWriteResult.VersionMismatch<JsonResource>();
            }

            var deleted = ToResource(row);
            db.Remove(row);
            EventRows.Add(db, context, id, null);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return StoreWriteResult.Success(deleted);
        }, cancellationToken);
    }

    private IQueryable<ScimResourceEntity> Rows(TContext db, ScimContext context)
    {
        var type = _type.Name;
        var tenant = context.Tenant;
        return db.Set<ScimResourceEntity>().Where(r => r.ResourceType == type && r.Tenant == tenant);
    }

    /// <summary>The row of an id, locked for the transaction (an update that changes nothing claims it), tracked; null when the tenant has none.</summary>
    private async Task<ScimResourceEntity?> ClaimAsync(TContext db, ScimContext context, string id, CancellationToken cancellationToken)
    {
        if (await Rows(db, context).Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, r => r.Version), cancellationToken).ConfigureAwait(false) == 0)
        {
            return null;
        }

        return await Rows(db, context).FirstOrDefaultAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false);
    }

    private void Apply(JsonResource resource, ScimResourceEntity row)
    {
        var tree = resource.ToJson();
        tree.Remove("meta");
        row.Json = tree.ToJsonString();
        row.ExternalId = resource.ExternalId;
        row.UniqueValue = _unique is null ? null : UniqueValueOf(resource.Attributes[_unique.Name]);
        row.Version = resource.Meta?.Version ?? string.Empty;
        var created = resource.Meta?.Created ?? DateTimeOffset.UtcNow;
        row.Created = created.UtcDateTime;
        row.LastModified = (resource.Meta?.LastModified ?? created).UtcDateTime;
    }

    private string? UniqueValueOf(JsonNode? value) =>
        value is JsonValue text && text.TryGetValue<string>(out var s) ? (_unique!.CaseExact ? s : s.ToLowerInvariant()) : null;

    private JsonResource ToResource(ScimResourceEntity row)
    {
        var tree = JsonNode.Parse(row.Json) as JsonObject ?? [];
        var resource = JsonResource.FromJson(tree, _type.Schema);
        resource.Id = row.Id;
        resource.Meta = new ResourceMeta
        {
            ResourceType = _type.Name,
            Created = new DateTimeOffset(DateTime.SpecifyKind(row.Created, DateTimeKind.Utc)),
            LastModified = new DateTimeOffset(DateTime.SpecifyKind(row.LastModified, DateTimeKind.Utc)),
            Version = row.Version,
        };
        return resource;
    }

    private async Task SaveAsync(TContext db, ScimContext context, JsonResource resource, CancellationToken cancellationToken)
    {
        ColumnLimits.Check(db, (_, property) => property switch
        {
            nameof(ScimResourceEntity.ExternalId) => "externalId",
            nameof(ScimResourceEntity.UniqueValue) => _unique?.Name,
            _ => null,
        });
        EventRows.Add(db, context, resource.Id!, resource.Meta?.Version);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The SQL condition a filter implies, when its top-level AND chain (or the whole filter, an OR
    /// of them) holds an equality on id, externalId or the unique attribute; the filter itself is
    /// still evaluated on what it returns.
    /// </summary>
    private System.Linq.Expressions.Expression<Func<ScimResourceEntity, bool>>? Narrowing(FilterExpression filter)
    {
        if (AnyOfIds(filter) is { Count: > 0 } ids)
        {
            return r => ids.Contains(r.Id);
        }

        switch (filter)
        {
            case AndFilter and:
                return Narrowing(and.Left) ?? Narrowing(and.Right);
            case ComparisonFilter { Operator: ComparisonOperator.Equal, Value: StringValue value, Path: { SubAttribute: null } path }
                when path.SchemaUri is null || string.Equals(path.SchemaUri, _type.Schema, StringComparison.OrdinalIgnoreCase):
                if (path.Name.Equals("externalId", StringComparison.OrdinalIgnoreCase))
                {
                    var externalId = value.Value;
                    return r => r.ExternalId == externalId;
                }

                if (_unique is not null && path.Name.Equals(_unique.Name, StringComparison.OrdinalIgnoreCase))
                {
                    var key = _unique.CaseExact ? value.Value : value.Value.ToLowerInvariant();
                    return r => r.UniqueValue == key;
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The ids of <c>id eq a or id eq b ...</c>; null when the filter is anything else.</summary>
    private static List<string>? AnyOfIds(FilterExpression filter)
    {
        switch (filter)
        {
            case OrFilter or:
                var left = AnyOfIds(or.Left);
                var right = left is null ? null : AnyOfIds(or.Right);
                return left is null || right is null ? null : [.. left, .. right];
            case ComparisonFilter { Operator: ComparisonOperator.Equal, Value: StringValue value, Path: { SchemaUri: null, SubAttribute: null } path }
                when path.Name.Equals("id", StringComparison.OrdinalIgnoreCase):
                return [value.Value];
            default:
                return null;
        }
    }

    /// <summary>Runs a write in a transaction, again after a lost race; a unique index that fires is a conflict on the unique attribute.</summary>
    private async Task<StoreWriteResult<JsonResource>> WriteAsync(Func<TContext, Task<StoreWriteResult<JsonResource>>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var lease = Open(out var db);
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                var result = await write(db).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception error) when (DatabaseFailures.IsUniqueViolation(error, db, typeof(ScimResourceEntity), out var property))
            {
                // The unique index is (Tenant, ResourceType, UniqueValue), the key (ResourceType, Id): the first column tells them apart.
                return StoreWriteResult.Conflict<JsonResource>(property is nameof(ScimResourceEntity.Tenant) or nameof(ScimResourceEntity.UniqueValue) ? _unique?.Name ?? "id" : "id");
            }
            catch (Exception error) when (attempt < Attempts && DatabaseFailures.IsLostRace(error))
            {
                await Task.Delay(Random.Shared.Next(1, 4 << attempt), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>A context from the host's factory when it registered one (owned, disposed after), else the request scope's.</summary>
    private Lease Open(out TContext db)
    {
        var factory = _services.GetService<IDbContextFactory<TContext>>();
        db = factory is not null ? factory.CreateDbContext() : _services.GetRequiredService<TContext>();
        return new Lease(db, owned: factory is not null);
    }

    private readonly struct Lease(TContext context, bool owned) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => owned ? context.DisposeAsync() : ValueTask.CompletedTask;
    }
}
