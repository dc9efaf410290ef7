using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.Discovery;

/// <summary>
/// The discovery documents of a service whose stores declared what they keep: /Schemas lists only
/// that, and /ResourceTypes no longer names an extension of which nothing is kept.
/// </summary>
public sealed class DeclaredSchemasDiscoveryTests
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;

    private static ScimContext Context => ServiceKit.Context;

    private static List<string> Ids(ScimDocument list) => [.. list.Body["Resources"]!.AsArray().Select(r => (string)r!["id"]!)];

    private static JsonObject SchemaOf(ScimDocument list, string id) =>
        list.Body["Resources"]!.AsArray().Select(r => r!.AsObject()).Single(r => (string?)r["id"] == id);

    private static List<string> AttributeNames(JsonObject schema) => [.. schema["attributes"]!.AsArray().Select(a => (string)a!["name"]!)];

    private static JsonObject Attribute(JsonObject schema, string name) =>
        schema["attributes"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string?)a["name"] == name);

    private static List<string> SubAttributeNames(JsonObject attribute) => [.. attribute["subAttributes"]!.AsArray().Select(a => (string)a!["name"]!)];

    private static JsonObject SubAttribute(JsonObject attribute, string name) =>
        attribute["subAttributes"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string?)a["name"] == name);

    private static List<string?> Strings(JsonNode? array) => [.. array!.AsArray().Select(v => (string?)v)];

    [Fact]
    public void GetSchemas_DeclaredUser_ListsOnlyDeclaredAttributesAndGroups()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);

        var user = SchemaOf(kit.Service.GetSchemas(Context), ScimSchemaUris.User);

        Assert.Equal(["userName", "name", "active", "emails", "groups"], AttributeNames(user));
        Assert.Equal(["givenName"], SubAttributeNames(Attribute(user, "name")));
        Assert.Equal(["value", "display", "type", "primary"], SubAttributeNames(Attribute(user, "emails")));
        Assert.Equal("readOnly", (string?)Attribute(user, "groups")["mutability"]);
        Assert.True((bool)Attribute(user, "userName")["required"]!);
    }

    [Fact]
    public void GetSchemas_DeclaredUser_ListsTheExtensionWithItsDeclaredAttributeAndAnUndeclaredGroupWhole()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);

        var schemas = kit.Service.GetSchemas(Context);

        Assert.Equal([ScimSchemaUris.User, ScimSchemaUris.Group, Enterprise], Ids(schemas));
        Assert.Equal(3, (int)schemas.Body["totalResults"]!);
        Assert.Equal(["department"], AttributeNames(SchemaOf(schemas, Enterprise)));
        Assert.Equal(["displayName", "members"], AttributeNames(SchemaOf(schemas, ScimSchemaUris.Group)));
    }

    [Fact]
    public void GetSchemas_ExtensionWithNoDeclaredAttribute_IsNotListed()
    {
        using var kit = new DeclaredKit(r => r.DeclareStoredAttributes("User", ["userName"]));

        var schemas = kit.Service.GetSchemas(Context);

        Assert.Equal([ScimSchemaUris.User, ScimSchemaUris.Group], Ids(schemas));
        Assert.Equal(["userName", "groups"], AttributeNames(SchemaOf(schemas, ScimSchemaUris.User)));
    }

    [Fact]
    public void GetSchema_ExtensionWithNoDeclaredAttribute_Is404()
    {
        using var kit = new DeclaredKit(r => r.DeclareStoredAttributes("User", ["userName"]));

        var error = Assert.Throws<ScimException>(() => kit.Service.GetSchema(Context, Enterprise));

        Assert.Equal(404, error.Status);
    }

    [Fact]
    public void GetSchema_DeclaredUser_IsTheRestrictedSchema()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);

        var user = kit.Service.GetSchema(Context, ScimSchemaUris.User.ToUpperInvariant()).Body;

        Assert.Equal(ScimSchemaUris.User, (string?)user["id"]);
        Assert.Equal(["userName", "name", "active", "emails", "groups"], AttributeNames(user));
        Assert.Equal(["department"], AttributeNames(kit.Service.GetSchema(Context, Enterprise).Body));
    }

    [Fact]
    public void GetResourceTypes_ExtensionWithNoDeclaredAttribute_HasNoSchemaExtensions()
    {
        using var kit = new DeclaredKit(r => r.DeclareStoredAttributes("User", ["userName"]));

        var user = kit.Service.GetResourceType(Context, "User").Body;

        Assert.Null(user["schemaExtensions"]);
        Assert.Equal(ScimSchemaUris.User, (string?)user["schema"]);
        Assert.Equal("/Users", (string?)user["endpoint"]);
    }

    [Fact]
    public void GetResourceTypes_ExtensionWithADeclaredAttribute_IsStillAnExtension()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);

        var types = kit.Service.GetResourceTypes(Context).Body["Resources"]!.AsArray();

        var user = types.Single(t => (string?)t!["id"] == "User")!;
        Assert.Equal([Enterprise], user["schemaExtensions"]!.AsArray().Select(e => (string?)e!["schema"]));
        Assert.Equal(2, types.Count);
    }

    [Fact]
    public void GetSchemas_MemberTypesDeclared_ShowTheKindsInTypeAndRef()
    {
        using var kit = new DeclaredKit(r => r.DeclareMemberTypes("Group", ["User"]));

        var members = Attribute(SchemaOf(kit.Service.GetSchemas(Context), ScimSchemaUris.Group), "members");

        Assert.Equal(["User"], Strings(SubAttribute(members, "type")["canonicalValues"]));
        Assert.Equal(["User"], Strings(SubAttribute(members, "$ref")["referenceTypes"]));
        Assert.Equal(["value", "$ref", "display", "type"], SubAttributeNames(members));
    }

    [Fact]
    public void GetSchemas_NoMemberTypesDeclared_ShowUsersAndGroups()
    {
        using var kit = new DeclaredKit(_ => { });

        var members = Attribute(SchemaOf(kit.Service.GetSchemas(Context), ScimSchemaUris.Group), "members");

        Assert.Equal(["User", "Group"], Strings(SubAttribute(members, "type")["canonicalValues"]));
        Assert.Equal(["User", "Group"], Strings(SubAttribute(members, "$ref")["referenceTypes"]));
    }
}
