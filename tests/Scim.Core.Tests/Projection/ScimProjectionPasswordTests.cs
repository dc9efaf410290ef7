using System.Text.Json.Nodes;
using Scim.Core.Serialization;
using Scim.Core.Tests.Serialization;

namespace Scim.Core.Tests.Projection;

/// <summary>
/// <c>password</c> is <c>returned: never</c> (RFC 7643 §4.1.1): whatever <c>attributes</c> and
/// <c>excludedAttributes</c> say, no response carries it. The serializer already leaves it out of
/// canonical JSON, so these tests put it back into the tree by hand to test the projection itself,
/// and search the written output for the password text as well as for the key.
/// </summary>
public sealed class ScimProjectionPasswordTests
{
    /// <summary>Every combination of parameters; none may let the password through.</summary>
    public static TheoryData<string?, string?> Combinations => new()
    {
        { null, null },
        { "password", null },
        { "PASSWORD", null },
        { "Password", null },
        { "urn:ietf:params:scim:schemas:core:2.0:User:password", null },
        { "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:PASSWORD", null },
        { "password,userName", null },
        { "userName, password", null },
        { "urn:ietf:params:scim:schemas:core:2.0:User", null },
        { null, "userName" },
        { null, "password" },
        { null, "PASSWORD" },
        { null, "id" },
        { "password", "userName" },
        { "password", "password" },
        { "password,userName", "password" },
        { "userName", "password" },
    };

    /// <summary>The parameters that name <c>password</c> only through <c>attributes</c>: the result is <c>id</c> and <c>schemas</c>.</summary>
    public static TheoryData<string> PasswordOnly => new()
    {
        "password",
        "PASSWORD",
        "urn:ietf:params:scim:schemas:core:2.0:User:password",
    };

    /// <summary>The ways a password could reach the tree: canonical name, another casing.</summary>
    public static TheoryData<string> PasswordKeys => new() { "password", "PASSWORD", "passWord" };

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Apply_PasswordInTree_NeverReturned(string? attributes, string? excludedAttributes)
    {
        var user = UserWithPassword("password");

        var projected = ProjectionData.Project(user, attributes, excludedAttributes);

        AssertNoPassword(projected);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Apply_RfcUserReadWithPassword_NeverReturned(string? attributes, string? excludedAttributes)
    {
        var serializer = new ScimSerializer(ProjectionData.DefaultRegistry);
        var user = serializer.ReadUser(Payloads.FileBytes(Payloads.FullUserFile));
        Assert.Equal(ProjectionData.Password, user.Password);

        var projected = ProjectionData.Project(ScimSerializer.ToJsonObject(user), attributes, excludedAttributes);

        AssertNoPassword(projected);
    }

    [Theory]
    [MemberData(nameof(PasswordOnly))]
    public void Apply_AttributesOnlyPassword_ReturnsIdAndSchemasOnly(string attributes)
    {
        var projected = ProjectionData.Project(UserWithPassword("password"), attributes, null);

        JsonTree.Equal(ProjectionData.Json("""{"schemas":["$U"],"id":"$ID"}"""), projected);
    }

    [Fact]
    public void Apply_AttributesPasswordAndUserName_ReturnsUserNameOnly()
    {
        var projected = ProjectionData.Project(UserWithPassword("password"), "password,userName", null);

        JsonTree.Equal(ProjectionData.Json("""{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}"""), projected);
    }

    [Theory]
    [MemberData(nameof(PasswordKeys))]
    public void Apply_PasswordKeyInAnyCase_NeverReturned(string key)
    {
        var projected = ProjectionData.Project(UserWithPassword(key), null, null);

        AssertNoPassword(projected);
        var expected = ProjectionData.FullUser();
        JsonTree.Equal(expected, projected);
    }

    [Fact]
    public void Apply_PasswordUnderCoreSchemaUrnKey_NeverReturned()
    {
        var user = ProjectionData.FullUser();
        user[ProjectionData.UserUrn] = new JsonObject { ["password"] = ProjectionData.Password };

        var projected = ProjectionData.Project(user, "password", null);

        AssertNoPassword(projected);
    }

    [Fact]
    public void ToJsonObject_UserWithPassword_HasNoPassword()
    {
        var user = new ScimSerializer(ProjectionData.DefaultRegistry).ReadUser(Payloads.FileBytes(Payloads.FullUserFile));

        var tree = ScimSerializer.ToJsonObject(user);

        Assert.Equal(ProjectionData.Password, user.Password);
        AssertNoPassword(tree);
    }

    private static JsonObject UserWithPassword(string key)
    {
        var user = ProjectionData.FullUser();
        user[key] = ProjectionData.Password;
        return user;
    }

    private static void AssertNoPassword(JsonObject projected)
    {
        Assert.DoesNotContain(projected, p => string.Equals(p.Key, "password", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(ProjectionData.Password, projected.ToJsonString(ScimSerializer.DocumentOptions), StringComparison.Ordinal);
        Assert.DoesNotContain(ProjectionData.Password, projected.ToJsonString(), StringComparison.Ordinal);
    }
}
