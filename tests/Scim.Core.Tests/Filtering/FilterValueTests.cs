using Scim.Core.Filtering;
using static Scim.Core.Filtering.ComparisonOperator;
using static Scim.Core.Tests.Filtering.Ast;

namespace Scim.Core.Tests.Filtering;

/// <summary>Comparison values: keywords, JSON numbers, JSON strings with every escape, and the lenient unquoted forms.</summary>
public sealed class FilterValueTests
{
    private const string StrictValueExpected = "expected a comparison value (a quoted string, number, true, false or null)";

    public static TheoryData<string, FilterExpression> Literals => new()
    {
        { "a eq true", Cmp("a", Equal, Bool(true)) },
        { "a eq TRUE", Cmp("a", Equal, Bool(true)) },
        { "a eq True", Cmp("a", Equal, Bool(true)) },
        { "a eq false", Cmp("a", Equal, Bool(false)) },
        { "a eq FALSE", Cmp("a", Equal, Bool(false)) },
        { "a eq fAlSe", Cmp("a", Equal, Bool(false)) },
        { "a eq null", Cmp("a", Equal, Null) },
        { "a eq NULL", Cmp("a", Equal, Null) },
        { "a ne Null", Cmp("a", NotEqual, Null) },
        { "a eq 0", Cmp("a", Equal, Num("0")) },
        { "a eq 42", Cmp("a", Equal, Num("42")) },
        { "a eq -7", Cmp("a", Equal, Num("-7")) },
        { "a eq -0", Cmp("a", Equal, Num("-0")) },
        { "a eq 3.14", Cmp("a", Equal, Num("3.14")) },
        { "a eq -0.5", Cmp("a", Equal, Num("-0.5")) },
        { "a eq 1e3", Cmp("a", Equal, Num("1e3")) },
        { "a eq 1E3", Cmp("a", Equal, Num("1E3")) },
        { "a eq 1.5E-2", Cmp("a", Equal, Num("1.5E-2")) },
        { "a eq 6.02e+23", Cmp("a", Equal, Num("6.02e+23")) },
        { "a eq -1E10", Cmp("a", Equal, Num("-1E10")) },
        { "a eq 12345678901234567890.123456789", Cmp("a", Equal, Num("12345678901234567890.123456789")) },
        { "(a gt 10)", Cmp("a", GreaterThan, Num("10")) },
        { "x[a le 1.5]", Vp("x", Cmp("a", LessThanOrEqual, Num("1.5"))) },
        { "a eq true and b eq false or c eq null", Or(And(Cmp("a", Equal, Bool(true)), Cmp("b", Equal, Bool(false))), Cmp("c", Equal, Null)) },
    };

    public static TheoryData<string, FilterExpression> Strings => new()
    {
        { "a eq \"\"", Eq("a", string.Empty) },
        { "a eq \"\\\"\"", Eq("a", "\"") },
        { "a eq \"\\\\\"", Eq("a", "\\") },
        { "a eq \"\\/\"", Eq("a", "/") },
        { "a eq \"\\b\"", Eq("a", "\b") },
        { "a eq \"\\f\"", Eq("a", "\f") },
        { "a eq \"\\n\"", Eq("a", "\n") },
        { "a eq \"\\r\"", Eq("a", "\r") },
        { "a eq \"\\t\"", Eq("a", "\t") },
        { "a eq \"\\u00e9\"", Eq("a", "\u00e9") },
        { "a eq \"\\u00E9\"", Eq("a", "\u00e9") },
        { "a eq \"\\u0001\"", Eq("a", "\u0001") },
        { "a eq \"\\uD83D\\uDE00\"", Eq("a", "\U0001F600") },
        { "a eq \"say \\\"hi\\\" C:\\\\dir\\/x\\tend\"", Eq("a", "say \"hi\" C:\\dir/x\tend") },
        { "a eq \"\u65e5\u672c\u8a9e \u00e9\"", Eq("a", "\u65e5\u672c\u8a9e \u00e9") },
        { "a eq \"(not) [a pr] and or\"", Eq("a", "(not) [a pr] and or") },
        { "a eq \"  spaced  \"", Eq("a", "  spaced  ") },
        { "a eq \"raw\ttab\"", Eq("a", "raw\ttab") },
        { "a eq \"O'Malley\"", Eq("a", "O'Malley") },
    };

    public static TheoryData<string, FilterExpression> LenientUnquoted => new()
    {
        { "userName sw O", Cmp("userName", StartsWith, Str("O")) },
        { "name.familyName eq Employee", Eq("name.familyName", "Employee") },
        { "meta.created gt 2015-10-10T14:38:21.8617979-07:00", Cmp("meta.created", GreaterThan, Str("2015-10-10T14:38:21.8617979-07:00")) },
        { "a eq 2015-10-10", Eq("a", "2015-10-10") },
        { "a eq truex", Eq("a", "truex") },
        { "a eq falsey", Eq("a", "falsey") },
        { "a eq nullable", Eq("a", "nullable") },
        { "a eq 1x", Eq("a", "1x") },
        { "a eq 01", Eq("a", "01") },
        { "a eq +1", Eq("a", "+1") },
        { "a eq .5", Eq("a", ".5") },
        { "a eq 1.", Eq("a", "1.") },
        { "a eq 1e", Eq("a", "1e") },
        { "a eq -", Eq("a", "-") },
        { "a eq O'Malley", Eq("a", "O'Malley") },
        { "a eq foo@example.com", Eq("a", "foo@example.com") },
        { "userName eq bjensen and title pr", And(Eq("userName", "bjensen"), Pr("title")) },
        { "emails[type eq work]", Vp("emails", Eq("type", "work")) },
        { "(userName eq bjensen)", Eq("userName", "bjensen") },
        { "userName eq and", Eq("userName", "and") },
    };

