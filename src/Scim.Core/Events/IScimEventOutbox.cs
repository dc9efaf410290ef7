namespace Scim.Core.Events;

/// <summary>
/// A store's transactional outbox, read by the event dispatcher: the events the store kept with
/// its changes (see <see cref="ScimEventDraft"/>), taken out under a lease so that one dispatcher
/// at a time delivers each, and marked delivered, retried later or dead. The EF Core store
/// registers one; a hand-written store that completes drafts registers its own as a singleton
/// (<c>services.AddSingleton&lt;IScimEventOutbox, MyOutbox&gt;()</c>). Called from one dispatcher
/// per process, but from several processes at once.
/// </summary>
public interface IScimEventOutbox
{
    /// <summary>
    /// Takes up to <paramref name="max"/> due events, oldest first, for <paramref name="lease"/>: an
    /// event is due when it is neither delivered nor dead, its retry time has come, no one else holds
    /// it, and no earlier event of the same resource is still waiting (per-resource order).
    /// </summary>
    /// <param name="max">The most events to take.</param>
    /// <param name="lease">How long they are this caller's; then another may take them.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>The events taken, oldest first.</returns>
    Task<IReadOnlyList<ScimOutboxEvent>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Marks an event delivered (kept until the retention ends).</summary>
    /// <param name="sequence">The event's <see cref="ScimOutboxEvent.Sequence"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is marked.</returns>
    Task DeliveredAsync(long sequence, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the events of one claimed batch delivered, at once: the dispatcher calls this when it
    /// has delivered what it took (and before it gives any back). Override it to mark them in one
    /// statement; the default marks each with <see cref="DeliveredAsync(long, CancellationToken)"/>.
    /// </summary>
    /// <param name="sequences">The events' <see cref="ScimOutboxEvent.Sequence"/>s.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when they are marked.</returns>
    async Task DeliveredAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        foreach (var sequence in sequences)
        {
            await DeliveredAsync(sequence, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records a failed attempt: the event is due again at <paramref name="retryAt"/>, or dead when that is <see langword="null"/>.</summary>
    /// <param name="sequence">The event's <see cref="ScimOutboxEvent.Sequence"/>.</param>
    /// <param name="attempts">The failed attempts so far, this one included.</param>
    /// <param name="retryAt">When to offer it again; <see langword="null"/> to give it up (dead).</param>
    /// <param name="failure">What failed, for inspection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is recorded.</returns>
    Task FailedAsync(long sequence, int attempts, DateTimeOffset? retryAt, string failure, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back events taken but not attempted (an earlier event of their resource failed, the
    /// lease is running short, the host is stopping), due at once. An event whose lease ran out
    /// and that another dispatcher took meanwhile should stay that one's: the EF Core outbox gives
    /// back only rows still under the lease token it took them with.
    /// </summary>
    /// <param name="sequences">The events' <see cref="ScimOutboxEvent.Sequence"/>s.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when they are given back.</returns>
    Task ReleaseAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken);

    /// <summary>Deletes delivered events older than <paramref name="deliveredBefore"/>.</summary>
    /// <param name="deliveredBefore">The end of the retention.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when they are deleted.</returns>
    Task PurgeAsync(DateTimeOffset deliveredBefore, CancellationToken cancellationToken);
}

/// <summary>An event taken from an outbox.</summary>
/// <param name="Sequence">Its place in the outbox's order, which also names it there.</param>
/// <param name="Json">The event as <see cref="ScimChangeEvent.ToJson"/> wrote it.</param>
/// <param name="Attempts">The failed delivery attempts made so far.</param>
public sealed record ScimOutboxEvent(long Sequence, string Json, int Attempts);
