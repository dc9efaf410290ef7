using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Resources;
using Scim.Core.Serialization;

namespace Scim.Core.Versioning;

/// <summary>
/// Resource versions (<c>meta.version</c>, the ETag; RFC 7644 §3.14, RFC 7232): computed from the
/// resource's content, so a version changes on every real change and only then — a PATCH that
/// changes nothing keeps it, and two servers compute the same version for the same resource.
/// Versions are weak entity tags (<c>W/"…"</c>), compared weakly as SCIM's examples do.
/// </summary>
public static class ResourceVersion
{
    /// <summary>Computes the version of a resource from its attributes (everything but <c>meta</c>; <c>password</c> is never serialized, so it does not count).</summary>
    /// <param name="resource">A <see cref="User"/> or <see cref="Group"/>.</param>
    /// <returns>A weak entity tag such as <c>W/"3f2a9c0d41b7e685"</c>.</returns>
    public static string Compute(ScimResource resource) => Compute(ScimSerializer.ToJsonObject(resource));

    /// <summary>Computes the version of a resource in canonical JSON. Property order does not matter; <c>meta</c> is left out.</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>A weak entity tag such as <c>W/"3f2a9c0d41b7e685"</c>.</returns>
    public static string Compute(JsonObject resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteSorted(writer, resource, skipMeta: true);
        }

        hash.AppendData(buffer.WrittenSpan);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return "W/\"" + Convert.ToHexStringLower(digest[..8]) + "\"";
    }

    /// <summary>
    /// Whether an <c>If-Match</c> header allows a write to a resource at <paramref name="currentVersion"/>:
    /// no header, <c>*</c> (the resource exists), or a list containing the version. Compared weakly
    /// (<c>W/"a"</c> matches <c>"a"</c>).
    /// </summary>
    /// <param name="ifMatch">The header value, or <see langword="null"/>.</param>
    /// <param name="currentVersion">The resource's version.</param>
    /// <returns><see langword="false"/> when the request must fail with 412 Precondition Failed.</returns>
    public static bool SatisfiesIfMatch(string? ifMatch, string currentVersion)
    {
        ArgumentNullException.ThrowIfNull(currentVersion);
        return string.IsNullOrWhiteSpace(ifMatch) || ListMatches(ifMatch, currentVersion);
    }

    /// <summary>
    /// Whether an <c>If-None-Match</c> header lets a GET return the resource (otherwise 304 Not
    /// Modified): no header, or a list that does not contain the version (<c>*</c> matches any).
    /// </summary>
    /// <param name="ifNoneMatch">The header value, or <see langword="null"/>.</param>
    /// <param name="currentVersion">The resource's version.</param>
    /// <returns><see langword="false"/> when the response should be 304 Not Modified.</returns>
    public static bool SatisfiesIfNoneMatch(string? ifNoneMatch, string currentVersion)
    {
        ArgumentNullException.ThrowIfNull(currentVersion);
        return string.IsNullOrWhiteSpace(ifNoneMatch) || !ListMatches(ifNoneMatch, currentVersion);
    }

    /// <summary>Whether two entity tags are the same under weak comparison (RFC 7232 §2.3.2).</summary>
    /// <param name="left">An entity tag, e.g. <c>W/"a"</c>.</param>
    /// <param name="right">Another, e.g. <c>"a"</c>.</param>
    /// <returns>Whether their opaque parts are equal.</returns>
    public static bool WeakEquals(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return Opaque(left.AsSpan().Trim()).SequenceEqual(Opaque(right.AsSpan().Trim()));
    }

    private static bool ListMatches(string header, string currentVersion)
    {
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "*" || WeakEquals(part, currentVersion))
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<char> Opaque(ReadOnlySpan<char> tag)
    {
        if (tag.StartsWith("W/", StringComparison.Ordinal))
        {
            tag = tag[2..];
        }

        return tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"' ? tag[1..^1] : tag;
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node, bool skipMeta)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (skipMeta && key == "meta")
                    {
                        continue;
                    }

                    writer.WritePropertyName(key);
                    WriteSorted(writer, value, skipMeta: false);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteSorted(writer, item, skipMeta: false);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

}
