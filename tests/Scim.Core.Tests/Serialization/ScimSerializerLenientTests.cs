using Scim.Core.Errors;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// <see cref="UnknownAttributeHandling.Ignore"/>: unknown attributes, sub-attributes and schema
/// URNs are dropped; everything else is still checked exactly as with the default.
/// </summary>
public sealed class ScimSerializerLenientTests
{
    private const string Enterprise = Payloads.EnterpriseUrn;

    private const string KnownMembers = """
        "userName": "bjensen",
        "name": { "givenName": "Barbara" },
        "emails": [ { "value": "bjensen@example.com", "primary": true } ]
        """;

    private readonly ScimSerializer _lenient = new(
        SchemaRegistry.CreateDefault(),
        new ScimSerializerOptions { UnknownAttributes = UnknownAttributeHandling.Ignore });

    private readonly ScimSerializer _strict = new(SchemaRegistry.CreateDefault());

    /// <summary>Scenario, and a body that is <see cref="KnownMembers"/> plus something the User resource type does not define.</summary>
    public static TheoryData<string, string> BodiesWithUnknowns => new()
    {
        { "unknown attribute", Payloads.User(KnownMembers + """, "favouriteColour": "blue" """) },
        { "unknown complex attribute", Payloads.User(KnownMembers + """, "pet": { "name": "Rex", "tags": [1, 2] } """) },
        { "unknown sub-attribute", Payloads.User(KnownMembers.Replace("\"givenName\": \"Barbara\"", "\"givenName\": \"Barbara\", \"middleInitial\": \"J\"", StringComparison.Ordinal)) },
        { "unknown sub-attribute of a multi-valued attribute", Payloads.User(KnownMembers.Replace("\"primary\": true", "\"primary\": true, \"verified\": \"yes\"", StringComparison.Ordinal)) },
        { "unknown URN in schemas", $$"""{"schemas":["{{Payloads.UserUrn}}","urn:example:unknown:1.0:Thing"],{{KnownMembers}}}""" },
        { "unknown extension object", Payloads.User(KnownMembers + """, "urn:example:unknown:1.0:Thing": { "x": 1 } """) },
        { "unknown attribute inside a known extension", Payloads.User(KnownMembers + $$""", "{{Enterprise}}": { "costCentre": "4130" } """) },
        { "unqualified extension attribute", Payloads.User(KnownMembers + """, "employeeNumber": "701984" """) },
        { "dotted key", Payloads.User(KnownMembers + """, "name.familyName": "Jensen" """) },
        { "every kind at once", $$"""{"schemas":["{{Payloads.UserUrn}}","URN:EXAMPLE:OTHER"],{{KnownMembers}},"x":[],"y":null,"urn:example:z":{"a":"b"} }""" },
    };

    /// <summary>Scenario, body, expected scimType, text the detail must contain.</summary>
    public static TheoryData<string, string, string, string> BodiesStillRejected => new()
    {
        { "not JSON", "{", ScimErrorType.InvalidSyntax, "not valid JSON" },
        { "array root", "[]", ScimErrorType.InvalidSyntax, "got an array" },
        { "missing schemas", """{"userName":"bjensen"}""", ScimErrorType.InvalidSyntax, "'schemas'" },
        { "schemas containing a number", $$"""{"schemas":["{{Payloads.UserUrn}}",1],"userName":"bjensen"}""", ScimErrorType.InvalidSyntax, "'schemas'" },
        { "only an unknown URN in schemas", """{"schemas":["urn:example:unknown:1.0:Thing"],"userName":"bjensen"}""", ScimErrorType.InvalidSyntax, Payloads.UserUrn },
        { "Group schema sent for a User", $$"""{"schemas":["{{Payloads.GroupUrn}}"],"userName":"bjensen"}""", ScimErrorType.InvalidSyntax, Payloads.UserUrn },
        { "duplicate attribute", Payloads.NamedUser(""" "UserName": "babs" """), ScimErrorType.InvalidSyntax, "'userName' appears more than once" },
        { "missing userName", Payloads.User(""" "favouriteColour": "blue" """), ScimErrorType.InvalidValue, "'userName' is required" },
        { "userName a number", Payloads.User(""" "userName": 7, "favouriteColour": "blue" """), ScimErrorType.InvalidValue, "'userName'" },
        { "emails[0].primary a string", Payloads.NamedUser(""" "emails": [ { "value": "a@example.com", "primary": "true", "verified": 1 } ] """), ScimErrorType.InvalidValue, "'emails[0].primary'" },
        { "meta.created malformed", Payloads.NamedUser(""" "meta": { "created": "yesterday" } """), ScimErrorType.InvalidValue, "'meta.created'" },
        { "extension not an object", Payloads.NamedUser($$""" "{{Enterprise}}": "701984" """), ScimErrorType.InvalidValue, Enterprise },
        { "known extension attribute of the wrong type", Payloads.NamedUser($$""" "{{Enterprise}}": { "costCentre": 1, "department": 2 } """), ScimErrorType.InvalidValue, $"'{Enterprise}:department'" },
    };

