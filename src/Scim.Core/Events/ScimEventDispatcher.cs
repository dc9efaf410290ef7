using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Scim.Core.Events;

/// <summary>
/// Delivers change events to the subscribers, off the request path: those of the in-process queue
/// in the order they were written, and those a store kept in its outbox, oldest first and in order
/// per resource. A failed delivery (any subscriber threw) is tried again after a growing wait; after
/// <see cref="ScimEventDeliveryOptions.MaxAttempts"/> an outbox event is marked dead and a queued
/// one is dropped, each logged. Subscribers are resolved in a scope per event, so scoped ones work.
/// </summary>
internal sealed partial class ScimEventDispatcher : BackgroundService
{
    private const int Batch = 100;

    private readonly ScimEventQueue _queue;
    private readonly IServiceScopeFactory _scopes;
    private readonly ScimEventDeliveryOptions _options;
    private readonly IScimEventOutbox? _outbox;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ScimEventPublisher _publisher;

    public ScimEventDispatcher(ScimEventQueue queue, IServiceScopeFactory scopes, ScimEventDeliveryOptions options, IScimEventOutbox? outbox, TimeProvider? time, ILogger<ScimEventDispatcher>? logger)
    {
        _queue = queue;
        _scopes = scopes;
        _options = options;
        _outbox = outbox;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _publisher = new ScimEventPublisher(_logger);
    }

    /// <summary>
    /// The queue, and the outbox when there is one; a process without subscribers reads neither:
    /// taking the outbox's events to deliver them to no one would mark them delivered, and the
    /// instances with subscribers would never see them.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_queue.Subscribed)
        {
            if (_outbox is not null)
            {
                if (_queue.Active)
                {
                    LogRecordsForOthers(_logger);
                }
                else
                {
                    LogNotRecorded(_logger);
                }
            }

            return Task.CompletedTask;
        }

