using System.Globalization;
using System.Text.Json;
using Scim.Core.Errors;
using Scim.Core.Serialization;

namespace Scim.Core.Provisioning;

/// <summary>A list request (RFC 7644 §3.4.2, RFC 9865), as its query parameters or a <c>.search</c> body give it.</summary>
public sealed class ScimListRequest
{
    // A SearchRequest is flat: the message, then arrays of strings at most.
    private const int MaxSearchDepth = 4;

    private static readonly string[] Members = ["filter", "sortBy", "sortOrder", "startIndex", "count", "cursor", "attributes", "excludedAttributes"];

    /// <summary>The <c>filter</c>.</summary>
    public string? Filter { get; init; }

    /// <summary>The <c>sortBy</c> attribute path.</summary>
    public string? SortBy { get; init; }

    /// <summary>The <c>sortOrder</c>: <c>ascending</c> (default) or <c>descending</c>.</summary>
    public string? SortOrder { get; init; }

    /// <summary>The 1-based <c>startIndex</c> (values below 1 count as 1).</summary>
    public int? StartIndex { get; init; }

    /// <summary>The page size <c>count</c> (negative counts as 0; above the maximum is lowered to it).</summary>
    public int? Count { get; init; }

    /// <summary>The RFC 9865 <c>cursor</c>: empty for the first page.</summary>
    public string? Cursor { get; init; }

    /// <summary>The <c>attributes</c> parameter.</summary>
    public string? Attributes { get; init; }

    /// <summary>The <c>excludedAttributes</c> parameter.</summary>
    public string? ExcludedAttributes { get; init; }

    /// <summary>The request is one resource type's part of a search across types: see <see cref="ScimEngine.ListFilter"/>.</summary>
    internal bool AcrossTypes { get; init; }

    /// <summary>
    /// Reads a SearchRequest body (RFC 7644 §3.4.3). Member names are case-insensitive;
    /// <c>attributes</c> and <c>excludedAttributes</c> may be arrays or comma-separated strings.
    /// </summary>
    /// <param name="utf8Json">The body.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ScimException">400 <c>invalidSyntax</c> for a body that is not a JSON object, or names a member twice or one a SearchRequest does not have; 400 <c>invalidValue</c> for a member of the wrong type.</exception>
    public static ScimListRequest FromSearchRequest(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = JsonInput.Parse(utf8Json, MaxSearchDepth);
        return Read(document.RootElement);
    }

    /// <summary>
    /// Reads <c>startIndex</c> or <c>count</c> given as text (a query parameter): an optional sign,
    /// then digits, and nothing else; <see langword="null"/> for none.
    /// </summary>
    /// <exception cref="ScimException">400 <c>invalidValue</c>, saying whether the text is not an integer or an integer out of range.</exception>
    internal static int? ParseInteger(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        // Checked before parsing: int.TryParse would also take trailing NULs ("5\0").
        if (!IsIntegerLiteral(text))
        {
            throw NotAnInteger(name);
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : throw OutOfRange(name);
    }

    /// <summary>One sign at most, then digits.</summary>
    private static bool IsIntegerLiteral(string text)
    {
        var digits = text.AsSpan(text.Length > 0 && text[0] is '+' or '-' ? 1 : 0);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    // The answers for a paging number that is not an int32, from the query or a SearchRequest: both give the range.
    private static ScimException OutOfRange(string name) =>
        ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{name}' is an integer out of range: it must be between {int.MinValue} and {int.MaxValue}.");

    private static ScimException NotAnInteger(string name) =>
        ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{name}' must be an integer between {int.MinValue} and {int.MaxValue}.");

    private static ScimListRequest Read(JsonElement search)
    {
        if (search.ValueKind != JsonValueKind.Object)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "A SearchRequest is a JSON object.");
        }

        var found = new JsonElement?[Members.Length];
        foreach (var property in search.EnumerateObject())
        {
            var index = Array.FindIndex(Members, m => string.Equals(m, property.Name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                if (string.Equals(property.Name, "schemas", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                // A misspelt member ("filters") would otherwise widen the search to everything.
                throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The SearchRequest has a member '{property.Name}' it does not define (RFC 7644 §3.4.3: {string.Join(", ", Members)}, schemas).");
            }

            if (found[index] is not null)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The SearchRequest gives '{Members[index]}' twice.");
            }

            found[index] = property.Value;
        }

        string? Text(int index) => found[index] switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            { ValueKind: JsonValueKind.Array } array when Members[index] is "attributes" or "excludedAttributes" =>
                string.Join(',', array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{Members[index]}' must list strings."))),
            _ => throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{Members[index]}' must be a string."),
        };

        int? Number(int index) => found[index] switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) => number,
            { ValueKind: JsonValueKind.Number } value when IsIntegerLiteral(value.GetRawText()) => throw OutOfRange(Members[index]),
            _ => throw NotAnInteger(Members[index]),
        };

        return new ScimListRequest
        {
            Filter = Text(0),
            SortBy = Text(1),
            SortOrder = Text(2),
            StartIndex = Number(3),
            Count = Number(4),
            Cursor = Text(5),
            Attributes = Text(6),
            ExcludedAttributes = Text(7),
        };
    }
}
