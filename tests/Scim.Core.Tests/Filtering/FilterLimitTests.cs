using System.Diagnostics;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using static Scim.Core.Tests.Filtering.Ast;

namespace Scim.Core.Tests.Filtering;

/// <summary>MaxLength, MaxDepth and MaxComparisons: exceeding one is a clean 400 that names the limit.</summary>
public sealed class FilterLimitTests
{
    private const string TooDeep = "nests parentheses or brackets deeper than 32 levels";

    public static TheoryData<string, int> TooDeepFilters => new()
    {
        { Parenthesized(33, "a pr"), 33 },
        { Parenthesized(32, "x[a pr]"), 34 },
        { "a pr and " + Parenthesized(33, "b pr"), 42 },
        { string.Concat(Enumerable.Repeat("not (", 33)) + "a pr" + new string(')', 33), 165 },
        { string.Concat(Enumerable.Repeat("a[", 33)) + "b pr" + new string(']', 33), 66 },
        { new string('(', 33), 33 },
        { "a eq \"\\\\\" and " + Parenthesized(33, "a pr"), 47 },
        { "a eq \"\\\"\" and " + Parenthesized(33, "a pr"), 47 },
    };

    public static TheoryData<string, FilterExpression> DeepButWithinLimit => new()
    {
        { Parenthesized(32, "a pr"), Pr("a") },
        { Parenthesized(31, "x[a pr]"), Vp("x", Pr("a")) },
        { string.Concat(Enumerable.Repeat("not (", 32)) + "a pr" + new string(')', 32), Nested(32, f => Not(f), Pr("a")) },
        { string.Concat(Enumerable.Repeat("a[", 32)) + "b pr" + new string(']', 32), Nested(32, f => Vp("a", f), Pr("b")) },
        { "a eq \"\\\\\" and " + Parenthesized(32, "b pr"), And(Eq("a", "\\"), Pr("b")) },
        { "a eq \"" + new string('(', 100) + "\"", Eq("a", new string('(', 100)) },
        { "a eq \"" + new string('[', 100) + "\"", Eq("a", new string('[', 100)) },
        { "a eq \"\\\"" + new string('(', 40) + "\\\"\"", Eq("a", "\"" + new string('(', 40) + "\"") },
        { "a eq \")))\" and " + Parenthesized(32, "b pr"), And(Eq("a", ")))"), Pr("b")) },
    };