        return _outbox is null ? QueueLoopAsync(stoppingToken) : Task.WhenAll(QueueLoopAsync(stoppingToken), OutboxLoopAsync(_outbox, stoppingToken));
    }

    /// <summary>Offers an event to every subscriber; the first failure, or <see langword="null"/>.</summary>
    private async Task<Exception?> DeliverAsync(ScimChangeEvent change, CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var failure = await _publisher.PublishAsync(scope.ServiceProvider.GetServices<IScimEventSubscriber>(), change, cancellationToken).ConfigureAwait(false);
            Diagnostics.ScimTelemetry.Delivered(change, failure is null, _time.GetUtcNow());
            return failure;
        }
    }

    private async Task QueueLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _queue.Events.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                for (var attempt = 1; ; attempt++)
                {
                    if (await DeliverAsync(change, stoppingToken).ConfigureAwait(false) is null)
                    {
                        break;
                    }

                    if (attempt >= _options.MaxAttempts)
                    {
                        LogQueuedEventDropped(_logger, change.EventId, change.Kind, change.ResourceType, change.ResourceId, attempt);
                        break;
                    }

                    await Task.Delay(_options.DelayAfter(attempt), _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            var left = _queue.Events.CanCount ? _queue.Events.Count : 0;
            if (left > 0)
            {
                LogQueueLeft(_logger, left);
            }
        }
    }

    private async Task OutboxLoopAsync(IScimEventOutbox outbox, CancellationToken stoppingToken)
    {
        var nextPurge = DateTimeOffset.MinValue;
        long? lastClaim = null;
        var claimed = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Paced (ClaimInterval): the events written meanwhile are taken by one read.
            if (claimed < Batch && !await _options.PaceAsync(lastClaim, _time, stoppingToken).ConfigureAwait(false))
            {
                return;
            }

            lastClaim = _time.GetTimestamp();
            claimed = 0;
            try
            {
                var batch = await outbox.ClaimAsync(Batch, _options.LeaseDuration, stoppingToken).ConfigureAwait(false);
                claimed = batch.Count;
                if (await DeliverBatchAsync(outbox, batch, lastClaim.Value, stoppingToken).ConfigureAwait(false))
                {
                    claimed = Batch; // handed back what the lease had no time left for: take it again at once
                }

                if (_time.GetUtcNow() >= nextPurge)
                {
                    await outbox.PurgeAsync(_time.GetUtcNow() - _options.Retention, stoppingToken).ConfigureAwait(false);
                    nextPurge = _time.GetUtcNow().AddMinutes(1);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the outbox is unreachable for now (a database restart): try again at the next poll
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogOutboxFailed(_logger, exception);
                claimed = 0;
            }

            if (claimed == Batch)
            {
                continue; // more are waiting
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(_options.PollInterval);
            try
            {
                await _queue.Wake.ReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // the poll interval passed, or the host is stopping (the loop's condition sees it)
            }
        }
    }

    /// <summary>
    /// Offers a claimed batch's events in order. Once half the lease has passed (slow subscribers),
    /// or would pass during another delivery as slow as the slowest so far, the rest is handed back,
    /// due at once, before the lease could run out and another dispatcher take what this one still
    /// delivers; the caller then claims again with a new lease. The other half is the margin for
    /// marking what was delivered, on a busy database.
    /// </summary>
    /// <returns>Whether the rest of the batch was handed back for lack of time.</returns>
    private async Task<bool> DeliverBatchAsync(IScimEventOutbox outbox, IReadOnlyList<ScimOutboxEvent> batch, long claimedAt, CancellationToken stoppingToken)
    {
        var outOfTime = false;
        var slowest = TimeSpan.Zero;
        HashSet<string>? failed = null;
        List<long>? released = null;

        // Marked at the end of the batch, in one call: a mark for each event made the outbox's
        // writes as many as the resources' own (on SQLite, turns at its one writer).
        List<long>? delivered = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var item = batch[i];
            ScimChangeEvent change;
            try
            {
                change = ScimChangeEvent.FromJson(item.Json);
            }
            catch (System.Text.Json.JsonException exception)
            {
                await outbox.FailedAsync(item.Sequence, item.Attempts + 1, null, "Not an event: " + exception.Message, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (i > 0 && _options.OutOfLease(_time.GetElapsedTime(claimedAt), slowest))
            {
                (released ??= []).AddRange(batch.Skip(i).Select(b => b.Sequence));
                outOfTime = true;
                LogBatchHandedBack(_logger, batch.Count - i, _options.LeaseDuration);
                break;
            }

            var resource = change.Tenant + "\n" + change.ResourceType + "\n" + change.ResourceId;
            if (failed?.Contains(resource) == true)
            {
                (released ??= []).Add(item.Sequence); // waits for its resource's earlier event
                continue;
            }

            Exception? failure;
            var started = _time.GetTimestamp();
            try
            {
                failure = stoppingToken.IsCancellationRequested ? new OperationCanceledException(stoppingToken) : await DeliverAsync(change, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException exception) when (stoppingToken.IsCancellationRequested)
            {
                failure = exception;
            }

            var took = _time.GetElapsedTime(started);
            slowest = took > slowest ? took : slowest;

            if (failure is not null && stoppingToken.IsCancellationRequested)
            {
                // The host is stopping: what was taken and not delivered goes back now, due at
                // once with its attempts unchanged, for another instance (or the next start)
                // rather than after the lease.
                (released ??= []).AddRange(batch.Skip(i).Select(b => b.Sequence));
                break;
            }

            if (failure is null)
            {
                (delivered ??= []).Add(item.Sequence);
                continue;
            }

            (failed ??= new(StringComparer.Ordinal)).Add(resource);
            var attempts = item.Attempts + 1;
            var dead = attempts >= _options.MaxAttempts;
            if (dead)
            {
                LogOutboxEventDead(_logger, change.EventId, change.Kind, change.ResourceType, change.ResourceId, attempts);
            }

            await outbox.FailedAsync(item.Sequence, attempts, dead ? null : _time.GetUtcNow() + _options.DelayAfter(attempts), failure.GetType().Name + ": " + failure.Message, CancellationToken.None).ConfigureAwait(false);
        }

        if (delivered is not null)
        {
            await outbox.DeliveredAsync(delivered, CancellationToken.None).ConfigureAwait(false);
        }

        if (released is not null)
        {
            await outbox.ReleaseAsync(released, CancellationToken.None).ConfigureAwait(false);
        }

        return outOfTime;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "SCIM event {EventId} ({Kind} of {ResourceType} {ResourceId}) was dropped from the in-process queue after {Attempts} failed attempts")]
    private static partial void LogQueuedEventDropped(ILogger logger, string eventId, ScimChangeKind kind, string resourceType, string resourceId, int attempts);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Count} SCIM events were still queued in process when the host stopped, and are not delivered")]
    private static partial void LogQueueLeft(ILogger logger, int count);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "SCIM event {EventId} ({Kind} of {ResourceType} {ResourceId}) is dead in the outbox after {Attempts} failed attempts")]
    private static partial void LogOutboxEventDead(ILogger logger, string eventId, ScimChangeKind kind, string resourceType, string resourceId, int attempts);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "This process has no SCIM event subscribers: changes' events are not recorded. An instance that serves SCIM while another process delivers its events sets EventDelivery.RecordWithoutSubscribers")]
    private static partial void LogNotRecorded(ILogger logger);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "This process has no SCIM event subscribers: where a store keeps an outbox, it records changes' events there (EventDelivery.RecordWithoutSubscribers) for other instances to deliver; it delivers none")]
    private static partial void LogRecordsForOthers(ILogger logger);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Half the lease ({Lease}) of a batch of SCIM events passed before all were delivered: {Count} handed back to be taken again")]
    private static partial void LogBatchHandedBack(ILogger logger, int count, TimeSpan lease);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Reading the SCIM event outbox failed; it is read again at the next poll")]
    private static partial void LogOutboxFailed(ILogger logger, Exception exception);
}
