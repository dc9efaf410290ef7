using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Scim.AspNetCore.Events;
using Scim.Core.Events;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the endpoints of event delivery: the poll endpoint (RFC 8936) and the signing key set.</summary>
public static class ScimEventEndpointRouteBuilderExtensions
{
    private const int DefaultMaxEvents = 100;
    private const int MostEvents = 1000;

    /// <summary>
    /// Serves RFC 8936 polling at <paramref name="pattern"/> (POST): a poll receiver presents its
    /// token as <c>Authorization: Bearer ...</c>, acknowledges SETs (<c>ack</c>), reports the ones it
    /// could not use (<c>setErrs</c>: they become dead, listed and replayable), and gets its waiting
    /// SETs (<c>sets</c>, at most <c>maxEvents</c>, in order per resource; <c>moreAvailable</c> when
    /// there are more). With <c>returnImmediately</c> false (the default) an empty poll is held open
    /// up to <see cref="ScimSetOptions.LongPollWait"/>. A SET not acknowledged comes back in a later
    /// poll once its lease (<c>EventDelivery.LeaseDuration</c>) ends.
    /// </summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <param name="pattern">The route, e.g. <c>/scim/events/poll</c>.</param>
    /// <returns>The endpoint, to decorate with rate limiting or CORS.</returns>
    /// <exception cref="InvalidOperationException"><c>AddEventReceivers</c> was not called.</exception>
    public static IEndpointConventionBuilder MapScimEventPolling(this IEndpointRouteBuilder endpoints, string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var hub = Hub(endpoints);
        var delivery = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Scim.Core.Provisioning.ScimServiceOptions>>().Value.EventDelivery;
        return endpoints.MapPost(pattern, (Func<HttpContext, Task<IResult>>)(context => PollAsync(context, hub, delivery)));
    }

