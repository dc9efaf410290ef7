using CsCheck;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using static Scim.Core.Tests.Filtering.Ast;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// Properties over generated input: every tree prints as text that parses back to it, and no input
/// makes either entry point throw anything but a 400 <see cref="ScimException"/>.
/// </summary>
public sealed class FilterPropertyTests
{
    private const int Iterations = 2000;

    // Includes keyword-shaped names that are unambiguous in every position ("not" is tested on its own).
    private static readonly AttributePath[] PathPool =
    [
        Attr("userName"), Attr("name.familyName"), Attr("emails"), Attr("emails.value"), Attr("$ref"),
        Attr("members.$ref"), Attr("x-attr_1.sub-2"), Attr("and"), Attr("or"), Attr("pr"), Attr("eq"), Attr("true"),
        Urn(CoreUser, "userName"), Urn(CoreUser, "name", "givenName"),
        Urn(EnterpriseUser, "employeeNumber"), Urn(EnterpriseUser, "manager", "value"),
        Urn("URN:Example:App", "Tenant"),
    ];

    // Quotes, backslashes, control characters, brackets, whitespace, non-ASCII and both halves of a surrogate pair.
    // Whole characters only: a NUL or a lone surrogate is refused (StoredTextTests), so a tree with one does not print back.
    private static readonly string[] StringPieces = [.. "ab Z09\"\\/\b\f\n\r\t\u0001\u001f\u007f()[]'\u00e9\u65e5".Select(c => c.ToString()), "\ud83d\ude00"];

