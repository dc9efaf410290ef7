using System.Data;
using System.Linq.Expressions;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
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
/// rows of <see cref="ScimResourceEntity"/>, their attributes JSON. Queries are SQL, filter, sort,
/// page and count alike (<see cref="JsonResourceSql"/>), on SQLite and PostgreSQL: nothing is
/// evaluated in the process. Writes run in a transaction that claims the
/// row first; versions condition them; the unique index settles uniqueness; the change's event is
/// written to the outbox in the same transaction when the model has it.
/// </summary>
internal sealed class EntityResourceStore<TContext> : IResourceStore<JsonResource>, ICursorPagingStore
    where TContext : DbContext
{
    private const int Attempts = 6;

    // The row of a resource type, tenant and id, read and locked in one statement on PostgreSQL.
    private static readonly LockedRead LockedRow = new(
        typeof(ScimResourceEntity),
        (Expression<Func<ScimResourceEntity, string>>)(r => r.ResourceType),
        (Expression<Func<ScimResourceEntity, string>>)(r => r.Tenant),
        (Expression<Func<ScimResourceEntity, string>>)(r => r.Id));

    // The host's context factory, else the scope whose context the store uses (as in EntityStore).
    private readonly IDbContextFactory<TContext>? _factory;
    private readonly IServiceProvider? _scope;
    private readonly ScimResourceType _type;
    private readonly SchemaAttribute? _unique;
    private readonly SchemaRegistry _registry;
    private readonly FilterBinder _binder;
    private JsonResourceSql.Columns? _columns;
    private string? _valueColumn;

    public EntityResourceStore(IServiceProvider services, [ServiceKey] string resourceTypeName)
    {
        _factory = services.GetService<IDbContextFactory<TContext>>();
        _scope = _factory is null ? services : null;
        var registry = services.GetRequiredService<SchemaRegistry>();
        _type = registry.FindResourceType(resourceTypeName) ?? throw new InvalidOperationException($"The schema registry has no '{resourceTypeName}' resource type.");
        _unique = registry.FindSchema(_type.Schema)?.Attributes.FirstOrDefault(a => a.Uniqueness != Uniqueness.None && !a.MultiValued && a.Type == AttributeType.String);
        _registry = registry;
        _binder = new FilterBinder(registry, services.GetService<IOptions<ScimServiceOptions>>()?.Value.Filter ?? new FilterOptions());
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
        var filter = query.Filter is null ? null : _binder.Bind(query.Filter, _type);

        await using var lease = Open(out var db);
        var columns = ColumnsOf(db);

        // One text for the count and the page: the page's placeholders (order, keyset, window) follow the condition's.
        // The text holds names from the model and the schema only; every value is a placeholder.
        var sql = new JsonResourceSql(DialectOf(db), _type, _unique, columns);
        var where = sql.Where(context.Tenant, filter);
        var countArguments = sql.Arguments;
        var orderBy = query.UsesCursor ? sql.OrderBy(_registry, null, SortOrder.Ascending) : sql.OrderBy(_registry, query.SortBy, query.SortOrder);

        // Cursor pages are keysets on the id, read one row longer to know whether another follows.
        var keyset = after is null ? string.Empty : $" AND r.{columns.Id} > {sql.Parameter(after)}";
        var limit = sql.Parameter(query.UsesCursor ? (long)query.Count + 1 : query.Count);
        var offset = sql.Parameter(query.UsesCursor ? 0L : (long)Math.Max(0, query.StartIndex - 1));
        var pageSql = $"SELECT r.* FROM {columns.Table} AS r WHERE {where}{keyset} ORDER BY {orderBy} LIMIT {limit} OFFSET {offset}";
        var countSql = $"SELECT COUNT(*) AS {_valueColumn} FROM {columns.Table} AS r WHERE {where}";

        // One connection for the page and its count.
        await EntityContexts.OpenForReads(db, cancellationToken).ConfigureAwait(false);
        try
        {
            var rows = query.Count == 0 ? [] : await db.Set<ScimResourceEntity>()
                .FromSqlRaw(pageSql, sql.Arguments)
                .AsNoTracking()
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var more = query.UsesCursor && rows.Count > query.Count;
            if (more)
            {
                rows.RemoveAt(rows.Count - 1);
            }

            // A page of index paging that is not full ends the matches: their number is known without counting them.
            var total = !query.CountsTotal
                ? rows.Count
                : !query.UsesCursor && query.Count > 0 && rows.Count < query.Count && (rows.Count > 0 || query.StartIndex <= 1)
                ? Math.Max(0, query.StartIndex - 1) + rows.Count
                : await db.Database.SqlQueryRaw<int>(countSql, countArguments)
                    .SingleAsync(cancellationToken).ConfigureAwait(false);
            var resources = rows.Select(ToResource).ToList();
            return new ScimPage<JsonResource>(resources, total, more ? ScimQueryable.EncodeCursor(resources[^1].Id!) : null);
        }
        finally
        {
            await EntityContexts.CloseAfterReads(db).ConfigureAwait(false);
        }
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
            if (await TakenAsync(db, context, row, cancellationToken).ConfigureAwait(false))
            {
                return StoreWriteResult.Conflict<JsonResource>(_unique!.Name);
            }

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
            if (await TakenAsync(db, context, row, cancellationToken).ConfigureAwait(false))
            {
                return StoreWriteResult.Conflict<JsonResource>(_unique!.Name);
            }

            await SaveAsync(db, context, resource, cancellationToken).ConfigureAwait(false);
            return StoreWriteResult.Success(ToResource(row));
        }, cancellationToken);
    }

    /// <summary>
    /// Whether another resource of the tenant already has the row's unique value, looked for in the
    /// write's transaction before the row is written: the usual conflict is answered without the
    /// database refusing a statement (which EF Core logs as an error). A write racing it is still
    /// refused by the unique index.
    /// </summary>
    private async Task<bool> TakenAsync(TContext db, ScimContext context, ScimResourceEntity row, CancellationToken cancellationToken)
    {
        if (row.UniqueValue is not { } value)
        {
            return false;
        }

        var id = row.Id;
        return await Rows(db, context).AnyAsync(r => r.UniqueValue == value && r.Id != id, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The row of an id, locked for the transaction, tracked; null when the tenant has none. On
    /// PostgreSQL one statement reads and locks it (<see cref="LockedRead"/>); elsewhere an update
    /// that changes nothing claims it, then it is read.
    /// </summary>
    private async Task<ScimResourceEntity?> ClaimAsync(TContext db, ScimContext context, string id, CancellationToken cancellationToken)
    {
        if (LockedRow.Sql(db) is { } locked)
        {
            // At most one row (the key); listed rather than FirstOrDefault, which EF Core warns of (10103) without an OrderBy or a filter in LINQ.
            return (await db.Set<ScimResourceEntity>().FromSqlRaw(locked, _type.Name, context.Tenant, id).ToListAsync(cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        }

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

    /// <summary>Runs a write in a transaction, again after a lost race; a unique index that fires is a conflict on the unique attribute.</summary>
    private async Task<StoreWriteResult<JsonResource>> WriteAsync(Func<TContext, Task<StoreWriteResult<JsonResource>>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var lease = Open(out var db);
            try
            {
                return await EntityContexts.InTransactionAsync(db, IsolationLevel.ReadCommitted, _ => write(db), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (DatabaseFailures.IsUniqueViolation(error, db, typeof(ScimResourceEntity), out var properties))
            {
                // The unique index is (Tenant, ResourceType, UniqueValue), the key (ResourceType, Id): the first column tells them apart.
                return StoreWriteResult.Conflict<JsonResource>(properties is [nameof(ScimResourceEntity.Tenant) or nameof(ScimResourceEntity.UniqueValue), ..] ? _unique?.Name ?? "id" : "id");
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

    /// <summary>The dialect of the context's provider (the app does not start with another one: <see cref="EntityResourceProviderCheck{TContext}"/>).</summary>
    private static JsonDialect DialectOf(TContext db) => JsonResourceSql.DialectOf(db.Database.ProviderName)
        ?? throw new NotSupportedException(JsonResourceSql.UnsupportedProvider(db.Database.ProviderName));

    /// <summary>The table's and columns' names as the host's model maps them, quoted; read once (one store serves concurrent requests).</summary>
    private JsonResourceSql.Columns ColumnsOf(TContext db)
    {
        if (Volatile.Read(ref _columns) is { } known)
        {
            return known;
        }

        var entity = db.Model.FindEntityType(typeof(ScimResourceEntity))
            ?? throw new InvalidOperationException($"The model of {typeof(TContext).Name} has no {nameof(ScimResourceEntity)}: call modelBuilder.ApplyScimResources() in OnModelCreating.");
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        var json = entity.FindProperty(nameof(ScimResourceEntity.Json))!;
        _valueColumn = sql.DelimitIdentifier("Value");
        var columns = new JsonResourceSql.Columns(
            sql.DelimitIdentifier(table.Name, table.Schema),
            Column(nameof(ScimResourceEntity.Id)),
            Column(nameof(ScimResourceEntity.Tenant)),
            Column(nameof(ScimResourceEntity.ResourceType)),
            Column(nameof(ScimResourceEntity.ExternalId)),
            Column(nameof(ScimResourceEntity.UniqueValue)),
            Column(nameof(ScimResourceEntity.Json)),
            string.Equals(json.GetColumnType(table), "jsonb", StringComparison.OrdinalIgnoreCase),
            Column(nameof(ScimResourceEntity.Created)),
            Column(nameof(ScimResourceEntity.LastModified)),
            Column(nameof(ScimResourceEntity.Version)));
        Volatile.Write(ref _columns, columns); // after _valueColumn, which a reader of _columns then sees
        return columns;
    }

    /// <summary>A context from the host's factory when it registered one (owned, disposed after), else the request scope's.</summary>
    private Lease Open(out TContext db)
    {
        db = _factory is not null ? _factory.CreateDbContext() : _scope!.GetRequiredService<TContext>();
        SqliteCaseFunctions.Watch(db.Database.GetDbConnection());
        return new Lease(db, owned: _factory is not null);
    }

    private readonly struct Lease(TContext context, bool owned) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => owned ? context.DisposeAsync() : ValueTask.CompletedTask;
    }
}
