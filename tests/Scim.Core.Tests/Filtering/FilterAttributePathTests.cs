using Scim.Core.Filtering;
using static Scim.Core.Filtering.ComparisonOperator;
using static Scim.Core.Tests.Filtering.Ast;

namespace Scim.Core.Tests.Filtering;

/// <summary>Attribute paths (plain, sub-attribute, URN-qualified, <c>$ref</c>) and value paths (<c>attr[filter]</c>).</summary>
public sealed class FilterAttributePathTests
{
    public static TheoryData<string, FilterExpression> AttributePaths => new()
    {
        { "userName pr", Pr(Attr("userName")) },
        { "name.givenName pr", Pr(Attr("name.givenName")) },
        { "UserName pr", Pr(Attr("UserName")) },
        { "NAME.FAMILYNAME pr", Pr(Attr("NAME.FAMILYNAME")) },
        { "urn:ietf:params:scim:schemas:core:2.0:User:userName pr", Pr(Urn(CoreUser, "userName")) },
        { "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName pr", Pr(Urn(CoreUser, "name", "familyName")) },
        {
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"",
            Cmp(Urn(EnterpriseUser, "employeeNumber"), Equal, Str("701984"))
        },
        {
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\"",
            Cmp(Urn(EnterpriseUser, "manager", "value"), Equal, Str("26118915-6090-4610-87e4-49d8ca9f808d"))
        },
        { "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:USERNAME pr", Pr(Urn("URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER", "USERNAME")) },
        { "urn:example:app pr", Pr(Urn("urn:example", "app")) },
        { "$ref pr", Pr(Attr("$ref")) },
        { "members.$ref eq \"https://example.com/v2/Users/2819c223\"", Cmp("members.$ref", Equal, Str("https://example.com/v2/Users/2819c223")) },
        { "addr2 pr", Pr(Attr("addr2")) },
        { "x-custom-attr pr", Pr(Attr("x-custom-attr")) },
        { "my_attr.sub_attr pr", Pr(Attr("my_attr.sub_attr")) },
        { "a1-b_2.c3-d_4 pr", Pr(Attr("a1-b_2.c3-d_4")) },
        { "notes pr", Pr(Attr("notes")) },
        { "and pr", Pr(Attr("and")) },
        { "a pr and or pr", And(Pr("a"), Pr(Attr("or"))) },
        { "pr pr", Pr(Attr("pr")) },
        { "eq eq \"eq\"", Cmp("eq", Equal, Str("eq")) },
        { "true eq true", Cmp("true", Equal, Bool(true)) },
    };

    public static TheoryData<string, FilterExpression> ValuePaths => new()
    {
        { "emails[type eq \"work\"]", Vp("emails", Eq("type", "work")) },
        { "emails[type eq \"work\" or type eq \"home\"]", Vp("emails", Or(Eq("type", "work"), Eq("type", "home"))) },
        { "emails[not (type eq \"work\")]", Vp("emails", Not(Eq("type", "work"))) },
        {
            "emails[type eq \"work\" and not (value ew \".org\") or primary eq true]",
            Vp("emails", Or(And(Eq("type", "work"), Not(Cmp("value", EndsWith, Str(".org")))), Cmp("primary", Equal, Bool(true))))
        },
        {
            "emails[(type eq \"work\" or type eq \"home\") and primary eq true]",
            Vp("emails", And(Or(Eq("type", "work"), Eq("type", "home")), Cmp("primary", Equal, Bool(true))))
        },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[value pr]", Vp(Urn(EnterpriseUser, "manager"), Pr("value")) },
        { "emails[type eq \"work\"] and phoneNumbers[type eq \"mobile\"]", And(Vp("emails", Eq("type", "work")), Vp("phoneNumbers", Eq("type", "mobile"))) },
        { "not (emails[type eq \"work\"])", Not(Vp("emails", Eq("type", "work"))) },
        { "x509Certificates[value pr]", Vp("x509Certificates", Pr("value")) },
        { "EMAILS[TYPE EQ \"work\"]", Vp("EMAILS", Eq("TYPE", "work")) },
        {
            "emails[type eq \"work\"] or (title pr and emails[primary eq true])",
            Or(Vp("emails", Eq("type", "work")), And(Pr("title"), Vp("emails", Cmp("primary", Equal, Bool(true)))))
        },
    };

    // RFC 7644 §8: ATTRNAME = ALPHA *(nameChar), so "not" is an attribute name like any other; without
    // a following '(' it cannot be the not-operator.
    public static TheoryData<string, FilterExpression> AttributesNamedNot => new()
    {
        { "not pr", Pr(Attr("not")) },
        { "not eq \"x\"", Eq("not", "x") },
        { "title pr and not pr", And(Pr("title"), Pr(Attr("not"))) },
    };

    [Theory]
    [MemberData(nameof(AttributePaths))]
    public void Parse_AttributePath_KeepsSchemaNameAndSubAttributeAsWritten(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Theory]
    [MemberData(nameof(ValuePaths))]
    public void Parse_ValuePath_ReturnsValuePathFilterWithInnerTree(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Theory]
    [MemberData(nameof(AttributesNamedNot))]
    public void Parse_AttributeNamedNot_IsAnAttributePath(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);
}
