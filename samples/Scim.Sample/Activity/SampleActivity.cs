using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Scim.Core;

namespace Scim.Sample.Activity;

/// <summary>
/// The activity page, wired with two calls: <c>scim.AddSampleActivity(options)</c> and
/// <c>app.MapSampleActivity()</c>. The page (<c>GET /activity</c>) needs no token: it holds no
/// data. Its Server-Sent Events stream (<c>GET /activity/events</c>) needs a sample token in the
/// <c>Authorization</c> header, takes optional <c>tenant</c>, <c>resourceType</c> and <c>kind</c>
/// query parameters, and resumes after <c>Last-Event-ID</c>.
/// </summary>
internal static class SampleActivity
{
    public const string PagePath = "/activity";

    public const string EventsPath = "/activity/events";

    private static readonly Lazy<string> PageHtml = new(ReadPage);

    /// <summary>Feeds every change event to the activity page, which the sample's tokens may watch.</summary>
    public static ScimBuilder AddSampleActivity(this ScimBuilder scim, SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(scim);
        scim.Services.AddSingleton<ActivityFeed>();
        scim.Services.AddSingleton(new ActivityAccess(options));
        return scim.AddEventSubscriber<ActivitySubscriber>();
    }

    /// <summary>Maps <c>GET /activity</c> (the page) and <c>GET /activity/events</c> (its stream).</summary>
    public static IEndpointRouteBuilder MapSampleActivity(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(PagePath, Page).WithDisplayName("Activity page");
        endpoints.MapGet(EventsPath, Events).WithDisplayName("Activity stream");
        return endpoints;
    }

    private static ContentHttpResult Page(HttpContext context)
    {
        // The page's one script and one style sheet are inline; a fresh nonce lets exactly
        // those run, and nothing may be loaded from elsewhere.
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return TypedResults.Text(PageHtml.Value.Replace("{{nonce}}", nonce, StringComparison.Ordinal), "text/html; charset=utf-8");
    }

    private static Results<UnauthorizedHttpResult, ServerSentEventsResult<string>> Events(
        HttpContext context, ActivityFeed feed, ActivityAccess access, IHostApplicationLifetime lifetime, string? tenant, string? resourceType, string? kind)
    {
        if (!access.TryAuthorize(context.Request.Headers.Authorization.ToString(), out var scope))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"scim-activity\"";
            return TypedResults.Unauthorized();
        }

        var filter = new ActivityFilter(scope, tenant, resourceType, kind);
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        return TypedResults.ServerSentEvents(StreamAsync(feed, filter, lastEventId, context.RequestAborted, lifetime.ApplicationStopping));
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(
        ActivityFeed feed, ActivityFilter filter, string lastEventId, [EnumeratorCancellation] CancellationToken requestAborted, CancellationToken stopping)
    {
        // A stream never ends by itself: it ends when the page goes, or when the app stops (which
        // would otherwise wait for open streams until the host's shutdown timeout).
        using var end = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, stopping);
        using var subscription = feed.Subscribe(lastEventId);

        // First, what this stream shows (the page says so); it carries no id, so a reconnect
        // still resumes after the last change seen.
        var ready = new JsonObject { ["tenant"] = filter.Scope, ["kept"] = ActivityFeed.Capacity }.ToJsonString();
        yield return new SseItem<string>(ready, "ready") { ReconnectionInterval = TimeSpan.FromSeconds(2) };
        foreach (var entry in subscription.History)
        {
            if (filter.Matches(entry))
            {
                yield return Item(entry);
            }
        }

        while (await WaitForChangesAsync(subscription.Live, end.Token).ConfigureAwait(false))
        {
            while (subscription.Live.TryRead(out var entry))
            {
                if (filter.Matches(entry))
                {
                    yield return Item(entry);
                }
            }
        }
    }

    /// <summary>Whether more changes can be read; false when the stream is to end (closed, or fell too far behind).</summary>
    private static async Task<bool> WaitForChangesAsync(ChannelReader<ActivityEntry> live, CancellationToken end)
    {
        try
        {
            return await live.WaitToReadAsync(end).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (end.IsCancellationRequested)
        {
            return false;
        }
    }

    private static SseItem<string> Item(ActivityEntry entry) => new(entry.Json, "change") { EventId = entry.EventId };

    private static string ReadPage()
    {
        using var stream = typeof(ActivityFeed).Assembly.GetManifestResourceStream("Scim.Sample.Activity.activity.html")
            ?? throw new InvalidOperationException("The activity page is not embedded in the sample.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Which changes a stream sends: those of its token's tenant (all for the default token), narrowed by the query.</summary>
    private sealed record ActivityFilter(string? Scope, string? Tenant, string? ResourceType, string? Kind)
    {
        public bool Matches(ActivityEntry entry) =>
            (Scope is null || string.Equals(entry.Tenant, Scope, StringComparison.Ordinal))
            && (string.IsNullOrEmpty(Tenant) || string.Equals(entry.Tenant, Tenant, StringComparison.Ordinal))
            && (string.IsNullOrEmpty(ResourceType) || string.Equals(entry.ResourceType, ResourceType, StringComparison.OrdinalIgnoreCase))
            && (string.IsNullOrEmpty(Kind) || string.Equals(entry.Kind, Kind, StringComparison.OrdinalIgnoreCase));
    }
}
