using Scim.Core.Filtering;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// Malformed filters: always 400 <c>invalidFilter</c>, with a detail that says what was expected at
/// which (1-based) column and what was found there.
/// </summary>
public sealed class FilterErrorTests
{
    private const string OperatorExpected = "expected '[' or a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)";
    private const string ValueExpected = "expected a comparison value at";
    private const string TermExpected = "expected 'not' or '(' or an attribute path";
    private const string EndExpected = "expected 'and', 'or' or the end of the filter";
    private const string AtEnd = "(the end of the input)";

    public static TheoryData<string, int, string> MalformedFilters => new()
    {
        // A missing or unknown operator.
        { "userName \"bjensen\"", 10, OperatorExpected + " at column 10 (found '\"')" },
        { "userName", 9, OperatorExpected + " at column 9 " + AtEnd },
        { "userName equ \"x\"", 10, OperatorExpected + " at column 10 (found 'equ')" },
        { "userName is \"x\"", 10, OperatorExpected + " at column 10 (found 'is')" },
        { "title prx \"a\"", 7, "(found 'prx')" },
        { "and title pr", 5, OperatorExpected },
        { "a pr and and b pr", 14, OperatorExpected },

        // A missing value.
        { "userName eq", 12, ValueExpected + " column 12 " + AtEnd },
        { "userName eq ", 13, ValueExpected + " column 13 " + AtEnd },
        { "a eq (", 6, ValueExpected + " column 6 (found '(')" },
        { "a eq )", 6, ValueExpected + " column 6 (found ')')" },
        { "a eq ]", 6, ValueExpected + " column 6 (found ']')" },

        // Broken strings.
        { "userName eq \"bjensen", 21, AtEnd },
        { "a eq \"\\x\"", 8, "(found 'x')" },
        { "a eq \"\\u12\"", 11, "(found '\"')" },

        // Unbalanced parentheses, both ways.
        { "(a pr", 6, "expected ')' at column 6 " + AtEnd },
        { "((a pr)", 8, "expected ')' at column 8 " + AtEnd },
        { "a eq \"x\" and (b pr", 19, "expected ')'" },
        { "(a pr or b pr", 14, "expected ')'" },
        { "a pr)", 5, EndExpected + " at column 5 (found ')')" },
        { "(a pr))", 7, EndExpected },
        { ")", 1, TermExpected + " at column 1 (found ')')" },
        { "()", 2, TermExpected + " at column 2 (found ')')" },
        { "( )", 3, TermExpected },
        { "not ()", 6, TermExpected },

        // Trailing garbage.
        { "a pr x", 6, EndExpected + " at column 6 (found 'x')" },
        { "a eq \"x\" y", 10, EndExpected + " at column 10 (found 'y')" },
        { "a eq \"x\"y", 9, EndExpected },
        { "a eq \"x\" \"y\"", 10, EndExpected },
        { "a eq \"x\"]", 9, EndExpected + " at column 9 (found ']')" },
        { "a pr andb pr", 6, EndExpected + " at column 6 (found 'andb')" },

        // `pr` takes no value.
        { "title pr \"x\"", 10, EndExpected + " at column 10 (found '\"')" },
        { "title pr 1", 10, EndExpected },
        { "title pr true", 10, EndExpected + " at column 10 (found 'true')" },

        // Empty filters.
        { string.Empty, 1, TermExpected + " at column 1 " + AtEnd },
        { "   ", 4, TermExpected + " at column 4 " + AtEnd },
        { "\t\n", 3, TermExpected },

        // Logical operators without a right operand.
        { "title pr and", 13, TermExpected + " at column 13 " + AtEnd },
        { "title pr and ", 14, TermExpected },
        { "title pr or", 12, TermExpected },
        { "title pr and (", 15, TermExpected },
        { "title pr or not", 16, "or '(' after not at column 16 " + AtEnd },

        // `not` needs parentheses.
        { "not userName eq \"x\"", 5, "or '(' after not at column 5 (found 'userName')" },
        { "NOT title pr", 5, "or '(' after not" },
        { "not", 4, "or '(' after not at column 4 " + AtEnd },

        // Value-path brackets.
        { "emails[type eq \"work\"", 22, "expected ']' at column 22 " + AtEnd },
        { "emails[type eq \"work\" and", 26, TermExpected },
        { "emails[]", 8, TermExpected + " at column 8 (found ']')" },
        { "emails[type eq \"work\"]]", 23, EndExpected },
        { "emails[type eq \"work\")", 22, "expected ']' at column 22 (found ')')" },
        { "a[b pr", 7, "expected ']'" },
        { "[a pr]", 1, TermExpected },

        // Things that are not attribute paths at all.
        { "\"userName\" eq \"x\"", 1, TermExpected + " at column 1 (found '\"')" },
        { "@name pr", 1, TermExpected },
    };

