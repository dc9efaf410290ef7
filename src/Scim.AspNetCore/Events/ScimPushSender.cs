using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Scim.Core.Diagnostics;
using Scim.Core.Events;

namespace Scim.AspNetCore.Events;

/// <summary>
/// Pushes each push receiver's SETs (RFC 8935), off the request path: its queue's entries, oldest
/// first and in order per resource. One push is tried a few times at once (Polly: exponential waits
/// with jitter, a timeout per try) on network failures, timeouts, 429 and 5xx; when those fail the
/// entry waits for the durable schedule of <see cref="ScimEventDeliveryOptions"/> (doubling waits,
/// then dead) and later entries of its resource wait for it. A 400 answer is the receiver refusing
/// the SET (RFC 8935 §2.3): it is dead at once, with the receiver's <c>err</c> and <c>description</c>,
/// to be replayed once the cause is fixed.
/// </summary>
internal sealed partial class ScimPushSender : BackgroundService
{
    /// <summary>The name of the <see cref="HttpClient"/> SETs are pushed with (configure it with <c>AddHttpClient</c>: proxies, client certificates).</summary>
    public const string HttpClientName = "Scim.Events.Push";

    private const int Batch = 50;

    private readonly ScimEventReceiverHub _hub;
    private readonly IHttpClientFactory _clients;
    private readonly ScimEventDeliveryOptions _delivery;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ScimPushSender(ScimEventReceiverHub hub, IHttpClientFactory clients, ScimEventDeliveryOptions delivery, ILogger<ScimPushSender>? logger)
    {
        _hub = hub;
        _clients = clients;
        _delivery = delivery;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = hub.Time };
        if (hub.Options.PushTries > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = hub.Options.PushTries - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
            });
        }

        _pipeline = builder.AddTimeout(hub.Options.PushTimeout).Build();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_hub.Receivers.Values.Where(r => r.PushEndpoint is not null).Select(r => LoopAsync(r, stoppingToken)));

    private async Task LoopAsync(ScimEventReceiver receiver, CancellationToken stoppingToken)
    {
        var nextPurge = DateTimeOffset.MinValue;
        long? lastClaim = null;
        var claimed = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Paced as the outbox's reads are (ClaimInterval): one read takes what a stream of writes queued meanwhile.
            if (claimed < Batch && !await _delivery.PaceAsync(lastClaim, _hub.Time, stoppingToken).ConfigureAwait(false))
            {
                return;
            }

            lastClaim = _hub.Time.GetTimestamp();
            claimed = 0;
            try
            {
                var batch = await _hub.Queue.ClaimAsync(receiver.Name, Batch, _delivery.LeaseDuration, stoppingToken).ConfigureAwait(false);
                claimed = batch.Count;
                if (await PushBatchAsync(receiver, batch, lastClaim.Value, stoppingToken).ConfigureAwait(false))
                {
                    claimed = Batch; // handed back what the lease had no time left for: take it again at once
                }

                if (_hub.Time.GetUtcNow() >= nextPurge)
                {
                    await _hub.Queue.PurgeAsync(_hub.Time.GetUtcNow() - _delivery.Retention, stoppingToken).ConfigureAwait(false);
                    nextPurge = _hub.Time.GetUtcNow().AddMinutes(1);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the queue is unreachable for now (a database restart): try again at the next poll
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogQueueFailed(_logger, exception, receiver.Name);
                claimed = 0;
            }

            if (claimed < Batch)
            {
                await _hub.WaitAsync(receiver.Name, _delivery.PollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Pushes a claimed batch's entries in order; hands the rest back when the lease has no time
    /// left for another push as slow as the slowest so far, as the outbox's dispatcher does
    /// (<see cref="ScimEventDeliveryOptions.OutOfLease"/>), so that another instance never takes
    /// what this one is still pushing.
    /// </summary>
    /// <returns>Whether the rest of the batch was handed back for lack of time.</returns>
    private async Task<bool> PushBatchAsync(ScimEventReceiver receiver, IReadOnlyList<ScimQueuedEvent> batch, long claimedAt, CancellationToken stoppingToken)
    {
        HashSet<string>? failed = null;
        List<string>? released = null;
        var slowest = TimeSpan.Zero;
        var outOfTime = false;
        for (var i = 0; i < batch.Count; i++)
        {
            var item = batch[i];
            if (i > 0 && _delivery.OutOfLease(_hub.Time.GetElapsedTime(claimedAt), slowest))
            {
                (released ??= []).AddRange(batch.Skip(i).Select(b => b.EventId));
                outOfTime = true;
                break;
            }

            if (await _hub.ReadAsync(receiver, item).ConfigureAwait(false) is not { } change)
            {
                continue; // not an event, or no longer the receiver's: dead, with the reason
            }

            var resource = change.Tenant + "\n" + change.ResourceType + "\n" + change.ResourceId;
            if (failed?.Contains(resource) == true)
            {
                (released ??= []).Add(item.EventId); // waits for its resource's earlier entry
                continue;
            }

            if (_hub.WriteOrNull(receiver, change, out var failure) is not { } set)
            {
                (failed ??= new(StringComparer.Ordinal)).Add(resource); // its resource's later entries wait for it
                await _hub.WriteFailedAsync(receiver, item, failure!, _delivery).ConfigureAwait(false);
                continue;
            }

            Outcome outcome;
            string detail;
            var started = _hub.Time.GetTimestamp();
            try
            {
                stoppingToken.ThrowIfCancellationRequested();
                (outcome, detail) = await PushAsync(receiver, set, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The host is stopping: what was taken and not pushed goes back now, due at once
                // with its attempts unchanged, for another instance (or the next start) rather
                // than after the lease. A receiver that got the SET anyway de-duplicates by jti.
                (released ??= []).AddRange(batch.Skip(i).Select(b => b.EventId));
                break;
            }

            var took = _hub.Time.GetElapsedTime(started);
            slowest = took > slowest ? took : slowest;
            ScimTelemetry.Delivered(change, outcome == Outcome.Accepted, _hub.Time.GetUtcNow(), receiver.Name);
            switch (outcome)
            {
                case Outcome.Accepted:
                    await _hub.Queue.AcknowledgeAsync(receiver.Name, [item.EventId], CancellationToken.None).ConfigureAwait(false);
                    break;
                case Outcome.Refused:
                    LogRefused(_logger, receiver.Name, change.EventId, detail);
                    await _hub.Queue.FailedAsync(receiver.Name, item.EventId, item.Attempts + 1, null, detail, CancellationToken.None).ConfigureAwait(false);
                    break;
                default:
                    (failed ??= new(StringComparer.Ordinal)).Add(resource);
                    var attempts = item.Attempts + 1;
                    var dead = attempts >= _delivery.MaxAttempts;
                    if (dead)
                    {
                        LogDead(_logger, receiver.Name, change.EventId, attempts, detail);
                    }

                    await _hub.Queue.FailedAsync(receiver.Name, item.EventId, attempts, dead ? null : _hub.Time.GetUtcNow() + _delivery.DelayAfter(attempts), detail, CancellationToken.None).ConfigureAwait(false);
                    break;
            }
        }

        if (released is not null)
        {
            await _hub.Queue.ReleaseAsync(receiver.Name, released, CancellationToken.None).ConfigureAwait(false);
        }

        return outOfTime;
    }

    private async Task<(Outcome Outcome, string Detail)> PushAsync(ScimEventReceiver receiver, string text, CancellationToken stoppingToken)
    {
        var set = Encoding.ASCII.GetBytes(text);
        var client = _clients.CreateClient(HttpClientName);
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, receiver.PushEndpoint)
                    {
                        Content = new ByteArrayContent(set),
                    };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(ScimSetWriter.MediaType); // RFC 8935 §2: no charset
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    if (receiver.Authorization is { } authorization)
                    {
                        request.Headers.TryAddWithoutValidation("Authorization", authorization);
                    }

                    return await client.SendAsync(request, token).ConfigureAwait(false);
                },
                stoppingToken).ConfigureAwait(false);
            if (response.RequestMessage is { } answered && answered.Method != HttpMethod.Post)
            {
                // A handler that follows redirects (one the host set up after this library's
                // configuration) turned the POST into a GET: the receiver did not accept the SET
                // (RFC 8935 §2.2).
                return (Outcome.Failed, $"{(int)response.StatusCode} {response.ReasonPhrase} from {answered.RequestUri}, a {answered.Method} after a redirect from the push endpoint");
            }

            if (response.IsSuccessStatusCode)
            {
                return (Outcome.Accepted, string.Empty);
            }

            var body = await response.Content.ReadAsStringAsync(stoppingToken).ConfigureAwait(false);
            var detail = $"{(int)response.StatusCode} {response.ReasonPhrase}: {Describe(body)}";
            return (response.StatusCode == HttpStatusCode.BadRequest ? Outcome.Refused : Outcome.Failed, detail);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            return (Outcome.Failed, exception.GetType().Name + ": " + exception.Message);
        }
    }

    /// <summary>RFC 8935 §2.3's error body (<c>err</c>, <c>description</c>), or the start of whatever came back.</summary>
    private static string Describe(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("err", out var err))
            {
                return document.RootElement.TryGetProperty("description", out var description) ? $"{err} ({description})" : err.ToString();
            }
        }
        catch (JsonException)
        {
            // not the RFC's error body
        }

        return body.Length > 200 ? body[..200] : body;
    }

    private enum Outcome
    {
        Accepted,
        Refused,
        Failed,
    }

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Reading the SCIM event queue of receiver {Receiver} failed; it is read again at the next poll")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception, string receiver);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "SCIM event receiver {Receiver} refused SET {Jti}: {Detail}; it is dead until replayed")]
    private static partial void LogRefused(ILogger logger, string receiver, string jti, string detail);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "SCIM SET {Jti} for receiver {Receiver} is dead after {Attempts} failed attempts: {Detail}")]
    private static partial void LogDead(ILogger logger, string receiver, string jti, int attempts, string detail);
}
