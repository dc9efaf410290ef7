using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Projection;
using Scim.Core.Schema;
using Scim.Core.Tests.Serialization;

namespace Scim.Core.Tests.Projection;

/// <summary>
/// The default projection and the <c>attributes</c> parameter (RFC 7644 §3.4.2.5, §3.9) over the
/// RFC 7643 §8.2 and §8.3 users: only the named attributes plus <c>id</c> and <c>schemas</c>,
/// sub-attribute paths narrowing their parent, names resolved in any case and with or without the
/// schema URN, and <c>schemas</c> listing exactly the schemas left.
/// </summary>
public sealed class ScimProjectionAttributesTests
{
    private const string Emails = """[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}]""";

    private const string Manager = """{"value":"26118915-6090-4610-87e4-49d8ca9f808d","$ref":"../Users/26118915-6090-4610-87e4-49d8ca9f808d","displayName":"John Smith"}""";

    private const string Enterprise = $$$"""{"employeeNumber":"701984","costCenter":"4130","organization":"Universal Studios","division":"Theme Park","department":"Tour Operations","manager":{{{Manager}}}}""";

    /// <summary><c>attributes</c> values over the §8.2 full user, with the exact tree each returns.</summary>
    public static TheoryData<string, string> FullUserCases => new()
    {
        { "userName", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""" },
        { "name.givenName", """{"schemas":["$U"],"id":"$ID","name":{"givenName":"Barbara"}}""" },
        { "emails.value", """{"schemas":["$U"],"id":"$ID","emails":[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}]}""" },
        { "emails", $$"""{"schemas":["$U"],"id":"$ID","emails":{{Emails}}}""" },
        { "emails,emails.value", $$"""{"schemas":["$U"],"id":"$ID","emails":{{Emails}}}""" },
        { "name.givenName,name.familyName", """{"schemas":["$U"],"id":"$ID","name":{"givenName":"Barbara","familyName":"Jensen"}}""" },
        { "id", """{"schemas":["$U"],"id":"$ID"}""" },
        { "externalId", """{"schemas":["$U"],"id":"$ID","externalId":"701984"}""" },
        { "active", """{"schemas":["$U"],"id":"$ID","active":true}""" },
        { "meta.resourceType", """{"schemas":["$U"],"id":"$ID","meta":{"resourceType":"User"}}""" },
        { "groups.display", """{"schemas":["$U"],"id":"$ID","groups":[{"display":"Tour Guides"},{"display":"Employees"},{"display":"US Employees"}]}""" },
        { "urn:ietf:params:scim:schemas:core:2.0:User:userName", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""" },
        { "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", """{"schemas":["$U"],"id":"$ID","name":{"givenName":"Barbara"}}""" },
        { "userName, name.givenName ,  emails.value", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com","name":{"givenName":"Barbara"},"emails":[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}]}""" },
        { "userName,,displayName,", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com","displayName":"Babs Jensen"}""" },
        { "USERNAME", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""" },
        { "Name.GIVENNAME", """{"schemas":["$U"],"id":"$ID","name":{"givenName":"Barbara"}}""" },
        { "EMAILS.Value", """{"schemas":["$U"],"id":"$ID","emails":[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}]}""" },
        { "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:username", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""" },
        { "noSuchAttribute", """{"schemas":["$U"],"id":"$ID"}""" },
        { "userName,noSuchAttribute,emails.noSuchSub", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""" },

        // The §8.2 user has no enterprise extension: naming it returns nothing of it, and schemas stays core-only.
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", """{"schemas":["$U"],"id":"$ID"}""" },
    };

    /// <summary><c>attributes</c> values over the §8.3 enterprise user, with the exact tree each returns.</summary>
    public static TheoryData<string, string> EnterpriseUserCases => new()
    {
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", $$$"""{"schemas":["$U","$E"],"id":"$ID","$E":{"manager":{{{Manager}}}}}""" },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", """{"schemas":["$U","$E"],"id":"$ID","$E":{"manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}}""" },
        { "manager", $$$"""{"schemas":["$U","$E"],"id":"$ID","$E":{"manager":{{{Manager}}}}}""" },
        { "manager.displayName", """{"schemas":["$U","$E"],"id":"$ID","$E":{"manager":{"displayName":"John Smith"}}}""" },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", $$$"""{"schemas":["$U","$E"],"id":"$ID","$E":{{{Enterprise}}}}""" },
        { "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER", $$$"""{"schemas":["$U","$E"],"id":"$ID","$E":{{{Enterprise}}}}""" },
        { "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:MANAGER.VALUE", """{"schemas":["$U","$E"],"id":"$ID","$E":{"manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}}""" },
        { "userName, employeeNumber", """{"schemas":["$U","$E"],"id":"$ID","userName":"bjensen@example.com","$E":{"employeeNumber":"701984"}}""" },
        { "department,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", """{"schemas":["$U","$E"],"id":"$ID","$E":{"costCenter":"4130","department":"Tour Operations"}}""" },

        // Nothing of the extension is asked for: it is left out, and so is its URN in schemas.
        { "userName", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""" },
        { "manager.noSuchSub", """{"schemas":["$U"],"id":"$ID"}""" },
    };

    /// <summary>Paths that are malformed, not merely unknown.</summary>
    public static TheoryData<string> MalformedPaths => new()
    {
        "name.givenName.x",
        "a:b",
        "userName,name.givenName.x",
        "name.",
        ".givenName",
        "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName.x",
    };

    [Fact]
    public void Default_Rfc7643FullUser_ReturnsEverythingButPassword()
    {
        var user = ProjectionData.FullUser();
        var projection = ScimProjection.Default(ProjectionData.DefaultRegistry, ProjectionData.DefaultRegistry.FindResourceType("User")!);

        var projected = projection.Apply(user);

        var expected = Payloads.FileTree(Payloads.FullUserFile);
        Assert.True(expected.Remove("password"));
        JsonTree.Equal(expected, projected);
    }

    [Fact]
    public void Create_NoParameters_SameAsDefault()
    {
        var userType = ProjectionData.DefaultRegistry.FindResourceType("User")!;
        var user = ProjectionData.EnterpriseUser();

        var viaCreate = ScimProjection.Create(ProjectionData.DefaultRegistry, userType, attributes: null, excludedAttributes: null).Apply(user);
        var viaDefault = ScimProjection.Default(ProjectionData.DefaultRegistry, userType).Apply(user);

        JsonTree.Equal(viaDefault, viaCreate);
        JsonTree.Equal(user, viaCreate);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_BlankAttributes_ReturnsEverything(string attributes)
    {
        var user = ProjectionData.EnterpriseUser();

        JsonTree.Equal(user, ProjectionData.Project(user, attributes, null));
    }

    [Theory]
    [MemberData(nameof(FullUserCases))]
    public void Apply_AttributesOnFullUser_ReturnsExactTree(string attributes, string expected)
    {
        var projected = ProjectionData.Project(ProjectionData.FullUser(), attributes, null);

        JsonTree.Equal(ProjectionData.Json(expected), projected);
    }

    [Theory]
    [MemberData(nameof(EnterpriseUserCases))]
    public void Apply_AttributesOnEnterpriseUser_ReturnsExactTree(string attributes, string expected)
    {
        var projected = ProjectionData.Project(ProjectionData.EnterpriseUser(), attributes, null);

        JsonTree.Equal(ProjectionData.Json(expected), projected);
    }

    [Fact]
    public void Apply_AttributesCoreSchemaUrn_ReturnsCoreAttributesWithoutExtension()
    {
        var user = ProjectionData.EnterpriseUser();

        var projected = ProjectionData.Project(user, ProjectionData.UserUrn, null);

        var expected = user.DeepClone().AsObject();
        Assert.True(expected.Remove(ProjectionData.EnterpriseUrn));
        expected["schemas"] = new JsonArray(ProjectionData.UserUrn);
        JsonTree.Equal(expected, projected);
    }

    [Theory]
    [InlineData("userName")]
    [InlineData("emails.value")]
    [InlineData("manager")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")]
    [InlineData("noSuchAttribute")]
    public void Apply_AnyAttributes_IdAndSchemasFirstAndPresent(string attributes)
    {
        var projected = ProjectionData.Project(ProjectionData.EnterpriseUser(), attributes, null);

        Assert.Equal(ProjectionData.UserId, projected["id"]!.GetValue<string>());
        Assert.Equal(ProjectionData.UserUrn, ProjectionData.Schemas(projected)[0]);
        Assert.Equal("schemas", projected.First().Key);
    }

    [Fact]
    public void Apply_InputSchemasNamesAbsentExtension_OutputListsOnlyCore()
    {
        var user = ProjectionData.FullUser();
        user["schemas"] = new JsonArray(ProjectionData.UserUrn, ProjectionData.EnterpriseUrn);

        var projected = ProjectionData.Project(user, null, null);

        Assert.Equal([ProjectionData.UserUrn], ProjectionData.Schemas(projected));
    }

    [Fact]
    public void Apply_InputWithoutSchemas_OutputListsSchemasPresent()
    {
        var user = ProjectionData.EnterpriseUser();
        Assert.True(user.Remove("schemas"));

        var projected = ProjectionData.Project(user, "userName,manager", null);

        Assert.Equal([ProjectionData.UserUrn, ProjectionData.EnterpriseUrn], ProjectionData.Schemas(projected));
    }

    [Theory]
    [MemberData(nameof(MalformedPaths))]
    public void Create_MalformedAttributesPath_Throws400InvalidPath(string attributes)
    {
        var userType = ProjectionData.DefaultRegistry.FindResourceType("User")!;

        var error = Assert.Throws<ScimException>(() => ScimProjection.Create(ProjectionData.DefaultRegistry, userType, attributes, null));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidPath, error.ScimType);
    }

    [Theory]
    [MemberData(nameof(MalformedPaths))]
    public void Create_MalformedExcludedAttributesPath_Throws400InvalidPath(string excludedAttributes)
    {
        var userType = ProjectionData.DefaultRegistry.FindResourceType("User")!;

        var error = Assert.Throws<ScimException>(() => ScimProjection.Create(ProjectionData.DefaultRegistry, userType, null, excludedAttributes));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidPath, error.ScimType);
    }

    [Fact]
    public void Create_FreezesTheRegistry_SoNoResourceTypeItResolvedCanGoStale()
    {
        var registry = SchemaRegistry.CreateDefault();
        var userType = registry.FindResourceType("User")!;

        _ = ScimProjection.Create(registry, userType, "userName", null);

        Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("User", new ScimSchema("urn:example:params:scim:schemas:extension:Late:2.0:User", "Late", null,
            [new SchemaAttribute("late", AttributeType.String)])));
        Assert.Same(userType, registry.FindResourceType("User"));
    }
}