    /// <summary>
    /// Serves the public key SETs are signed with as a JWK Set (RFC 7517) at <paramref name="pattern"/>
    /// (GET), for receivers to check signatures. Private key material is never included; a
    /// symmetric key is not published (the set is empty).
    /// </summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <param name="pattern">The route.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="InvalidOperationException"><c>AddEventReceivers</c> was not called.</exception>
    public static IEndpointConventionBuilder MapScimEventKeys(this IEndpointRouteBuilder endpoints, string pattern = "/.well-known/scim-events/jwks.json")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var hub = Hub(endpoints);
        var document = Encoding.UTF8.GetBytes(PublicKeys(hub.Credentials).ToJsonString());
        return endpoints.MapGet(pattern, () => Results.Bytes(document, "application/jwk-set+json"));
    }

    /// <summary>The public part of the signing key, as a JWK Set.</summary>
    internal static JsonObject PublicKeys(SigningCredentials credentials)
    {
        var keys = new JsonArray();
        JsonObject? jwk = null;
        switch (credentials.Key)
        {
            case ECDsaSecurityKey ec:
                var p = ec.ECDsa.ExportParameters(false);
                jwk = new JsonObject
                {
                    ["kty"] = "EC",
                    ["crv"] = p.Curve.Oid.FriendlyName switch { "nistP384" or "ECDSA_P384" => "P-384", "nistP521" or "ECDSA_P521" => "P-521", _ => "P-256" },
                    ["x"] = Base64UrlEncoder.Encode(p.Q.X),
                    ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
                };
                break;
            case RsaSecurityKey rsa:
                var r = rsa.Rsa?.ExportParameters(false) ?? rsa.Parameters;
                jwk = new JsonObject { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(r.Modulus), ["e"] = Base64UrlEncoder.Encode(r.Exponent) };
                break;
            case X509SecurityKey x509 when x509.Certificate.GetRSAPublicKey() is { } certificateRsa:
                var c = certificateRsa.ExportParameters(false);
                jwk = new JsonObject { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(c.Modulus), ["e"] = Base64UrlEncoder.Encode(c.Exponent) };
                break;
        }

        if (jwk is not null)
        {
            jwk["use"] = "sig";
            jwk["alg"] = credentials.Algorithm;
            if (credentials.Key.KeyId is { } kid)
            {
                jwk["kid"] = kid;
            }

            keys.Add(jwk);
        }

        return new JsonObject { ["keys"] = keys };
    }

    private static ScimEventReceiverHub Hub(IEndpointRouteBuilder endpoints) =>
        endpoints.ServiceProvider.GetService<ScimEventReceiverHub>()
            ?? throw new InvalidOperationException("The SCIM event endpoints need the event receivers: call AddScim().AddEventReceivers(...) before building the app.");

    private static async Task<IResult> PollAsync(HttpContext context, ScimEventReceiverHub hub, ScimEventDeliveryOptions delivery)
    {
        var receiver = Authenticate(context, hub);
        if (receiver is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"scim-events\"";
            return Results.Unauthorized();
        }

        PollRequest request;
        try
        {
            request = await PollRequest.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException error)
        {
            return Error("invalid_request", error.Message);
        }

        var cancellationToken = context.RequestAborted;
        await hub.Queue.AcknowledgeAsync(receiver.Name, request.Ack, cancellationToken).ConfigureAwait(false);
        foreach (var (jti, error) in request.Errors)
        {
            await hub.Queue.FailedAsync(receiver.Name, jti, 1, null, "Refused by the receiver: " + error, cancellationToken).ConfigureAwait(false);
        }

        var max = Math.Min(request.MaxEvents ?? DefaultMaxEvents, MostEvents);
        var sets = new JsonObject();
        var more = false;
        if (max > 0)
        {
            var deadline = hub.Time.GetUtcNow() + hub.Options.LongPollWait;
            while (true)
            {
                // One more than asked for: whether more are waiting (RFC 8936 §2.4), the extra given back.
                var taken = await hub.Queue.ClaimAsync(receiver.Name, max + 1, delivery.LeaseDuration, cancellationToken).ConfigureAwait(false);
                more = taken.Count > max;
                if (more)
                {
                    await hub.Queue.ReleaseAsync(receiver.Name, [.. taken.Skip(max).Select(t => t.EventId)], CancellationToken.None).ConfigureAwait(false);
                    taken = [.. taken.Take(max)];
                }

                HashSet<string>? failed = null;
                List<string>? waiting = null;
                foreach (var item in taken)
                {
                    if (await hub.ReadAsync(receiver, item).ConfigureAwait(false) is not { } change)
                    {
                        continue; // not an event, or no longer the receiver's: dead, with the reason
                    }

                    var resource = change.Tenant + "\n" + change.ResourceType + "\n" + change.ResourceId;
                    if (failed?.Contains(resource) == true)
                    {
                        (waiting ??= []).Add(item.EventId); // waits for its resource's earlier entry
                    }
                    else if (hub.WriteOrNull(receiver, change, out var failure) is { } set)
                    {
                        sets[item.EventId] = set;
                    }
                    else
                    {
                        (failed ??= new(StringComparer.Ordinal)).Add(resource);
                        await hub.WriteFailedAsync(receiver, item, failure!, delivery).ConfigureAwait(false);
                    }
                }

                if (waiting is not null)
                {
                    await hub.Queue.ReleaseAsync(receiver.Name, waiting, CancellationToken.None).ConfigureAwait(false);
                }

                var left = deadline - hub.Time.GetUtcNow();
                if (taken.Count > 0 || request.ReturnImmediately || left <= TimeSpan.Zero)
                {
                    break;
                }

                await hub.WaitAsync(receiver.Name, left < delivery.PollInterval ? left : delivery.PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        return Results.Json(new JsonObject { ["sets"] = sets, ["moreAvailable"] = more }, (JsonSerializerOptions?)null, "application/json");
    }

    /// <summary>The poll receiver whose token the request presents, compared in constant time.</summary>
    private static ScimEventReceiver? Authenticate(HttpContext context, ScimEventReceiverHub hub)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        ScimEventReceiver? match = null;
        foreach (var receiver in hub.Receivers.Values)
        {
            if (receiver.PollTokenHash is { } expected && CryptographicOperations.FixedTimeEquals(expected, hash))
            {
                match = receiver;
            }
        }

        return match;
    }

    /// <summary>RFC 8936 §2.6 / RFC 8935 §2.3's error body.</summary>
    private static IResult Error(string err, string description) =>
        Results.Json(new JsonObject { ["err"] = err, ["description"] = description }, (JsonSerializerOptions?)null, "application/json", StatusCodes.Status400BadRequest);

    /// <summary>An RFC 8936 §2.2 poll request.</summary>
    private sealed class PollRequest
    {
        public int? MaxEvents { get; private init; }

        public bool ReturnImmediately { get; private init; }

        public IReadOnlyList<string> Ack { get; private init; } = [];

        public IReadOnlyList<(string Jti, string Error)> Errors { get; private init; } = [];

        /// <exception cref="JsonException">The body is not a poll request.</exception>
        public static async Task<PollRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
        {
            if (request.ContentLength == 0)
            {
                return new PollRequest();
            }

            using var document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken).ConfigureAwait(false);
            try
            {
                return Read(document.RootElement);
            }
            catch (InvalidOperationException exception)
            {
                // A string that is not text: invalid UTF-8, or an escaped lone surrogate.
                throw new JsonException("The poll request holds a string that is not valid text: " + exception.Message, exception);
            }
        }

        private static PollRequest Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("A poll request is a JSON object.");
            }

            int? maxEvents = null;
            if (root.TryGetProperty("maxEvents", out var max))
            {
                // Any non-negative integer; beyond what an int holds it is capped as any large value is.
                maxEvents = max.ValueKind == JsonValueKind.Number && max.TryGetDecimal(out var m) && m >= 0 && m == decimal.Truncate(m)
                    ? (int)Math.Min(m, int.MaxValue)
                    : throw new JsonException("'maxEvents' must be a non-negative integer.");
            }

            var immediately = false;
            if (root.TryGetProperty("returnImmediately", out var ri))
            {
                immediately = ri.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new JsonException("'returnImmediately' must be a boolean."),
                };
            }

            var ack = new List<string>();
            if (root.TryGetProperty("ack", out var acks))
            {
                if (acks.ValueKind != JsonValueKind.Array)
                {
                    throw new JsonException("'ack' must be an array of jti strings.");
                }

                foreach (var item in acks.EnumerateArray())
                {
                    ack.Add(item.ValueKind == JsonValueKind.String ? Text(item.GetString()!, "ack") : throw new JsonException("'ack' must be an array of jti strings."));
                }
            }

            var errors = new List<(string, string)>();
            if (root.TryGetProperty("setErrs", out var setErrs))
            {
                if (setErrs.ValueKind != JsonValueKind.Object)
                {
                    throw new JsonException("'setErrs' must be an object of jti to {err, description}.");
                }

                foreach (var entry in setErrs.EnumerateObject())
                {
                    var err = entry.Value.ValueKind == JsonValueKind.Object && entry.Value.TryGetProperty("err", out var e) && e.ValueKind == JsonValueKind.String
                        ? Text(e.GetString()!, "setErrs")
                        : throw new JsonException($"'setErrs.{entry.Name}' must be an object with 'err'.");
                    var description = entry.Value.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? ": " + Text(d.GetString()!, "setErrs") : string.Empty;
                    errors.Add((Text(entry.Name, "setErrs"), err + description));
                }
            }

            return new PollRequest { MaxEvents = maxEvents, ReturnImmediately = immediately, Ack = ack, Errors = errors };
        }

        /// <summary>A jti or an error text, refused when it holds a NUL, which no jti has and databases do not keep (checked before anything is applied).</summary>
        private static string Text(string value, string member) =>
            value.Contains('\0', StringComparison.Ordinal) ? throw new JsonException($"'{member}' holds a NUL character.") : value;
    }
}
