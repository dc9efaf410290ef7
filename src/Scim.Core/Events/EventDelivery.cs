using System.Threading.Channels;

namespace Scim.Core.Events;

/// <summary>Where the service hands a finished change's event.</summary>
internal interface IEventDelivery
{
    /// <summary>
    /// Whether anything consumes events: a subscriber in this process, or an outbox kept for
    /// another instance's subscribers. When nothing does, none are built.
    /// </summary>
    bool Active { get; }

    /// <summary>Takes an event the store did not keep, for delivery.</summary>
    ValueTask EnqueueAsync(ScimChangeEvent change, CancellationToken cancellationToken);

    /// <summary>Says that a store kept events in its outbox: the dispatcher reads it now rather than at its next poll.</summary>
    void Recorded();
}

/// <summary>Delivers each event before the write returns (a service built without dependency injection: the library's own tests and benchmarks).</summary>
internal sealed class InlineDelivery(IReadOnlyList<IScimEventSubscriber> subscribers, Microsoft.Extensions.Logging.ILogger? logger = null) : IEventDelivery
{
    private readonly ScimEventPublisher _publisher = new(logger);

    public bool Active => subscribers.Count > 0;

    public async ValueTask EnqueueAsync(ScimChangeEvent change, CancellationToken cancellationToken) =>
        await _publisher.PublishAsync(subscribers, change, CancellationToken.None).ConfigureAwait(false);

    public void Recorded()
    {
    }
}

/// <summary>
/// The in-process side of delivery: a bounded queue of events no store kept (a write that finds
/// it full waits), and the signal that a store kept some in its outbox. Read by the
/// <see cref="ScimEventDispatcher"/>, off the request path.
/// </summary>
internal sealed class ScimEventQueue : IEventDelivery
{
    private readonly Channel<ScimChangeEvent> _queue;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <param name="subscribed">Whether this process has subscribers.</param>
    /// <param name="recordsForOthers">Whether a store keeps events in an outbox (<see cref="IScimEventOutbox"/>) and this process records them for other instances' subscribers (<see cref="ScimEventDeliveryOptions.RecordWithoutSubscribers"/>).</param>
    /// <param name="capacity">The queue's capacity.</param>
    public ScimEventQueue(bool subscribed, bool recordsForOthers, int capacity)
    {
        Subscribed = subscribed;
        Active = subscribed || recordsForOthers;
        _queue = Channel.CreateBounded<ScimChangeEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>
    /// Events are built when this process has subscribers, and also when it has none but records
    /// them in an outbox for other instances': an instance that only serves SCIM, its events
    /// delivered by a worker's subscribers.
    /// </summary>
    public bool Active { get; }

    /// <summary>Whether this process has subscribers: without, it delivers nothing, in process or from the outbox.</summary>
    public bool Subscribed { get; }

    /// <summary>The events waiting in process.</summary>
    public ChannelReader<ScimChangeEvent> Events => _queue.Reader;

    /// <summary>Signals that the outbox has new events.</summary>
    public ChannelReader<bool> Wake => _wake.Reader;

    // An event no store kept has no one to go to in a process without subscribers.
    public ValueTask EnqueueAsync(ScimChangeEvent change, CancellationToken cancellationToken) => Subscribed ? _queue.Writer.WriteAsync(change, cancellationToken) : ValueTask.CompletedTask;

    public void Recorded() => _wake.Writer.TryWrite(true);
}
