using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Scim.Core.Errors;
using Scim.Core.Provisioning;

namespace Scim.AspNetCore;

/// <summary>Reads what a SCIM request carries into Scim.Core's request types: the body, the query parameters, the conditional headers.</summary>
internal static class ScimRequests
{
    private const string BodyReadKey = "Scim.BodyRead";

    /// <summary>
    /// The body, checked for its media type and size (<c>maxPayloadSize</c>, 413 beyond it), read
    /// into one buffer: of the announced length when the client sent <c>Content-Length</c>.
    /// <c>maxPayloadSize</c> is the limit on SCIM endpoints, as ServiceProviderConfig advertises it:
    /// a lower server-wide limit (Kestrel's 30,000,000 bytes) is raised to it for this request.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context, int maxPayloadSize)
    {
        var request = context.Request;
        if (!IsJsonContentType(request.ContentType))
        {
            throw new ScimException(415, null, "Send the body as application/scim+json in UTF-8 (application/json is accepted too).");
        }

        if (request.ContentLength > maxPayloadSize)
        {
            throw TooLarge(maxPayloadSize);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false, MaxRequestBodySize: { } serverLimit } limit && serverLimit < maxPayloadSize)
        {
            limit.MaxRequestBodySize = maxPayloadSize;
        }

        var buffer = new byte[request.ContentLength is { } announced ? (int)announced : 4096];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (request.ContentLength is not null)
                {
                    break; // all of it: the server refuses a body longer than announced
                }

                if (length >= maxPayloadSize)
                {
                    throw TooLarge(maxPayloadSize);
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxPayloadSize + 1));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        if (length > maxPayloadSize)
        {
            throw TooLarge(maxPayloadSize);
        }

        context.Items[BodyReadKey] = true;
        if (length == 0)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "The request body is empty.");
        }

        return buffer.AsMemory(0, length);
    }

    public static ScimException TooLarge(int maxPayloadSize) =>
        new(413, null, $"The request body is larger than maxPayloadSize ({maxPayloadSize} bytes).");

    /// <summary>
    /// Before an error is answered while part of the request body is unread: Kestrel reads the rest
    /// after the answer (so the connection can carry the next request) only when the body's length
    /// is known and within the server's limit. Otherwise (a chunked body, or one announced larger
    /// than the limit, such as 31 MB against Kestrel's 30,000,000 bytes) it closes the connection,
    /// and this says so first with <c>Connection: close</c>, so that a client does not send its next
    /// request on it. HTTP/2 and HTTP/3 end the request's stream instead and have no such header.
    /// </summary>
    public static void CloseIfBodyLeftUnread(HttpContext context)
    {
        var request = context.Request;
        if (!(HttpProtocol.IsHttp11(request.Protocol) || HttpProtocol.IsHttp10(request.Protocol))
            || context.Items.ContainsKey(BodyReadKey)
            || context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true })
        {
            return;
        }

        var serverLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (request.ContentLength is null || request.ContentLength > serverLimit)
        {
            context.Response.Headers.Connection = "close";
        }
    }

    /// <summary>The projection parameters and the conditional headers of a single-resource request.</summary>
    public static ScimRequestOptions Options(HttpRequest request, bool? returnResource = true) => new()
    {
        Attributes = NullIfEmpty(request.Query["attributes"]),
        ExcludedAttributes = NullIfEmpty(request.Query["excludedAttributes"]),
        IfMatch = NullIfEmpty(request.Headers.IfMatch),
        IfNoneMatch = NullIfEmpty(request.Headers.IfNoneMatch),
        ReturnResource = returnResource,
    };

    /// <summary>A list request from the query string (RFC 7644 §3.4.2).</summary>
    public static ScimListRequest ListRequest(HttpRequest request) => new()
    {
        Filter = NullIfEmpty(request.Query["filter"]),
        SortBy = NullIfEmpty(request.Query["sortBy"]),
        SortOrder = NullIfEmpty(request.Query["sortOrder"]),
        StartIndex = ScimListRequest.ParseInteger(request.Query["startIndex"].ToString(), "startIndex"),
        Count = ScimListRequest.ParseInteger(request.Query["count"].ToString(), "count"),
        Cursor = request.Query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null,
        Attributes = NullIfEmpty(request.Query["attributes"]),
        ExcludedAttributes = NullIfEmpty(request.Query["excludedAttributes"]),
    };

    private static string? NullIfEmpty(StringValues value) => value.Count == 0 || string.IsNullOrWhiteSpace(value.ToString()) ? null : value.ToString();

    private static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        // JSON is UTF-8 (RFC 8259 §8.1): a body said to be in another charset is refused as a media type, not misread.
        var charset = parsed.Charset.Value;
        return (parsed.MediaType.Equals("application/scim+json", StringComparison.OrdinalIgnoreCase)
            || parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            && (string.IsNullOrEmpty(charset) || charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Trim('"').Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }
}