    private static readonly string[] ValidSeeds =
    [
        "userName eq \"bjensen\"",
        "name.familyName co \"O'Malley\"",
        "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"",
        "title pr",
        "meta.lastModified gt \"2011-05-13T04:42:34Z\"",
        "title pr and userType eq \"Employee\"",
        "title pr or userType eq \"Intern\"",
        "userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")",
        "userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
        "userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
        "emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
        "a eq \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\" and b gt -1.5e3 and c eq true and d ne null",
        "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]",
        "emails[type eq \"work\"].value",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        "meta.created gt 2015-10-10T14:38:21.8617979-07:00",
        "emails[type eq \"work\"].value eq \"x@example.com\"",
        "userName eq 'bjensen'",
    ];

    private static readonly string[] Tokens =
    [
        "a", "b.c", "urn:x:y", "urn:", "$ref", " ", "\t", "eq", "EQ", "pr", "and", "or", "not", "(", ")", "[", "]",
        "\"", "\\", "\"x\"", "\\u00", "\\uD83D", "1", "-1.5e3", "1e", "true", "null", ".", ":", "\u00e9", "\ud800",
    ];

    private static readonly Gen<ComparisonValue> ValueGen = Gen.Frequency<ComparisonValue>(
        (4, Gen.OneOf(StringPieces).Array[0, 12].Select(pieces => (ComparisonValue)new StringValue(string.Concat(pieces)))),
        (2, Gen.Select(
            Gen.Bool,
            Gen.OneOf("0", "7", "42", "1234567890123"),
            Gen.OneOf(string.Empty, ".5", ".0001"),
            Gen.OneOf(string.Empty, "e3", "E-2", "e+10"),
            (negative, integer, fraction, exponent) => (ComparisonValue)new NumberValue((negative ? "-" : string.Empty) + integer + fraction + exponent))),
        (1, Gen.Bool.Select(b => (ComparisonValue)new BooleanValue(b))),
        (1, Gen.Const((ComparisonValue)NullValue.Instance)));

    private static readonly Gen<AttributePath> PathGen = Gen.OneOf(PathPool);

    private static readonly Gen<FilterExpression> LeafGen = Gen.Frequency<FilterExpression>(
        (4, Gen.Select(PathGen, Gen.Enum<ComparisonOperator>(), ValueGen, (path, op, value) => (FilterExpression)new ComparisonFilter(path, op, value))),
        (1, PathGen.Select(path => (FilterExpression)new PresentFilter(path))));

    // Depth 4: at most 16 comparisons and 8 levels of brackets, far inside the default limits.
    private static readonly Gen<FilterExpression> FilterGen = Expression(4);

    [Fact]
    public void Parse_PrintedRandomTree_ReturnsSameTree() =>
        FilterGen.Sample(
            filter =>
            {
                var printed = filter.ToString();
                Assert.Equal(filter, ScimFilterParser.Parse(printed, FilterAssert.Roomy));
                Assert.Equal(filter, ScimFilterParser.Parse(printed, FilterAssert.StrictRoomy));
            },
            iter: Iterations);

    [Fact]
    public void ParsePatchPath_PrintedRandomPath_ReturnsSamePath()
    {
        var patchPathGen = Gen.Select(
            PathGen,
            Expression(2),
            Gen.Int[0, 2],
            Gen.OneOf("value", "display", "$ref", "primary"),
            (path, filter, shape, sub) => shape switch
            {
                0 => new PatchPath(path, null, null),
                1 => new PatchPath(path, filter, null),
                _ => new PatchPath(path, filter, sub),
            });

        patchPathGen.Sample(
            path => Assert.Equal(path, ScimFilterParser.ParsePatchPath(path.ToString(), FilterAssert.Roomy)),
            iter: Iterations);
    }

    [Fact]
    public void Parse_RandomCharacters_ParsesOrThrowsBadRequestOnly() =>
        Gen.String[0, 60].Sample(ParsesOrFailsCleanly, iter: Iterations);

    [Fact]
    public void Parse_RandomTokenSoup_ParsesOrThrowsBadRequestOnly() =>
        Gen.OneOf(Tokens).Array[0, 20].Select(string.Concat).Sample(ParsesOrFailsCleanly, iter: Iterations);

    [Fact]
    public void Parse_MutatedValidFilters_ParsesOrThrowsBadRequestOnly()
    {
        // A mutation: 0 deletes, 1 inserts, 2 duplicates a run of characters, at a position taken modulo the length.
        var mutation = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 10_000], Gen.Int[1, 8], Gen.Char["()[]\"\\ .:$aeno1-"]);
        var mutated = Gen.Select(Gen.OneOf(ValidSeeds), mutation.Array[1, 4], (seed, mutations) =>
        {
            var text = seed;
            foreach (var (kind, position, length, c) in mutations)
            {
                var at = position % (text.Length + 1);
                var run = Math.Min(length, text.Length - at);
                text = kind switch
                {
                    0 => text.Remove(at, run),
                    1 => text.Insert(at, new string(c, 1)),
                    _ => text.Insert(at, text.Substring(at, run)),
                };
            }

            return text;
        });

        mutated.Sample(ParsesOrFailsCleanly, iter: Iterations);
    }

    [Fact]
    public void Parse_DeepRandomNesting_ThrowsBadRequestOrParses()
    {
        var nesting = Gen.Select(Gen.Int[0, 200], Gen.Int[0, 200], Gen.OneOf("(", "[", "not (", "a["), Gen.OneOf(")", "]"), (open, close, opener, closer) =>
            string.Concat(Enumerable.Repeat(opener, open)) + "a pr" + string.Concat(Enumerable.Repeat(closer, close)));

        nesting.Sample(ParsesOrFailsCleanly, iter: 500);
    }

    /// <summary>Any outcome but an exception other than a 400 is fine; what parses also prints back to itself.</summary>
    private static void ParsesOrFailsCleanly(string text)
    {
        foreach (var options in new[] { new FilterOptions(), FilterAssert.Strict })
        {
            FilterExpression? filter = null;
            try
            {
                filter = ScimFilterParser.Parse(text, options);
            }
            catch (ScimException error)
            {
                Assert.Equal(400, error.Status);
                Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
            }

            if (filter is not null)
            {
                Assert.Equal(filter, ScimFilterParser.Parse(filter.ToString(), FilterAssert.Roomy));
            }

            PatchPath? path = null;
            try
            {
                path = ScimFilterParser.ParsePatchPath(text, options);
            }
            catch (ScimException error)
            {
                Assert.Equal(400, error.Status);
                Assert.Equal(ScimErrorType.InvalidPath, error.ScimType);
            }

            if (path is not null)
            {
                Assert.Equal(path, ScimFilterParser.ParsePatchPath(path.ToString(), FilterAssert.Roomy));
            }
        }
    }

    private static Gen<FilterExpression> Expression(int depth)
    {
        if (depth == 0)
        {
            return LeafGen;
        }

        var sub = Expression(depth - 1);
        return Gen.Frequency<FilterExpression>(
            (3, LeafGen),
            (2, Gen.Select(sub, sub, (left, right) => (FilterExpression)new AndFilter(left, right))),
            (2, Gen.Select(sub, sub, (left, right) => (FilterExpression)new OrFilter(left, right))),
            (1, sub.Select(inner => (FilterExpression)new NotFilter(inner))),
            (1, Gen.Select(PathGen, sub, (path, inner) => (FilterExpression)new ValuePathFilter(path, inner))));
    }
}
