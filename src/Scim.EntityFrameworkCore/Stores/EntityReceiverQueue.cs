using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The receivers' queue over the table <see cref="ScimEventDeliveryEntity"/>: entries added once per
/// receiver and event (a unique index settles a repeat), taken with one conditional update under a
/// lease token of its own (as the outbox is), so two instances never take the same entry and a
/// stopped one's entries are taken again when its lease ends.
/// </summary>
internal sealed class EntityReceiverQueue<TContext>(IServiceProvider services) : IScimReceiverQueue
    where TContext : DbContext
{
    // The advisory lock key the claims of all instances take turns on (PostgreSQL).
    private const long QueueLock = 0x5C1_0E7E_0002;

    // The lease token each entry this process holds was taken with, by receiver and event: a
    // hand-back gives back only what is still this process's (as the outbox does).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Receiver, string EventId), string> _held = new();

    private TimeProvider Time => services.GetService<TimeProvider>() ?? TimeProvider.System;

    public async Task EnqueueAsync(string receiver, ScimChangeEvent change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        if (db.Model.FindEntityType(typeof(ScimEventDeliveryEntity)) is null)
        {
            throw new InvalidOperationException($"Event receivers keep their queue in the table of ScimEventDeliveryEntity, which {typeof(TContext).Name}'s model does not have: call modelBuilder.ApplyScimEvents() in OnModelCreating and add a migration.");
        }

        var entries = db.Set<ScimEventDeliveryEntity>();
        if (await entries.AnyAsync(e => e.Receiver == receiver && e.EventId == change.EventId, cancellationToken).ConfigureAwait(false))
        {
            return; // handed over before (the dispatcher delivers at least once)
        }

        entries.Add(new ScimEventDeliveryEntity
        {
            Receiver = receiver,
            EventId = change.EventId,
            Tenant = change.Tenant,
            ResourceType = change.ResourceType,
            ResourceId = change.ResourceId,
            Json = change.ToJson(),
        });
        try
        {
            await EntityContexts.InTurnAsync(db, ct => db.SaveChangesAsync(ct), cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException exception) when (DatabaseFailures.IsUniqueViolation(exception, db, typeof(ScimEventDeliveryEntity), out _))
        {
            // another instance handed the same event over at the same moment: one entry is kept
        }
    }

    public async Task<IReadOnlyList<ScimQueuedEvent>> ClaimAsync(string receiver, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + (long)lease.TotalMilliseconds;
        var token = Guid.NewGuid().ToString("N");
        var entries = db.Set<ScimEventDeliveryEntity>();
        var due = entries.Where(e => e.Receiver == receiver && e.DeliveredAt == null && !e.Dead && e.AvailableAt <= now);
        var taken = due
            .Where(e => !entries.Any(p => p.Receiver == receiver && p.Sequence < e.Sequence && p.DeliveredAt == null && !p.Dead && p.AvailableAt > now
                && p.ResourceId == e.ResourceId && p.ResourceType == e.ResourceType && p.Tenant == e.Tenant))
            .OrderBy(e => e.Sequence)
            .Take(max)
            .Select(e => e.Sequence);
        var claimed = await EntityContexts.ClaimInTurnAsync(
            db,
            QueueLock,
            ct => due.Where(e => taken.Contains(e.Sequence)).ExecuteUpdateAsync(s => s.SetProperty(e => e.AvailableAt, until).SetProperty(e => e.LeaseToken, token), ct),
            ct => entries.AsNoTracking()
                .Where(e => e.LeaseToken == token)
                .OrderBy(e => e.Sequence)
                .Select(e => new ScimQueuedEvent(e.EventId, e.Json, e.Attempts, e.LastError))
                .ToListAsync(ct),
            cancellationToken).ConfigureAwait(false);
        if (_held.Count > 10_000)
        {
            _held.Clear(); // entries of batches cut short by a failure: their hand-back goes unconditioned
        }

        foreach (var item in claimed)
        {
            _held[(receiver, item.EventId)] = token;
        }

        return claimed;
    }

    public async Task<int> AcknowledgeAsync(string receiver, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
        {
            return 0;
        }

        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var ids = eventIds.ToList();
        foreach (var id in ids)
        {
            _held.TryRemove((receiver, id), out _);
        }

        return await EntityContexts.InTurnAsync(
            db,
            ct => db.Set<ScimEventDeliveryEntity>().Where(e => e.Receiver == receiver && ids.Contains(e.EventId) && e.DeliveredAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.DeliveredAt, now).SetProperty(e => e.LeaseToken, (string?)null).SetProperty(e => e.Dead, false), ct),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task FailedAsync(string receiver, string eventId, int attempts, DateTimeOffset? retryAt, string failure, CancellationToken cancellationToken)
    {
        _held.TryRemove((receiver, eventId), out _);
        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        var at = retryAt?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        var dead = retryAt is null;
        var text = failure.Length > ScimModelBuilderExtensions.LongText ? failure[..ScimModelBuilderExtensions.LongText] : failure;
        await EntityContexts.InTurnAsync(
            db,
            ct => db.Set<ScimEventDeliveryEntity>().Where(e => e.Receiver == receiver && e.EventId == eventId && e.DeliveredAt == null)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(e => e.Attempts, attempts).SetProperty(e => e.AvailableAt, at).SetProperty(e => e.Dead, dead)
                        .SetProperty(e => e.LastError, text).SetProperty(e => e.LeaseToken, (string?)null),
                    ct),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(string receiver, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
        {
            return;
        }

        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        foreach (var lease in eventIds.GroupBy(id => _held.TryRemove((receiver, id), out var token) ? token : null))
        {
            // Only entries still under this process's lease; those it did not take here go back as asked.
            var ids = lease.ToList();
            var token = lease.Key;
            await EntityContexts.InTurnAsync(
                db,
                ct => db.Set<ScimEventDeliveryEntity>().Where(e => e.Receiver == receiver && ids.Contains(e.EventId) && e.DeliveredAt == null && !e.Dead && (token == null || e.LeaseToken == token))
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.AvailableAt, 0L).SetProperty(e => e.LeaseToken, (string?)null), ct),
                cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<ScimQueuedEvent>> ListDeadAsync(string receiver, int max, CancellationToken cancellationToken)
    {
        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        return await db.Set<ScimEventDeliveryEntity>().AsNoTracking()
            .Where(e => e.Receiver == receiver && e.Dead)
            .OrderBy(e => e.Sequence)
            .Take(max)
            .Select(e => new ScimQueuedEvent(e.EventId, e.Json, e.Attempts, e.LastError))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ReplayAsync(string receiver, IReadOnlyCollection<string>? eventIds, CancellationToken cancellationToken)
    {
        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        var dead = db.Set<ScimEventDeliveryEntity>().Where(e => e.Receiver == receiver && e.Dead);
        if (eventIds is not null)
        {
            var ids = eventIds.ToList();
            dead = dead.Where(e => ids.Contains(e.EventId));
        }

        return await EntityContexts.InTurnAsync(
            db,
            ct => dead.ExecuteUpdateAsync(
                s => s.SetProperty(e => e.Dead, false).SetProperty(e => e.Attempts, 0).SetProperty(e => e.AvailableAt, 0L).SetProperty(e => e.LeaseToken, (string?)null),
                ct),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task PurgeAsync(DateTimeOffset deliveredBefore, CancellationToken cancellationToken)
    {
        await using var scope = EntityContexts.Open<TContext>(services, out var db);
        var before = deliveredBefore.ToUnixTimeMilliseconds();
        await EntityContexts.InTurnAsync(db, ct => db.Set<ScimEventDeliveryEntity>().Where(e => e.DeliveredAt != null && e.DeliveredAt < before).ExecuteDeleteAsync(ct), cancellationToken).ConfigureAwait(false);
    }
}
