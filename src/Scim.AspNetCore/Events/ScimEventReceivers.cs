using Scim.Core.Events;

namespace Scim.AspNetCore.Events;

/// <summary>
/// The registered event receivers and their dead letters, for a host's operations pages and tools:
/// list what a receiver refused or could not be given, and replay it once the cause is fixed.
/// Resolve it from DI after <c>AddEventReceivers</c>.
/// </summary>
public sealed class ScimEventReceivers
{
    private readonly ScimEventReceiverHub _hub;

    internal ScimEventReceivers(ScimEventReceiverHub hub) => _hub = hub;

    /// <summary>The receivers, in the order they were added.</summary>
    public IReadOnlyList<ScimEventReceiver> All => _hub.Options.Receivers;

    /// <summary>A receiver's dead entries, oldest first: each with its event, attempts and last failure.</summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="max">The most entries to list.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead entries.</returns>
    /// <exception cref="ArgumentException">No receiver has that name.</exception>
    public Task<IReadOnlyList<ScimQueuedEvent>> ListDeadAsync(string receiver, int max = 100, CancellationToken cancellationToken = default) =>
        _hub.Queue.ListDeadAsync(Known(receiver), max, cancellationToken);

    /// <summary>
    /// Makes dead entries due again (attempts reset), sent in their original order among
    /// themselves per resource. A dead entry no longer holds back its resource's later ones, so
    /// those were sent before it: a receiver compares <c>toe</c> or the resource's version.
    /// </summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="eventIds">The events (SET <c>jti</c>s) to replay, or <see langword="null"/> for all of the receiver's dead entries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many entries are due again.</returns>
    /// <exception cref="ArgumentException">No receiver has that name.</exception>
    public async Task<int> ReplayAsync(string receiver, IReadOnlyCollection<string>? eventIds = null, CancellationToken cancellationToken = default)
    {
        var count = await _hub.Queue.ReplayAsync(Known(receiver), eventIds, cancellationToken).ConfigureAwait(false);
        _hub.Signal(receiver);
        return count;
    }

    /// <summary>The SET a receiver would get for an event (signed as it would be sent), for inspection and tests.</summary>
    /// <param name="receiver">The receiver's name.</param>
    /// <param name="change">The event.</param>
    /// <returns>The compact JWS.</returns>
    /// <exception cref="ArgumentException">No receiver has that name.</exception>
    public string CreateSet(string receiver, ScimChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _hub.Writer.Write(change, _hub.Receivers[Known(receiver)]);
    }

    private string Known(string receiver) =>
        receiver is not null && _hub.Receivers.ContainsKey(receiver) ? receiver : throw new ArgumentException($"No event receiver is named '{receiver}'.", nameof(receiver));
}