    [Theory]
    [MemberData(nameof(BodiesWithUnknowns))]
    public void ReadUser_IgnoreUnknown_DropsWhatTheSchemaDoesNotDefine(string scenario, string body)
    {
        var lenient = ScimSerializer.Serialize(_lenient.ReadUser(Payloads.Utf8(body)));
        var strict = ScimSerializer.Serialize(_strict.ReadUser(Payloads.Utf8(Payloads.User(KnownMembers))));

        Assert.True(JsonTree.FirstDifference(JsonTree.Parse(strict), JsonTree.Parse(lenient), "$") is null, $"{scenario}: {lenient}");
    }

    [Theory]
    [MemberData(nameof(BodiesWithUnknowns))]
    public void ReadUser_DefaultOptionsWithUnknown_Throws400InvalidSyntax(string scenario, string body)
    {
        // The same bodies are what the default rejects, so the lenient test above tests the option.
        var ex = Assert.Throws<ScimException>(() => _strict.ReadUser(Payloads.Utf8(body)));

        Assert.True((400, ScimErrorType.InvalidSyntax) == (ex.Status, ex.ScimType), $"{scenario}: got {ex.Status} {ex.ScimType}.");
    }

    [Theory]
    [MemberData(nameof(BodiesStillRejected))]
    public void ReadUser_IgnoreUnknownWithOtherProblem_StillThrows400(string scenario, string body, string scimType, string detailFragment)
    {
        var ex = Assert.Throws<ScimException>(() => _lenient.ReadUser(Payloads.Utf8(body)));

        Assert.Equal((400, scimType), (ex.Status, ex.ScimType));
        Assert.True(ex.Detail.Contains(detailFragment, StringComparison.Ordinal), $"{scenario}: the detail \"{ex.Detail}\" does not contain \"{detailFragment}\".");
    }

    [Fact]
    public void ReadUser_IgnoreUnknownInsideExtension_KeepsKnownExtensionAttributes()
    {
        var body = Payloads.NamedUser($$""" "{{Enterprise}}": { "costCentre": "4130", "department": "Tour Operations" } """);

        var user = _lenient.ReadUser(Payloads.Utf8(body));

        Assert.Equal("Tour Operations", user.EnterpriseUser?.Department);
        Assert.Null(user.EnterpriseUser?.CostCenter);
    }

    [Fact]
    public void ReadGroup_IgnoreUnknown_DropsUnknownMemberSubAttribute()
    {
        var body = Payloads.NamedGroup(""" "members": [ { "value": "2819c223", "email": "bjensen@example.com" } ], "owner": "bjensen" """);

        var group = _lenient.ReadGroup(Payloads.Utf8(body));

        Assert.Equal("2819c223", Assert.Single(group.Members).Value);
        var written = JsonTree.Parse(ScimSerializer.Serialize(group));
        Assert.False(written.ContainsKey("owner"));
        Assert.False(written["members"]![0]!.AsObject().ContainsKey("email"));
    }
}
