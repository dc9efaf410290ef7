using Scim.Core.Filtering;
using static Scim.Core.Filtering.ComparisonOperator;
using static Scim.Core.Tests.Filtering.Ast;

namespace Scim.Core.Tests.Filtering;

/// <summary>Every filter example of RFC 7644 §3.4.2.2, with the exact tree it must parse to.</summary>
public sealed class RfcFilterExampleTests
{
    public static TheoryData<string, FilterExpression> RfcExamples => new()
    {
        { "userName eq \"bjensen\"", Eq("userName", "bjensen") },
        { "name.familyName co \"O'Malley\"", Cmp("name.familyName", Contains, Str("O'Malley")) },
        { "userName sw \"J\"", Cmp("userName", StartsWith, Str("J")) },
        { "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"", Cmp(Urn(CoreUser, "userName"), StartsWith, Str("J")) },
        { "title pr", Pr("title") },
        { "meta.lastModified gt \"2011-05-13T04:42:34Z\"", Cmp("meta.lastModified", GreaterThan, Str("2011-05-13T04:42:34Z")) },
        { "meta.lastModified ge \"2011-05-13T04:42:34Z\"", Cmp("meta.lastModified", GreaterThanOrEqual, Str("2011-05-13T04:42:34Z")) },
        { "meta.lastModified lt \"2011-05-13T04:42:34Z\"", Cmp("meta.lastModified", LessThan, Str("2011-05-13T04:42:34Z")) },
        { "meta.lastModified le \"2011-05-13T04:42:34Z\"", Cmp("meta.lastModified", LessThanOrEqual, Str("2011-05-13T04:42:34Z")) },
        { "title pr and userType eq \"Employee\"", And(Pr("title"), Eq("userType", "Employee")) },
        { "title pr or userType eq \"Intern\"", Or(Pr("title"), Eq("userType", "Intern")) },
        { "schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"", Eq("schemas", EnterpriseUser) },
        {
            "userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")",
            And(
                Eq("userType", "Employee"),
                Or(Cmp("emails", Contains, Str("example.com")), Cmp("emails.value", Contains, Str("example.org"))))
        },
        {
            "userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
            And(
                Cmp("userType", NotEqual, Str("Employee")),
                Not(Or(Cmp("emails", Contains, Str("example.com")), Cmp("emails.value", Contains, Str("example.org")))))
        },
        {
            "userType eq \"Employee\" and (emails.type eq \"work\")",
            And(Eq("userType", "Employee"), Eq("emails.type", "work"))
        },
        {
            "userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
            And(
                Eq("userType", "Employee"),
                Vp("emails", And(Eq("type", "work"), Cmp("value", Contains, Str("@example.com")))))
        },
        {
            "emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
            Or(
                Vp("emails", And(Eq("type", "work"), Cmp("value", Contains, Str("@example.com")))),
                Vp("ims", And(Eq("type", "xmpp"), Cmp("value", Contains, Str("@foo.com")))))
        },
    };

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void Parse_RfcExample_ReturnsExpectedTree(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected);

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void Parse_RfcExampleInStrictMode_ReturnsSameTree(string filter, FilterExpression expected) =>
        FilterAssert.Parses(filter, expected, FilterAssert.Strict);
}
