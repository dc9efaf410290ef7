using System.Threading.Channels;
using Scim.Core.Events;

namespace Scim.Sample.Activity;

/// <summary>One change as the activity stream sends it: what the stream filters on, and the event's JSON.</summary>
internal sealed record ActivityEntry(string EventId, string Tenant, string ResourceType, string Kind, string Json);

/// <summary>
/// The broadcaster behind the activity page: keeps the last <see cref="Capacity"/> changes (so a
/// page that opens late, or comes back with <c>Last-Event-ID</c>, sees recent history) and hands
/// every new one to each open stream. Delivery of events is at least once, so an event id seen
/// before is dropped.
/// </summary>
internal sealed class ActivityFeed
{
    /// <summary>How many changes are kept for pages that connect later.</summary>
    public const int Capacity = 500;

    // Ids remembered for dropping repeats: more than the ring holds, since a repeat may come after
    // the first copy left the ring (a retry after a slow subscriber, an outbox lease that ran out).
    private const int RememberedIds = 8 * Capacity;

    // A stream that falls this far behind is ended; its page reconnects with Last-Event-ID and
    // catches up from the ring, rather than holding an unbounded queue here.
    private const int StreamBuffer = 2 * Capacity;

    private readonly Lock _lock = new();
    private readonly Queue<ActivityEntry> _recent = new(Capacity);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new(RememberedIds);
    private readonly List<ChannelWriter<ActivityEntry>> _streams = [];

    /// <summary>Records a change and sends it to the open streams, unless its event id was seen already.</summary>
    /// <returns>Whether the change was new.</returns>
    public bool Publish(ScimChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var entry = new ActivityEntry(change.EventId, change.Tenant, change.ResourceType, change.Kind.ToString(), change.ToJson());
        lock (_lock)
        {
            if (!_seen.Add(entry.EventId))
            {
                return false;
            }

            _seenOrder.Enqueue(entry.EventId);
            if (_seenOrder.Count > RememberedIds)
            {
                _seen.Remove(_seenOrder.Dequeue());
            }

            _recent.Enqueue(entry);
            if (_recent.Count > Capacity)
            {
                _recent.Dequeue();
            }

            for (var i = _streams.Count - 1; i >= 0; i--)
            {
                if (!_streams[i].TryWrite(entry))
                {
                    _streams[i].TryComplete();
                    _streams.RemoveAt(i);
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Opens a stream: the kept changes after <paramref name="lastEventId"/> (all of them when it is
    /// absent or no longer kept), then every new change. Taken under one lock, so nothing is
    /// missed or sent twice between the history and the live changes.
    /// </summary>
    public ActivitySubscription Subscribe(string? lastEventId)
    {
        var channel = Channel.CreateBounded<ActivityEntry>(new BoundedChannelOptions(StreamBuffer) { SingleReader = true, SingleWriter = true });
        lock (_lock)
        {
            var history = _recent.ToList();
            var last = string.IsNullOrEmpty(lastEventId) ? -1 : history.FindLastIndex(e => string.Equals(e.EventId, lastEventId, StringComparison.Ordinal));
            _streams.Add(channel.Writer);
            return new ActivitySubscription(this, channel, last < 0 ? history : history[(last + 1)..]);
        }
    }

    private void Unsubscribe(ChannelWriter<ActivityEntry> writer)
    {
        lock (_lock)
        {
            _streams.Remove(writer);
        }
    }

    /// <summary>One open stream: the history it starts with and the changes that follow.</summary>
    internal sealed class ActivitySubscription(ActivityFeed feed, Channel<ActivityEntry> channel, IReadOnlyList<ActivityEntry> history) : IDisposable
    {
        public IReadOnlyList<ActivityEntry> History { get; } = history;

        /// <summary>The new changes; completes when the stream fell too far behind.</summary>
        public ChannelReader<ActivityEntry> Live => channel.Reader;

        public void Dispose() => feed.Unsubscribe(channel.Writer);
    }
}

/// <summary>Feeds every change event to the <see cref="ActivityFeed"/>; called by the library's dispatcher, off the request.</summary>
internal sealed class ActivitySubscriber(ActivityFeed feed) : IScimEventSubscriber
{
    public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
    {
        feed.Publish(change);
        return Task.CompletedTask;
    }
}
