using Scim.Core.Filtering;
using static Scim.Core.Filtering.ComparisonOperator;
using static Scim.Core.Tests.Filtering.Ast;

namespace Scim.Core.Tests.Filtering;

/// <summary>PATCH operation paths (RFC 7644 §3.5.2): <c>attrPath</c>, <c>valuePath</c> and <c>valuePath.subAttr</c>.</summary>
public sealed class PatchPathParserTests
{
    private const string Member = "2819c223-7f76-453a-919d-413861904646";

    // The expected path travels as object: PatchPath is internal to Scim.Core.
    public static TheoryData<string, object> ValidPaths => new()
    {
        { "members", Patch(Attr("members")) },
        { "name.familyName", Patch(Attr("name.familyName")) },
        { " members ", Patch(Attr("members")) },
        { "\tname.givenName\n", Patch(Attr("name.givenName")) },
        { "members[value eq \"" + Member + "\"]", Patch(Attr("members"), Eq("value", Member)) },
        { "emails[type eq \"work\"].value", Patch(Attr("emails"), Eq("type", "work"), "value") },
        { "addresses[type eq \"work\"].streetAddress", Patch(Attr("addresses"), Eq("type", "work"), "streetAddress") },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", Patch(Urn(EnterpriseUser, "employeeNumber")) },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", Patch(Urn(EnterpriseUser, "manager", "value")) },
        { "members[value eq \"x\" or value eq \"y\"]", Patch(Attr("members"), Or(Eq("value", "x"), Eq("value", "y"))) },
        {
            "emails[type eq \"work\" and primary eq true].display",
            Patch(Attr("emails"), And(Eq("type", "work"), Cmp("primary", Equal, Bool(true))), "display")
        },
        { "members[value eq \"2819c223\"].$ref", Patch(Attr("members"), Eq("value", "2819c223"), "$ref") },
        { "urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\"].value", Patch(Urn(CoreUser, "emails"), Eq("type", "work"), "value") },
        { "EMAILS[TYPE EQ \"work\"].VALUE", Patch(Attr("EMAILS"), Eq("TYPE", "work"), "VALUE") },
        { "emails[not (type eq \"work\")]", Patch(Attr("emails"), Not(Eq("type", "work"))) },
        { "emails[type eq \"work\"] ", Patch(Attr("emails"), Eq("type", "work")) },
        { "emails[ type eq \"work\" ].value ", Patch(Attr("emails"), Eq("type", "work"), "value") },
        { "x509Certificates[value pr].value", Patch(Attr("x509Certificates"), Pr("value"), "value") },
        { "members[value eq 2819c223]", Patch(Attr("members"), Eq("value", "2819c223")) },
        { "not", Patch(Attr("not")) },
    };

    public static TheoryData<string, int, string> MalformedPaths => new()
    {
        { "emails[type eq \"work\"", 22, "expected ']' at column 22 (the end of the input)" },
        { "emails[type eq \"work\"]x", 23, "expected '.subAttribute' or the end of the path at column 23 (found 'x')" },
        { "emails[type eq \"work\"].", 24, "expected '.subAttribute' at column 24 (the end of the input)" },
        { "emails[type eq \"work\"] .value", 24, "expected '.subAttribute' or the end of the path at column 24" },
        { "emails[type eq \"work\"]. value", 24, "expected '.subAttribute' at column 24 (found ' ')" },
        { "a b", 3, "expected '[' or the end of the path at column 3 (found 'b')" },
        { "a eq \"x\"", 3, "expected '[' or the end of the path at column 3 (found 'eq')" },
        { string.Empty, 1, "expected an attribute path at column 1 (the end of the input)" },
        { "   ", 4, "expected an attribute path at column 4 (the end of the input)" },
        { "emails[]", 8, "expected 'not' or '(' or an attribute path at column 8 (found ']')" },
        { "a[b pr]]", 8, "expected '.subAttribute' or the end of the path at column 8 (found ']')" },
        { "a[b pr]c", 8, "expected '.subAttribute' or the end of the path at column 8 (found 'c')" },
        { "(a pr)", 1, "expected an attribute path at column 1 (found '(')" },
        { "members[value eq 2819c223", 26, "expected ']' at column 26" },
        { "members[value eq \"x\")", 21, "expected ']' at column 21 (found ')')" },
        { "emails[type eq \"work\"][value pr]", 23, "expected '.subAttribute' or the end of the path at column 23 (found '[')" },
    };

    // The column points at the first character that cannot be accepted.
    public static TheoryData<string, int, string> MalformedPathNames => new()
    {
        { "emails[type eq \"work\"].value.x", 29, "found '.x'" },
        { "emails[type eq \"work\"].1x", 24, "expected an attribute name at column 24 (found '1x')" },
        { "urn:", 1, "expected a schema URN followed by ':' and an attribute name (got 'urn:') at column 1" },
        { "a.b.c", 1, "(got 'a.b.c') at column 1" },
        { "a.", 1, "(got 'a.') at column 1" },
        { "a:b", 1, "'a:b' has ':' but does not start with 'urn:' at column 1" },
    };

    [Theory]
    [MemberData(nameof(ValidPaths))]
    public void ParsePatchPath_ValidPath_ReturnsPathFilterAndSubAttribute(string path, object expected) =>
        FilterAssert.PathParses(path, (PatchPath)expected);

    [Theory]
    [MemberData(nameof(MalformedPaths))]
    public void ParsePatchPath_MalformedPath_ThrowsInvalidPathAtColumn(string path, int column, string fragment)
    {
        var error = FilterAssert.PathFails(path, column, fragment);
        Assert.StartsWith("Invalid path: expected ", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MalformedPathNames))]
    public void ParsePatchPath_MalformedAttributeOrSubAttributeName_ThrowsInvalidPathAtBadName(string path, int column, string fragment) =>
        FilterAssert.PathFails(path, column, fragment);

    [Fact]
    public void ParsePatchPath_UnquotedValueInStrictMode_ThrowsInvalidPath() =>
        FilterAssert.PathFails(
            "members[value eq 2819c223]",
            18,
            "expected a comparison value (a quoted string, number, true, false or null) at column 18 (found '2819c223')",
            FilterAssert.Strict);

    [Fact]
    public void ParsePatchPath_ValueFilterWithoutSubAttribute_HasNullSubAttribute()
    {
        var path = ScimFilterParser.ParsePatchPath("members[value eq \"" + Member + "\"]");

        Assert.Equal(Attr("members"), path.Path);
        Assert.Equal(Eq("value", Member), path.ValueFilter);
        Assert.Null(path.SubAttribute);
    }

    [Fact]
    public void ParsePatchPath_PlainSubAttributePath_KeepsSubAttributeInAttributePath()
    {
        var path = ScimFilterParser.ParsePatchPath("name.familyName");

        Assert.Equal(new AttributePath(null, "name", "familyName"), path.Path);
        Assert.Null(path.ValueFilter);
        Assert.Null(path.SubAttribute);
    }
}