    public static TheoryData<string, int, string> UnquotedInStrictMode => new()
    {
        { "userName sw O", 13, "found 'O'" },
        { "name.familyName eq Employee", 20, "found 'Employee'" },
        { "meta.created gt 2015-10-10T14:38:21.8617979-07:00", 17, "found '2015-10-10T14:38:21.'" },
        { "a eq truex", 6, "found 'truex'" },
        { "a eq nullable", 6, "found 'nullable'" },
        { "a eq foo@example.com", 6, "found 'foo@example.com'" },
        { "emails[type eq work]", 16, "found 'work'" },
        { "userName eq and title pr", 13, "found 'and'" },
    };

    // A number followed by junk, or number characters that do not make a JSON number: reported where the value starts.
    public static TheoryData<string, int, string> MalformedNumbersInStrictMode => new()
    {
        { "a eq 1x", 6, "found '1x'" },
        { "a eq 12abc", 6, "found '12abc'" },
        { "a eq 1e5x", 6, "found '1e5x'" },
        { "a eq 1,2", 6, "found '1,2'" },
        { "a eq 1\"x\"", 6, "found '1'" },
        { "a eq 2015-10-10", 6, "found '2015-10-10'" },
        { "a eq 01", 6, "found '01'" },
        { "a eq 1.5.3", 6, "found '1.5.3'" },
        { "a eq -", 6, "found '-'" },
        { "a eq +1", 6, "found '+1'" },
    };

    // RFC 7644 strings are JSON strings: a value that opens with a single quote is refused in both
    // modes, at the quote, rather than read as the bare word 'x' (quotes included) that matches nothing.
    public static TheoryData<string, int> SingleQuoted => new()
    {
        { "userName eq 'bjensen'", 13 },
        { "userName eq 'b jensen'", 13 },
        { "userName eq 'bjensen", 13 },
        { "userName eq '", 13 },
        { "a eq ''", 6 },
        { "emails[type eq 'work']", 16 },
        { "title pr and userName eq 'x'", 26 },
        { "(userName eq 'x')", 14 },
        { "displayName eq 'O''Malley'", 16 },
    };

    [Theory]
    [MemberData(nameof(SingleQuoted))]
    public void Parse_SingleQuotedValue_ThrowsInvalidFilterAtTheQuote(string filter, int column)
    {
        foreach (var options in new[] { new FilterOptions(), FilterAssert.Strict })
        {
            FilterAssert.Fails(filter, column, $"expected a string in double quotes (\"x\"), not single quotes, at column {column} (found ''", options);
        }
    }

    [Fact]
    public void Parse_SingleQuoteInsideBareWord_IsPartOfTheWord()
    {
        // Only a leading quote marks a quoted string; an apostrophe inside a name is just a character.
        FilterAssert.Parses("name.familyName eq O'Malley", Eq("name.familyName", "O'Malley"));
        FilterAssert.Parses("a eq x'", Eq("a", "x'"));
    }

    [Fact]
    public void ParsePatchPath_SingleQuotedValue_ThrowsInvalidPathAtTheQuote() =>
        FilterAssert.PathFails("members[value eq '2819c223']", 18, "expected a string in double quotes (\"x\"), not single quotes, at column 18");

    [Theory]
    [MemberData(nameof(Literals))]
    public void Parse_KeywordOrNumberLiteral_ReturnsTypedValue(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Theory]
    [MemberData(nameof(Literals))]
    public void Parse_KeywordOrNumberLiteralInStrictMode_ReturnsTypedValue(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected, FilterAssert.Strict);

    [Theory]
    [MemberData(nameof(Strings))]
    public void Parse_QuotedString_DecodesEveryJsonEscape(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Theory]
    [MemberData(nameof(Strings))]
    public void Parse_QuotedStringInStrictMode_DecodesEveryJsonEscape(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected, FilterAssert.Strict);

    [Theory]
    [MemberData(nameof(LenientUnquoted))]
    public void Parse_UnquotedValueInLenientMode_ReturnsStringValue(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Theory]
    [MemberData(nameof(UnquotedInStrictMode))]
    public void Parse_UnquotedValueInStrictMode_ThrowsInvalidFilterAtValue(string filter, int column, string found)
    {
        var error = FilterAssert.Fails(filter, column, StrictValueExpected, FilterAssert.Strict);
        Assert.Contains(found, error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MalformedNumbersInStrictMode))]
    public void Parse_MalformedNumberInStrictMode_ThrowsInvalidFilterAtValueStart(string filter, int column, string found)
    {
        var error = FilterAssert.Fails(filter, column, StrictValueExpected, FilterAssert.Strict);
        Assert.Contains(found, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DefaultOptions_AreLenient()
    {
        Assert.Equal(Eq("userName", "O"), ScimFilterParser.Parse("userName eq O"));
        Assert.Equal(Eq("userName", "O"), ScimFilterParser.Parse("userName eq O", new FilterOptions()));
        Assert.False(new FilterOptions().Strict);
    }
}