    [Theory]
    [MemberData(nameof(TooDeepFilters))]
    public void Parse_NestingDeeperThanMaxDepth_ThrowsInvalidFilterAtFirstTooDeepBracket(string filter, int column)
    {
        var error = FilterAssert.Fails(filter, column, TooDeep);
        Assert.Contains($"(at column {column})", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DeepButWithinLimit))]
    public void Parse_NestingUpToMaxDepth_Parses(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Fact]
    public void Parse_CustomMaxDepth_IsEnforced()
    {
        var options = new FilterOptions { MaxDepth = 2 };

        Assert.Equal(Pr("a"), ScimFilterParser.Parse("((a pr))", options));
        FilterAssert.Fails("(((a pr)))", 3, "deeper than 2 levels", options);
        FilterAssert.Fails("(x[a pr])", 3, "deeper than 1 levels (at column 3)", new FilterOptions { MaxDepth = 1 });
    }

    [Fact]
    public void Parse_HundredThousandNestedParentheses_ThrowsScimExceptionQuickly()
    {
        var options = new FilterOptions { MaxLength = 1_000_000 };
        var filter = Parenthesized(100_000, "a pr");
        var stopwatch = Stopwatch.StartNew();

        var error = FilterAssert.Fails(filter, 33, TooDeep, options);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
        Assert.Contains("(at column 33)", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HundredThousandUnclosedBracketsAndNots_ThrowsScimExceptionQuickly()
    {
        var options = new FilterOptions { MaxLength = 1_000_000 };
        var stopwatch = Stopwatch.StartNew();

        FilterAssert.Fails(string.Concat(Enumerable.Repeat("a[", 100_000)), 66, TooDeep, options);
        FilterAssert.Fails(string.Concat(Enumerable.Repeat("not (", 100_000)), 165, TooDeep, options);
        Assert.Throws<ScimException>(() => ScimFilterParser.ParsePatchPath("a[" + new string('(', 100_000), options));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Parse_FilterLongerThanMaxLength_ThrowsInvalidFilterNamingTheLimit()
    {
        var filter = "userName eq \"" + new string('x', 4083) + "\"";
        Assert.Equal(4097, filter.Length);

        FilterAssert.Fails(filter, null, "The filter is 4097 characters long; the limit is 4096.");
    }

    [Fact]
    public void Parse_FilterOfExactlyMaxLength_Parses()
    {
        var filter = "userName eq \"" + new string('x', 4082) + "\"";
        Assert.Equal(4096, filter.Length);

        FilterAssert.Parses(filter, Eq("userName", new string('x', 4082)));
    }

    [Fact]
    public void Parse_LengthCheck_ComesBeforeSyntaxCheck()
    {
        // Too long and malformed: the limit is what is reported.
        FilterAssert.Fails(new string('(', 5000), null, "The filter is 5000 characters long; the limit is 4096.");
    }

    [Fact]
    public void Parse_CustomMaxLength_IsEnforced()
    {
        var options = new FilterOptions { MaxLength = 10 };

        Assert.Equal(Pr("title"), ScimFilterParser.Parse("title pr", options));
        FilterAssert.Fails("userName pr", null, "The filter is 11 characters long; the limit is 10.", options);
    }

    [Theory]
    [InlineData(" or ")]
    [InlineData(" and ")]
    public void Parse_ExactlyMaxComparisons_Parses(string separator)
    {
        var filter = string.Join(separator, Enumerable.Range(0, 200).Select(i => $"a{i} pr"));
        Assert.True(filter.Length <= 4096);

        var parsed = ScimFilterParser.Parse(filter);

        var leaves = Enumerable.Range(0, 200).Select(i => (FilterExpression)Pr($"a{i}"));
        Assert.Equal(
            separator == " or " ? leaves.Aggregate((l, r) => Or(l, r)) : leaves.Aggregate((l, r) => And(l, r)),
            parsed);
    }

    [Theory]
    [InlineData(" or ")]
    [InlineData(" and ")]
    public void Parse_MoreThanMaxComparisons_ThrowsInvalidFilterNamingTheLimit(string separator)
    {
        var filter = string.Join(separator, Enumerable.Repeat("a pr", 201));

        FilterAssert.Fails(filter, null, "The filter has 201 comparisons; the limit is 200.");
    }

    [Theory]
    [InlineData("emails[type eq \"work\" and value pr] and title pr")]
    [InlineData("not (a pr) and not (b pr) and not (c pr)")]
    [InlineData("a pr or (b pr and c eq 1)")]
    public void Parse_ComparisonsInsideValuePathsNotsAndGroups_CountTowardsMaxComparisons(string filter)
    {
        var options = new FilterOptions { MaxComparisons = 2 };

        FilterAssert.Fails(filter, null, "The filter has 3 comparisons; the limit is 2.", options);
        Assert.NotNull(ScimFilterParser.Parse(filter, new FilterOptions { MaxComparisons = 3 }));
    }

    [Theory]
    [InlineData("userName eq \"bjensen\"")]
    [InlineData("title pr")]
    public void Parse_SingleComparisonWithNoComparisonsAllowed_ThrowsInvalidFilter(string filter)
    {
        // A lone comparison skips the count; a limit of zero must still refuse it.
        FilterAssert.Fails(filter, null, "The filter has 1 comparisons; the limit is 0.", new FilterOptions { MaxComparisons = 0 });
        Assert.NotNull(ScimFilterParser.Parse(filter, new FilterOptions { MaxComparisons = 1 }));
    }

    [Fact]
    public void ParsePatchPath_ExceedingLimits_ThrowsInvalidPath()
    {
        FilterAssert.PathFails("members[value eq \"" + new string('x', 5000) + "\"]", null, "The path is 5020 characters long; the limit is 4096.");
        FilterAssert.PathFails("members[" + Parenthesized(32, "value pr") + "]", 40, "The path nests parentheses or brackets deeper than 32 levels");
        FilterAssert.PathFails(
            "members[" + string.Join(" or ", Enumerable.Repeat("value eq \"x\"", 201)) + "]",
            null,
            "The path has 201 comparisons; the limit is 200.");
    }

    [Fact]
    public void ParsePatchPath_AtLimits_Parses()
    {
        var path = ScimFilterParser.ParsePatchPath("members[" + Parenthesized(31, "value pr") + "]");

        Assert.Equal(Patch(Attr("members"), Pr("value")), path);
    }

    [Fact]
    public void FilterOptions_Defaults_AreDocumentedValues()
    {
        var options = new FilterOptions();

        Assert.False(options.Strict);
        Assert.Equal(4096, options.MaxLength);
        Assert.Equal(32, options.MaxDepth);
        Assert.Equal(200, options.MaxComparisons);
    }

    private static FilterExpression Nested(int levels, Func<FilterExpression, FilterExpression> wrap, FilterExpression inner)
    {
        var result = inner;
        for (var i = 0; i < levels; i++)
        {
            result = wrap(result);
        }

        return result;
    }
}
