using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// What the serializer writes for resources built in code or read from requests: never
/// <c>password</c> (returned: never), no nulls and no empty collections (both are unassigned,
/// RFC 7643 §2.5), no empty extension, dateTimes in UTC with 'Z'.
/// </summary>
public sealed class ScimSerializerWriteTests
{
    private static readonly string[] UserCollections =
        ["emails", "phoneNumbers", "ims", "photos", "addresses", "groups", "entitlements", "roles", "x509Certificates"];

    private static JsonObject Written(ScimResource resource) => JsonTree.Parse(ScimSerializer.Serialize(resource));

    [Fact]
    public void Serialize_UserReadWithPassword_NeverWritesPassword()
    {
        var user = new ScimSerializer(SchemaRegistry.CreateDefault()).ReadUser(Payloads.FileBytes(Payloads.FullUserFile));

        var json = ScimSerializer.Serialize(user);

        Assert.Equal("t1meMa$heen", user.Password);
        Assert.False(JsonTree.Parse(json).ContainsKey("password"));
        Assert.DoesNotContain("t1meMa", json, StringComparison.Ordinal);
    }

    [Fact]
    public void SerializeToUtf8Bytes_UserWithPassword_NeverWritesPassword()
    {
        var user = new User { UserName = "bjensen", Password = "t1meMa$heen" };

        var json = Encoding.UTF8.GetString(ScimSerializer.SerializeToUtf8Bytes(user));

        Assert.DoesNotContain("password", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("t1meMa", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_MinimalUser_WritesOnlySchemasAndUserName()
    {
        var user = new User { UserName = "bjensen" };

        JsonTree.Equal(JsonTree.Parse($$"""{"schemas":["{{Payloads.UserUrn}}"],"userName":"bjensen"}"""), Written(user));
    }

    [Fact]
    public void Serialize_MinimalGroup_WritesOnlySchemasAndDisplayName()
    {
        var group = new Group { DisplayName = "Tour Guides" };

        JsonTree.Equal(JsonTree.Parse($$"""{"schemas":["{{Payloads.GroupUrn}}"],"displayName":"Tour Guides"}"""), Written(group));
    }

    [Fact]
    public void Serialize_UserWithEmptyCollections_WritesNoCollection()
    {
        var user = new User { UserName = "bjensen", Emails = [], Roles = [] };

        var written = Written(user);

        Assert.All(UserCollections, name => Assert.False(written.ContainsKey(name), name));
    }

    [Fact]
    public void Serialize_UserWithOneEmail_WritesOnlyThatCollection()
    {
        var user = new User { UserName = "bjensen", Emails = [new Email { Value = "bjensen@example.com" }] };

        var written = Written(user);

        Assert.Equal(["emails"], UserCollections.Where(written.ContainsKey));
    }

    [Fact]
    public void Serialize_GroupWithoutMembers_WritesNoMembers()
    {
        var written = Written(new Group { DisplayName = "Tour Guides", Members = [] });

        Assert.False(written.ContainsKey("members"));
    }

    [Fact]
    public void Serialize_NullProperties_AreNotWritten()
    {
        var user = new User
        {
            UserName = "bjensen",
            Name = new Name { GivenName = "Barbara" },
            Emails = [new Email { Value = "bjensen@example.com" }],
            EnterpriseUser = new EnterpriseUser { Manager = new Manager { Value = "26118915" } },
            Meta = new ResourceMeta { ResourceType = "User" },
        };

        var written = Written(user);

        Assert.Equal(["givenName"], Names(written["name"]));
        Assert.Equal(["value"], Names(written["emails"]![0]));
        Assert.Equal(["manager"], Names(written[Payloads.EnterpriseUrn]));
        Assert.Equal(["value"], Names(written[Payloads.EnterpriseUrn]!["manager"]));
        Assert.Equal(["resourceType"], Names(written["meta"]));
        Assert.All(new[] { "id", "externalId", "displayName", "active", "title" }, name => Assert.False(written.ContainsKey(name), name));
        Assert.DoesNotContain("null", ScimSerializer.Serialize(user), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Serialize_EnterpriseExtensionWithoutValue_IsNeitherWrittenNorListed(bool withEmptyManager)
    {
        var user = new User
        {
            UserName = "bjensen",
            EnterpriseUser = new EnterpriseUser { Manager = withEmptyManager ? new Manager() : null },
        };

        var written = Written(user);

        Assert.False(written.ContainsKey(Payloads.EnterpriseUrn));
        Assert.Equal([Payloads.UserUrn], user.Schemas);
        Assert.Equal([Payloads.UserUrn], Strings(written["schemas"]));
    }

    [Fact]
    public void Serialize_EnterpriseExtensionWithValue_IsWrittenAndListed()
    {
        var user = new User { UserName = "bjensen", EnterpriseUser = new EnterpriseUser { CostCenter = "4130" } };

        var written = Written(user);

        Assert.Equal("4130", written[Payloads.EnterpriseUrn]?["costCenter"]?.GetValue<string>());
        Assert.Equal([Payloads.UserUrn, Payloads.EnterpriseUrn], Strings(written["schemas"]));
    }

    [Fact]
    public void Serialize_UntypedExtensionWithoutValue_IsNeitherWrittenNorListed()
    {
        var user = new User { UserName = "bjensen" };
        user.Extensions["urn:example:params:scim:schemas:extension:MyApp:2.0:User"] = new JsonObject();

        var written = Written(user);

        Assert.False(written.ContainsKey("urn:example:params:scim:schemas:extension:MyApp:2.0:User"));
        Assert.Equal([Payloads.UserUrn], Strings(written["schemas"]));
    }

    [Fact]
    public void Serialize_UntypedExtensionWithValue_IsWrittenUnderItsUrnAndListed()
    {
        const string MyAppUrn = "urn:example:params:scim:schemas:extension:MyApp:2.0:User";
        var user = new User { UserName = "bjensen" };
        user.Extensions[MyAppUrn] = new JsonObject { ["tenantRole"] = "billing-admin" };

        var written = Written(user);

        Assert.Equal("billing-admin", written[MyAppUrn]?["tenantRole"]?.GetValue<string>());
        Assert.Equal([Payloads.UserUrn, MyAppUrn], Strings(written["schemas"]));
    }

    [Fact]
    public void Serialize_DateTimeWithOffsetAndFraction_WritesUtcWithZAndMinimalFraction()
    {
        var created = new DateTimeOffset(2010, 1, 23, 6, 56, 22, 120, TimeSpan.FromHours(2));
        var user = new User { UserName = "bjensen", Meta = new ResourceMeta { Created = created, LastModified = created.AddMilliseconds(-120) } };

        var meta = Written(user)["meta"]!;

        Assert.Equal("2010-01-23T04:56:22.12Z", meta["created"]?.GetValue<string>());
        Assert.Equal("2010-01-23T04:56:22Z", meta["lastModified"]?.GetValue<string>());
    }

    [Fact]
    public void Serialize_TextWithHtmlCharacters_IsNotHtmlEscaped()
    {
        var user = new User { UserName = "o'brien", DisplayName = "Conan <O'Brien> & co" };

        var json = ScimSerializer.Serialize(user);

        Assert.Contains("\"displayName\":\"Conan <O'Brien> & co\"", json, StringComparison.Ordinal);
        Assert.Contains("\"userName\":\"o'brien\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_User_WritesSameJsonAsSerialize()
    {
        var user = new User { UserName = "bjensen", Active = true, Emails = [new Email { Value = "bjensen@example.com", Primary = true }] };
        using var stream = new MemoryStream();

        using (var writer = new Utf8JsonWriter(stream))
        {
            ScimSerializer.Write(writer, user);
        }

        Assert.Equal(ScimSerializer.Serialize(user), Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Serialize_ResourceTypeWithoutTypedModel_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => ScimSerializer.Serialize(new Device()));

        Assert.Equal("resource", ex.ParamName);
    }

    [Fact]
    public void Serialize_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => ScimSerializer.Serialize(null!));
    }

    private static string[] Names(JsonNode? node) => [.. node!.AsObject().Select(p => p.Key)];

    private static string[] Strings(JsonNode? node) => [.. node!.AsArray().Select(s => s!.GetValue<string>())];

    /// <summary>A resource type the library has no typed model for.</summary>
    private sealed class Device : ScimResource
    {
        public override string CoreSchema => "urn:example:params:scim:schemas:core:2.0:Device";
    }
}
