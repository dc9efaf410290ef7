using Scim.Core.Filtering;
using static Scim.Core.Filtering.ComparisonOperator;
using static Scim.Core.Tests.Filtering.Ast;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// A value path followed by a comparison on one of its sub-attributes, as Entra ID sends it to
/// match a user by work email (<c>emails[type eq "work"].value eq "x@example.com"</c>): lenient
/// mode reads it as the RFC 7644 value path holding both comparisons; strict mode refuses it.
/// </summary>
public sealed class ValuePathComparisonParserTests
{
    private const string Entra = "emails[type eq \"work\"].value eq \"x@example.com\"";

    private static readonly ValuePathFilter EntraTree = Vp("emails", And(Eq("type", "work"), Eq("value", "x@example.com")));

    public static TheoryData<string, FilterExpression> Accepted => new()
    {
        { Entra, EntraTree },
        { "emails[type eq \"work\"].value ne \"x\"", Vp("emails", And(Eq("type", "work"), Cmp("value", NotEqual, Str("x")))) },
        { "emails[type eq \"work\"].value co \"@example.com\"", Vp("emails", And(Eq("type", "work"), Cmp("value", Contains, Str("@example.com")))) },
        { "emails[type eq \"work\"].value sw \"x@\"", Vp("emails", And(Eq("type", "work"), Cmp("value", StartsWith, Str("x@")))) },
        { "emails[type eq \"work\"].value ew \".com\"", Vp("emails", And(Eq("type", "work"), Cmp("value", EndsWith, Str(".com")))) },
        { "emails[type eq \"work\"].value gt \"m\"", Vp("emails", And(Eq("type", "work"), Cmp("value", GreaterThan, Str("m")))) },
        { "emails[type eq \"work\"].value pr", Vp("emails", And(Eq("type", "work"), Pr("value"))) },
        { "emails[type eq \"work\"].primary eq true", Vp("emails", And(Eq("type", "work"), Cmp("primary", Equal, Bool(true)))) },
        { "emails[type eq \"work\"].$ref eq null", Vp("emails", And(Eq("type", "work"), Cmp("$ref", Equal, Null))) },
        { "EMAILS[TYPE EQ \"work\"].VALUE EQ \"x\"", Vp("EMAILS", And(Eq("TYPE", "work"), Eq("VALUE", "x"))) },
        { "emails[ type eq \"work\" ].value   eq\t\"x\" ", EntraTreeWith("x") },
        { "emails[type eq \"work\"].value eq x@example.com", EntraTree },
        { "emails[type eq \"work\"].value PR", Vp("emails", And(Eq("type", "work"), Pr("value"))) },
        // The bracketed filter stays one operand: (a or b) and the comparison.
        {
            "emails[type eq \"work\" or type eq \"home\"].value eq \"x\"",
            Vp("emails", And(Or(Eq("type", "work"), Eq("type", "home")), Eq("value", "x")))
        },
        {
            "emails[type eq \"work\" and primary eq true].value co \"x\"",
            Vp("emails", And(And(Eq("type", "work"), Cmp("primary", Equal, Bool(true))), Cmp("value", Contains, Str("x"))))
        },
        { $"{CoreUser}:emails[type eq \"work\"].value eq \"x\"", Vp(Urn(CoreUser, "emails"), And(Eq("type", "work"), Eq("value", "x"))) },
        // It is one term among others: precedence and not apply to it as to any comparison.
        { "userName eq \"b\" or " + Entra, Or(Eq("userName", "b"), EntraTree) },
        { Entra + " and active eq true", And(EntraTree, Cmp("active", Equal, Bool(true))) },
        { "active eq true and " + Entra + " or title pr", Or(And(Cmp("active", Equal, Bool(true)), EntraTree), Pr("title")) },
        { "not (" + Entra + ")", Not(EntraTree) },
        { "(" + Entra + ")", EntraTree },
        { "phoneNumbers[type eq \"mobile\"].value ew \"0199\"", Vp("phoneNumbers", And(Eq("type", "mobile"), Cmp("value", EndsWith, Str("0199")))) },
    };

    // Lenient mode: the column of the first character that cannot be read, and what was expected there.
    public static TheoryData<string, int, string> Malformed => new()
    {
        { "emails[type eq \"work\"].value", 29, "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) at column 29 (the end of the input)" },
        { "emails[type eq \"work\"].value equ \"x\"", 30, "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) at column 30 (found 'equ')" },
        { "emails[type eq \"work\"].value eq", 32, "expected a comparison value at column 32 (the end of the input)" },
        { "emails[type eq \"work\"].value pr \"x\"", 33, "expected 'and', 'or' or the end of the filter at column 33 (found '\"')" },
        { "emails[type eq \"work\"].", 24, "expected '.subAttribute' at column 24 (the end of the input)" },
        { "emails[type eq \"work\"]. value eq \"x\"", 24, "expected '.subAttribute' at column 24 (found ' ')" },
        { "emails[type eq \"work\"].1x eq \"x\"", 24, "expected an attribute name at column 24 (found '1x')" },
        // A dotted name is not a sub-attribute: reported from the start of the token.
        { "emails[type eq \"work\"].value.display eq \"x\"", 24, "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) at column 24 (found 'value.display')" },
        { "emails[type eq \"work\"] .value eq \"x\"", 24, "expected 'and', 'or' or the end of the filter at column 24 (found '.value')" },
        { "emails[type eq \"work\"].value eq \"x\"]", 36, "expected 'and', 'or' or the end of the filter at column 36 (found ']')" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Parse_ValuePathThenSubAttributeComparison_ReadsAsOneValuePath(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Fact]
    public void Parse_EntraWorkEmailMatch_EqualsTheBracketedRfcForm()
    {
        var entra = ScimFilterParser.Parse(Entra);

        Assert.Equal(ScimFilterParser.Parse("emails[type eq \"work\" and value eq \"x@example.com\"]"), entra);
        Assert.Equal("emails[type eq \"work\" and value eq \"x@example.com\"]", entra.ToString());
    }

    [Fact]
    public void Parse_EntraWorkEmailMatch_TakesTheFastPath()
    {
        // The lookup Entra sends before every create must not fall back to the slower grammar.
        Assert.Equal(EntraTree, FastFilterParser.TryParseFilter(Entra, lenient: true));
        Assert.Null(FastFilterParser.TryParseFilter(Entra, lenient: false));
    }

    [Fact]
    public void Parse_ValuePathThenSubAttributeInStrictMode_ThrowsInvalidFilterAtTheDot() =>
        FilterAssert.Fails(Entra, 23, "expected 'and', 'or' or the end of the filter at column 23 (found '.value')", FilterAssert.Strict);

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_MalformedValuePathThenSubAttribute_ThrowsInvalidFilterAtColumn(string filter, int column, string fragment) =>
        FilterAssert.Fails(filter, column, fragment);

    [Fact]
    public void ParsePatchPath_ValuePathSubAttribute_IsStillAPathWithoutComparison()
    {
        FilterAssert.PathParses("emails[type eq \"work\"].value", Patch(Attr("emails"), Eq("type", "work"), "value"));
        FilterAssert.PathFails(Entra, 30, "or the end of the path at column 30 (found 'eq')");
    }

    private static ValuePathFilter EntraTreeWith(string value) => Vp("emails", And(Eq("type", "work"), Eq("value", value)));
}
