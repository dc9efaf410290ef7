using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Scim.Tests.Receivers;

/// <summary>How the test receiver answers a pushed SET.</summary>
public enum SetReceiverMode
{
    /// <summary>202 Accepted (RFC 8935 §2.2).</summary>
    Accept,

    /// <summary>503: down for a while.</summary>
    Unavailable,

    /// <summary>400 with <c>{"err":"invalid_audience"}</c> (RFC 8935 §2.3): the SET is refused.</summary>
    Refuse,

    /// <summary>302 to <c>/login</c>, which answers a GET with 200 (a push endpoint behind a sign-in page).</summary>
    Redirect,
}

/// <summary>One SET as the test receiver got it.</summary>
/// <param name="Token">The compact JWS.</param>
/// <param name="Header">Its decoded header.</param>
/// <param name="Claims">Its decoded claims.</param>
/// <param name="ContentType">The request's Content-Type.</param>
/// <param name="Authorization">The request's Authorization header.</param>
/// <param name="At">When it arrived.</param>
public sealed record ReceivedSet(string Token, JsonObject Header, JsonObject Claims, string? ContentType, string? Authorization, DateTimeOffset At)
{
    /// <summary>The <c>jti</c>.</summary>
    public string Jti => (string)Claims["jti"]!;

    /// <summary>The event URIs, in the order the SET lists them.</summary>
    public IReadOnlyList<string> EventUris => [.. Claims["events"]!.AsObject().Select(e => e.Key)];

    /// <summary>The <c>sub_id.uri</c>.</summary>
    public string SubjectUri => (string)Claims["sub_id"]!["uri"]!;
}

/// <summary>
/// An RFC 8935 push receiver for tests, on Kestrel at http://127.0.0.1:0/events: records every SET it
/// gets (accepted or not) in arrival order, and answers as <see cref="Mode"/> says.
/// </summary>
public sealed class SetReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSet> _all = new();
    private readonly ConcurrentQueue<ReceivedSet> _accepted = new();
    private int _loginHits;

    private SetReceiver(WebApplication app) => _app = app;

    /// <summary>The push endpoint.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How it answers now.</summary>
    public SetReceiverMode Mode { get; set; } = SetReceiverMode.Accept;

    /// <summary>How long it takes before answering each SET (a slow receiver).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Every SET that reached it, in arrival order, whatever it answered.</summary>
    public IReadOnlyList<ReceivedSet> All => [.. _all];

    /// <summary>The SETs it accepted (answered 202), in arrival order.</summary>
    public IReadOnlyList<ReceivedSet> Accepted => [.. _accepted];

    /// <summary>How many requests reached <c>/login</c> (where <see cref="SetReceiverMode.Redirect"/> sends them).</summary>
    public int LoginHits => Volatile.Read(ref _loginHits);

    /// <summary>The accepted SETs with repeats (same <c>jti</c>) dropped, as a receiver de-duplicates.</summary>
    public IReadOnlyList<ReceivedSet> Distinct => [.. _accepted.DistinctBy(s => s.Jti)];

    /// <summary>Starts a receiver.</summary>
    /// <returns>The running receiver.</returns>
    public static async Task<SetReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new SetReceiver(app);
        app.MapPost("/events", receiver.ReceiveAsync);
        app.Map("/login", () =>
        {
            Interlocked.Increment(ref receiver._loginHits);
            return Results.Ok();
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri(address.TrimEnd('/') + "/events");
        return receiver;
    }

    /// <summary>Waits until <paramref name="done"/> holds for the accepted SETs, or fails after <paramref name="timeout"/>.</summary>
    /// <param name="done">The condition.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>A task that completes when it holds.</returns>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ReceivedSet>, bool> done, TimeSpan timeout)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        while (!done(Accepted))
        {
            if (DateTimeOffset.UtcNow > until)
            {
                throw new TimeoutException($"The receiver did not get what was expected in {timeout}; it accepted {_accepted.Count} SETs and saw {_all.Count}.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Checks a SET's signature, issuer, audience and type with the keys of a JWK Set document.</summary>
    /// <param name="token">The SET.</param>
    /// <param name="jwks">The JWK Set JSON (as the publisher's key endpoint serves it).</param>
    /// <param name="issuer">The expected <c>iss</c>.</param>
    /// <param name="audience">The expected <c>aud</c>.</param>
    /// <returns>The validation result.</returns>
    public static Task<TokenValidationResult> ValidateAsync(string token, string jwks, string issuer, string audience) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ValidIssuer = issuer,
            ValidAudience = audience,
            ValidTypes = ["secevent+jwt"],
            RequireExpirationTime = false,
            ValidateLifetime = false,
        });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.ASCII);
        var token = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var jwt = new JsonWebToken(token);
        var header = JsonNode.Parse(Base64UrlEncoder.Decode(jwt.EncodedHeader))!.AsObject();
        var claims = JsonNode.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload))!.AsObject();
        var set = new ReceivedSet(token, header, claims, context.Request.ContentType, context.Request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow);
        _all.Enqueue(set);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted).ConfigureAwait(false);
        }

        switch (Mode)
        {
            case SetReceiverMode.Accept:
                _accepted.Enqueue(set);
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                break;
            case SetReceiverMode.Unavailable:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                break;
            case SetReceiverMode.Redirect:
                context.Response.Redirect("/login");
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"err":"invalid_audience","description":"not this receiver"}""", context.RequestAborted).ConfigureAwait(false);
                break;
        }
    }
}
