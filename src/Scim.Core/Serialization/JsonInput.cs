using System.Text.Json;
using Scim.Core.Errors;

namespace Scim.Core.Serialization;

/// <summary>
/// Reading a request body's JSON, for every body the service takes (resources, PatchOp,
/// SearchRequest, BulkRequest): whatever the bytes, the outcome is a document or a 400
/// <c>invalidSyntax</c> that says what is wrong and where, never another exception.
/// </summary>
internal static class JsonInput
{
    /// <summary>
    /// Parses a body. Duplicate member names are refused unless <paramref name="allowDuplicates"/>
    /// (a resource reader that checks names case-insensitively itself allows them).
    /// </summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, int maxDepth, bool allowDuplicates = false)
    {
        try
        {
            return JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = allowDuplicates });
        }
        catch (JsonException ex)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "The request body is not valid JSON: " + DescribeJsonError(ex));
        }
    }

    /// <summary>
    /// Runs a read over a parsed document. Text that is valid JSON but not valid Unicode (a raw
    /// invalid UTF-8 byte, a lone surrogate escape) fails only when a string is read, as an
    /// <see cref="InvalidOperationException"/>; it becomes the same 400 as any other bad syntax.
    /// </summary>
    public static T Read<T>(JsonDocument document, Func<JsonElement, T> read)
    {
        try
        {
            return read(document.RootElement);
        }
        catch (InvalidOperationException)
        {
            throw NotUnicode();
        }
    }

    /// <summary>The error of text that is not valid Unicode.</summary>
    public static ScimException NotUnicode() =>
        ScimException.BadRequest(ScimErrorType.InvalidSyntax, "The request body contains text that is not valid Unicode (invalid UTF-8 or a lone surrogate escape).");

    /// <summary>A parser's message without its internal path, with the line and byte where it stopped.</summary>
    public static string DescribeJsonError(JsonException ex)
    {
        var position = ex.LineNumber is { } line
            ? $" (line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})"
            : string.Empty;
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        return (cut >= 0 ? message[..cut] : message).TrimEnd() + position;
    }
}