    // Lenient mode reads an unquoted value up to whitespace, a parenthesis, a bracket or a quote.
    public static TheoryData<string, int, string> JunkAfterUnquotedValue => new()
    {
        { "a eq x(y", 7, EndExpected + " at column 7 (found '(')" },
        { "a eq x\"y\"", 7, EndExpected + " at column 7 (found '\"')" },
        { "a eq x[y]", 7, EndExpected + " at column 7 (found '[')" },
        { "userName eq and title pr", 17, EndExpected + " at column 17 (found 'title')" },
    };

    // The path token is well formed as far as the grammar's characters go, but is not an attribute path.
    // The column points at the start of the bad path.
    public static TheoryData<string, int, string> InvalidAttributePaths => new()
    {
        { "urn: pr", 1, "expected a schema URN followed by ':' and an attribute name (got 'urn:')" },
        { "urn:", 1, "(got 'urn:')" },
        { "urn::x pr", 1, "(got 'urn::x')" },
        { "a.b.c pr", 1, "expected an attribute path of the form 'attribute' or 'attribute.subAttribute' (got 'a.b.c')" },
        { "1abc pr", 1, "(got '1abc')" },
        { "a:b pr", 1, "expected an attribute path; 'a:b' has ':' but does not start with 'urn:'" },
        { "a. pr", 1, "(got 'a.')" },
        { ".a pr", 1, "(got '.a')" },
        { "$refx pr", 1, "(got '$refx')" },
        { "title pr and a.b.c eq \"x\"", 14, "(got 'a.b.c')" },
        { "emails[1type eq \"work\"]", 8, "(got '1type')" },
    };

    // Errors inside a JSON string name the string problem, not just "a comparison value".
    public static TheoryData<string, int, string> MalformedStrings => new()
    {
        { "userName eq \"bjensen", 21, "expected a closing '\"' at column 21" },
        { "a eq \"abc", 10, "expected a closing '\"' at column 10" },
        { "a eq \"\\x\"", 8, "expected a JSON escape" },
        { "a eq \"\\u12\"", 11, "expected a JSON escape" },
        { "a eq \"\\u00g1\"", 11, "expected a JSON escape" },
    };

    [Theory]
    [MemberData(nameof(MalformedFilters))]
    public void Parse_MalformedFilter_ThrowsInvalidFilterAtColumn(string filter, int column, string fragment)
    {
        var error = FilterAssert.Fails(filter, column, fragment);
        Assert.StartsWith("Invalid filter: expected ", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MalformedFilters))]
    public void Parse_MalformedFilterInStrictMode_ThrowsInvalidFilterAtSameColumn(string filter, int column, string fragment)
    {
        // Strict mode only words the expected value differently.
        var strictFragment = fragment.StartsWith(ValueExpected, StringComparison.Ordinal)
            ? "expected a comparison value (a quoted string, number, true, false or null) at column " + column
            : fragment;
        FilterAssert.Fails(filter, column, strictFragment, FilterAssert.Strict);
    }

    [Theory]
    [MemberData(nameof(JunkAfterUnquotedValue))]
    public void Parse_JunkAfterUnquotedValueInLenientMode_ThrowsInvalidFilterAfterValue(string filter, int column, string fragment) =>
        FilterAssert.Fails(filter, column, fragment);

    [Theory]
    [MemberData(nameof(InvalidAttributePaths))]
    public void Parse_InvalidAttributePath_ThrowsInvalidFilterAtStartOfPath(string filter, int column, string fragment) =>
        FilterAssert.Fails(filter, column, fragment);

    [Theory]
    [MemberData(nameof(MalformedStrings))]
    public void Parse_MalformedString_ThrowsInvalidFilterNamingTheStringProblem(string filter, int column, string fragment) =>
        FilterAssert.Fails(filter, column, fragment);

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => ScimFilterParser.Parse(null!));
        Assert.Throws<ArgumentNullException>(() => ScimFilterParser.ParsePatchPath(null!));
    }
}
