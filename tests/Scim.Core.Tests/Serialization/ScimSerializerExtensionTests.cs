using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// Extension schemas a host registers: read into <c>Extensions</c> without loss, written back
/// under their URN and listed in <c>schemas</c>; required extensions and required extension
/// attributes enforced with 400 <c>invalidValue</c>.
/// </summary>
public sealed class ScimSerializerExtensionTests
{
    private const string MyAppUrn = "urn:example:params:scim:schemas:extension:MyApp:2.0:User";
    private const string MyAppGroupUrn = "urn:example:params:scim:schemas:extension:MyApp:2.0:Group";

    private const string MyAppUser = $$"""
        {
          "schemas": ["{{Payloads.UserUrn}}", "{{MyAppUrn}}"],
          "userName": "bjensen",
          "{{MyAppUrn}}": {
            "tenantRole": "billing-admin",
            "seats": 12,
            "quota": 2.5,
            "hiredAt": "2010-01-23T04:56:22Z",
            "avatar": "TWFu",
            "flags": ["beta", "sso"],
            "badge": { "label": "gold", "level": 3 },
            "projects": [ { "code": "P-1", "hours": 40 }, { "code": "P-2" } ]
          }
        }
        """;

    private static ScimSchema MyAppSchema(bool tenantRoleRequired = false) => new(MyAppUrn, "MyApp", "What MyApp keeps per user.",
    [
        new SchemaAttribute("tenantRole", AttributeType.String) { Required = tenantRoleRequired },
        new SchemaAttribute("seats", AttributeType.Integer),
        new SchemaAttribute("quota", AttributeType.Decimal),
        new SchemaAttribute("hiredAt", AttributeType.DateTime),
        new SchemaAttribute("avatar", AttributeType.Binary),
        new SchemaAttribute("flags", AttributeType.String) { MultiValued = true },
        new SchemaAttribute("badge", AttributeType.Complex)
        {
            SubAttributes = [new SchemaAttribute("label", AttributeType.String), new SchemaAttribute("level", AttributeType.Integer)],
        },
        new SchemaAttribute("projects", AttributeType.Complex)
        {
            MultiValued = true,
            SubAttributes = [new SchemaAttribute("code", AttributeType.String), new SchemaAttribute("hours", AttributeType.Integer)],
        },
    ]);

