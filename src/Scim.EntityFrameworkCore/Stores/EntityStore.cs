using System.Data;
using System.Linq.Expressions;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// What every EF Core store does for its resource type over its entity: reads (by key, and pages
/// whose filter, sort, paging and count are one SQL query each, with parameters), and writes, each
/// in one serializable transaction that checks the version read and the schema's unique
/// attributes, so two racing requests cannot both win. A lost race (a serialization failure, a
/// deadlock, a busy SQLite file) runs the transaction again; a unique index that fires is a
/// uniqueness conflict on the attribute its column holds.
/// </summary>
internal abstract class EntityStore<TContext, TEntity, TResource> : ICursorPagingStore
    where TContext : DbContext
    where TEntity : class
    where TResource : ScimResource
{
    private const int Attempts = 6;

    // The host's context factory, else the scope whose context the store uses; a store over a
    // factory holds nothing of the scope it was made in, and serves every scope (ScopeFreeStore).
    private readonly IDbContextFactory<TContext>? _factory;
    private readonly IServiceProvider? _scope;
    private readonly string? _replica;
    private readonly Scim.Core.Provisioning.UnknownMemberHandling _unknownManagers;
    private readonly Microsoft.Extensions.Logging.ILogger? _logger;

    protected EntityStore(IServiceProvider services, EntityStoreShared<TEntity> shared, Func<JsonObject, TResource> fromTree)
    {
        _factory = services.GetService<IDbContextFactory<TContext>>();
        _scope = _factory is null ? services : null;
        _replica = services.GetService<EntityReadReplica>()?.ConnectionString;
        _unknownManagers = services.GetService<Microsoft.Extensions.Options.IOptions<Scim.Core.Provisioning.ScimServiceOptions>>()?.Value.UnknownMembers ?? Scim.Core.Provisioning.UnknownMemberHandling.Reject;
        _logger = services.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()?.CreateLogger("Scim.EntityFrameworkCore.EntityStore");
        Shared = shared;
        FromTree = fromTree;
    }

    protected EntityStoreShared<TEntity> Shared { get; }

    protected EntityShape<TEntity> Shape => Shared.Shape;

    /// <summary>The resource of a tree made for the call (<see cref="EntityShape{TEntity}.ToTree"/>), which it takes apart.</summary>
    protected Func<JsonObject, TResource> FromTree { get; }

    /// <summary>Cursors are keysets on the key: they do not expire.</summary>
    TimeSpan? ICursorPagingStore.CursorTimeout => null;

    public async Task<TResource?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        if (Shape.KeyOf(id) is not { } key)
        {
            return null;
        }

        await using var lease = Open(hints.AllowsReplica);
        await EntityContexts.OpenForReads(lease.Context, cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadAsync(lease.Context, context, key, hints, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await EntityContexts.CloseAfterReads(lease.Context).ConfigureAwait(false);
        }
    }

    /// <summary>The resource of a key, on an open connection (a GET by id): the row by a compiled query, then the resource.</summary>
    protected virtual async Task<TResource?> ReadAsync(TContext db, ScimContext context, object key, ReadHints hints, CancellationToken cancellationToken)
    {
        var entity = await CompiledReads<TContext, TEntity>.ByKey(Shape, db)(db, key, context.Tenant).ConfigureAwait(false);
        return entity is null ? null : await ResourceAsync(db, context, entity, hints, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ScimPage<TResource>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(query);
        await using var lease = Open(query.Hints.AllowsReplica);
        var lookup = Lookup(context, query);
        var plan = lookup is null ? Shared.Queryable.Plan(Rows(lease.Context, context, query.Hints).AsNoTracking(), query, Shape.ResourceType, Shape.Mapping) : null;

        // One connection for the page, its count and its resources' parts.
        await EntityContexts.OpenForReads(lease.Context, cancellationToken).ConfigureAwait(false);
        try
        {
            if (plan is null)
            {
                return await lookup!(lease.Context, cancellationToken).ConfigureAwait(false);
            }

            var rows = query.Count == 0 ? [] : await Prepare(plan.Page, lease.Context).ToListAsync(cancellationToken).ConfigureAwait(false);
            await LoadPartsAsync(lease.Context, rows, query.Hints, cancellationToken).ConfigureAwait(false);

            // A page of index paging that is not full ends the matches: their number is known without
            // counting them (a lookup by userName or externalId, the IdPs' most common query).
            var total = !query.CountsTotal
                ? rows.Count
                : !query.UsesCursor && query.Count > 0 && rows.Count < query.Count && (rows.Count > 0 || query.StartIndex <= 1)
                ? Math.Max(0, query.StartIndex - 1) + rows.Count
                : await Prepare(plan.Matches, lease.Context).CountAsync(cancellationToken).ConfigureAwait(false);
            var page = plan.CreatePage(rows, total);
            var resources = await ResourcesAsync(lease.Context, context, page.Resources, query.Hints, cancellationToken).ConfigureAwait(false);
            return new ScimPage<TResource>(resources, page.TotalResults, page.NextCursor);
        }
        finally
        {
            await EntityContexts.CloseAfterReads(lease.Context).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How this store answers a query without planning it, on the query's open connection;
    /// <see langword="null"/> to plan it. The first page of a lookup by one attribute
    /// (<c>attribute eq "text"</c> on a string member, in the default order) runs as a compiled
    /// query (<see cref="CompiledLookups{TContext, TEntity}"/>) with the planned page's rows and
    /// total; the SCIM-owned user store reads a lookup by <c>userName</c> as it reads a GET by id.
    /// </summary>
    protected virtual Func<TContext, CancellationToken, Task<ScimPage<TResource>>>? Lookup(ScimContext context, ScimQuery query)
    {
        if (query is not { StartIndex: <= 1, Count: > 0, UsesCursor: false, SortBy: null } || CompiledLookups<TContext, TEntity>.Of(Shared, query.Filter) is not { } lookup)
        {
            return null;
        }

        return async (db, cancellationToken) =>
        {
            var rows = await lookup.RowsAsync(db, context.Tenant, query.Count, cancellationToken).ConfigureAwait(false);
            await LoadPartsAsync(db, rows, query.Hints, cancellationToken).ConfigureAwait(false);

            // As for a planned page: a first page that is not full holds every match.
            var total = !query.CountsTotal || rows.Count < query.Count ? rows.Count : await lookup.CountAsync(db, context.Tenant, cancellationToken).ConfigureAwait(false);
            var resources = await ResourcesAsync(db, context, rows, query.Hints, cancellationToken).ConfigureAwait(false);
            return new ScimPage<TResource>(resources, total);
        };
    }

    public Task<StoreWriteResult<TResource>> CreateAsync(ScimContext context, TResource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        // The row is made, added to the context and its lengths checked before the write's
        // transaction, which on SQLite holds the database's one writer while it runs; a run after
        // a lost race (the first's row may carry what the failed save gave it) makes its own.
        var tree = ResourceTrees.ToTree(resource);
        var made = NewEntity(context, resource, tree);
        TEntity? entity = null;
        return WriteAsync(context, async (db, _) =>
        {
            if (await ConflictAsync(db, context, tree, null, cancellationToken).ConfigureAwait(false) is { } attribute)
            {
                return StoreWriteResult.Conflict<TResource>(attribute);
            }

            await CheckManagerAsync(db, context, entity!, Shape.ManagerOf(entity!), cancellationToken, creating: (string?)tree["userName"] ?? string.Empty).ConfigureAwait(false);
            if (!SavesOnce(db, creating: true))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await ReloadRoundedAsync(db, entity!, cancellationToken).ConfigureAwait(false);
            }

            await AfterCreateAsync(db, context, entity!, resource, cancellationToken).ConfigureAwait(false);
            var created = await ResourceAsync(db, context, entity!, ReadHints.All, cancellationToken).ConfigureAwait(false);
            await SaveWithEventAsync(db, context, created.Id!, created.Meta?.Version, cancellationToken, written: created).ConfigureAwait(false);
            Shape.RefreshMeta(entity!, created);
            return StoreWriteResult.Success(created);
        }, cancellationToken, db =>
        {
            entity = made ?? NewEntity(context, resource, tree);
            made = null;
            db.Add(entity);
            CheckLengths(db);
        });
    }

    public Task<StoreWriteResult<TResource>> ReplaceAsync(ScimContext context, TResource resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        var tree = ResourceTrees.ToTree(resource); // before the write's transaction, as a create's row
        return WriteAsync(context, async (db, _) =>
        {
            if (await FindAsync(db, context, resource.Id!, cancellationToken).ConfigureAwait(false) is not { } entity)
            {
                return StoreWriteResult.NotFound<TResource>();
            }

            if (expectedVersion is not null && !string.Equals(await VersionAsync(db, entity, cancellationToken).ConfigureAwait(false), expectedVersion, StringComparison.Ordinal))
            {
                return StoreWriteResult.VersionMismatch<TResource>();
            }

            if (await ConflictAsync(db, context, tree, Shape.KeyOf(resource.Id!), cancellationToken).ConfigureAwait(false) is { } attribute)
            {
                return StoreWriteResult.Conflict<TResource>(attribute);
            }

            var manager = Shape.ManagerOf(entity);
            Shape.Apply(tree, entity);
            if (Shape.ManagerOf(entity) is { } newManager && !string.Equals(newManager, manager, StringComparison.Ordinal))
            {
                await CheckManagerAsync(db, context, entity, newManager, cancellationToken).ConfigureAwait(false);
            }

            if (!WritesMembers && !db.ChangeTracker.HasChanges())
            {
                // Nothing the row keeps changed (a value of a type the map does not keep): its version, time and events stay.
                return StoreWriteResult.Unchanged(await ResourceAsync(db, context, entity, ReadHints.All, cancellationToken).ConfigureAwait(false));
            }

            Shape.Stamp(entity, resource.Meta?.LastModified ?? DateTimeOffset.UtcNow, resource.Meta?.Version ?? string.Empty);
            CheckLengths(db);
            if (!SavesOnce(db, creating: false))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await ReloadRoundedAsync(db, entity, cancellationToken).ConfigureAwait(false);
            }

            await AfterReplaceAsync(db, context, entity, resource, cancellationToken).ConfigureAwait(false);
            var replaced = await ResourceAsync(db, context, entity, ReadHints.All, cancellationToken).ConfigureAwait(false);
            await SaveWithEventAsync(db, context, replaced.Id!, replaced.Meta?.Version, cancellationToken, written: replaced).ConfigureAwait(false);
            Shape.RefreshMeta(entity, replaced);
            return StoreWriteResult.Success(replaced);
        }, cancellationToken);
    }

    public Task<StoreWriteResult<TResource>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        return WriteAsync(context, async (db, _) =>
        {
            if (await FindAsync(db, context, id, cancellationToken).ConfigureAwait(false) is not { } entity)
            {
                return StoreWriteResult.NotFound<TResource>();
            }

            if (expectedVersion is not null && !string.Equals(await VersionAsync(db, entity, cancellationToken).ConfigureAwait(false), expectedVersion, StringComparison.Ordinal))
            {
                return StoreWriteResult.VersionMismatch<TResource>();
            }

            await BeforeDeleteAsync(db, context, entity, cancellationToken).ConfigureAwait(false);
            var released = await ReleaseManagedAsync(db, context, entity, cancellationToken).ConfigureAwait(false);
            if (Shape.DeletesSoftly)
            {
                // The row stays, with what refers to it; SCIM serves it no more.
                Shape.MarkDeleted(entity, DateTimeOffset.UtcNow);
            }
            else
            {
                await DatabaseReferences.ReleaseAsync(db, entity, cancellationToken).ConfigureAwait(false);
                db.Remove(entity);
            }

            EventRows.Add(db, context, id, null);
            foreach (var (report, version, tree) in released)
            {
                EventRows.Released(db, context, report, version, tree);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return StoreWriteResult.Success<TResource>(null);
        }, cancellationToken, deleting: id);
    }

    /// <summary>
    /// Refuses a manager that is not a user this store serves in the request's tenant (400), or
    /// under <c>ScimServiceOptions.UnknownMembers = Ignore</c> leaves it out with a warning, as an
    /// unknown member is: read <c>FOR SHARE</c> on PostgreSQL, so a delete of it in progress is
    /// waited for, and one that comes later waits for this write and then releases the reference
    /// (<see cref="ReleaseManagedAsync"/>). A new row's warning names it by its <c>userName</c>
    /// (<paramref name="creating"/>), as it has no key before it is saved.
    /// </summary>
    private async Task CheckManagerAsync(TContext db, ScimContext context, TEntity entity, string? manager, CancellationToken cancellationToken, string? creating = null)
    {
        if (manager is null)
        {
            return;
        }

        _managers ??= ServedUsers<TContext>.Of(Shape);
        if (await _managers.AllServedAsync(db, context.Tenant, [manager], cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (_unknownManagers != Scim.Core.Provisioning.UnknownMemberHandling.Ignore)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The manager '{manager}' is not a {Shape.ResourceType.Name} of this tenant.");
        }

        Shape.ClearManager(entity);
        if (_logger is not null && creating is not null)
        {
            EntityStoreLog.ManagerLeftOutOfNew(_logger, Shape.ResourceType.Name, creating, manager);
        }
        else if (_logger is not null)
        {
            EntityStoreLog.ManagerLeftOut(_logger, Shape.ResourceType.Name, Shape.IdOf(entity), manager);
        }
    }

    // Reads managers as ServedUsers reads members (made at the first manager checked).
    private ServedUsers<TContext>? _managers;

    /// <summary>
    /// The rows whose manager is <paramref name="entity"/> lose it as it is deleted: the member set
    /// to null, with a new version and time where the map keeps them, in the delete's transaction.
    /// </summary>
    /// <returns>The reports let go, for their events: id, version and resource as they now are.</returns>
    private async Task<List<(string Id, string? Version, JsonObject Tree)>> ReleaseManagedAsync(TContext db, ScimContext context, TEntity entity, CancellationToken cancellationToken)
    {
        if (Shape.ManagerExpression is not { } manager)
        {
            return [];
        }

        ReleaseSelf(entity);

        // Others by one statement.
        var key = Shape.KeyValueOf(entity);
        var row = manager.Parameters[0];
        var managed = Expression.Lambda<Func<TEntity, bool>>(
            Expression.AndAlso(
                Expression.Equal(manager.Body, QueryParameter.Of(key, manager.ReturnType)),
                Expression.NotEqual(AttributeMapping.Inline(Shape.KeyExpression, row), QueryParameter.Of(key, Shape.KeyType))),
            row);
        var rows = (Shape.Served(context.Tenant) is { } served ? db.Set<TEntity>().Where(served) : db.Set<TEntity>()).Where(managed);

        // Each report's change is an event of its own (in the outbox, after the delete's). With a
        // version column the rows the statement let go are read back by the version it gave them
        // (a report whose manager another write changed meanwhile is not among them); without
        // one they are read first and let go in memory as the statement does in the table.
        context.Events?.ForgetReleased();
        var version = $"W/\"{Random.Shared.NextInt64():x16}\"";
        var time = DateTimeOffset.UtcNow;
        var marked = Shape.VersionExpression is { } versionColumn
            ? Expression.Lambda<Func<TEntity, bool>>(Expression.Equal(versionColumn.Body, QueryParameter.Of(version, versionColumn.ReturnType)), versionColumn.Parameters)
            : null;
        var reports = context.Events is not null && marked is null ? await rows.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false) : null;
        await rows.ExecuteUpdateAsync(Shared.Released(version, time), cancellationToken).ConfigureAwait(false);
        if (context.Events is not null && marked is not null)
        {
            reports = await (Shape.Served(context.Tenant) is { } kept ? db.Set<TEntity>().Where(kept) : db.Set<TEntity>()).Where(marked).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            foreach (var report in reports ?? [])
            {
                Shape.Release(report, time, version);
            }
        }

        return [.. (reports ?? []).Select(r => (Shape.IdOf(r), (string?)Shape.VersionOf(r), Shape.ToTree(r)))];
    }

    /// <summary>A row that is its own manager lets go of itself in memory, so that its own update (a delete, softly) still finds the version it read.</summary>
    private void ReleaseSelf(TEntity entity)
    {
        if (string.Equals(Shape.ManagerOf(entity), Shape.IdOf(entity), StringComparison.Ordinal))
        {
            Shape.ClearManager(entity);
        }
    }

    /// <summary>A new row holding <paramref name="resource"/> (its values from <paramref name="tree"/>), not yet added to a context.</summary>
    private TEntity NewEntity(ScimContext context, TResource resource, JsonObject tree)
    {
        var entity = Shared.Create();
        Shape.Apply(tree, entity);
        Shape.StampNew(entity, resource.Id!, context.Tenant, resource.Meta?.Created ?? DateTimeOffset.UtcNow, resource.Meta?.LastModified ?? resource.Meta?.Created ?? DateTimeOffset.UtcNow, resource.Meta?.Version ?? string.Empty);
        return entity;
    }

    /// <summary>
    /// Writes many new resources in one transaction, as an import would (no uniqueness checks
    /// beyond the database's own), and returns their ids in order. For seeding tests and trials.
    /// </summary>
    internal async Task<IReadOnlyList<string>> ImportAsync(ScimContext context, IReadOnlyList<TResource> resources, CancellationToken cancellationToken)
    {
        await using var lease = Open();
        var db = lease.Context;
        var entities = new List<TEntity>(resources.Count);
        await EntityContexts.InTransactionAsync(
            db,
            IsolationLevel.Unspecified,
            async ct =>
            {
                entities.Clear();
                foreach (var resource in resources)
                {
                    entities.Add(NewEntity(context, resource, ResourceTrees.ToTree(resource)));
                }

                db.AddRange(entities);
                return await db.SaveChangesAsync(ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        db.ChangeTracker.Clear();
        return [.. entities.Select(Shape.IdOf)];
    }

    /// <summary>
    /// The tenant's rows (all rows for a single-tenant map). A write (no <paramref name="hints"/>)
    /// takes their parts with them, tracked, to replace them; a read loads what its hints need
    /// after the page (<see cref="LoadPartsAsync"/>), where a copy in the row may spare the query.
    /// </summary>
    protected IQueryable<TEntity> Rows(TContext db, ScimContext context, ReadHints? hints = null) => Rows(db.Set<TEntity>(), context, hints);

    /// <summary>The tenant's rows among <paramref name="source"/>, as <see cref="Rows(TContext, ScimContext, ReadHints?)"/> takes them.</summary>
    private IQueryable<TEntity> Rows(IQueryable<TEntity> source, ScimContext context, ReadHints? hints)
    {
        var rows = Shape.Served(context.Tenant) is { } tenant ? source.Where(tenant) : source;
        return Shape.Parts is { } parts && hints is null ? parts.Include(rows) : rows;
    }

    /// <summary>The parts a read's hints need, of the rows read without them.</summary>
    private protected async Task LoadPartsAsync(TContext db, List<TEntity> rows, ReadHints hints, CancellationToken cancellationToken)
    {
        if (rows.Count > 0 && Shape.Parts is { } parts && parts.NeededFor(hints))
        {
            await parts.LoadAsync(db, rows, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The row of an id, tracked for a write and locked until the transaction ends, so writers of
    /// one resource queue instead of failing: read with <c>FOR NO KEY UPDATE</c> on PostgreSQL
    /// (<see cref="EntityStoreShared{TEntity}.LockedRead"/>), elsewhere claimed first by an update
    /// that changes nothing; <see langword="null"/> when the tenant has none.
    /// </summary>
    protected async Task<TEntity?> FindAsync(TContext db, ScimContext context, string id, CancellationToken cancellationToken)
    {
        if (Shape.KeyOf(id) is not { } key)
        {
            return null;
        }

        if (Shared.LockedRead(db) is { } locked)
        {
            var locking = db.Set<TEntity>().FromSqlRaw(locked, Shape.TenantExpression is null ? [key] : [key, Shape.TenantValue(context.Tenant)]);
            return await Rows(locking, context, null).Where(Shape.HasKey(key)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }

        var rows = Shape.Served(context.Tenant) is { } tenant ? db.Set<TEntity>().Where(tenant) : db.Set<TEntity>();
        if (await rows.Where(Shape.HasKey(key)).ExecuteUpdateAsync(Shared.Claim, cancellationToken).ConfigureAwait(false) == 0)
        {
            return null;
        }

        return await Rows(db, context).Where(Shape.HasKey(key)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a write in one read-committed transaction, again after a lost race, and turns a unique
    /// index that fired into a conflict on the attribute its column holds. <paramref name="prepare"/>,
    /// when given, runs first in each run, before the transaction (see <see cref="EntityContexts.InTransactionAsync"/>).
    /// </summary>
    /// <param name="context">The request's context.</param>
    /// <param name="write">The write, given the context and the run's number.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <param name="prepare">Work of each run before its transaction.</param>
    /// <param name="deleting">The id of the resource the write deletes, if it is a delete: a foreign key that refuses it is a 409.</param>
    protected async Task<T> WriteAsync<T>(ScimContext context, Func<TContext, int, Task<T>> write, CancellationToken cancellationToken, Action<TContext>? prepare = null, string? deleting = null)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var lease = Open();
            var db = lease.Context;
            try
            {
                // Read committed: a write claims the row it changes first (see FindAsync), and
                // uniqueness is the unique indexes' to settle; SQLite serializes writers anyway.
                var run = attempt;
                return await EntityContexts.InTransactionAsync(db, IsolationLevel.ReadCommitted, _ => write(db, run), cancellationToken, prepare is null ? null : () => prepare(db)).ConfigureAwait(false);
            }
            catch (Exception error) when (DatabaseFailures.IsUniqueViolation(error, db, typeof(TEntity), out var properties))
            {
                return Conflict<T>(UniqueConflict(properties));
            }
            catch (Exception error) when (DatabaseFailures.IsMissingTable(error, out var table))
            {
                throw DatabaseFailures.MissingTable(error, table, typeof(TContext));
            }
            catch (Exception error) when (DatabaseFailures.IsTooLong(error))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, "A value is longer than the database keeps for its attribute.");
            }
            catch (Exception error) when (DatabaseFailures.IsOutOfRange(error))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, "A number or time is outside the range the database keeps for its attribute.");
            }
            catch (Exception error) when (DatabaseFailures.IsNotNullViolation(error, db, typeof(TEntity), out var property))
            {
                var attribute = property is null ? null : Shared.PathOfMember(property) ?? property;
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, attribute is null
                    ? "The database needs a value this request leaves out (a column that cannot be empty)."
                    : $"The database needs a value of '{attribute}' (its column cannot be empty).");
            }
            catch (Exception error) when (DatabaseFailures.IsMissingReference(error))
            {
                if (error is MemberDeletedMeanwhileException || (WritesMembers && deleting is null))
                {
                    // What the service checked is gone: it reads and checks again (a member deleted meanwhile is then refused).
                    return Changed<T>();
                }

                if (deleting is not null && IsMembershipReference(db, error))
                {
                    // A membership row naming it was added after the delete removed them (a group
                    // nested into another meanwhile; read committed lets the insert's key check
                    // pass): the service reads the groups that list it and deletes again.
                    return Changed<T>();
                }

                // A foreign key of the host's schema, which running again would meet again.
                var constraint = DatabaseFailures.ConstraintName(error) is { } name ? $" ({name})" : string.Empty;
                throw deleting is not null
                    ? new ScimException(409, null, $"{Shape.ResourceType.Name} '{deleting}' cannot be deleted: the database still has rows that refer to it{constraint}. Let that foreign key cascade or set null on delete.")
                    : ScimException.BadRequest(ScimErrorType.InvalidValue, $"The database refused a value of this {Shape.ResourceType.Name}: it refers to a row the database does not have{constraint}.");
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

    /// <summary>
    /// The write's last step: adds its event (when the model has the outbox) and saves what the
    /// write has pending with it, in one <c>SaveChanges</c>, which a provider that batches
    /// (PostgreSQL) sends as one round trip.
    /// </summary>
    protected static async Task SaveWithEventAsync(TContext db, ScimContext context, string id, string? version, CancellationToken cancellationToken, IReadOnlyList<string>? added = null, IReadOnlyList<string>? removed = null, ScimResource? written = null)
    {
        EventRows.Add(db, context, id, version, added, removed, written);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a create's or replace's row can wait for the write's last <c>SaveChanges</c>
    /// (<see cref="SaveWithEventAsync"/>), so that the row, its parts and its event go as one
    /// batch: not when the version is computed from what is saved, nor when the database
    /// assigns a new row's key, nor when a mapped decimal column has a scale, which rounds what it
    /// keeps (<c>numeric(5, 2)</c>: the row is read back before the response and the event are
    /// made of it; a time's sub-microsecond digits are not worth a round trip on every write).
    /// </summary>
    private bool SavesOnce(TContext db, bool creating) => Shape.KeepsVersion && !(creating && Shape.StoreAssignsIds) && !Rounds(db, visibly: true);

    /// <summary>
    /// The row read back once saved, where an attribute's column may keep less than .NET holds (a
    /// <c>numeric(5, 2)</c> keeps 1.005 as 1.01, PostgreSQL keeps microseconds of a time, not
    /// ticks), so that the response, its event and a computed version are those of the row a GET
    /// then reads, and an <c>If-Match</c> with that version holds.
    /// </summary>
    private async Task ReloadRoundedAsync(TContext db, TEntity entity, CancellationToken cancellationToken)
    {
        // A computed version must be the row's to the last digit; a kept one only the body's values.
        if (Rounds(db, visibly: Shape.KeepsVersion))
        {
            await db.Entry(entity).ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether a mapped attribute's column may keep less than the value written: a decimal,
    /// floating-point or time column, except on SQLite, which keeps such values as sent (text or a
    /// double). Meta's times are left out: they are no part of a computed version, and reading the
    /// row back for them alone would cost every write. Decided at the first write, from the model.
    /// </summary>
    /// <param name="db">A context of the store.</param>
    /// <param name="visibly">Only decimal columns with a scale (what a response shows rounded).</param>
    private bool Rounds(TContext db, bool visibly) =>
        visibly
            ? _roundsVisibly ??= RoundingColumns(db, p => p.GetScale() is not null && (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType) == typeof(decimal))
            : _rounds ??= RoundingColumns(db, p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType) is var type
                && (type == typeof(decimal) || type == typeof(double) || type == typeof(float) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan)));

    private bool RoundingColumns(TContext db, Func<Microsoft.EntityFrameworkCore.Metadata.IProperty, bool> rounds) =>
        db.Database.ProviderName != EntityContexts.SqliteProvider
            && (db.Model.FindEntityType(typeof(TEntity))?.GetProperties().Any(p => Shared.PathOfMember(p.Name) is not null && rounds(p)) ?? false);

    private bool? _rounds;
    private bool? _roundsVisibly;

    /// <summary>Refuses a value longer than its column (400), naming the attribute.</summary>
    protected void CheckLengths(TContext db) =>
        ColumnLimits.Check(db, (entry, property) => entry.Entity is ScimUserValueEntity value
            ? value.Attribute + "." + property switch
            {
                nameof(ScimUserValueEntity.StreetAddress) => "streetAddress",
                nameof(ScimUserValueEntity.PostalCode) => "postalCode",
                _ => property.ToLowerInvariant(),
            }
            : entry.Entity is TEntity ? Shared.PathOfMember(property) : null);

    /// <summary>How "changed since the service read it" is reported by a write's result type.</summary>
    protected abstract T Changed<T>()
        where T : class;

    /// <summary>How a uniqueness conflict is reported by a write's result type.</summary>
    protected abstract T Conflict<T>(string attribute)
        where T : class;

    /// <summary>Completes a translated query before it runs (a group's <c>members</c> become a subquery).</summary>
    protected virtual IQueryable<TEntity> Prepare(IQueryable<TEntity> query, TContext db) => query;

    /// <summary>The resource of a row (a group adds its members when asked).</summary>
    protected virtual async Task<TResource> ResourceAsync(TContext db, ScimContext context, TEntity entity, ReadHints hints, CancellationToken cancellationToken) =>
        ResourceOf(entity, await DigestAsync(db, entity, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The resource of a row with its digest (<see cref="DigestAsync"/>): made straight into the
    /// typed model when the shape allows, otherwise through its JSON.
    /// </summary>
    protected TResource ResourceOf(TEntity entity, string? digest) => Shape.TryToResource<TResource>(entity, digest) ?? FromTree(Shape.ToTree(entity, digest));

    /// <summary>
    /// What a computed version covers beyond the row's mapped values (a group's members); <see langword="null"/>
    /// for nothing, or when the version is kept in a member.
    /// </summary>
    protected virtual Task<string?> DigestAsync(TContext db, TEntity entity, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>The current version of a row, as a read reports it.</summary>
    protected async Task<string> VersionAsync(TContext db, TEntity entity, CancellationToken cancellationToken) =>
        Shape.VersionOf(entity, await DigestAsync(db, entity, cancellationToken).ConfigureAwait(false));

    /// <summary>The resources of a page of rows.</summary>
    protected virtual async Task<IReadOnlyList<TResource>> ResourcesAsync(TContext db, ScimContext context, IReadOnlyList<TEntity> entities, ReadHints hints, CancellationToken cancellationToken)
    {
        var resources = new List<TResource>(entities.Count);
        foreach (var entity in entities)
        {
            resources.Add(await ResourceAsync(db, context, entity, hints, cancellationToken).ConfigureAwait(false));
        }

        return resources;
    }

    /// <summary>After a new row is saved (a group stores its members).</summary>
    protected virtual Task AfterCreateAsync(TContext db, ScimContext context, TEntity entity, TResource resource, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After a row is replaced (a group replaces its members).</summary>
    protected virtual Task AfterReplaceAsync(TContext db, ScimContext context, TEntity entity, TResource resource, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Before a row is deleted (a group deletes its membership rows, and a user its rows in the groups' membership table).</summary>
    protected virtual Task BeforeDeleteAsync(TContext db, ScimContext context, TEntity entity, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether the store's writes add membership rows, whose foreign key firing means a member was deleted meanwhile (a group's store).</summary>
    protected virtual bool WritesMembers => false;

    /// <summary>Whether a foreign key the database refused a write for is one of the membership rows' (the group store's).</summary>
    protected virtual bool IsMembershipReference(TContext db, Exception error) => false;

    /// <summary>A context for one operation; <paramref name="replica"/>: on the read replica, when one is configured.</summary>
    protected Lease Open(bool replica = false)
    {
        var lease = _factory is not null ? new Lease(_factory.CreateDbContext(), owned: true) : new Lease(_scope!.GetRequiredService<TContext>(), owned: false);
        SqliteCaseFunctions.Watch(lease.Context.Database.GetDbConnection());
        return replica && _replica is not null ? lease.OnReplica(_replica) : lease;
    }

    /// <summary>
    /// A value of an attribute the schema makes unique (<c>userName</c>) already taken by another
    /// row of the tenant, compared as SCIM compares it (case-insensitively for <c>userName</c>),
    /// looked for inside the write's transaction; a write racing it is refused by the unique index
    /// (see <see cref="UniqueConflict"/>). Asked with the compiled lookup of the attribute where
    /// there is one (<see cref="CompiledLookups{TContext, TEntity}"/>): on SQLite the check runs
    /// while the write holds the database's one write turn, which every other write waits for.
    /// </summary>
    private async Task<string?> ConflictAsync(TContext db, ScimContext context, JsonObject tree, object? self, CancellationToken cancellationToken)
    {
        foreach (var (path, node) in Shared.UniqueValues(tree))
        {
            var filter = new ComparisonFilter(new AttributePath(null, path, null), ComparisonOperator.Equal, new StringValue(node));
            if (CompiledLookups<TContext, TEntity>.Of(Shared, filter) is { } lookup)
            {
                var taken = self is null
                    ? await lookup.AnyAsync(db, context.Tenant, cancellationToken).ConfigureAwait(false)
                    : (await lookup.RowsAsync(db, context.Tenant, 2, cancellationToken).ConfigureAwait(false)).Exists(row => !Equals(Shape.KeyValueOf(row), self));
                if (taken)
                {
                    return path;
                }

                continue;
            }

            var plan = Shared.Queryable.Plan(Rows(db, context), new ScimQuery { Filter = filter, Count = 2 }, Shape.ResourceType, Shape.Mapping);
            var matches = self is null ? plan.Matches : plan.Matches.Where(Expression.Lambda<Func<TEntity, bool>>(Expression.Not(Shape.HasKey(self).Body), Shape.HasKey(self).Parameters));
            if (await matches.AnyAsync(cancellationToken).ConfigureAwait(false))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>
    /// The SCIM attribute a unique index that fired holds: the first of its properties that holds
    /// a mapped attribute (an index on <c>(Tenant, NormalizedUserName)</c> is a <c>userName</c>
    /// conflict), else the key's (an id conflict), else the first that is not the tenant's (a host's
    /// index on a column SCIM does not map), else, when the index is not known, the schema's unique
    /// attribute.
    /// </summary>
    private string UniqueConflict(IReadOnlyList<string> properties)
    {
        foreach (var property in properties)
        {
            if (Shared.PathOfMember(property) is { } path)
            {
                return path;
            }
        }

        return properties.Contains(Shared.KeyMember) ? "id"
            : properties.FirstOrDefault(p => p != Shared.TenantMember)
            ?? (Shared.UniquePaths.Count > 0 ? Shared.UniquePaths[0] : "id");
    }

    /// <summary>A DbContext for one operation: a new one from the host's factory, or the request scope's own.</summary>
    protected readonly struct Lease(TContext context, bool owned, string? primary = null) : IAsyncDisposable
    {
        public TContext Context { get; } = context;

        /// <summary>
        /// This lease reading from the replica: its context's connection string switched, and
        /// switched back when the lease ends (a pooled context, or the request's own, goes on
        /// to other work). A context that is already connected or in a transaction, or was
        /// given a connection rather than a connection string, stays on the primary.
        /// </summary>
        public Lease OnReplica(string replica)
        {
            var database = Context.Database;
            if (database.CurrentTransaction is not null || database.GetDbConnection().State != System.Data.ConnectionState.Closed || database.GetConnectionString() is not { } current)
            {
                return this;
            }

            database.SetConnectionString(replica);
            return new Lease(Context, owned, current);
        }

        public ValueTask DisposeAsync()
        {
            if (primary is not null)
            {
                Context.Database.SetConnectionString(primary);
            }

            return owned ? Context.DisposeAsync() : ValueTask.CompletedTask;
        }
    }
}
