using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Discovery;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Tests.Architecture;
using Snapshooter.Xunit3;

namespace Scim.Core.Tests.Discovery;

public sealed class DiscoveryDocumentsTests
{
    private const string BaseUrl = "https://example.com/scim/v2";
    private const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string SchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:Schema";
    private const string ResourceTypeUrn = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    private const string ServiceProviderConfigUrn = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    private const string ListResponseUrn = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    private const string MyAppUrn = "urn:example:params:scim:schemas:extension:MyApp:2.0:User";

    private static readonly JsonSerializerOptions Indented = new(ScimSerializer.DocumentOptions) { WriteIndented = true };

    private static readonly string[] AlwaysPresentAttributeKeys =
        ["name", "type", "multiValued", "required", "caseExact", "mutability", "returned", "uniqueness"];

    /// <summary>schema id, name, description, number of top-level attributes.</summary>
    public static TheoryData<string, string, string, int> BuiltInSchemaHeaders => new()
    {
        { UserUrn, "User", "User Account", 21 },
        { GroupUrn, "Group", "Group", 2 },
        { EnterpriseUrn, "EnterpriseUser", "Enterprise User", 6 },
    };

    /// <summary>schema id, dotted attribute name, JSON key, expected JSON value.</summary>
    public static TheoryData<string, string, string, string> WireValues => new()
    {
        { UserUrn, "userName", "type", "\"string\"" },
        { UserUrn, "userName", "required", "true" },
        { UserUrn, "userName", "uniqueness", "\"server\"" },
        { UserUrn, "userName", "caseExact", "false" },
        { UserUrn, "userName", "mutability", "\"readWrite\"" },
        { UserUrn, "userName", "returned", "\"default\"" },
        { UserUrn, "name", "type", "\"complex\"" },
        { UserUrn, "name", "multiValued", "false" },
        { UserUrn, "active", "type", "\"boolean\"" },
        { UserUrn, "password", "mutability", "\"writeOnly\"" },
        { UserUrn, "password", "returned", "\"never\"" },
        { UserUrn, "emails", "multiValued", "true" },
        { UserUrn, "emails.type", "canonicalValues", "[\"work\",\"home\",\"other\"]" },
        { UserUrn, "profileUrl", "type", "\"reference\"" },
        { UserUrn, "profileUrl", "referenceTypes", "[\"external\"]" },
        { UserUrn, "groups", "mutability", "\"readOnly\"" },
        { UserUrn, "groups.$ref", "referenceTypes", "[\"User\",\"Group\"]" },
        { UserUrn, "x509Certificates.value", "type", "\"binary\"" },
        { UserUrn, "title", "description", "\"The user's title, such as \\\"Vice President.\\\"\"" },
        { GroupUrn, "displayName", "required", "true" },
        { GroupUrn, "members.value", "mutability", "\"immutable\"" },
        { GroupUrn, "members.display", "mutability", "\"readOnly\"" },
        { GroupUrn, "members.type", "canonicalValues", "[\"User\",\"Group\"]" },
        { EnterpriseUrn, "manager.$ref", "referenceTypes", "[\"User\"]" },
        { EnterpriseUrn, "manager.displayName", "mutability", "\"readOnly\"" },
    };

    public static TheoryData<AttributeType, string> AttributeTypeWireNames => new()
    {
        { AttributeType.String, "string" },
        { AttributeType.Boolean, "boolean" },
        { AttributeType.Decimal, "decimal" },
        { AttributeType.Integer, "integer" },
        { AttributeType.DateTime, "dateTime" },
        { AttributeType.Binary, "binary" },
        { AttributeType.Reference, "reference" },
        { AttributeType.Complex, "complex" },
    };

    public static TheoryData<Mutability, string> MutabilityWireNames => new()
    {
        { Mutability.ReadOnly, "readOnly" },
        { Mutability.ReadWrite, "readWrite" },
        { Mutability.Immutable, "immutable" },
        { Mutability.WriteOnly, "writeOnly" },
    };

    public static TheoryData<Returned, string> ReturnedWireNames => new()
    {
        { Returned.Always, "always" },
        { Returned.Never, "never" },
        { Returned.Default, "default" },
        { Returned.Request, "request" },
    };

    public static TheoryData<Uniqueness, string> UniquenessWireNames => new()
    {
        { Uniqueness.None, "none" },
        { Uniqueness.Server, "server" },
        { Uniqueness.Global, "global" },
    };

