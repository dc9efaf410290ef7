namespace Scim.Core.Events;

/// <summary>
/// The events waiting for each registered event receiver (a push endpoint or a poller of
/// RFC 8935 / RFC 8936): one entry per receiver and event, kept until the receiver has it.
/// Entries are added once per receiver and event (adding one again does nothing, so the
/// at-least-once hand-over from the dispatcher makes exactly one entry), taken under a lease in
/// order per resource, acknowledged, retried later, or given up (dead: kept, listed and replayable).
/// The EF Core store registers one over a table of the context; without one, entries are kept in
/// process and lost when it stops. Called from several processes at once.
/// </summary>
public interface IScimReceiverQueue
{
    /// <summary>Adds an event for a receiver, unless that receiver already has it (by <see cref="ScimChangeEvent.EventId"/>).</summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="change">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the entry is durable.</returns>
    Task EnqueueAsync(string receiver, ScimChangeEvent change, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="max"/> of the receiver's due entries, oldest first, for
    /// <paramref name="lease"/>: an entry is due when it is neither acknowledged nor dead, its retry
    /// time has come, no one holds it, and no earlier entry of the same resource for this receiver
    /// is held by someone else or waiting for its retry (per-resource order).
    /// </summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="max">The most entries to take.</param>
    /// <param name="lease">How long they are this caller's; then they are due again.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries taken, oldest first.</returns>
    Task<IReadOnlyList<ScimQueuedEvent>> ClaimAsync(string receiver, int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Marks entries delivered (the receiver accepted them); unknown ids are ignored.</summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="eventIds">The events' ids (the SETs' <c>jti</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many entries were marked.</returns>
    Task<int> AcknowledgeAsync(string receiver, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: the entry is due again at <paramref name="retryAt"/>, or dead when that is <see langword="null"/>.</summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="eventId">The event's id.</param>
    /// <param name="attempts">The failed attempts so far, this one included.</param>
    /// <param name="retryAt">When to offer it again; <see langword="null"/> to give it up (dead).</param>
    /// <param name="failure">What failed, for inspection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is recorded.</returns>
    Task FailedAsync(string receiver, string eventId, int attempts, DateTimeOffset? retryAt, string failure, CancellationToken cancellationToken);

    /// <summary>Gives back entries taken but not attempted, due at once.</summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="eventIds">The events' ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when they are given back.</returns>
    Task ReleaseAsync(string receiver, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken);

    /// <summary>The receiver's dead entries (given up after their last attempt, or refused by the receiver), oldest first.</summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="max">The most entries to list.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead entries.</returns>
    Task<IReadOnlyList<ScimQueuedEvent>> ListDeadAsync(string receiver, int max, CancellationToken cancellationToken);

    /// <summary>Makes dead entries due again, with their attempts reset: those named, or all of the receiver's when <paramref name="eventIds"/> is <see langword="null"/>.</summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="eventIds">The events to replay, or <see langword="null"/> for every dead one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many entries were made due.</returns>
    Task<int> ReplayAsync(string receiver, IReadOnlyCollection<string>? eventIds, CancellationToken cancellationToken);

    /// <summary>Deletes delivered entries older than <paramref name="deliveredBefore"/>, of every receiver.</summary>
    /// <param name="deliveredBefore">The end of the retention.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when they are deleted.</returns>
    Task PurgeAsync(DateTimeOffset deliveredBefore, CancellationToken cancellationToken);
}

/// <summary>An entry of an <see cref="IScimReceiverQueue"/>.</summary>
/// <param name="EventId">The event's id (the SET's <c>jti</c>).</param>
/// <param name="Json">The event as <see cref="ScimChangeEvent.ToJson"/> wrote it.</param>
/// <param name="Attempts">The failed delivery attempts so far.</param>
/// <param name="LastError">The last failure, or <see langword="null"/>.</param>
public sealed record ScimQueuedEvent(string EventId, string Json, int Attempts, string? LastError);
