using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// The emitter's one-pass copy of plain strings (printable ASCII without <c>"</c> or <c>\</c>):
/// it must accept exactly the strings the JSON encoder leaves as they are, copy them byte for
/// byte, and refuse everything else at any position, in the vector blocks, their overlap and the
/// scalar tail alike.
/// </summary>
public sealed class JsonEmitterPlainCopyTests
{
    private static bool IsPlain(char c) => c is >= ' ' and <= '~' and not '"' and not '\\';

    // Mostly plain characters, with now and then a quote, backslash, control, DEL, Latin-1,
    // a character whose low byte is printable (so narrowing alone would hide it) or a surrogate.
    private static readonly Gen<char> Chars = Gen.Frequency(
        (40, Gen.Char[' ', '~']),
        (1, Gen.OneOf('"', '\\', '\0', '\t', '\u001f', '\u007f', '\u0080', 'é', '\u0141', '\u2041', '\ud83d', '\u0161')));

    private static readonly Gen<string> Strings = Gen.Int[0, 70].SelectMany(length => Chars.Array[length]).Select(chars => new string(chars));

    [Fact]
    public void CopyPlain_AnyString_AcceptsExactlyThePlainOnesAndCopiesThem() =>
        Strings.Sample(value =>
        {
            var destination = new byte[value.Length + 8];
            Array.Fill(destination, (byte)0xAA);

            var copied = JsonEmitter.CopyPlain(value, destination);

            Assert.Equal(value.All(IsPlain), copied);
            if (copied)
            {
                Assert.Equal(value, Encoding.ASCII.GetString(destination, 0, value.Length));
                Assert.All(destination[value.Length..], b => Assert.Equal(0xAA, b));
            }
        }, iter: 20_000);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void CopyPlain_OneBadCharacterAtEveryPosition_IsRefused(int length)
    {
        foreach (var bad in new[] { '"', '\\', '\n', '\u007f', '\u00e9', '\u0122' })
        {
            for (var position = 0; position < length; position++)
            {
                var chars = Enumerable.Repeat('a', length).ToArray();
                chars[position] = bad;

                Assert.False(JsonEmitter.CopyPlain(new string(chars), new byte[length]), $"'{bad}' at {position} of {length}");
            }
        }
    }

    [Fact]
    public void CopyPlain_DestinationTooShort_IsRefused() =>
        Assert.False(JsonEmitter.CopyPlain("abcdefghijklmnopq", new byte[16]));

    [Fact]
    public void PlainSet_IsWhatTheRelaxedEncoderLeavesAlone()
    {
        // The fast path may only take what the encoder the writer options use would copy unchanged.
        for (var c = '\0'; c < 0x100; c++)
        {
            var text = c.ToString();
            var unchanged = JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value == text;
            if (JsonEmitter.CopyPlain(text, new byte[1]))
            {
                Assert.True(unchanged, $"U+{(int)c:X4} is copied but the encoder escapes it");
            }
        }
    }
}