    [Fact]
    public void Schemas_DefaultRegistry_MatchesSnapshot()
    {
        // Snapshooter writes a missing snapshot and passes; in CI a missing snapshot must fail instead.
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            var snapshot = Path.Combine(
                RepositoryPaths.Root, "tests", "Scim.Core.Tests", "Discovery", "__snapshots__",
                $"{nameof(DiscoveryDocumentsTests)}.{nameof(Schemas_DefaultRegistry_MatchesSnapshot)}.snap");
            Assert.True(File.Exists(snapshot), "The approved /Schemas snapshot is missing: run the tests locally and commit __snapshots__.");
        }

        var document = DiscoveryDocuments.Schemas(SchemaRegistry.CreateDefault().Schemas, BaseUrl);

        Snapshot.Match(document.ToJsonString(Indented).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Schemas_DefaultRegistry_IsListResponseOfThreeSchemas()
    {
        var document = DiscoveryDocuments.Schemas(SchemaRegistry.CreateDefault().Schemas, BaseUrl);

        Assert.Equal(["schemas", "totalResults", "itemsPerPage", "startIndex", "Resources"], Keys(document));
        Assert.Equal([ListResponseUrn], Strings(document["schemas"]));
        Assert.Equal(3, (int)document["totalResults"]!);
        Assert.Equal(3, (int)document["itemsPerPage"]!);
        Assert.Equal(1, (int)document["startIndex"]!);
        Assert.Equal([UserUrn, GroupUrn, EnterpriseUrn], document["Resources"]!.AsArray().Select(r => (string)r!["id"]!));
    }

    [Theory]
    [MemberData(nameof(BuiltInSchemaHeaders))]
    public void Schemas_EachSchema_HasSchemaRepresentationEnvelope(string id, string name, string description, int attributeCount)
    {
        var representation = SchemaResource(SchemaRegistry.CreateDefault(), id);

        Assert.Equal(["schemas", "id", "name", "description", "attributes", "meta"], Keys(representation));
        Assert.Equal([SchemaUrn], Strings(representation["schemas"]));
        Assert.Equal(id, (string)representation["id"]!);
        Assert.Equal(name, (string)representation["name"]!);
        Assert.Equal(description, (string)representation["description"]!);
        Assert.Equal(attributeCount, representation["attributes"]!.AsArray().Count);
        Assert.Equal("Schema", (string)representation["meta"]!["resourceType"]!);
        Assert.Equal($"{BaseUrl}/Schemas/{id}", (string)representation["meta"]!["location"]!);
    }

    [Fact]
    public void Schemas_EveryAttribute_HasAllCharacteristicsAndOnlyTheApplicableLists()
    {
        var document = DiscoveryDocuments.Schemas(SchemaRegistry.CreateDefault().Schemas, BaseUrl);
        var count = 0;

        foreach (var schema in document["Resources"]!.AsArray())
        {
            foreach (var attribute in AllAttributes(schema!["attributes"]!.AsArray()))
            {
                count++;
                var keys = Keys(attribute);
                var type = (string)attribute["type"]!;
                Assert.All(AlwaysPresentAttributeKeys, key => Assert.Contains(key, keys));
                Assert.Contains("description", keys);
                Assert.Equal(type == "reference", keys.Contains("referenceTypes"));
                Assert.Equal(type == "complex", keys.Contains("subAttributes"));
                if (attribute["canonicalValues"] is { } canonicalValues)
                {
                    Assert.NotEmpty(canonicalValues.AsArray());
                }
            }
        }

        Assert.Equal(67 + 6 + 9, count);
    }

    [Theory]
    [MemberData(nameof(WireValues))]
    public void Schemas_Attribute_HasWireValue(string schemaId, string dottedName, string key, string expectedJson)
    {
        var attribute = AttributeNode(SchemaResource(SchemaRegistry.CreateDefault(), schemaId), dottedName);

        AssertJsonEqual(JsonNode.Parse(expectedJson), attribute[key]);
    }

    [Theory]
    [InlineData("userName")]
    [InlineData("name.givenName")]
    [InlineData("emails.display")]
    [InlineData("entitlements.type")]
    [InlineData("roles.type")]
    public void Schemas_AttributeWithoutCanonicalValues_HasNoCanonicalValuesKey(string dottedName)
    {
        var attribute = AttributeNode(SchemaResource(SchemaRegistry.CreateDefault(), UserUrn), dottedName);

        Assert.False(attribute.ContainsKey("canonicalValues"));
    }

    [Fact]
    public void Schemas_SubAttributes_AreInSchemaOrder()
    {
        var name = AttributeNode(SchemaResource(SchemaRegistry.CreateDefault(), UserUrn), "name");

        Assert.Equal(
            ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"],
            name["subAttributes"]!.AsArray().Select(a => (string)a!["name"]!));
    }

    [Fact]
    public void Schema_HostSchemaWithEveryCharacteristic_WritesWireNames()
    {
        var schema = new ScimSchema("urn:example:all", null, null,
        [
            new SchemaAttribute("born", AttributeType.DateTime) { Mutability = Mutability.Immutable, Returned = Returned.Request },
            new SchemaAttribute("score", AttributeType.Decimal) { Returned = Returned.Always, Uniqueness = Uniqueness.Global, CaseExact = true },
            new SchemaAttribute("level", AttributeType.Integer) { MultiValued = true, Required = true },
        ]);

        var document = DiscoveryDocuments.Schema(schema, BaseUrl);

        Assert.Equal(["schemas", "id", "attributes", "meta"], Keys(document));
        var expected = JsonNode.Parse("""
            [
              { "name": "born", "type": "dateTime", "multiValued": false, "required": false, "caseExact": false,
                "mutability": "immutable", "returned": "request", "uniqueness": "none" },
              { "name": "score", "type": "decimal", "multiValued": false, "required": false, "caseExact": true,
                "mutability": "readWrite", "returned": "always", "uniqueness": "global" },
              { "name": "level", "type": "integer", "multiValued": true, "required": true, "caseExact": false,
                "mutability": "readWrite", "returned": "default", "uniqueness": "none" }
            ]
            """);
        AssertJsonEqual(expected, document["attributes"]);
    }

    [Theory]
    [MemberData(nameof(AttributeTypeWireNames))]
    public void ToWire_AttributeType_ReturnsRfcName(AttributeType type, string expected)
    {
        Assert.Equal(expected, DiscoveryDocuments.ToWire(type));
    }

    [Theory]
    [MemberData(nameof(MutabilityWireNames))]
    public void ToWire_Mutability_ReturnsRfcName(Mutability mutability, string expected)
    {
        Assert.Equal(expected, DiscoveryDocuments.ToWire(mutability));
    }

    [Theory]
    [MemberData(nameof(ReturnedWireNames))]
    public void ToWire_Returned_ReturnsRfcName(Returned returned, string expected)
    {
        Assert.Equal(expected, DiscoveryDocuments.ToWire(returned));
    }

    [Theory]
    [MemberData(nameof(UniquenessWireNames))]
    public void ToWire_Uniqueness_ReturnsRfcName(Uniqueness uniqueness, string expected)
    {
        Assert.Equal(expected, DiscoveryDocuments.ToWire(uniqueness));
    }

    [Fact]
    public void ToWire_UndefinedEnumValue_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscoveryDocuments.ToWire((AttributeType)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscoveryDocuments.ToWire((Mutability)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscoveryDocuments.ToWire((Returned)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscoveryDocuments.ToWire((Uniqueness)99));
    }

    [Fact]
    public void ResourceTypes_DefaultRegistry_ListsUserAndGroup()
    {
        var document = DiscoveryDocuments.ResourceTypes(SchemaRegistry.CreateDefault().ResourceTypes, BaseUrl);

        var expected = JsonNode.Parse($$"""
            {
              "schemas": ["{{ListResponseUrn}}"],
              "totalResults": 2,
              "itemsPerPage": 2,
              "startIndex": 1,
              "Resources": [
                {
                  "schemas": ["{{ResourceTypeUrn}}"],
                  "id": "User",
                  "name": "User",
                  "endpoint": "/Users",
                  "description": "User Account",
                  "schema": "{{UserUrn}}",
                  "schemaExtensions": [{ "schema": "{{EnterpriseUrn}}", "required": false }],
                  "meta": { "resourceType": "ResourceType", "location": "{{BaseUrl}}/ResourceTypes/User" }
                },
                {
                  "schemas": ["{{ResourceTypeUrn}}"],
                  "id": "Group",
                  "name": "Group",
                  "endpoint": "/Groups",
                  "description": "Group",
                  "schema": "{{GroupUrn}}",
                  "meta": { "resourceType": "ResourceType", "location": "{{BaseUrl}}/ResourceTypes/Group" }
                }
              ]
            }
            """);
        AssertJsonEqual(expected, document);
    }

    [Fact]
    public void ResourceType_Group_HasNoSchemaExtensionsKey()
    {
        var group = SchemaRegistry.CreateDefault().FindResourceType("Group")!;

        var document = DiscoveryDocuments.ResourceType(group, BaseUrl);

        Assert.False(document.ContainsKey("schemaExtensions"));
    }

    [Fact]
    public void ResourceType_WithoutDescription_HasNoDescriptionKey()
    {
        var document = DiscoveryDocuments.ResourceType(new ScimResourceType("Device", "/Devices", "urn:example:Device"), BaseUrl);

        Assert.Equal(["schemas", "id", "name", "endpoint", "schema", "meta"], Keys(document));
    }

    [Fact]
    public void Discovery_HostExtensionRequired_AppearsInSchemasAndUserResourceType()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(MyAppUrn, "MyApp", "MyApp user attributes",
            [new SchemaAttribute("tenantRole", AttributeType.String) { Description = "The tenant role." }]), required: true);

        var schemas = DiscoveryDocuments.Schemas(registry.Schemas, BaseUrl);
        var resourceTypes = DiscoveryDocuments.ResourceTypes(registry.ResourceTypes, BaseUrl);

        Assert.Equal(4, (int)schemas["totalResults"]!);
        var myApp = SchemaResource(registry, MyAppUrn);
        Assert.Equal("MyApp", (string)myApp["name"]!);
        Assert.Equal($"{BaseUrl}/Schemas/{MyAppUrn}", (string)myApp["meta"]!["location"]!);
        Assert.Equal("The tenant role.", (string)AttributeNode(myApp, "tenantRole")["description"]!);
        var user = resourceTypes["Resources"]!.AsArray().Single(r => (string)r!["id"]! == "User")!;
        AssertJsonEqual(
            JsonNode.Parse($$"""[{ "schema": "{{EnterpriseUrn}}", "required": false }, { "schema": "{{MyAppUrn}}", "required": true }]"""),
            user["schemaExtensions"]);
        var group = resourceTypes["Resources"]!.AsArray().Single(r => (string)r!["id"]! == "Group")!;
        Assert.Null(group["schemaExtensions"]);
    }

