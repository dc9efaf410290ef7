using System.Text.Json;
using System.Text.Unicode;
using Scim.Core.Errors;

namespace Scim.Core.Serialization;

/// <summary>
/// Reading a request body's JSON, for every body the service takes (resources, PatchOp,
/// SearchRequest, BulkRequest): whatever the bytes, the outcome is a document whose every name and
/// string is valid Unicode, or a 400 <c>invalidSyntax</c> that says what is wrong and where, never
/// another exception. A name or string with an escaped NUL (<c>"\u0000"</c>), which no attribute
/// takes (<see cref="StoredText"/>), is a 400 <c>invalidValue</c>. The readers after it never meet
/// text they cannot decode, however late they read it (a PATCH value is read when it is applied).
/// </summary>
internal static class JsonInput
{
    /// <summary>
    /// Parses a body. Duplicate member names are refused unless <paramref name="allowDuplicates"/>
    /// (a resource reader that checks names case-insensitively itself allows them).
    /// </summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, int maxDepth, bool allowDuplicates = false)
    {
        // RFC 8259 §8.1: a reader may ignore a byte order mark, which some clients on Windows send.
        if (utf8Json.Span.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[Utf8Bom.Length..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = allowDuplicates });
        }
        catch (JsonException ex)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "The request body is not valid JSON: " + DescribeJsonError(ex));
        }
        catch (InvalidOperationException)
        {
            // Looking for duplicates decodes escaped member names: a lone surrogate escape in one fails here.
            throw NotUnicode();
        }

        if (CheckText(utf8Json.Span, maxDepth) is { } error)
        {
            document.Dispose();
            throw error;
        }

        return document;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

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

    /// <summary>
    /// What is wrong with the text of a body the parser accepted, or <see langword="null"/>: the
    /// parser takes invalid UTF-8 and lone surrogate escapes (<c>"\ud800"</c>) inside names and
    /// strings, and only reading them fails; it takes an escaped NUL too, which reads.
    /// </summary>
    private static ScimException? CheckText(ReadOnlySpan<byte> utf8Json, int maxDepth)
    {
        // Outside names and strings the parser allows only ASCII, so this checks exactly their raw
        // bytes; a raw NUL or other control character inside a string is refused by the parser.
        if (!Utf8.IsValid(utf8Json))
        {
            return NotUnicode();
        }

        // Escapes are decoded only in the names and strings that have one, and only when a \u is there at all.
        if (utf8Json.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String && reader.ValueIsEscaped
                    && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    return ScimException.BadRequest(
                        ScimErrorType.InvalidValue,
                        $"The request body has a NUL character (\\u0000) in a {(reader.TokenType == JsonTokenType.PropertyName ? "name" : "string")} at byte {reader.TokenStartIndex + 1}; no attribute takes it.");
                }
            }
        }
        catch (InvalidOperationException)
        {
            return NotUnicode();
        }

        return null;
    }
}
