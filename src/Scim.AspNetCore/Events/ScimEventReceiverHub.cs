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

    public ScimEventReceiverHub(IOptions<ScimSetOptions> options, IScimReceiverQueue? queue, SchemaRegistry registry, TimeProvider? time, ILogger<ScimEventReceiverHub>? logger)
    {
        Options = options.Value;
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
