using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scim.Core.Serialization;

/// <summary>
/// SCIM dateTime values (RFC 7643 §2.3.5): xsd:dateTime with no timezone ambiguity. Read with or
/// without fractional seconds (up to 7 digits) and with <c>Z</c> or an offset (a value without
/// either is taken as UTC); written in UTC with <c>Z</c> and only the fractional digits needed.
/// Parsed by hand: filters compare dateTimes on every evaluation, and this is several times
/// faster than a regular expression followed by the framework's general parser.
/// </summary>
internal static class ScimDateTime
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length < 19)
        {
            return false;
        }

        var s = text.AsSpan();
        if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
            || !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var i = 19;
        long ticks = 0;
        if (i < s.Length && s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var digits = i - start;
            if (digits is < 1 or > 7)
            {
                return false;
            }

            Digits(s, start, digits, out var fraction);
            ticks = fraction;
            for (var d = digits; d < 7; d++)
            {
                ticks *= 10;
            }
        }

        var offsetMinutes = 0;
        if (i < s.Length)
        {
            if (s[i] is 'Z' or 'z')
            {
                i++;
            }
            else if (s[i] is '+' or '-' && i + 6 == s.Length && s[i + 3] == ':'
                && Digits(s, i + 1, 2, out var offsetHours) && Digits(s, i + 4, 2, out var offsetMins) && offsetHours <= 14 && offsetMins < 60)
            {
                offsetMinutes = (s[i] == '-' ? -1 : 1) * ((offsetHours * 60) + offsetMins);
                i += 6;
            }
            else
            {
                return false;
            }
        }

        if (i != s.Length || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    public static string Format(DateTimeOffset value)
    {
        Span<byte> utf8 = stackalloc byte[MaxLength];
        var length = Format(value, utf8);
        return string.Create(length, utf8[..length], static (chars, bytes) =>
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[i] = (char)bytes[i];
            }
        });
    }

    /// <summary>The longest text <see cref="Format(DateTimeOffset, Span{byte})"/> writes: <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>.</summary>
    public const int MaxLength = 28;

    /// <summary>
    /// Writes the value in UTC as ASCII <c>yyyy-MM-ddTHH:mm:ss[.fffffff]Z</c>, the fraction
    /// without trailing zeros and left out when zero (what the format
    /// <c>yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'</c> gives, without parsing a format on each call).
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public static int Format(DateTimeOffset value, Span<byte> destination)
    {
        // The date once (each of Year, Month and Day would work it out from the ticks again), the
        // time from the ticks of the day.
        var utc = value.UtcDateTime;
        utc.Deconstruct(out int year, out int month, out int day);
        var ofDay = utc.Ticks % TimeSpan.TicksPerDay;
        var seconds = (int)(ofDay / TimeSpan.TicksPerSecond);
        Two(destination, 0, year / 100);
        Two(destination, 2, year % 100);
        destination[4] = (byte)'-';
        Two(destination, 5, month);
        destination[7] = (byte)'-';
        Two(destination, 8, day);
        destination[10] = (byte)'T';
        Two(destination, 11, seconds / 3600);
        destination[13] = (byte)':';
        Two(destination, 14, seconds / 60 % 60);
        destination[16] = (byte)':';
        Two(destination, 17, seconds % 60);
        var length = 19;
        var fraction = (int)(ofDay % TimeSpan.TicksPerSecond);
        if (fraction != 0)
        {
            var digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            destination[length++] = (byte)'.';
            for (var i = length + digits - 1; i >= length; i--)
            {
                destination[i] = (byte)('0' + (fraction % 10));
                fraction /= 10;
            }

            length += digits;
        }

        destination[length++] = (byte)'Z';
        return length;
    }

    private static void Two(Span<byte> destination, int at, int value)
    {
        destination[at] = (byte)('0' + (value / 10));
        destination[at + 1] = (byte)('0' + (value % 10));
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var k = start; k < start + count; k++)
        {
            if (!char.IsAsciiDigit(s[k]))
            {
                return false;
            }

            value = (value * 10) + (s[k] - '0');
        }

        return true;
    }
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

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<byte> utf8 = stackalloc byte[ScimDateTime.MaxLength];
        writer.WriteStringValue(utf8[..ScimDateTime.Format(value, utf8)]);
    }
}
