using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>Writes events into the outbox table, inside a store's transaction.</summary>
internal static class EventRows
{
    /// <summary>Whether the context's model has the outbox (<see cref="ScimModelBuilderExtensions.ApplyScimEvents"/>).</summary>
    public static bool Enabled(DbContext db) => db.Model.FindEntityType(typeof(ScimEventEntity)) is not null;

    /// <summary>
    /// Completes the write's event (when the service drafted one and the model has the outbox) and
    /// adds its row to the context: saved by the write's next <c>SaveChanges</c>, in its transaction.
    /// A replace passes the resource as written (<c>written</c>): its event reports what the row kept.
    /// </summary>
    /// <returns>Whether a row was added.</returns>
    public static bool Add(DbContext db, ScimContext context, string id, string? version, IReadOnlyList<string>? added = null, IReadOnlyList<string>? removed = null, Scim.Core.Resources.ScimResource? written = null)
    {
        if (context.Events is { } taken && written is not null)
        {
            // With or without the outbox: the event, completed here or by the service, compares it.
            taken.Written = written;
        }

        if (context.Events is not { } draft || !Enabled(db))
        {
            return false;
        }

        if (draft.Complete(id, version, added, removed) is not { } change)
        {
            return false;
        }

        AddRow(db, change);
        return true;
    }

    /// <summary>
    /// A delete let go of the deleted resource in another row (a report's manager): its event
    /// recorded on the delete's draft, and with the outbox its row added to the context, saved in
    /// the delete's transaction.
    /// </summary>
    public static void Released(DbContext db, ScimContext context, string id, string? version, System.Text.Json.Nodes.JsonObject tree)
    {
        if (context.Events?.Release(id, version, tree) is { } change && Enabled(db))
        {
            AddRow(db, change);
        }
    }

    private static void AddRow(DbContext db, ScimChangeEvent change) =>
        db.Add(new ScimEventEntity
        {
            EventId = change.EventId,
            Tenant = change.Tenant,
            ResourceType = change.ResourceType,
            ResourceId = change.ResourceId,
            Kind = change.Kind.ToString(),
            Time = change.Time.ToUnixTimeMilliseconds(),
            Json = change.ToJson(),
        });
}

