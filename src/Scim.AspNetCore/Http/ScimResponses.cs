using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Serialization;

namespace Scim.AspNetCore;

/// <summary>
/// Writes SCIM bodies, as <c>application/scim+json</c>, or as <c>application/json</c> for a client
/// whose <c>Accept</c> prefers it (RFC 7644 §3.1 and §8.1: the same body under either type).
/// </summary>
internal static class ScimResponses
{
    public const string ContentType = "application/scim+json";

    private const string JsonContentType = "application/json";

    private static AcceptChoice? _lastAccept;

    /// <summary>
    /// The response's media type: <c>application/json</c> when the request's <c>Accept</c> names it
    /// with a higher quality than <c>application/scim+json</c> (or names only it); otherwise, with
    /// no <c>Accept</c>, wildcards or anything else, <c>application/scim+json</c>.
    /// </summary>
    internal static string ContentTypeFor(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0)
        {
            return ContentType;
        }

        var text = accept.Count == 1 ? accept[0] ?? string.Empty : accept.ToString();
        if (!text.Contains(JsonContentType, StringComparison.OrdinalIgnoreCase))
        {
            return ContentType; // the common case, decided without parsing
        }

        // A client sends the same Accept on every request: the last one parsed is remembered.
        if (Volatile.Read(ref _lastAccept) is { } last && string.Equals(last.Accept, text, StringComparison.Ordinal))
        {
            return last.ContentType;
        }

        double json = 0, scim = 0;
        foreach (var value in request.GetTypedHeaders().Accept)
        {
            var quality = value.Quality ?? 1;
            if (value.MediaType.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
            else if (value.MediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase))
            {
                scim = Math.Max(scim, quality);
            }
        }

        var chosen = json > scim ? JsonContentType : ContentType;
        Volatile.Write(ref _lastAccept, new AcceptChoice(text, chosen));
        return chosen;
    }

    private sealed record AcceptChoice(string Accept, string ContentType);

    /// <summary>
    /// Writes the body into a pooled buffer first (starting at <paramref name="sizeHint"/> bytes),
    /// then sends it in one write with a <c>Content-Length</c>: no chunked framing, and a client
    /// can size its buffer up front. A HEAD request gets the same headers and no body.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write, int sizeHint = PooledBuffer.DefaultSize)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentTypeFor(context.Request);
        using var body = new PooledBuffer(sizeHint);
        using (var writer = new Utf8JsonWriter(body, ScimSerializer.WriterOptions))
        {
            write(writer);
        }

        context.Response.ContentLength = body.WrittenCount;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return; // the headers a GET would have, Content-Length included, and no body
        }

        await context.Response.BodyWriter.WriteAsync(body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    public static Task WriteAsync(HttpContext context, int status, ScimDocument document) => WriteAsync(context, status, document.WriteTo);

    public static Task WriteAsync(HttpContext context, int status, ScimListResult list) => WriteAsync(context, status, list.WriteTo, 1024 + (list.ItemsPerPage * 1024));

    /// <summary>A resource with its <c>ETag</c> (RFC 7644 §3.14).</summary>
    public static Task WriteAsync(HttpContext context, int status, ScimResourceResult resource)
    {
        context.Response.Headers.ETag = resource.Version;
        return WriteAsync(context, status, resource.WriteTo);
    }

    /// <summary>An error (RFC 7644 §3.12), with the body Scim.Core makes for every error.</summary>
    public static Task WriteErrorAsync(HttpContext context, ScimException error) => WriteAsync(context, error.Status, error.WriteTo);
}
