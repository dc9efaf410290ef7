using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Scim.Core.Events;
using Scim.Core.Schema;

namespace Scim.AspNetCore.Events;

/// <summary>
/// What the push sender, the poll endpoint and the key endpoint share: the receivers, their queue,
/// the SET writer with its signing key, and a signal per receiver that new entries were queued in
/// this process (entries queued by another instance are found at the next poll of the queue).
/// </summary>
internal sealed partial class ScimEventReceiverHub
{
    private readonly Dictionary<string, Channel<bool>> _signals;
    private readonly ILogger? _logger;

    public ScimEventReceiverHub(IOptions<ScimSetOptions> options, IScimReceiverQueue? queue, SchemaRegistry registry, TimeProvider? time, ILogger<ScimEventReceiverHub>? logger)
    {
        Options = options.Value;
        _logger = logger;
        Time = time ?? TimeProvider.System;
        Queue = queue ?? new InMemoryReceiverQueue(Time);
        Receivers = Options.Receivers.ToDictionary(r => r.Name, StringComparer.Ordinal);
        _signals = Receivers.Keys.ToDictionary(
            n => n,
            _ => Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite }),
            StringComparer.Ordinal);
        if (Options.SigningCredentials is { } credentials)
        {
            Credentials = credentials;
        }
        else
        {
            // A key of this process alone: receivers fetch it from the key endpoint, again after a restart.
            var key = new ECDsaSecurityKey(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
            {
                KeyId = Guid.NewGuid().ToString("N"),
            };
            Credentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256);
            if (logger is not null && Receivers.Count > 0)
            {
                LogGeneratedKey(logger, key.KeyId);
            }
        }

        Writer = new ScimSetWriter(registry, Credentials, Options.Issuer, Time);
    }

    public ScimSetOptions Options { get; }

    public TimeProvider Time { get; }

    public IScimReceiverQueue Queue { get; }

    public IReadOnlyDictionary<string, ScimEventReceiver> Receivers { get; }

    public SigningCredentials Credentials { get; }

    public ScimSetWriter Writer { get; }

    /// <summary>Says that a receiver has new entries.</summary>
    public void Signal(string receiver)
    {
        if (_signals.TryGetValue(receiver, out var signal))
        {
            signal.Writer.TryWrite(true);
        }
    }

    /// <summary>Waits until a receiver has new entries (queued in this process) or <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(string receiver, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await _signals[receiver].Reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the timeout passed
        }
    }

    /// <summary>
    /// A queue entry's event, for the push sender and the poll endpoint alike; <see langword="null"/>
    /// when it is no event, or no longer one the receiver takes (its <c>Tenants</c> or <c>Kinds</c>
    /// were narrowed after it was queued, which must not send it another tenant's backlog): such
    /// an entry is marked dead, with the reason, and is not sent.
    /// </summary>
    public async Task<ScimChangeEvent?> ReadAsync(ScimEventReceiver receiver, ScimQueuedEvent item)
    {
        string reason;
        try
        {
            var change = ScimChangeEvent.FromJson(item.Json);
            if (receiver.Wants(change))
            {
                return change;
            }

            reason = $"Not for this receiver any more: its Tenants and Kinds do not take a {change.Kind} of tenant '{change.Tenant}'.";
        }
        catch (System.Text.Json.JsonException exception)
        {
            reason = "Not an event: " + exception.Message;
        }

        await Queue.FailedAsync(receiver.Name, item.EventId, item.Attempts + 1, null, reason, CancellationToken.None).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// The SET of an event for a receiver, or <see langword="null"/> with the reason when it cannot
    /// be written: the caller counts that as a failed attempt of that entry (<see cref="WriteFailedAsync"/>)
    /// rather than fail the rest of the queue with it. A signing key that is away for a moment (a
    /// remote key) fails an attempt; an event the writer cannot handle is dead after the last.
    /// </summary>
    public string? WriteOrNull(ScimEventReceiver receiver, ScimChangeEvent change, out string? failure)
    {
        try
        {
            failure = null;
            return Writer.Write(change, receiver);
        }
#pragma warning disable CA1031 // one event the writer cannot handle must not hold up the receiver's queue
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = $"The SET could not be written: {exception.GetType().Name}: {exception.Message}";
            if (_logger is not null)
            {
                LogUnwritable(_logger, exception, receiver.Name, change.EventId);
            }

            return null;
        }
    }

    /// <summary>Records a failed attempt to write an entry's SET: due again on the delivery schedule, dead after the last attempt.</summary>
    public Task WriteFailedAsync(ScimEventReceiver receiver, ScimQueuedEvent item, string failure, ScimEventDeliveryOptions delivery)
    {
        var attempts = item.Attempts + 1;
        var retryAt = attempts >= delivery.MaxAttempts ? (DateTimeOffset?)null : Time.GetUtcNow() + delivery.DelayAfter(attempts);
        return Queue.FailedAsync(receiver.Name, item.EventId, attempts, retryAt, failure, CancellationToken.None);
    }

    [LoggerMessage(EventId = 24, Level = LogLevel.Error, Message = "The SET of SCIM event {EventId} for receiver {Receiver} could not be written; it is tried again on the delivery schedule")]
    private static partial void LogUnwritable(ILogger logger, Exception exception, string receiver, string eventId);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "SCIM SETs are signed with a key generated at startup (kid {KeyId}); receivers must fetch it again after a restart. Set ScimSetOptions.SigningCredentials in production.")]
    private static partial void LogGeneratedKey(ILogger logger, string keyId);
}

/// <summary>
/// The subscriber that hands each change to the queue of every receiver that wants it. The
/// dispatcher calls it at least once per event, off the request; the queue keeps one entry per
/// receiver and event, so a repeat adds nothing.
/// </summary>
internal sealed class ScimReceiverFanOut(ScimEventReceiverHub hub) : IScimEventSubscriber
{
    public async Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
    {
        foreach (var receiver in hub.Receivers.Values)
        {
            if (receiver.Wants(change))
            {
                await hub.Queue.EnqueueAsync(receiver.Name, change, cancellationToken).ConfigureAwait(false);
                hub.Signal(receiver.Name);
            }
        }
    }
}
