using System.Text.Json.Nodes;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// Every filter example of RFC 7644 §3.4.2.2 evaluated against the RFC 7643 §8.2 full user, in
/// four forms (serialized from the typed <see cref="User"/> and parsed, the same built by
/// <see cref="ScimSerializer.ToJsonObject"/>, normalized by <see cref="ScimSerializer.ReadResource"/>,
/// and the file as written), and translated to LINQ
/// over the typed user. The §8.2 user: userName "bjensen@example.com", familyName "Jensen",
/// title "Tour Guide", userType "Employee", work email bjensen@example.com (primary), home email
/// babs@jensen.org, one ims (aim), lastModified 2011-05-13T04:42:34Z, core schema only.
/// </summary>
public sealed class FilterEvaluatorRfcExampleTests
{
    private const string FullUserFile = "rfc7643-8.2-full-user.json";
    private const string EnterpriseUserFile = "rfc7643-8.3-enterprise-user.json";
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;

    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();
    private static readonly ScimResourceType UserType = Registry.FindResourceType("User")!;

    public static TheoryData<string, bool> RfcExamples => new()
    {
        // userName is "bjensen@example.com": eq compares the whole value.
        { "userName eq \"bjensen\"", false },
        { "name.familyName co \"O'Malley\"", false },
        // "bjensen@..." starts with 'b', not 'J' (case aside).
        { "userName sw \"J\"", false },
        { "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"", false },
        { "title pr", true },
        // lastModified is exactly 2011-05-13T04:42:34Z: not gt, not lt, but ge and le.
        { "meta.lastModified gt \"2011-05-13T04:42:34Z\"", false },
        { "meta.lastModified ge \"2011-05-13T04:42:34Z\"", true },
        { "meta.lastModified lt \"2011-05-13T04:42:34Z\"", false },
        { "meta.lastModified le \"2011-05-13T04:42:34Z\"", true },
        { "title pr and userType eq \"Employee\"", true },
        { "title pr or userType eq \"Intern\"", true },
        // The work email contains "example.com".
        { "userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")", true },
        { "userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")", false },
        { "userType eq \"Employee\" and (emails.type eq \"work\")", true },
        { "userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]", true },
        // The first half matches; the user has no xmpp ims.
        { "emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]", true },
        // The two spellings §3.4.2.2 says are equivalent (names and operators are case-insensitive).
        { "userName Eq \"john\"", false },
        { "Username eq \"john\"", false },
    };

    public static TheoryData<string, bool> ReasonedVariants => new()
    {
        { "userName sw \"B\"", true },
        { "userName eq \"BJENSEN@EXAMPLE.COM\"", true },
        { "name.familyName co \"ENS\"", true },
        { "ims[type eq \"xmpp\" and value co \"@foo.com\"]", false },
        { "ims[type eq \"aim\" and value co \"handle\"]", true },
        // 06:42:33+02:00 is one second before lastModified; 06:42:34+02:00 is the same instant.
        { "meta.lastModified gt \"2011-05-13T06:42:33+02:00\"", true },
        { "meta.lastModified eq \"2011-05-13T06:42:34+02:00\"", true },
        { "meta.created lt \"2010-01-23T04:56:22.0000001Z\"", true },
        // The home email is babs@jensen.org: no single email is both home and at example.com...
        { "emails[type eq \"home\" and value co \"@example.com\"]", false },
        // ...but different emails satisfy the two halves without brackets.
        { "emails.type eq \"home\" and emails.value co \"@example.com\"", true },
        { "emails ne \"babs@jensen.org\"", false },
        { "phoneNumbers[type eq \"mobile\" and value eq \"555-555-4444\"]", true },
        { "addresses[type eq \"home\" and postalCode eq \"91608\" and primary eq true]", false },
        { "addresses[type eq \"work\" and primary eq true]", true },
        { "groups.display eq \"employees\"", true },
        { "x509Certificates pr", true },
        { "entitlements pr", false },
        { "active eq true and not (userType eq \"Intern\")", true },
        // id and meta.version are caseExact.
        { "id eq \"2819c223-7f76-453a-919d-413861904646\"", true },
        { "id eq \"2819C223-7F76-453A-919D-413861904646\"", false },
        { "meta.version eq \"W/\\\"a330bc54f0671c9\\\"\"", true },
        { "meta.version eq \"w/\\\"A330BC54F0671C9\\\"\"", false },
        // Lenient: an unquoted number compared with a string attribute is its text.
        { "externalId eq 701984", true },
    };

    public static TheoryData<string, string, bool> SchemaExamples => new()
    {
        // §8.2 carries only the core schema; §8.3 adds the Enterprise User extension.
        { FullUserFile, $"schemas eq \"{Enterprise}\"", false },
        { EnterpriseUserFile, $"schemas eq \"{Enterprise}\"", true },
        { FullUserFile, "schemas eq \"urn:ietf:params:scim:schemas:core:2.0:User\"", true },
        { EnterpriseUserFile, $"schemas ne \"{Enterprise}\"", false },
        { EnterpriseUserFile, $"{Enterprise}:employeeNumber eq \"701984\"", true },
        { EnterpriseUserFile, "manager.displayName eq \"john smith\"", true },
        { EnterpriseUserFile, $"{Enterprise}:department sw \"tour\"", true },
        { FullUserFile, "department pr", false },
    };

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void Compile_Rfc7644Example_MatchesFullUserAsReasoned(string filter, bool expected) =>
        AssertEveryForm(FullUserFile, filter, expected, translate: true);

    [Theory]
    [MemberData(nameof(ReasonedVariants))]
    public void Compile_VariantOnFullUser_MatchesAsReasoned(string filter, bool expected) =>
        AssertEveryForm(FullUserFile, filter, expected, translate: true);

    [Theory]
    [MemberData(nameof(SchemaExamples))]
    public void Compile_SchemaExample_MatchesAsReasoned(string file, string filter, bool expected) =>
        AssertEveryForm(file, filter, expected, translate: !filter.StartsWith("schemas", StringComparison.Ordinal));

    [Fact]
    public void Compile_FullUserForms_HoldSameAttributes()
    {
        // The three forms differ only in what the serializer leaves out (password) and in "schemas".
        var typed = Serialized(FullUserFile);
        var raw = Raw(FullUserFile);

        Assert.False(typed.ContainsKey("password"));
        Assert.True(raw.ContainsKey("password"));
        Assert.Equal("bjensen@example.com", typed["userName"]!.GetValue<string>());
        Assert.Equal("2011-05-13T04:42:34Z", typed["meta"]!["lastModified"]!.GetValue<string>());
        Assert.False(Normalized(FullUserFile).ContainsKey("schemas"));
    }

    private static void AssertEveryForm(string file, string filter, bool expected, bool translate)
    {
        var evaluator = new ScimFilterEvaluator(Registry);
        var predicate = evaluator.Compile(filter, UserType);

        Assert.Equal(expected, predicate(Serialized(file)));
        Assert.Equal(expected, predicate(Normalized(file)));
        Assert.Equal(expected, predicate(Raw(file)));
        Assert.Equal(expected, predicate(ScimSerializer.ToJsonObject(Typed(file))));
        if (translate)
        {
            var translator = new LinqFilterTranslator(Registry) { CaseFolding = CaseFolding.ToUpperInvariant };
            Assert.Equal(expected, translator.Translate(filter, UserType, ResourceMappings.User).Compile()(Typed(file)));
        }
    }

    private static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", file));

    private static User Typed(string file) => new ScimSerializer(Registry).ReadUser(Bytes(file));

    private static JsonObject Serialized(string file) => JsonNode.Parse(ScimSerializer.Serialize(Typed(file)))!.AsObject();

    private static JsonObject Normalized(string file) => new ScimSerializer(Registry).ReadResource(Bytes(file), UserType);

    private static JsonObject Raw(string file) => JsonNode.Parse(Bytes(file))!.AsObject();
}
