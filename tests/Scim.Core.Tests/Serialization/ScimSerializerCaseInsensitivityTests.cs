using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// RFC 7643 §2.1: attribute names and schema URNs are case-insensitive on input. Whatever the
/// casing read, output uses each schema's canonical casing, nests extension attributes under the
/// canonical URN, and lists in <c>schemas</c> exactly the schemas that have a value.
/// </summary>
public sealed class ScimSerializerCaseInsensitivityTests
{
    private readonly ScimSerializer _serializer = new(SchemaRegistry.CreateDefault());

    private const string ShoutedUser = """
        {
          "SCHEMAS": ["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"],
          "USERNAME": "bjensen@example.com",
          "NAME": { "GIVENNAME": "Barbara", "familyname": "Jensen" },
          "Emails": [ { "VALUE": "bjensen@example.com", "Type": "work", "PRIMARY": true } ],
          "ACTIVE": false,
          "X509CERTIFICATES": [ { "Value": "TWFu" } ],
          "Groups": [ { "VALUE": "e9e30dba", "$REF": "../Groups/e9e30dba" } ],
          "META": { "RESOURCETYPE": "User", "CREATED": "2010-01-23T04:56:22Z" }
        }
        """;

    [Fact]
    public void ReadUser_AttributeNamesInAnyCase_FillsTypedProperties()
    {
        var user = _serializer.ReadUser(Payloads.Utf8(ShoutedUser));

        Assert.Equal("bjensen@example.com", user.UserName);
        Assert.Equal("Barbara", user.Name?.GivenName);
        Assert.Equal("Jensen", user.Name?.FamilyName);
        var email = Assert.Single(user.Emails);
        Assert.Equal(("bjensen@example.com", "work", true), (email.Value, email.Type, email.Primary));
        Assert.False(user.Active);
        Assert.Equal("TWFu", Assert.Single(user.X509Certificates).Value);
        Assert.Equal("../Groups/e9e30dba", Assert.Single(user.Groups).Ref);
        Assert.Equal(new DateTimeOffset(2010, 1, 23, 4, 56, 22, TimeSpan.Zero), user.Meta?.Created);
    }

    [Fact]
    public void Serialize_UserReadInAnyCase_WritesCanonicalNames()
    {
        var user = _serializer.ReadUser(Payloads.Utf8(ShoutedUser));

        var expected = JsonTree.Parse("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "bjensen@example.com",
              "name": { "givenName": "Barbara", "familyName": "Jensen" },
              "emails": [ { "value": "bjensen@example.com", "type": "work", "primary": true } ],
              "active": false,
              "x509Certificates": [ { "value": "TWFu" } ],
              "groups": [ { "value": "e9e30dba", "$ref": "../Groups/e9e30dba" } ],
              "meta": { "resourceType": "User", "created": "2010-01-23T04:56:22Z" }
            }
            """);
        JsonTree.Equal(expected, JsonTree.Parse(ScimSerializer.Serialize(user)));
    }

    [Fact]
    public void ReadUser_ExtensionUrnInAnyCase_NestsUnderCanonicalUrn()
    {
        var body = """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER"],
              "userName": "bjensen",
              "Urn:Ietf:Params:Scim:Schemas:Extension:Enterprise:2.0:User": {
                "EMPLOYEENUMBER": "701984",
                "Manager": { "VALUE": "26118915", "$Ref": "../Users/26118915" }
              }
            }
            """;

        var user = _serializer.ReadUser(Payloads.Utf8(body));

        Assert.Equal("701984", user.EnterpriseUser?.EmployeeNumber);
        Assert.Equal("../Users/26118915", user.EnterpriseUser?.Manager?.Ref);
        var expected = JsonTree.Parse("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "userName": "bjensen",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "employeeNumber": "701984",
                "manager": { "value": "26118915", "$ref": "../Users/26118915" }
              }
            }
            """);
        JsonTree.Equal(expected, JsonTree.Parse(ScimSerializer.Serialize(user)));
    }

    [Theory]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")]
    [InlineData("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:DEPARTMENT")]
    public void ReadUser_QualifiedExtensionAttributeAtTopLevel_NestsItUnderUrn(string key)
    {
        // RFC 7644 §3.10: a fully qualified name is a valid way to name an extension attribute.
        var body = Payloads.NamedUser($$""" "{{key}}": "Tour Operations" """);

        var user = _serializer.ReadUser(Payloads.Utf8(body));

        Assert.Equal("Tour Operations", user.EnterpriseUser?.Department);
        var written = JsonTree.Parse(ScimSerializer.Serialize(user));
        Assert.Equal("Tour Operations", written[Payloads.EnterpriseUrn]?["department"]?.GetValue<string>());
        Assert.Equal(Payloads.EnterpriseUrn, written["schemas"]?[1]?.GetValue<string>());
    }

    [Fact]
    public void ReadUser_QualifiedCoreAttribute_ReadsIt()
    {
        var body = Payloads.User(""" "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:USERNAME": "bjensen" """);

        var user = _serializer.ReadUser(Payloads.Utf8(body));

        Assert.Equal("bjensen", user.UserName);
    }

    [Theory]
    [InlineData("")]
    [InlineData($$""", "{{Payloads.EnterpriseUrn}}": {} """)]
    [InlineData($$""", "{{Payloads.EnterpriseUrn}}": null """)]
    [InlineData($$""", "{{Payloads.EnterpriseUrn}}": { "employeeNumber": null, "manager": { "value": null } } """)]
    public void Serialize_ExtensionListedButWithoutValue_ListsOnlyCoreSchema(string extension)
    {
        var body = $$"""{"schemas":["{{Payloads.UserUrn}}","{{Payloads.EnterpriseUrn}}"],"userName":"bjensen"{{extension}}}""";

        var user = _serializer.ReadUser(Payloads.Utf8(body));

        var written = JsonTree.Parse(ScimSerializer.Serialize(user));
        Assert.Equal([Payloads.UserUrn], user.Schemas);
        Assert.Equal([Payloads.UserUrn], written["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.False(written.ContainsKey(Payloads.EnterpriseUrn));
    }

    [Fact]
    public void ReadGroup_AttributeNamesInAnyCase_WritesCanonicalNames()
    {
        var body = """
            {
              "Schemas": ["urn:ietf:params:scim:schemas:core:2.0:group"],
              "DISPLAYNAME": "Tour Guides",
              "MEMBERS": [ { "Value": "2819c223", "$REF": "../Users/2819c223", "TYPE": "User" } ]
            }
            """;

        var group = _serializer.ReadGroup(Payloads.Utf8(body));

        Assert.Equal("Tour Guides", group.DisplayName);
        Assert.Equal(("2819c223", "../Users/2819c223", "User"), (group.Members[0].Value, group.Members[0].Ref, group.Members[0].Type));
        var expected = JsonTree.Parse("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "displayName": "Tour Guides",
              "members": [ { "value": "2819c223", "$ref": "../Users/2819c223", "type": "User" } ]
            }
            """);
        JsonTree.Equal(expected, JsonTree.Parse(ScimSerializer.Serialize(group)));
    }
}
