using System.Globalization;
using System.Text;
using CsCheck;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>The hand-written dateTime formatter against .NET's custom format it replaced.</summary>
public sealed class ScimDateTimeFormatTests
{
    private static string Reference(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    // Whole seconds, milliseconds, full ticks, any offset, years from 1 to 9998.
    private static readonly Gen<DateTimeOffset> Values = Gen.Select(
            Gen.Long[DateTime.MinValue.AddDays(1).Ticks, DateTime.MaxValue.AddDays(-1).Ticks],
            Gen.Int[0, 2],
            Gen.Int[-14 * 60, 14 * 60])
        .Select((ticks, precision, offset) =>
        {
            var rounded = precision switch { 0 => ticks - (ticks % TimeSpan.TicksPerSecond), 1 => ticks - (ticks % TimeSpan.TicksPerMillisecond), _ => ticks };
            return new DateTimeOffset(rounded, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset));
        });

    [Fact]
    public void Format_AnyValue_SameTextAsTheCustomFormat() =>
        Values.Sample(value =>
        {
            Span<byte> utf8 = stackalloc byte[ScimDateTime.MaxLength];
            var length = ScimDateTime.Format(value, utf8);

            Assert.Equal(Reference(value), Encoding.ASCII.GetString(utf8[..length]));
            Assert.Equal(Reference(value), ScimDateTime.Format(value));
        }, iter: 5_000);

    [Theory]
    [InlineData("2026-11-28T10:00:00Z", "2026-11-28T10:00:00Z")]
    [InlineData("2026-11-28T10:00:00.5000000+01:00", "2026-11-28T09:00:00.5Z")]
    [InlineData("0001-01-01T00:00:00.0000001Z", "0001-01-01T00:00:00.0000001Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z")]
    [InlineData("0987-06-05T04:03:02.0100000Z", "0987-06-05T04:03:02.01Z")]
    public void Format_KnownValues(string input, string expected)
    {
        var value = DateTimeOffset.Parse(input, CultureInfo.InvariantCulture);

        Assert.Equal(expected, ScimDateTime.Format(value));
    }
}
