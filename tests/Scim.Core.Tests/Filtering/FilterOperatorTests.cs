using Scim.Core.Filtering;
using static Scim.Core.Filtering.ComparisonOperator;
using static Scim.Core.Tests.Filtering.Ast;

namespace Scim.Core.Tests.Filtering;

/// <summary>Operators in any case, precedence and associativity, grouping, and whitespace between tokens.</summary>
public sealed class FilterOperatorTests
{
    public static TheoryData<string, FilterExpression> ComparisonOperators => new()
    {
        { "a eq \"x\"", Cmp("a", Equal, Str("x")) },
        { "a ne \"x\"", Cmp("a", NotEqual, Str("x")) },
        { "a co \"x\"", Cmp("a", Contains, Str("x")) },
        { "a sw \"x\"", Cmp("a", StartsWith, Str("x")) },
        { "a ew \"x\"", Cmp("a", EndsWith, Str("x")) },
        { "a gt 1", Cmp("a", GreaterThan, Num("1")) },
        { "a ge 1", Cmp("a", GreaterThanOrEqual, Num("1")) },
        { "a lt 1", Cmp("a", LessThan, Num("1")) },
        { "a le 1", Cmp("a", LessThanOrEqual, Num("1")) },
        { "a pr", Pr("a") },
        { "a EQ \"x\"", Cmp("a", Equal, Str("x")) },
        { "a Eq \"x\"", Cmp("a", Equal, Str("x")) },
        { "a eQ \"x\"", Cmp("a", Equal, Str("x")) },
        { "a NE \"x\"", Cmp("a", NotEqual, Str("x")) },
        { "a Co \"x\"", Cmp("a", Contains, Str("x")) },
        { "a SW \"x\"", Cmp("a", StartsWith, Str("x")) },
        { "a eW \"x\"", Cmp("a", EndsWith, Str("x")) },
        { "a GT 1", Cmp("a", GreaterThan, Num("1")) },
        { "a Ge 1", Cmp("a", GreaterThanOrEqual, Num("1")) },
        { "a LT 1", Cmp("a", LessThan, Num("1")) },
        { "a lE 1", Cmp("a", LessThanOrEqual, Num("1")) },
        { "a PR", Pr("a") },
        { "a Pr", Pr("a") },
    };

    public static TheoryData<string, FilterExpression> LogicalKeywordsInAnyCase => new()
    {
        { "a pr AND b pr", And(Pr("a"), Pr("b")) },
        { "a pr And b pr", And(Pr("a"), Pr("b")) },
        { "a pr aNd b pr", And(Pr("a"), Pr("b")) },
        { "a pr OR b pr", Or(Pr("a"), Pr("b")) },
        { "a pr Or b pr", Or(Pr("a"), Pr("b")) },
        { "a pr oR b pr", Or(Pr("a"), Pr("b")) },
        { "NOT (a pr)", Not(Pr("a")) },
        { "Not (a pr)", Not(Pr("a")) },
        { "nOT(a pr)", Not(Pr("a")) },
        { "A PR AND NOT (B EQ \"X\") OR C PR", Or(And(Pr("A"), Not(Eq("B", "X"))), Pr("C")) },
    };