    private static ScimSerializer SerializerWithMyApp(bool extensionRequired = false, bool tenantRoleRequired = false)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", MyAppSchema(tenantRoleRequired), extensionRequired);
        return new ScimSerializer(registry);
    }

    [Fact]
    public void ReadUser_CustomExtension_KeepsAttributesInExtensions()
    {
        var user = SerializerWithMyApp().ReadUser(Payloads.Utf8(MyAppUser));

        var values = Assert.IsType<JsonObject>(user.Extensions[MyAppUrn]);
        Assert.Equal("billing-admin", values["tenantRole"]?.GetValue<string>());
        Assert.Equal(12L, values["seats"]?.GetValue<long>());
        Assert.Equal(2.5m, values["quota"]?.GetValue<decimal>());
        Assert.Equal("gold", values["badge"]?["label"]?.GetValue<string>());
        Assert.Equal(2, values["projects"]?.AsArray().Count);
        Assert.Equal([Payloads.UserUrn, MyAppUrn], user.Schemas);
        Assert.Null(user.EnterpriseUser);
    }

    [Fact]
    public void Serialize_CustomExtension_WritesSameTree()
    {
        var user = SerializerWithMyApp().ReadUser(Payloads.Utf8(MyAppUser));

        JsonTree.Equal(JsonTree.Parse(MyAppUser), JsonTree.Parse(ScimSerializer.Serialize(user)));
    }

    [Fact]
    public void Serialize_CustomExtensionReadInAnyCase_WritesCanonicalCasing()
    {
        var body = $$"""
            {
              "schemas": ["{{Payloads.UserUrn}}", "{{MyAppUrn.ToUpperInvariant()}}"],
              "userName": "bjensen",
              "{{MyAppUrn.ToLowerInvariant()}}": { "TENANTROLE": "billing-admin", "Badge": { "LABEL": "gold" } }
            }
            """;

        var user = SerializerWithMyApp().ReadUser(Payloads.Utf8(body));

        var expected = JsonTree.Parse($$"""
            {
              "schemas": ["{{Payloads.UserUrn}}", "{{MyAppUrn}}"],
              "userName": "bjensen",
              "{{MyAppUrn}}": { "tenantRole": "billing-admin", "badge": { "label": "gold" } }
            }
            """);
        JsonTree.Equal(expected, JsonTree.Parse(ScimSerializer.Serialize(user)));
    }

    [Fact]
    public void Serialize_CustomAndEnterpriseExtensions_ListsEverySchemaPresent()
    {
        var body = $$"""
            {
              "schemas": ["{{Payloads.UserUrn}}", "{{Payloads.EnterpriseUrn}}", "{{MyAppUrn}}"],
              "userName": "bjensen",
              "{{Payloads.EnterpriseUrn}}": { "department": "Tour Operations" },
              "{{MyAppUrn}}": { "tenantRole": "billing-admin" }
            }
            """;

        var user = SerializerWithMyApp().ReadUser(Payloads.Utf8(body));

        Assert.Equal("Tour Operations", user.EnterpriseUser?.Department);
        Assert.Equal([MyAppUrn], user.Extensions.Select(e => e.Key));
        var written = JsonTree.Parse(ScimSerializer.Serialize(user));
        var schemas = written["schemas"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.Equal(Payloads.UserUrn, schemas[0]);
        // The core schema first; the extensions in any order.
        Assert.Equal(
            [Payloads.EnterpriseUrn, MyAppUrn],
            schemas.Skip(1).OrderBy(s => s == Payloads.EnterpriseUrn ? 0 : 1));
        Assert.Equal("Tour Operations", written[Payloads.EnterpriseUrn]?["department"]?.GetValue<string>());
        Assert.Equal("billing-admin", written[MyAppUrn]?["tenantRole"]?.GetValue<string>());
    }

    [Fact]
    public void ReadUser_QualifiedCustomExtensionAttribute_NestsItUnderUrn()
    {
        var body = Payloads.NamedUser($$""" "{{MyAppUrn}}:tenantRole": "billing-admin" """);

        var user = SerializerWithMyApp().ReadUser(Payloads.Utf8(body));

        Assert.Equal("billing-admin", user.Extensions[MyAppUrn]?["tenantRole"]?.GetValue<string>());
        Assert.Contains(MyAppUrn, user.Schemas);
    }

    [Theory]
    [InlineData("")]
    [InlineData($$""", "{{MyAppUrn}}": null""")]
    public void ReadUser_RequiredExtensionMissing_Throws400InvalidValue(string extension)
    {
        var body = Payloads.User(""" "userName": "bjensen" """ + extension);

        var ex = Assert.Throws<ScimException>(() => SerializerWithMyApp(extensionRequired: true).ReadUser(Payloads.Utf8(body)));

        Assert.Equal((400, ScimErrorType.InvalidValue), (ex.Status, ex.ScimType));
        Assert.Contains(MyAppUrn, ex.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{ "tenantRole": null }""")]
    public void ReadUser_RequiredExtensionWithoutValues_Throws400InvalidValue(string extension)
    {
        // An extension with no values is unassigned (RFC 7643 §2.5) and is left out of the output,
        // so it cannot satisfy a resource type that requires the extension.
        var body = Payloads.NamedUser($$""" "{{MyAppUrn}}": {{extension}} """);

        var ex = Assert.Throws<ScimException>(() => SerializerWithMyApp(extensionRequired: true).ReadUser(Payloads.Utf8(body)));

        Assert.Equal((400, ScimErrorType.InvalidValue), (ex.Status, ex.ScimType));
        Assert.Contains(MyAppUrn, ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadUser_RequiredExtensionPresent_Reads()
    {
        var body = Payloads.NamedUser($$""" "{{MyAppUrn}}": { "tenantRole": "billing-admin" } """);

        var user = SerializerWithMyApp(extensionRequired: true).ReadUser(Payloads.Utf8(body));

        Assert.Equal("billing-admin", user.Extensions[MyAppUrn]?["tenantRole"]?.GetValue<string>());
    }

    [Fact]
    public void ReadUser_RequiredExtensionAttributeMissing_Throws400InvalidValueNamingIt()
    {
        var body = Payloads.NamedUser($$""" "{{MyAppUrn}}": { "seats": 3 } """);

        var ex = Assert.Throws<ScimException>(() => SerializerWithMyApp(tenantRoleRequired: true).ReadUser(Payloads.Utf8(body)));

        Assert.Equal((400, ScimErrorType.InvalidValue), (ex.Status, ex.ScimType));
        Assert.Contains($"{MyAppUrn}:tenantRole", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadUser_OptionalExtensionWithRequiredAttributeAbsent_Reads()
    {
        // The extension's own required attributes only apply when the extension is sent.
        var user = SerializerWithMyApp(tenantRoleRequired: true).ReadUser(Payloads.Utf8(Payloads.User(""" "userName": "bjensen" """)));

        Assert.Empty(user.Extensions);
        Assert.Equal([Payloads.UserUrn], user.Schemas);
    }

    [Fact]
    public void ReadGroup_CustomGroupExtension_WritesSameTree()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("Group", new ScimSchema(MyAppGroupUrn, "MyAppGroup", "What MyApp keeps per group.",
            [new SchemaAttribute("costCode", AttributeType.String)]));
        var body = $$"""
            {
              "schemas": ["{{Payloads.GroupUrn}}", "{{MyAppGroupUrn}}"],
              "displayName": "Tour Guides",
              "{{MyAppGroupUrn}}": { "costCode": "4130" }
            }
            """;

        var group = new ScimSerializer(registry).ReadGroup(Payloads.Utf8(body));

        Assert.Equal("4130", group.Extensions[MyAppGroupUrn]?["costCode"]?.GetValue<string>());
        JsonTree.Equal(JsonTree.Parse(body), JsonTree.Parse(ScimSerializer.Serialize(group)));
    }

    [Fact]
    public void ReadResource_HostResourceType_ReturnsNormalizedTree()
    {
        const string DeviceUrn = "urn:example:params:scim:schemas:core:2.0:Device";
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchema(new ScimSchema(DeviceUrn, "Device", "A device.",
        [
            new SchemaAttribute("serialNumber", AttributeType.String) { Required = true },
            new SchemaAttribute("ports", AttributeType.Integer) { MultiValued = true },
            new SchemaAttribute("retired", AttributeType.Boolean),
        ]));
        registry.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn));
        var body = $$"""
            {
              "schemas": ["{{DeviceUrn}}"],
              "SERIALNUMBER": "SN-1",
              "Ports": [],
              "retired": null,
              "meta": { "Created": "2010-01-23T06:56:22+02:00" }
            }
            """;

        var tree = new ScimSerializer(registry).ReadResource(Payloads.Utf8(body), registry.FindResourceType("Device")!);

        // Canonical names, no schemas, and no nulls or empty arrays (both mean unassigned, RFC 7643 §2.5).
        JsonTree.Equal(JsonTree.Parse("""{ "serialNumber": "SN-1", "meta": { "created": "2010-01-23T04:56:22Z" } }"""), tree);
    }
}