/// <summary>
/// The outbox table read by the event dispatcher. Taking events is one conditional update (a lease
/// with a token of its own), so two dispatchers (two instances of the app) never take the same
/// event, and a dispatcher that stopped mid-delivery loses its events to the next one when its
/// lease ends.
/// </summary>
internal sealed class EntityEventOutbox<TContext>(IServiceProvider services) : IScimEventOutbox
    where TContext : DbContext
{
    // The advisory lock key the claims of all instances take turns on (PostgreSQL).
    private const long OutboxLock = 0x5C1_0E7E_0001;

    // The lease token each event this process holds was taken with: a hand-back gives back only
    // what is still this process's (a lease that ran out may have passed the event to another
    // instance, whose lease a hand-back must not clear).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _held = new();

    // Whether the model has the outbox table: a host that maps its own entities without
    // ApplyScimEvents() has none, and the dispatcher's polls then cost nothing after the first.
    private bool? _enabled;

    private TimeProvider Time => services.GetService<TimeProvider>() ?? TimeProvider.System;

    public async Task<IReadOnlyList<ScimOutboxEvent>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (_enabled == false)
        {
            return [];
        }

        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        if (_enabled is null)
        {
            _enabled = EventRows.Enabled(db);
            if (_enabled == false && services.GetService<Microsoft.Extensions.Logging.ILoggerFactory>() is { } loggers)
            {
                // Asked first by a dispatcher with subscribers: their events then live in process only.
                EntityStoreLog.NoOutboxTable(loggers.CreateLogger("Scim.EntityFrameworkCore.EventOutbox"), typeof(TContext).Name);
            }
        }

        if (_enabled == false)
        {
            return [];
        }

        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + (long)lease.TotalMilliseconds;
        var token = Guid.NewGuid().ToString("N");
        var events = db.Set<ScimEventEntity>();
        var due = events.Where(e => e.DeliveredAt == null && !e.Dead && e.AvailableAt <= now);

        // Oldest first; an event waits while an earlier one of its resource is held by another
        // dispatcher or waiting for its retry (per-resource order).
        var taken = due
            .Where(e => !events.Any(p => p.Sequence < e.Sequence && p.DeliveredAt == null && !p.Dead && p.AvailableAt > now
                && p.ResourceId == e.ResourceId && p.ResourceType == e.ResourceType && p.Tenant == e.Tenant))
            .OrderBy(e => e.Sequence)
            .Take(max)
            .Select(e => e.Sequence);
        try
        {
            var claimed = await ClaimAsync(db, due, taken, until, token, cancellationToken).ConfigureAwait(false);
            if (_held.Count > 10_000)
            {
                // Batches cut short by a failure leave entries nothing removes: forget them (a
                // hand-back of those then goes unconditioned, as before this check existed).
                _held.Clear();
            }

            foreach (var item in claimed)
            {
                _held[item.Sequence] = token;
            }

            return claimed;
        }
        catch (Exception error) when (DatabaseFailures.IsMissingTable(error, out var table))
        {
            throw DatabaseFailures.MissingTable(error, table, typeof(TContext));
        }
    }

    private static Task<IReadOnlyList<ScimOutboxEvent>> ClaimAsync(TContext db, IQueryable<ScimEventEntity> due, IQueryable<long> taken, long until, string token, CancellationToken cancellationToken)
    {
        var events = db.Set<ScimEventEntity>();
        return EntityContexts.ClaimInTurnAsync(
            db,
            OutboxLock,
            ct => due.Where(e => taken.Contains(e.Sequence)).ExecuteUpdateAsync(s => s.SetProperty(e => e.AvailableAt, until).SetProperty(e => e.LeaseToken, token), ct),
            ct => events.AsNoTracking()
                .Where(e => e.LeaseToken == token)
                .OrderBy(e => e.Sequence)
                .Select(e => new ScimOutboxEvent(e.Sequence, e.Json, e.Attempts))
                .ToListAsync(ct),
            cancellationToken);
    }

    public Task DeliveredAsync(long sequence, CancellationToken cancellationToken) => DeliveredAsync([sequence], cancellationToken);

    public async Task DeliveredAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var sequence in sequences)
        {
            _held.TryRemove(sequence, out _);
        }

        foreach (var chunk in sequences.Chunk(SqlLists.Chunk))
        {
            await EntityContexts.InTurnAsync(
                db,
                ct => db.Set<ScimEventEntity>().Where(e => chunk.Contains(e.Sequence))
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.DeliveredAt, now).SetProperty(e => e.LeaseToken, (string?)null), ct),
                cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task FailedAsync(long sequence, int attempts, DateTimeOffset? retryAt, string failure, CancellationToken cancellationToken)
    {
        _held.TryRemove(sequence, out _);
        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        var at = retryAt?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        var dead = retryAt is null;
        var text = failure.Length > ScimModelBuilderExtensions.LongText ? failure[..ScimModelBuilderExtensions.LongText] : failure;
        await EntityContexts.InTurnAsync(
            db,
            ct => db.Set<ScimEventEntity>().Where(e => e.Sequence == sequence)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(e => e.Attempts, attempts).SetProperty(e => e.AvailableAt, at).SetProperty(e => e.Dead, dead)
                        .SetProperty(e => e.LastError, text).SetProperty(e => e.LeaseToken, (string?)null),
                    ct),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        foreach (var lease in sequences.GroupBy(s => _held.TryRemove(s, out var token) ? token : null))
        {
            // Only rows still under this process's lease; events it did not take here go back as asked.
            var list = lease.ToList();
            var token = lease.Key;
            await EntityContexts.InTurnAsync(
                db,
                ct => db.Set<ScimEventEntity>().Where(e => list.Contains(e.Sequence) && (token == null || e.LeaseToken == token))
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.AvailableAt, 0L).SetProperty(e => e.LeaseToken, (string?)null), ct),
                cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task PurgeAsync(DateTimeOffset deliveredBefore, CancellationToken cancellationToken)
    {
        if (_enabled != true)
        {
            return;
        }

        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        var before = deliveredBefore.ToUnixTimeMilliseconds();
        await EntityContexts.InTurnAsync(db, ct => db.Set<ScimEventEntity>().Where(e => e.DeliveredAt != null && e.DeliveredAt < before).ExecuteDeleteAsync(ct), cancellationToken).ConfigureAwait(false);
    }
}