    public static TheoryData<string, FilterExpression> Precedence => new()
    {
        { "a pr or b pr and c pr", Or(Pr("a"), And(Pr("b"), Pr("c"))) },
        { "a pr and b pr or c pr", Or(And(Pr("a"), Pr("b")), Pr("c")) },
        { "a pr and b pr and c pr", And(And(Pr("a"), Pr("b")), Pr("c")) },
        { "a pr or b pr or c pr", Or(Or(Pr("a"), Pr("b")), Pr("c")) },
        { "a pr and b pr and c pr and d pr", And(And(And(Pr("a"), Pr("b")), Pr("c")), Pr("d")) },
        { "a pr and b pr or c pr and d pr", Or(And(Pr("a"), Pr("b")), And(Pr("c"), Pr("d"))) },
        { "a pr or b pr and c pr or d pr", Or(Or(Pr("a"), And(Pr("b"), Pr("c"))), Pr("d")) },
        { "(a pr or b pr) and c pr", And(Or(Pr("a"), Pr("b")), Pr("c")) },
        { "a pr and (b pr or c pr)", And(Pr("a"), Or(Pr("b"), Pr("c"))) },
        { "a pr or (b pr or c pr)", Or(Pr("a"), Or(Pr("b"), Pr("c"))) },
        { "a pr and (b pr and c pr)", And(Pr("a"), And(Pr("b"), Pr("c"))) },
        { "(a pr or b pr) and (c pr or d pr)", And(Or(Pr("a"), Pr("b")), Or(Pr("c"), Pr("d"))) },
        { "not (a pr) and b pr", And(Not(Pr("a")), Pr("b")) },
        { "not (a pr) or b pr and c pr", Or(Not(Pr("a")), And(Pr("b"), Pr("c"))) },
        { "a pr and not (b pr) or c pr", Or(And(Pr("a"), Not(Pr("b"))), Pr("c")) },
        { "not (a pr or b pr)", Not(Or(Pr("a"), Pr("b"))) },
        { "not (a pr) and not (b pr)", And(Not(Pr("a")), Not(Pr("b"))) },
        { "not (not (a pr))", Not(Not(Pr("a"))) },
        { "(a pr)", Pr("a") },
        { "((a pr))", Pr("a") },
        { "((a pr or b pr)) and ((c pr))", And(Or(Pr("a"), Pr("b")), Pr("c")) },
        { "(a pr)and(b pr)", And(Pr("a"), Pr("b")) },
        { "not(a pr)", Not(Pr("a")) },
        { "a eq \"x\"or b pr", Or(Eq("a", "x"), Pr("b")) },
        { "emails[type eq \"work\"]and title pr", And(Vp("emails", Eq("type", "work")), Pr("title")) },
    };

    public static TheoryData<string, FilterExpression> Whitespace => new()
    {
        { "userName  eq   \"bjensen\"", Eq("userName", "bjensen") },
        { "userName\teq\t\"bjensen\"", Eq("userName", "bjensen") },
        { "userName\neq\r\n\"bjensen\"", Eq("userName", "bjensen") },
        { "   userName eq \"bjensen\"   ", Eq("userName", "bjensen") },
        { "\t\n userName eq \"bjensen\" \n\t", Eq("userName", "bjensen") },
        { "userName eq\"bjensen\"", Eq("userName", "bjensen") },
        { "title pr  and\t\tuserType eq \"Employee\"", And(Pr("title"), Eq("userType", "Employee")) },
        { "( title pr )", Pr("title") },
        { "not  (  title pr  )", Not(Pr("title")) },
        { "emails[ type eq \"work\" ]", Vp("emails", Eq("type", "work")) },
        { "emails[type eq \"work\"]  or\nims[type eq \"xmpp\"]", Or(Vp("emails", Eq("type", "work")), Vp("ims", Eq("type", "xmpp"))) },
        { "a gt 1\t", Cmp("a", GreaterThan, Num("1")) },
    };

    [Theory]
    [MemberData(nameof(ComparisonOperators))]
    public void Parse_ComparisonOperatorInAnyCase_ReturnsComparison(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Theory]
    [MemberData(nameof(LogicalKeywordsInAnyCase))]
    public void Parse_LogicalKeywordInAnyCase_ReturnsTree(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Theory]
    [MemberData(nameof(Precedence))]
    public void Parse_MixedLogicalOperators_NotBindsTightestThenAndThenOrLeftAssociative(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Theory]
    [MemberData(nameof(Whitespace))]
    public void Parse_WhitespaceBetweenTokens_IsIgnored(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);
}
