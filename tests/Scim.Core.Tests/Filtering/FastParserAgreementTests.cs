using CsCheck;
using Scim.Core.Filtering;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// The hand-written reader (used first, for speed) and the Pidgin grammar (used for errors) must
/// accept the same language and build the same trees: whenever the fast reader accepts a text, the
/// grammar accepts it with an equal tree, and whenever the grammar rejects a text, so does the
/// fast reader. A fast reader that declines a valid text is allowed (the grammar then parses it),
/// but none of the generated valid filters may be declined, or the fast path would be pointless.
/// </summary>
public sealed class FastParserAgreementTests
{
    private const int Iterations = 4000;

    private static readonly string[] Paths =
    [
        "userName", "USERNAME", "name.familyName", "emails", "emails.value", "$ref",
        "id", "ID", "externalId", "displayName", "active", "members.value", "members.Value", "meta.lastModified", "emails.type", "title", "members.$ref", "x-a_1.b-2", "not", "and", "pr",
        "urn:ietf:params:scim:schemas:core:2.0:User:userName", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
    ];

    private static readonly string[] Operators = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "EQ", "Ne", "cO"];

    private static readonly string[] Values =
    [
        "\"bjensen\"", "\"\"", "\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\"", "\"\\u00e9\\uD83D\\uDE00\"", "\"O'Malley\"", "\"(x)[y]\"",
        "0", "-1", "42", "1.5", "-0.25e-3", "6E23", "true", "False", "NULL", "O", "2015-10-10T14:38:21.8617979-07:00", "01", "1.", "x.y",
        "'bjensen'", "''", "O'Malley",
    ];

    // What may follow a value path in lenient mode (Entra's emails[type eq "work"].value eq "x"), and near misses.
    private static readonly string[] SubAttributes = [".value", ".VALUE", ".$ref", ".primary", ".", ".1x", ".a.b", " .value"];

    private static readonly string[] Spaces = [" ", "  ", "\t", " \n ", "\u00a0"];

    private static readonly Gen<string> Space = Gen.OneOf(Spaces);

    private static readonly Gen<string> Filter = Expression(3);

    [Fact]
    public void FastReader_GeneratedFilters_AgreesWithGrammar() =>
        Filter.Sample(text => AssertAgree(text), iter: Iterations);

    [Fact]
    public void FastReader_CorruptedFilters_AgreesWithGrammar() =>
        Gen.Select(Filter, Gen.Int[0, 1000], Gen.Int[0, 3], Gen.Char["()[]\" .:\\aeE1-"])
            .Select((text, position, kind, c) => Corrupt(text, position, kind, c))
            .Sample(text => AssertAgree(text), iter: Iterations);

    [Fact]
    public void FastReader_GeneratedPatchPaths_AgreesWithGrammar() =>
        Gen.Select(Gen.OneOf(Paths), Filter, Gen.OneOf(string.Empty, ".value", ".$ref", ".1x", ".", "x"), Gen.Int[0, 2])
            .Select((path, filter, tail, shape) => shape switch
            {
                0 => path,
                1 => $"{path}[{filter}]",
                _ => $"{path}[{filter}]{tail}",
            })
            .Sample(text => AssertPathAgree(text), iter: Iterations);

    [Theory]
    [InlineData("not pr")]
    [InlineData("not (a pr)")]
    [InlineData("NOT(a pr)")]
    [InlineData("not eq \"x\"")]
    [InlineData("emails [type eq \"work\"]")]
    [InlineData("userName eq and")]
    [InlineData("a eq \"\\u00g1\"")]
    [InlineData("a eq 1.5.3")]
    [InlineData("a eq +1")]
    [InlineData("a eq 1)")]
    [InlineData("emails[type eq \"work\"].value eq \"x\"")]
    [InlineData("emails[type eq \"work\"].value pr")]
    [InlineData("emails[type eq \"work\"].value")]
    [InlineData("emails[type eq \"work\"]. value eq \"x\"")]
    [InlineData("emails[type eq \"work\"].valueeq \"x\"")]
    [InlineData("a eq 'x'")]
    [InlineData("a eq x'")]
    public void FastReader_EdgeCases_AgreesWithGrammar(string text)
    {
        AssertAgree(text);
    }

    private static void AssertAgree(string text)
    {
        foreach (var strict in (bool[])[false, true])
        {
            var fast = FastFilterParser.TryParseFilter(text, lenient: !strict);
            var (grammar, error) = ScimFilterParser.ParseWithGrammar(text, strict);
            if (fast is not null)
            {
                Assert.True(grammar is not null, $"fast accepted, grammar rejected ({(strict ? "strict" : "lenient")}): {text} — {error}");
                Assert.Equal(grammar, fast);
            }
            else
            {
                Assert.True(grammar is null, $"fast declined a filter the grammar accepts ({(strict ? "strict" : "lenient")}): {text}");
            }
        }
    }

    private static void AssertPathAgree(string text)
    {
        foreach (var strict in (bool[])[false, true])
        {
            var fast = FastFilterParser.TryParsePatchPath(text, lenient: !strict);
            var (grammar, error) = ScimFilterParser.ParsePatchPathWithGrammar(text, strict);
            if (fast is not null)
            {
                Assert.True(grammar is not null, $"fast accepted, grammar rejected: {text} — {error}");
                Assert.Equal(grammar, fast);
            }
            else
            {
                Assert.True(grammar is null, $"fast declined a path the grammar accepts: {text}");
            }
        }
    }

    private static string Corrupt(string text, int position, int kind, char c)
    {
        if (text.Length == 0)
        {
            return c.ToString();
        }

        var at = position % text.Length;
        return kind switch
        {
            0 => text.Remove(at, 1),
            1 => text.Insert(at, c.ToString()),
            2 => text[..at],
            _ => text.Insert(at, text[at].ToString()),
        };
    }

    private static Gen<string> Expression(int depth)
    {
        var comparison = Gen.Select(Gen.OneOf(Paths), Space, Gen.OneOf(Operators), Space, Gen.OneOf(Values))
            .Select((p, s1, op, s2, v) => p + s1 + op + s2 + v);
        var present = Gen.Select(Gen.OneOf(Paths), Space).Select((p, s) => p + s + Gen.OneOf("pr", "PR").Single());
        var leaf = Gen.Frequency((4, comparison), (1, present));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Expression(depth - 1);
        return Gen.Frequency(
            (4, leaf),
            (2, Gen.Select(inner, Space, Gen.OneOf("and", "AND", "or", "Or"), Space, inner).Select((a, s1, k, s2, b) => a + s1 + k + s2 + b)),
            (1, Gen.Select(inner, Space).Select((a, s) => "(" + s + a + s + ")")),
            (1, Gen.Select(inner, Gen.OneOf("not ", "not", "NOT  ")).Select((a, n) => n + "(" + a + ")")),
            (1, Gen.Select(Gen.OneOf("emails", "members", "addresses"), inner).Select((p, a) => p + "[" + a + "]")),
            (1, Gen.Select(Gen.OneOf("emails", "members", "addresses"), inner, Gen.OneOf(SubAttributes), Space, Tail())
                .Select((p, a, sub, s, tail) => p + "[" + a + "]" + sub + s + tail)));
    }

    /// <summary>What follows an attribute path in a comparison: an operator and a value, or pr.</summary>
    private static Gen<string> Tail() => Gen.Frequency(
        (4, Gen.Select(Gen.OneOf(Operators), Space, Gen.OneOf(Values)).Select((op, s, v) => op + s + v)),
        (1, Gen.OneOf("pr", "PR")));
}
