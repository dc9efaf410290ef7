using Scim.Core.Filtering;
using static Scim.Core.Filtering.ComparisonOperator;
using static Scim.Core.Tests.Filtering.Ast;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// <c>ToString()</c> prints canonical filter text: lower-case keywords, single spaces, strings
/// re-quoted and escaped, parentheses only where precedence needs them. (Every parser test also
/// checks that the printed text parses back to the same tree.)
/// </summary>
public sealed class FilterPrinterTests
{
    public static TheoryData<string, string> CanonicalText => new()
    {
        { "userName EQ \"bjensen\"", "userName eq \"bjensen\"" },
        { "title  PR   AND  userType   Eq \"Employee\"", "title pr and userType eq \"Employee\"" },
        { "\tTitle Pr\n", "Title pr" },
        { "(a pr or b pr) and c pr", "(a pr or b pr) and c pr" },
        { "a pr and (b pr or c pr)", "a pr and (b pr or c pr)" },
        { "((a pr)) or ((b pr))", "a pr or b pr" },
        { "a pr or (b pr and c pr)", "a pr or b pr and c pr" },
        { "(a pr and b pr) and c pr", "a pr and b pr and c pr" },
        { "(a pr or b pr) or c pr", "a pr or b pr or c pr" },
        { "a pr and (b pr and c pr)", "a pr and (b pr and c pr)" },
        { "a pr or (b pr or c pr)", "a pr or (b pr or c pr)" },
        { "(not (a pr)) and b pr", "not (a pr) and b pr" },
        { "NOT(a pr)", "not (a pr)" },
        { "not ((a pr or b pr))", "not (a pr or b pr)" },
        { "a eq TRUE", "a eq true" },
        { "a eq False", "a eq false" },
        { "a eq NULL", "a eq null" },
        { "a eq 1.5E-2", "a eq 1.5E-2" },
        { "a eq -0", "a eq -0" },
        { "a eq \"\\u00e9\\/\"", "a eq \"\u00e9/\"" },
        { "a eq \"tab\\there\"", "a eq \"tab\\there\"" },
        { "a eq \"\\u0001\\u001F\"", "a eq \"\\u0001\\u001f\"" },
        { "a eq \"raw\ttab\"", "a eq \"raw\\ttab\"" },
        { "a eq \"q\\\"b\\\\\"", "a eq \"q\\\"b\\\\\"" },
        { "a eq \"\\b\\f\\n\\r\"", "a eq \"\\b\\f\\n\\r\"" },
        { "userName sw O", "userName sw \"O\"" },
        { "meta.created gt 2015-10-10T14:38:21Z", "meta.created gt \"2015-10-10T14:38:21Z\"" },
        { "emails[ type eq \"work\" ]", "emails[type eq \"work\"]" },
        { "not (emails[type eq \"work\"])", "not (emails[type eq \"work\"])" },
        { "emails[(type eq \"work\")]", "emails[type eq \"work\"]" },
        { "URN:x:User:Name.Given pr", "URN:x:User:Name.Given pr" },
        { "userType eq \"Employee\" and (emails.type eq \"work\")", "userType eq \"Employee\" and emails.type eq \"work\"" },
    };

