namespace Scim.Core.Versioning;

/// <summary>
/// Resource versions (<c>meta.version</c>, the ETag; RFC 7644 §3.14, RFC 7232). A version is an
/// opaque weak entity tag (<c>W/"…"</c>) the service draws at random for every write that changes
/// something: a PATCH that changes nothing keeps it, and a membership delta changes it without
/// anyone reading the member list (which a content hash would need). Stores keep it as given and
/// compare it ordinally for conditional writes; clients compare it weakly, as SCIM's examples do.
/// </summary>
internal static class ResourceVersion
{
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
}
