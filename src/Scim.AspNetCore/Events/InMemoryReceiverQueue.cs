using Scim.Core.Events;

namespace Scim.AspNetCore.Events;

/// <summary>
/// The receivers' queue kept in process, when no store registers a durable one (the in-memory
/// stores): the same rules as a durable queue (one entry per receiver and event, leases,
/// per-resource order, dead entries kept and replayable), lost when the process stops, as the
/// in-memory stores' data is.
/// </summary>
internal sealed class InMemoryReceiverQueue(TimeProvider? time = null) : IScimReceiverQueue
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private readonly HashSet<(string Receiver, string EventId)> _known = [];

    // The last delivered ids stay known, so a repeat hand-over of a delivered event adds nothing.
    private readonly Queue<(string Receiver, string EventId)> _recentlyDelivered = new();
    private const int RememberDelivered = 10_000;
    private long _sequence;

    public Task EnqueueAsync(string receiver, ScimChangeEvent change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            if (_known.Add((receiver, change.EventId)))
            {
                _entries.Add(new Entry(++_sequence, receiver, change.EventId, change.Tenant + "\n" + change.ResourceType + "\n" + change.ResourceId, change.ToJson()));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ScimQueuedEvent>> ClaimAsync(string receiver, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var taken = new List<ScimQueuedEvent>();
        lock (_lock)
        {
            var blocked = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in _entries)
            {
                if (taken.Count >= max)
                {
                    break;
                }

                if (entry.Receiver != receiver || entry.Delivered || entry.Dead)
                {
                    continue;
                }

                if (entry.AvailableAt > now)
                {
                    blocked.Add(entry.Resource); // held or waiting for its retry: later entries of its resource wait
                    continue;
                }

                if (blocked.Contains(entry.Resource))
                {
                    continue;
                }

                entry.AvailableAt = now + lease;
                taken.Add(entry.ToQueued());
            }
        }

        return Task.FromResult<IReadOnlyList<ScimQueuedEvent>>(taken);
    }

    public Task<int> AcknowledgeAsync(string receiver, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        var ids = eventIds.ToHashSet(StringComparer.Ordinal);
        var count = 0;
        lock (_lock)
        {
            foreach (var entry in _entries.Where(e => e.Receiver == receiver && !e.Delivered && ids.Contains(e.EventId)))
            {
                entry.Delivered = true;
                entry.Dead = false;
                count++;
            }

            // Delivered entries are only needed to refuse a repeat, which the known ids do for the recent ones.
            foreach (var entry in _entries.Where(e => e.Delivered))
            {
                _recentlyDelivered.Enqueue((entry.Receiver, entry.EventId));
            }

            _entries.RemoveAll(e => e.Delivered);
            while (_recentlyDelivered.Count > RememberDelivered)
            {
                _known.Remove(_recentlyDelivered.Dequeue());
            }
        }

        return Task.FromResult(count);
    }

    public Task FailedAsync(string receiver, string eventId, int attempts, DateTimeOffset? retryAt, string failure, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (Find(receiver, eventId) is { } entry)
            {
                entry.Attempts = attempts;
                entry.LastError = failure;
                entry.Dead = retryAt is null;
                entry.AvailableAt = retryAt ?? DateTimeOffset.MaxValue;
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string receiver, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var id in eventIds)
            {
                if (Find(receiver, id) is { Dead: false } entry)
                {
                    entry.AvailableAt = DateTimeOffset.MinValue;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ScimQueuedEvent>> ListDeadAsync(string receiver, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ScimQueuedEvent>>([.. _entries.Where(e => e.Receiver == receiver && e.Dead).Take(max).Select(e => e.ToQueued())]);
        }
    }

    public Task<int> ReplayAsync(string receiver, IReadOnlyCollection<string>? eventIds, CancellationToken cancellationToken)
    {
        var ids = eventIds?.ToHashSet(StringComparer.Ordinal);
        var count = 0;
        lock (_lock)
        {
            foreach (var entry in _entries.Where(e => e.Receiver == receiver && e.Dead && (ids is null || ids.Contains(e.EventId))))
            {
                entry.Dead = false;
                entry.Attempts = 0;
                entry.AvailableAt = DateTimeOffset.MinValue;
                count++;
            }
        }

        return Task.FromResult(count);
    }

    public Task PurgeAsync(DateTimeOffset deliveredBefore, CancellationToken cancellationToken) => Task.CompletedTask;

    private Entry? Find(string receiver, string eventId) => _entries.FirstOrDefault(e => e.Receiver == receiver && e.EventId == eventId);

    private sealed class Entry(long sequence, string receiver, string eventId, string resource, string json)
    {
        public long Sequence { get; } = sequence;

        public string Receiver { get; } = receiver;

        public string EventId { get; } = eventId;

        public string Resource { get; } = resource;

        public string Json { get; } = json;

        public DateTimeOffset AvailableAt { get; set; } = DateTimeOffset.MinValue;

        public int Attempts { get; set; }

        public bool Delivered { get; set; }

        public bool Dead { get; set; }

        public string? LastError { get; set; }

        public ScimQueuedEvent ToQueued() => new(EventId, Json, Attempts, LastError);
    }
}