    public static TheoryData<FilterExpression, string> ConstructedTrees => new()
    {
        { And(Pr("a"), Or(Pr("b"), Pr("c"))), "a pr and (b pr or c pr)" },
        { And(Or(Pr("a"), Pr("b")), Pr("c")), "(a pr or b pr) and c pr" },
        { And(Or(Pr("a"), Pr("b")), Or(Pr("c"), Pr("d"))), "(a pr or b pr) and (c pr or d pr)" },
        { Or(And(Pr("a"), Pr("b")), Pr("c")), "a pr and b pr or c pr" },
        { Or(Pr("a"), And(Pr("b"), Pr("c"))), "a pr or b pr and c pr" },
        { Or(Pr("a"), Or(Pr("b"), Pr("c"))), "a pr or (b pr or c pr)" },
        { And(Pr("a"), And(Pr("b"), Pr("c"))), "a pr and (b pr and c pr)" },
        { And(And(Pr("a"), Pr("b")), Pr("c")), "a pr and b pr and c pr" },
        { Not(And(Pr("a"), Pr("b"))), "not (a pr and b pr)" },
        { And(Not(Or(Pr("a"), Pr("b"))), Pr("c")), "not (a pr or b pr) and c pr" },
        { Vp("emails", Or(Pr("a"), Pr("b"))), "emails[a pr or b pr]" },
        { And(Vp("emails", Pr("a")), Or(Pr("b"), Vp("ims", Pr("c")))), "emails[a pr] and (b pr or ims[c pr])" },
        {
            Cmp(Urn(EnterpriseUser, "manager", "value"), Equal, Str("say \"hi\" \\o/")),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"say \\\"hi\\\" \\\\o/\""
        },
        { Cmp("a", Equal, Str("\b\f\n\r\t\u0001\u001f\u007f")), "a eq \"\\b\\f\\n\\r\\t\\u0001\\u001f\u007f\"" },
        { Cmp("a", Equal, Str("\U0001F600\u00e9")), "a eq \"\U0001F600\u00e9\"" },
        { Cmp("a", GreaterThan, Num("6.02e23")), "a gt 6.02e23" },
        { Cmp("a", NotEqual, Null), "a ne null" },
        { Cmp("a", LessThanOrEqual, Bool(false)), "a le false" },
        { Cmp("members.$ref", EndsWith, Str(string.Empty)), "members.$ref ew \"\"" },
    };

    // Names that are also keywords must print as text that parses back to the same tree.
    public static TheoryData<string> KeywordShapedNames => new()
    {
        "and", "or", "pr", "eq", "true", "null", "not", "NOT",
    };

    public static TheoryData<string, string> CanonicalPatchPaths => new()
    {
        { "emails [type EQ \"work\"].value", "emails[type eq \"work\"].value" },
        { " members ", "members" },
        { "members[value eq x]", "members[value eq \"x\"]" },
        { "members[(value eq \"x\") OR (value eq \"y\")]", "members[value eq \"x\" or value eq \"y\"]" },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value" },
    };

    [Theory]
    [MemberData(nameof(CanonicalText))]
    public void ToString_ParsedFilter_PrintsCanonicalText(string filter, string canonical)
    {
        var parsed = ScimFilterParser.Parse(filter);

        Assert.Equal(canonical, parsed.ToString());
        Assert.Equal(parsed, ScimFilterParser.Parse(canonical));
    }

    [Theory]
    [MemberData(nameof(ConstructedTrees))]
    public void ToString_ConstructedTree_ParenthesizesOnlyWhereNeeded(FilterExpression filter, string canonical)
    {
        Assert.Equal(canonical, filter.ToString());
        FilterAssert.RoundTrips(filter);
    }

    [Theory]
    [MemberData(nameof(KeywordShapedNames))]
    public void ToString_AttributeNamedLikeKeyword_ParsesBackToSameTree(string name)
    {
        FilterAssert.RoundTrips(Pr(Attr(name)));
        FilterAssert.RoundTrips(Eq(name, "x"));
        FilterAssert.RoundTrips(And(Pr("title"), Pr(Attr(name))));
        FilterAssert.RoundTrips(Vp(name, Pr("value")));
    }

    [Theory]
    [MemberData(nameof(CanonicalPatchPaths))]
    public void ToString_ParsedPatchPath_PrintsCanonicalText(string path, string canonical)
    {
        var parsed = ScimFilterParser.ParsePatchPath(path);

        Assert.Equal(canonical, parsed.ToString());
        Assert.Equal(parsed, ScimFilterParser.ParsePatchPath(canonical));
    }

    [Fact]
    public void ToString_AttributePath_PrintsSchemaNameAndSubAttribute()
    {
        Assert.Equal("userName", Attr("userName").ToString());
        Assert.Equal("name.givenName", Attr("name.givenName").ToString());
        Assert.Equal(EnterpriseUser + ":employeeNumber", Urn(EnterpriseUser, "employeeNumber").ToString());
        Assert.Equal(EnterpriseUser + ":manager.value", Urn(EnterpriseUser, "manager", "value").ToString());
    }

    [Fact]
    public void ToString_Values_PrintAsFilterLiterals()
    {
        Assert.Equal("\"a\\\"b\"", Str("a\"b").ToString());
        Assert.Equal("-1.5e3", Num("-1.5e3").ToString());
        Assert.Equal("true", Bool(true).ToString());
        Assert.Equal("false", Bool(false).ToString());
        Assert.Equal("null", Null.ToString());
    }
}