    [Fact]
    public void Discovery_HostResourceType_AppearsInResourceTypes()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchema(new ScimSchema("urn:example:Device", "Device", null, [new SchemaAttribute("serialNumber", AttributeType.String)]));
        registry.AddResourceType(new ScimResourceType("Device", "/Devices", "urn:example:Device", "A device"));

        var resourceTypes = DiscoveryDocuments.ResourceTypes(registry.ResourceTypes, BaseUrl);

        Assert.Equal(3, (int)resourceTypes["totalResults"]!);
        var device = resourceTypes["Resources"]![2]!;
        Assert.Equal("/Devices", (string)device["endpoint"]!);
        Assert.Equal($"{BaseUrl}/ResourceTypes/Device", (string)device["meta"]!["location"]!);
    }

    [Fact]
    public void ServiceProviderConfig_Defaults_ClaimNothingAndPublishLimits()
    {
        var document = DiscoveryDocuments.ServiceProviderConfig(new ServiceProviderConfiguration(), BaseUrl);

        var expected = JsonNode.Parse($$"""
            {
              "schemas": ["{{ServiceProviderConfigUrn}}"],
              "patch": { "supported": false },
              "bulk": { "supported": false, "maxOperations": 1000, "maxPayloadSize": 1048576 },
              "filter": { "supported": false, "maxResults": 200 },
              "changePassword": { "supported": false },
              "sort": { "supported": false },
              "etag": { "supported": false },
              "pagination": { "cursor": false, "index": true, "defaultPaginationMethod": "index", "defaultPageSize": 100, "maxPageSize": 1000 },
              "authenticationSchemes": [],
              "meta": { "resourceType": "ServiceProviderConfig", "location": "{{BaseUrl}}/ServiceProviderConfig" }
            }
            """);
        AssertJsonEqual(expected, document);
    }

    [Fact]
    public void ServiceProviderConfig_EverythingConfigured_WritesEveryValue()
    {
        var configuration = new ServiceProviderConfiguration
        {
            DocumentationUri = new Uri("https://example.com/help/scim"),
            PatchSupported = true,
            ChangePasswordSupported = true,
            SortSupported = true,
            ETagSupported = true,
        };
        configuration.Bulk.Supported = true;
        configuration.Bulk.MaxOperations = 50;
        configuration.Bulk.MaxPayloadSize = 65536;
        configuration.Filter.Supported = true;
        configuration.Filter.MaxResults = 500;
        configuration.Pagination.Cursor = true;
        configuration.Pagination.Index = false;
        configuration.Pagination.DefaultPaginationMethod = "cursor";
        configuration.Pagination.DefaultPageSize = 25;
        configuration.Pagination.MaxPageSize = 250;
        configuration.Pagination.CursorTimeout = 3600;
        configuration.AuthenticationSchemes.Add(AuthenticationScheme.OAuthBearerToken());
        configuration.AuthenticationSchemes.Add(new AuthenticationScheme("httpbasic", "HTTP Basic", "Authentication scheme using the HTTP Basic Standard")
        {
            DocumentationUri = new Uri("https://example.com/help/basic"),
        });

        var document = DiscoveryDocuments.ServiceProviderConfig(configuration, BaseUrl);

        var expected = JsonNode.Parse($$"""
            {
              "schemas": ["{{ServiceProviderConfigUrn}}"],
              "documentationUri": "https://example.com/help/scim",
              "patch": { "supported": true },
              "bulk": { "supported": true, "maxOperations": 50, "maxPayloadSize": 65536 },
              "filter": { "supported": true, "maxResults": 500 },
              "changePassword": { "supported": true },
              "sort": { "supported": true },
              "etag": { "supported": true },
              "pagination": {
                "cursor": true, "index": false, "defaultPaginationMethod": "cursor",
                "defaultPageSize": 25, "maxPageSize": 250, "cursorTimeout": 3600
              },
              "authenticationSchemes": [
                {
                  "type": "oauthbearertoken",
                  "name": "OAuth Bearer Token",
                  "description": "Authentication scheme using the OAuth Bearer Token Standard",
                  "specUri": "https://www.rfc-editor.org/info/rfc6750",
                  "primary": true
                },
                {
                  "type": "httpbasic",
                  "name": "HTTP Basic",
                  "description": "Authentication scheme using the HTTP Basic Standard",
                  "documentationUri": "https://example.com/help/basic",
                  "primary": false
                }
              ],
              "meta": { "resourceType": "ServiceProviderConfig", "location": "{{BaseUrl}}/ServiceProviderConfig" }
            }
            """);
        AssertJsonEqual(expected, document);
    }

    [Fact]
    public void ServiceProviderConfig_CursorTimeoutUnset_IsLeftOut()
    {
        var configuration = new ServiceProviderConfiguration();
        configuration.Pagination.Cursor = true;

        var pagination = DiscoveryDocuments.ServiceProviderConfig(configuration, BaseUrl)["pagination"]!.AsObject();

        Assert.False(pagination.ContainsKey("cursorTimeout"));
        Assert.True((bool)pagination["cursor"]!);
    }

    [Fact]
    public void ServiceProviderConfig_DocumentationUriUnset_IsLeftOut()
    {
        var document = DiscoveryDocuments.ServiceProviderConfig(new ServiceProviderConfiguration(), BaseUrl);

        Assert.False(document.ContainsKey("documentationUri"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AuthenticationScheme_OAuthBearerToken_IsRfc6750Scheme(bool primary)
    {
        var scheme = AuthenticationScheme.OAuthBearerToken(primary);

        Assert.Equal("oauthbearertoken", scheme.Type);
        Assert.Equal("OAuth Bearer Token", scheme.Name);
        Assert.Equal(new Uri("https://www.rfc-editor.org/info/rfc6750"), scheme.SpecUri);
        Assert.Null(scheme.DocumentationUri);
        Assert.Equal(primary, scheme.Primary);
    }

    [Fact]
    public void ServiceProviderConfig_UrisWithPercentEscapes_AreWrittenAsValidUris()
    {
        var configuration = new ServiceProviderConfiguration { DocumentationUri = new Uri("https://example.com/help/scim%20guide?q=a%26b") };
        configuration.AuthenticationSchemes.Add(new AuthenticationScheme("httpbasic", "HTTP Basic", "Basic")
        {
            SpecUri = new Uri("https://example.com/spec/basic%20auth"),
        });

        var document = DiscoveryDocuments.ServiceProviderConfig(configuration, BaseUrl);

        Assert.Equal("https://example.com/help/scim%20guide?q=a%26b", (string)document["documentationUri"]!);
        Assert.Equal("https://example.com/spec/basic%20auth", (string)document["authenticationSchemes"]![0]!["specUri"]!);
    }

    [Theory]
    [InlineData("https://example.com/scim/v2", "https://example.com/scim/v2")]
    [InlineData("https://example.com/scim/v2/", "https://example.com/scim/v2")]
    [InlineData("/scim/v2", "/scim/v2")]
    [InlineData("/scim/v2/", "/scim/v2")]
    public void MetaLocation_BaseUrlWithOrWithoutTrailingSlash_HasSingleSlash(string baseUrl, string expectedBase)
    {
        var registry = SchemaRegistry.CreateDefault();

        var serviceProviderConfig = DiscoveryDocuments.ServiceProviderConfig(new ServiceProviderConfiguration(), baseUrl);
        var schema = DiscoveryDocuments.Schema(BuiltInSchemas.Group, baseUrl);
        var resourceType = DiscoveryDocuments.ResourceType(registry.FindResourceType("User")!, baseUrl);
        var schemas = DiscoveryDocuments.Schemas(registry.Schemas, baseUrl);

        Assert.Equal(expectedBase + "/ServiceProviderConfig", (string)serviceProviderConfig["meta"]!["location"]!);
        Assert.Equal(expectedBase + "/Schemas/" + GroupUrn, (string)schema["meta"]!["location"]!);
        Assert.Equal(expectedBase + "/ResourceTypes/User", (string)resourceType["meta"]!["location"]!);
        Assert.Equal(expectedBase + "/Schemas/" + UserUrn, (string)schemas["Resources"]![0]!["meta"]!["location"]!);
    }

    [Fact]
    public void Documents_NullArguments_ThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => DiscoveryDocuments.ServiceProviderConfig(null!, BaseUrl));
        Assert.Throws<ArgumentNullException>(() => DiscoveryDocuments.ServiceProviderConfig(new ServiceProviderConfiguration(), null!));
        Assert.Throws<ArgumentNullException>(() => DiscoveryDocuments.Schema(null!, BaseUrl));
        Assert.Throws<ArgumentNullException>(() => DiscoveryDocuments.Schemas(null!, BaseUrl));
        Assert.Throws<ArgumentNullException>(() => DiscoveryDocuments.ResourceType(null!, BaseUrl));
        Assert.Throws<ArgumentNullException>(() => DiscoveryDocuments.ResourceTypes(null!, BaseUrl));
    }

    [Fact]
    public void Documents_EachCall_ReturnsIndependentDocument()
    {
        var registry = SchemaRegistry.CreateDefault();
        var first = DiscoveryDocuments.Schemas(registry.Schemas, BaseUrl);

        first["Resources"]!.AsArray().Clear();

        Assert.Equal(3, DiscoveryDocuments.Schemas(registry.Schemas, BaseUrl)["Resources"]!.AsArray().Count);
    }

    private static JsonObject SchemaResource(SchemaRegistry registry, string id) =>
        DiscoveryDocuments.Schemas(registry.Schemas, BaseUrl)["Resources"]!.AsArray().Single(r => (string)r!["id"]! == id)!.AsObject();

    private static JsonObject AttributeNode(JsonObject schema, string dottedName)
    {
        var parts = dottedName.Split('.');
        var attribute = schema["attributes"]!.AsArray().Single(a => (string)a!["name"]! == parts[0])!.AsObject();
        return parts.Length == 1
            ? attribute
            : attribute["subAttributes"]!.AsArray().Single(a => (string)a!["name"]! == parts[1])!.AsObject();
    }

    private static IEnumerable<JsonObject> AllAttributes(JsonArray attributes)
    {
        foreach (var attribute in attributes.Select(a => a!.AsObject()))
        {
            yield return attribute;
            if (attribute["subAttributes"] is JsonArray subAttributes)
            {
                foreach (var subAttribute in subAttributes)
                {
                    yield return subAttribute!.AsObject();
                }
            }
        }
    }

    private static List<string> Keys(JsonObject node) => [.. node.Select(p => p.Key)];

    private static List<string?> Strings(JsonNode? array) => [.. array!.AsArray().Select(v => (string?)v)];

    private static void AssertJsonEqual(JsonNode? expected, JsonNode? actual)
    {
        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"Expected:\n{expected?.ToJsonString(Indented)}\nActual:\n{actual?.ToJsonString(Indented)}");
    }
}
