using System.Text;

namespace Scim.Core.Serialization;

/// <summary>
/// The text the library takes for a value, an id or a filter's string: anything Unicode can say
/// but <c>U+0000</c> (NUL), and whole characters only (no lone surrogate). JSON can escape both
/// (<c>"\u0000"</c>, <c>"\ud800"</c>), and so can a filter's strings; no attribute holds them:
/// PostgreSQL's text refuses NUL, UTF-8 has no lone surrogates, and many systems downstream cut
/// text at a NUL. One rule for every store, so a value one store keeps another cannot refuse.
/// </summary>
internal static class StoredText
{
    /// <summary>Whether <paramref name="text"/> holds neither a NUL nor a lone surrogate.</summary>
    public static bool IsAccepted(ReadOnlySpan<char> text)
    {
        var at = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (text[..(at < 0 ? text.Length : at)].Contains('\0'))
        {
            return false;
        }

        if (at < 0)
        {
            return true;
        }

        // A surrogate is there: decode the rest whole.
        var rest = text[at..];
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done || rune.Value == 0)
            {
                return false;
            }

            rest = rest[used..];
        }

        return true;
    }
}
