using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Scim.Core.Serialization;

namespace Scim.AspNetCore;

/// <summary>Writes SCIM bodies: every response goes out as <c>application/scim+json</c>.</summary>
internal static class ScimResponses
{
    public const string ContentType = "application/scim+json";

    public static Task WriteJsonAsync(HttpContext context, int status, JsonObject body) => WriteAsync(context, status, writer => body.WriteTo(writer));

    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, ScimSerializer.WriterOptions);
        write(writer);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The one place error bodies are written (RFC 7644 §3.12): status as a string, scimType when there is one.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string? scimType, string detail)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(Scim.Core.Schema.ScimSchemaUris.Error),
            ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (scimType is not null)
        {
            body["scimType"] = scimType;
        }

        body["detail"] = detail;
        return WriteJsonAsync(context, status, body);
    }
}
