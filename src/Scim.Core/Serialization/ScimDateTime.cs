using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Scim.Core.Serialization;

/// <summary>
/// SCIM dateTime values (RFC 7643 §2.3.5): xsd:dateTime with no timezone ambiguity. Read with or
/// without fractional seconds and with <c>Z</c> or an offset (a value without either is taken as
/// UTC); written in UTC with <c>Z</c> and only the fractional digits needed.
/// </summary>
internal static partial class ScimDateTime
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|z|[+-]\d{2}:\d{2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex XsdDateTime();

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null
            && XsdDateTime().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Reads and writes <see cref="DateTimeOffset"/> as SCIM dateTime text.</summary>
internal sealed class ScimDateTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && ScimDateTime.TryParse(reader.GetString(), out var value))
        {
            return value;
        }

        throw new JsonException("Expected a dateTime such as 2008-01-23T04:56:22Z.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ScimDateTime.Format(value));
}
