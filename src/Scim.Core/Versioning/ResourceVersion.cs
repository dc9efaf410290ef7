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

    /// <summary>
    /// The version of a response that carries attributes the service derives as it reads (a user's
    /// <c>groups</c>, an agent's <c>applications</c>): the stored version with a digest of those
    /// values, so that the entity tag changes whenever the representation does (RFC 7232 §2.1), a
    /// membership change included, though the resource itself was not written. Without derived
    /// values it is the stored version itself.
    /// </summary>
    /// <param name="stored">The stored version, e.g. <c>W/"3f2a9c0d41b7e685"</c>.</param>
    /// <param name="digest">The digest of the derived values.</param>
    /// <returns>E.g. <c>W/"3f2a9c0d41b7e685.9b1c03aa27f1e4d0"</c>.</returns>
    public static string WithDerived(string stored, ulong digest)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var quoted = stored.EndsWith('"');
        var head = quoted ? stored.Length - 1 : stored.Length;
        return string.Create(head + 17 + (quoted ? 1 : 0), (stored, digest, head, quoted), static (chars, s) =>
        {
            s.stored.AsSpan(0, s.head).CopyTo(chars);
            chars[s.head] = '.';
            // Sixteen hex digits by hand: the format string "x16" takes the framework's slow path.
            var hex = chars.Slice(s.head + 1, 16);
            for (var i = 15; i >= 0; i--)
            {
                hex[i] = "0123456789abcdef"[(int)((s.digest >> ((15 - i) * 4)) & 0xF)];
            }
            if (s.quoted)
            {
                chars[^1] = '"';
            }
        });
    }

    /// <summary>
    /// Whether an <c>If-Match</c> header names a version made by <see cref="WithDerived"/> from
    /// <paramref name="stored"/> (and so needs the derived values to be checked).
    /// </summary>
    public static bool MayNameDerived(string? ifMatch, string stored)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return false;
        }

        var prefix = Opaque(stored.AsSpan().Trim());
        foreach (var part in ifMatch.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var tag = Opaque(part.AsSpan());
            if (tag.Length == prefix.Length + 17 && tag.StartsWith(prefix) && tag[prefix.Length] == '.')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A stable 64-bit digest (FNV-1a) of text: the same in every process and instance, unlike <c>string.GetHashCode</c>.</summary>
    internal static ulong Digest(ulong hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (hash ^ 0x10000) * 1099511628211UL; // a separator no char can be
    }

    /// <summary>Spreads a digest's bits (the finalizer of SplitMix64), so that digests can be summed in any order.</summary>
    internal static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }

    /// <summary>The start of a <see cref="Digest"/>.</summary>
    internal const ulong DigestStart = 14695981039346656037UL;

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
