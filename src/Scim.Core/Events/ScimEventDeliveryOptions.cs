namespace Scim.Core.Events;

/// <summary>
/// How change events reach the subscribers: off the request, from an in-process queue or from the
/// store's outbox, retried with growing waits when a subscriber fails.
/// </summary>
public sealed class ScimEventDeliveryOptions
{
    /// <summary>How many times an event is offered to the subscribers before it is given up (the outbox keeps it, marked dead).</summary>
    /// <value>Defaults to 8.</value>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait before the first retry; each further retry waits twice as long (with random jitter of up to a quarter), up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>Defaults to one second.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    /// <value>Defaults to five minutes.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the outbox is read when nothing signalled new events: it finds events written by
    /// other instances, events left by a process that stopped before delivering them, and retries
    /// that fell due.
    /// </summary>
    /// <value>Defaults to one second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The least time between the starts of two reads of the outbox (and of a push receiver's
    /// queue), unless the last read found a full batch (a backlog is read at once). Under a steady
    /// stream of writes each read then takes every event of the interval, instead of every write
    /// waking a read of its own: each read is a transaction, and so is the mark of what it
    /// delivered, so unpaced they added up to two write transactions per change (on SQLite they
    /// wait in line with the writes themselves). An event that follows a quiet spell longer than
    /// this is read at once. Zero reads at every signal. At most <see cref="PollInterval"/>.
    /// </summary>
    /// <value>Defaults to 20 milliseconds.</value>
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a dispatcher holds the events it took from the outbox before another may take them (a dispatcher that stopped mid-delivery).</summary>
    /// <value>Defaults to one minute.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether a process with no subscribers of its own still records each change's event in the
    /// store's outbox, for other instances' subscribers to deliver: set it on instances that serve
    /// SCIM while a worker (another process over the same database) handles the events. Without it
    /// such a process builds no events, so an app that uses none pays nothing and its outbox does
    /// not grow (nothing would deliver or purge it); it logs so at startup. A process without
    /// subscribers never takes events from the outbox, whatever this says.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool RecordWithoutSubscribers { get; set; }

    /// <summary>How long delivered events stay in the outbox (for audit and replay) before they are deleted.</summary>
    /// <value>Defaults to seven days.</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How many events the in-process queue holds (stores without an outbox). A write that finds
    /// it full waits for room, so a slow subscriber slows writers down rather than losing events.
    /// </summary>
    /// <value>Defaults to 10,000.</value>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Waits what is left of <see cref="ClaimInterval"/> since the read that started at
    /// <paramref name="lastClaim"/> (a timestamp of <paramref name="time"/>; none: no wait), before a
    /// delivery loop reads again. A loop whose last read found a full batch does not call this.
    /// </summary>
    /// <returns><see langword="false"/> when the host is stopping.</returns>
    internal async Task<bool> PaceAsync(long? lastClaim, TimeProvider time, CancellationToken stoppingToken)
    {
        if (lastClaim is not { } last || ClaimInterval - time.GetElapsedTime(last) is not { Ticks: > 0 } left)
        {
            return true;
        }

        try
        {
            await Task.Delay(left, time, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether a loop delivering what it claimed for <see cref="LeaseDuration"/> hands the rest
    /// back now: half the lease has passed, or would pass during one more delivery as slow as the
    /// slowest so far (<paramref name="slowest"/>). The other half is the margin for marking what
    /// was delivered before the lease ends and another instance may take it.
    /// </summary>
    internal bool OutOfLease(TimeSpan elapsed, TimeSpan slowest) => elapsed + slowest > LeaseDuration / 2;

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, after <paramref name="attempt"/> failed ones.</summary>
    internal TimeSpan DelayAfter(int attempt)
    {
        var doubled = RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(doubled, MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + (Random.Shared.NextDouble() / 4)));
    }
}
