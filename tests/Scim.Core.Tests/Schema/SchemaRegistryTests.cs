using System.Collections.Concurrent;
using Scim.Core.Errors;
using Scim.Core.Schema;

namespace Scim.Core.Tests.Schema;

public sealed class SchemaRegistryTests
{
    private const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string MyAppUrn = "urn:example:params:scim:schemas:extension:MyApp:2.0:User";
    private const string OtherAppUrn = "urn:example:params:scim:schemas:extension:OtherApp:2.0:User";
    private const string DeviceUrn = "urn:example:params:scim:schemas:core:2.0:Device";

    /// <summary>
    /// resource type, path, schema the attribute belongs to, attribute name, sub-attribute name
    /// (empty for none), whether it is an extension attribute, canonical path.
    /// </summary>
    public static TheoryData<string, string, string, string, string, bool, string> ResolvablePaths => new()
    {
        { "User", "userName", UserUrn, "userName", "", false, "userName" },
        { "User", "USERNAME", UserUrn, "userName", "", false, "userName" },
        { "User", "name.givenName", UserUrn, "name", "givenName", false, "name.givenName" },
        { "User", "Name.GivenName", UserUrn, "name", "givenName", false, "name.givenName" },
        { "User", "name", UserUrn, "name", "", false, "name" },
        { "User", "id", UserUrn, "id", "", false, "id" },
        { "User", "ID", UserUrn, "id", "", false, "id" },
        { "User", "externalId", UserUrn, "externalId", "", false, "externalId" },
        { "User", "meta.created", UserUrn, "meta", "created", false, "meta.created" },
        { "User", "META.LastModified", UserUrn, "meta", "lastModified", false, "meta.lastModified" },
        { "User", "emails.value", UserUrn, "emails", "value", false, "emails.value" },
        { "User", "groups.$ref", UserUrn, "groups", "$ref", false, "groups.$ref" },
        { "User", "manager", EnterpriseUrn, "manager", "", true, EnterpriseUrn + ":manager" },
        { "User", "manager.value", EnterpriseUrn, "manager", "value", true, EnterpriseUrn + ":manager.value" },
        { "User", "employeeNumber", EnterpriseUrn, "employeeNumber", "", true, EnterpriseUrn + ":employeeNumber" },
        { "User", EnterpriseUrn + ":manager", EnterpriseUrn, "manager", "", true, EnterpriseUrn + ":manager" },
        { "User", EnterpriseUrn + ":manager.value", EnterpriseUrn, "manager", "value", true, EnterpriseUrn + ":manager.value" },
        { "User", "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:MANAGER.VALUE", EnterpriseUrn, "manager", "value", true, EnterpriseUrn + ":manager.value" },
        { "User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:Manager.DisplayName", EnterpriseUrn, "manager", "displayName", true, EnterpriseUrn + ":manager.displayName" },
        { "User", UserUrn + ":userName", UserUrn, "userName", "", false, "userName" },
        { "User", UserUrn + ":name.givenName", UserUrn, "name", "givenName", false, "name.givenName" },
        { "User", "urn:ietf:params:scim:schemas:core:2.0:user:NAME.givenname", UserUrn, "name", "givenName", false, "name.givenName" },
        { "User", UserUrn + ":id", UserUrn, "id", "", false, "id" },
        { "User", UserUrn + ":meta.version", UserUrn, "meta", "version", false, "meta.version" },
        { "Group", "displayName", GroupUrn, "displayName", "", false, "displayName" },
        { "Group", "members.value", GroupUrn, "members", "value", false, "members.value" },
        { "Group", "MEMBERS.DISPLAY", GroupUrn, "members", "display", false, "members.display" },
        { "Group", "id", GroupUrn, "id", "", false, "id" },
        { "Group", "meta.resourceType", GroupUrn, "meta", "resourceType", false, "meta.resourceType" },
        { "Group", GroupUrn + ":members.$ref", GroupUrn, "members", "$ref", false, "members.$ref" },
    };

    /// <summary>resource type, path, a part of the error detail that names what is wrong.</summary>
    public static TheoryData<string, string, string> UnresolvablePaths => new()
    {
        { "User", "nickname2", "'nickname2'" },
        { "User", "name.nickName", "'nickName'" },
        { "User", "emails.label", "'label'" },
        { "User", "userName.x", "'userName'" },
        { "User", "id.value", "'id'" },
        { "User", "name.givenName.x", "'name.givenName.x'" },
        { "User", "", "empty" },
        { "User", "name.", "'name.'" },
        { "User", ".givenName", "'.givenName'" },
        { "User", GroupUrn + ":displayName", GroupUrn + ":displayName" },
        { "User", UserUrn + ":manager", "'manager'" },
        { "User", EnterpriseUrn + ":userName", "'userName'" },
        { "User", EnterpriseUrn + ":manager.nickName", "'nickName'" },
        { "User", EnterpriseUrn, "'" + EnterpriseUrn + "'" },
        { "User", EnterpriseUrn + ":", "'" + EnterpriseUrn + ":'" },
        { "User", "urn:example:unknown:2.0:User:userName", "urn:example:unknown:2.0:User:userName" },
        { "Group", "userName", "'userName'" },
        { "Group", "manager", "'manager'" },
        { "Group", "employeeNumber", "'employeeNumber'" },
        { "Group", EnterpriseUrn + ":manager", EnterpriseUrn + ":manager" },
        { "Group", UserUrn + ":userName", UserUrn + ":userName" },
    };

    /// <summary>Name or endpoint, expected resource type name (empty for none).</summary>
    public static TheoryData<string, string> ResourceTypeLookups => new()
    {
        { "User", "User" },
        { "user", "User" },
        { "/Users", "User" },
        { "/users", "User" },
        { "Users", "User" },
        { "users", "User" },
        { "Group", "Group" },
        { "/Groups", "Group" },
        { "groups", "Group" },
        { "Device", "" },
        { "/User", "" },
        { "", "" },
        { "USERS", "User" },
        { "Userss", "" },
        { "sers", "" },
        { "/", "" },
        { "//Users", "" },
    };

    /// <summary>A broken schema definition, and a part of the ArgumentException message.</summary>
    public static TheoryData<string, string> InvalidDefinitions => new()
    {
        { "complex without sub-attributes", "'address'" },
        { "complex sub-attribute", "'address.street'" },
        { "sub-attributes on a string", "'code'" },
        { "duplicate attribute names in different case", "'NickName'" },
        { "duplicate sub-attribute names in different case", "'address.CITY'" },
        { "reference without referenceTypes", "'homepage'" },
        { "name containing '.'", "'a.b'" },
        { "name containing ':'", "'a:b'" },
        { "name containing '['", "'a[b'" },
        { "name containing a space", "'a b'" },
        { "sub-attribute name containing '.'", "'address.c.d'" },
        { "schema id not a URN", "'MyApp'" },
    };

    [Theory]
    [MemberData(nameof(ResolvablePaths))]
    public void ResolveAttribute_KnownPath_ReturnsSchemaAttributeAndCanonicalPath(
        string resourceTypeName, string path, string schemaId, string attribute, string subAttribute, bool isExtension, string canonicalPath)
    {
        var registry = SchemaRegistry.CreateDefault();
        var resourceType = registry.FindResourceType(resourceTypeName)!;

        var resolved = registry.ResolveAttribute(resourceType, path);

        Assert.Same(registry.FindSchema(schemaId), resolved.Schema);
        Assert.Equal(attribute, resolved.Attribute.Name);
        Assert.Equal(subAttribute, resolved.SubAttribute?.Name ?? "");
        Assert.Same(resolved.SubAttribute ?? resolved.Attribute, resolved.Target);
        Assert.Equal(isExtension, resolved.IsExtension);
        Assert.Equal(canonicalPath, resolved.Path);
    }

    [Theory]
    [MemberData(nameof(ResolvablePaths))]
    public void TryResolveAttribute_KnownPath_ReturnsTrueAndTheResolvedAttribute(
        string resourceTypeName, string path, string schemaId, string attribute, string subAttribute, bool isExtension, string canonicalPath)
    {
        var registry = SchemaRegistry.CreateDefault();
        var resourceType = registry.FindResourceType(resourceTypeName)!;

        var ok = registry.TryResolveAttribute(resourceType, path, out var resolved, out var error);

        Assert.True(ok);
        Assert.Null(error);
        Assert.NotNull(resolved);
        Assert.Same(registry.FindSchema(schemaId), resolved.Schema);
        Assert.Equal(attribute, resolved.Attribute.Name);
        Assert.Equal(subAttribute, resolved.SubAttribute?.Name ?? "");
        Assert.Equal(isExtension, resolved.IsExtension);
        Assert.Equal(canonicalPath, resolved.Path);
    }

    [Fact]
    public void ResolveAttribute_CommonAttributes_AreTheCommonAttributeDefinitions()
    {
        var registry = SchemaRegistry.CreateDefault();
        var user = registry.FindResourceType("User")!;

        Assert.Same(CommonAttributes.Id, registry.ResolveAttribute(user, "id").Attribute);
        Assert.Same(CommonAttributes.ExternalId, registry.ResolveAttribute(user, "externalId").Attribute);
        Assert.Same(CommonAttributes.Meta, registry.ResolveAttribute(user, "meta.created").Attribute);
        Assert.Equal(AttributeType.DateTime, registry.ResolveAttribute(user, "meta.created").Target.Type);
    }

    [Theory]
    [MemberData(nameof(UnresolvablePaths))]
    public void ResolveAttribute_InvalidPath_ThrowsInvalidPathNamingThePart(string resourceTypeName, string path, string detailPart)
    {
        var registry = SchemaRegistry.CreateDefault();
        var resourceType = registry.FindResourceType(resourceTypeName)!;

        var exception = Assert.Throws<ScimException>(() => registry.ResolveAttribute(resourceType, path));

        Assert.Equal(400, exception.Status);
        Assert.Equal(ScimErrorType.InvalidPath, exception.ScimType);
        Assert.Contains(detailPart, exception.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(UnresolvablePaths))]
    public void TryResolveAttribute_InvalidPath_ReturnsFalseWithTheSameDetail(string resourceTypeName, string path, string detailPart)
    {
        var registry = SchemaRegistry.CreateDefault();
        var resourceType = registry.FindResourceType(resourceTypeName)!;

        var ok = registry.TryResolveAttribute(resourceType, path, out var resolved, out var error);

        Assert.False(ok);
        Assert.Null(resolved);
        Assert.NotNull(error);
        Assert.Contains(detailPart, error, StringComparison.Ordinal);
        Assert.Equal(error, Assert.Throws<ScimException>(() => registry.ResolveAttribute(resourceType, path)).Detail);
    }

    [Fact]
    public void ResolveAttribute_GroupUrnOnUser_DetailListsTheUserSchemas()
    {
        var registry = SchemaRegistry.CreateDefault();

        var exception = Assert.Throws<ScimException>(() => registry.ResolveAttribute(registry.FindResourceType("User")!, GroupUrn + ":displayName"));

        Assert.Contains(UserUrn, exception.Detail, StringComparison.Ordinal);
        Assert.Contains(EnterpriseUrn, exception.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveAttribute_NullArguments_ThrowArgumentNullException()
    {
        var registry = SchemaRegistry.CreateDefault();
        var user = registry.FindResourceType("User")!;

        Assert.Throws<ArgumentNullException>(() => registry.ResolveAttribute(null!, "userName"));
        Assert.Throws<ArgumentNullException>(() => registry.ResolveAttribute(user, null!));
    }

    [Fact]
    public void ResolveAttribute_ResourceTypeWhoseSchemaIsNotInThisRegistry_ThrowsInvalidPath()
    {
        var registry = new SchemaRegistry();
        var user = SchemaRegistry.CreateDefault().FindResourceType("User")!;

        var exception = Assert.Throws<ScimException>(() => registry.ResolveAttribute(user, "userName"));

        Assert.Equal(ScimErrorType.InvalidPath, exception.ScimType);
        Assert.Contains(UserUrn, exception.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateDefault_Registers_BuiltInSchemasAndResourceTypes()
    {
        var registry = SchemaRegistry.CreateDefault();

        Assert.Equal([BuiltInSchemas.User, BuiltInSchemas.Group, BuiltInSchemas.EnterpriseUser], registry.Schemas);
        Assert.Collection(
            registry.ResourceTypes,
            user =>
            {
                Assert.Equal("User", user.Name);
                Assert.Equal("/Users", user.Endpoint);
                Assert.Equal(UserUrn, user.Schema);
                Assert.Equal("User Account", user.Description);
                Assert.Equal([new SchemaExtension(EnterpriseUrn, Required: false)], user.SchemaExtensions);
            },
            group =>
            {
                Assert.Equal("Group", group.Name);
                Assert.Equal("/Groups", group.Endpoint);
                Assert.Equal(GroupUrn, group.Schema);
                Assert.Equal("Group", group.Description);
                Assert.Empty(group.SchemaExtensions);
            });
    }

    [Fact]
    public void CreateDefault_CalledTwice_ReturnsIndependentRegistries()
    {
        var first = SchemaRegistry.CreateDefault();
        var second = SchemaRegistry.CreateDefault();

        first.AddSchemaExtension("User", MyAppSchema());

        Assert.Equal(4, first.Schemas.Count);
        Assert.Equal(3, second.Schemas.Count);
        Assert.Single(second.FindResourceType("User")!.SchemaExtensions);
    }

    [Fact]
    public void Constructor_NewRegistry_IsEmpty()
    {
        var registry = new SchemaRegistry();

        Assert.Empty(registry.Schemas);
        Assert.Empty(registry.ResourceTypes);
        Assert.Null(registry.FindSchema(UserUrn));
        Assert.Null(registry.FindResourceType("User"));
    }

    [Theory]
    [InlineData(UserUrn)]
    [InlineData("URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER")]
    public void FindSchema_IdInAnyCase_ReturnsSchema(string id)
    {
        var registry = SchemaRegistry.CreateDefault();

        Assert.Same(BuiltInSchemas.User, registry.FindSchema(id));
    }

    [Fact]
    public void FindSchema_Unknown_ReturnsNull()
    {
        Assert.Null(SchemaRegistry.CreateDefault().FindSchema("urn:example:unknown"));
    }

    [Theory]
    [MemberData(nameof(ResourceTypeLookups))]
    public void FindResourceType_NameOrEndpoint_ReturnsResourceType(string nameOrEndpoint, string expected)
    {
        var registry = SchemaRegistry.CreateDefault();

        var resourceType = registry.FindResourceType(nameOrEndpoint);

        Assert.Equal(expected, resourceType?.Name ?? "");
    }

    [Fact]
    public void AddSchemaExtension_HostSchema_AppearsInSchemasAndResourceType()
    {
        var registry = SchemaRegistry.CreateDefault();
        var schema = MyAppSchema();

        registry.AddSchemaExtension("User", schema, required: true);

        Assert.Same(schema, registry.Schemas[^1]);
        Assert.Same(schema, registry.FindSchema(MyAppUrn));
        Assert.Equal(
            [new SchemaExtension(EnterpriseUrn, Required: false), new SchemaExtension(MyAppUrn, Required: true)],
            registry.FindResourceType("User")!.SchemaExtensions);
        Assert.Empty(registry.FindResourceType("Group")!.SchemaExtensions);
    }

    [Fact]
    public void AddSchemaExtension_RequiredOmitted_IsOptional()
    {
        var registry = SchemaRegistry.CreateDefault();

        registry.AddSchemaExtension("user", MyAppSchema());

        Assert.False(registry.FindResourceType("User")!.SchemaExtensions[^1].Required);
    }

    [Theory]
    [InlineData("tenantRole", "tenantRole", "")]
    [InlineData("TENANTROLE", "tenantRole", "")]
    [InlineData("badge.number", "badge", "number")]
    [InlineData(MyAppUrn + ":tenantRole", "tenantRole", "")]
    [InlineData(MyAppUrn + ":badge.Number", "badge", "number")]
    [InlineData("URN:EXAMPLE:PARAMS:SCIM:SCHEMAS:EXTENSION:MYAPP:2.0:USER:tenantRole", "tenantRole", "")]
    public void ResolveAttribute_HostExtensionAttribute_ResolvesWithAndWithoutUrn(string path, string attribute, string subAttribute)
    {
        var registry = SchemaRegistry.CreateDefault();
        var schema = MyAppSchema();
        registry.AddSchemaExtension("User", schema);

        var resolved = registry.ResolveAttribute(registry.FindResourceType("User")!, path);

        Assert.Same(schema, resolved.Schema);
        Assert.True(resolved.IsExtension);
        Assert.Equal(attribute, resolved.Attribute.Name);
        Assert.Equal(subAttribute, resolved.SubAttribute?.Name ?? "");
        Assert.StartsWith(MyAppUrn + ":", resolved.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveAttribute_AttributeInTwoExtensions_ThrowsAskingToQualify()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(MyAppUrn, "MyApp", null, [new SchemaAttribute("costCenter", AttributeType.String)]));
        var user = registry.FindResourceType("User")!;

        var exception = Assert.Throws<ScimException>(() => registry.ResolveAttribute(user, "costCenter"));

        Assert.Equal(400, exception.Status);
        Assert.Equal(ScimErrorType.InvalidPath, exception.ScimType);
        Assert.Contains("'costCenter'", exception.Detail, StringComparison.Ordinal);
        Assert.Contains(EnterpriseUrn, exception.Detail, StringComparison.Ordinal);
        Assert.Contains(MyAppUrn, exception.Detail, StringComparison.Ordinal);
        Assert.Contains("qualify", exception.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EnterpriseUrn + ":costCenter", EnterpriseUrn)]
    [InlineData(MyAppUrn + ":costCenter", MyAppUrn)]
    public void ResolveAttribute_AmbiguousAttributeQualified_ResolvesToThatSchema(string path, string schemaId)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(MyAppUrn, "MyApp", null, [new SchemaAttribute("costCenter", AttributeType.String)]));

        var resolved = registry.ResolveAttribute(registry.FindResourceType("User")!, path);

        Assert.Equal(schemaId, resolved.Schema.Id);
        Assert.Equal(path, resolved.Path);
    }

    [Fact]
    public void ResolveAttribute_ExtensionRedefinesCoreAttribute_UnqualifiedNameIsTheCoreOne()
    {
        // RFC 7644 §3.10: an unqualified name is looked up in the core schema first.
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(MyAppUrn, "MyApp", null, [new SchemaAttribute("title", AttributeType.Integer)]));
        var user = registry.FindResourceType("User")!;

        var unqualified = registry.ResolveAttribute(user, "title");
        var qualified = registry.ResolveAttribute(user, MyAppUrn + ":title");

        Assert.Same(BuiltInSchemas.User, unqualified.Schema);
        Assert.False(unqualified.IsExtension);
        Assert.Equal(AttributeType.String, unqualified.Attribute.Type);
        Assert.Equal(AttributeType.Integer, qualified.Attribute.Type);
        Assert.True(qualified.IsExtension);
    }

    [Fact]
    public void ResolveAttribute_ExtensionUrnExtendingAnotherUrn_LongestUrnWins()
    {
        var registry = SchemaRegistry.CreateDefault();
        var shortSchema = new ScimSchema("urn:example:ext", "Short", null, [new SchemaAttribute("a", AttributeType.String)]);
        var longSchema = new ScimSchema("urn:example:ext:v2", "Long", null, [new SchemaAttribute("b", AttributeType.String)]);
        registry.AddSchemaExtension("User", shortSchema);
        registry.AddSchemaExtension("User", longSchema);
        var user = registry.FindResourceType("User")!;

        Assert.Same(longSchema, registry.ResolveAttribute(user, "urn:example:ext:v2:b").Schema);
        Assert.Same(shortSchema, registry.ResolveAttribute(user, "urn:example:ext:a").Schema);
    }

    [Fact]
    public void AddSchemaExtension_SameSchemaOnTwoResourceTypes_IsRegisteredOnce()
    {
        var registry = SchemaRegistry.CreateDefault();
        var schema = new ScimSchema("urn:example:params:scim:schemas:extension:Audit:2.0", "Audit", null, [new SchemaAttribute("source", AttributeType.String)]);

        registry.AddSchemaExtension("User", schema);
        registry.AddSchemaExtension("Group", schema);

        Assert.Single(registry.Schemas, s => ReferenceEquals(s, schema));
        Assert.Same(schema, registry.ResolveAttribute(registry.FindResourceType("Group")!, "source").Schema);
    }

    [Fact]
    public void AddSchemaExtension_ExtensionAlreadyOnResourceType_ThrowsInvalidOperation()
    {
        var registry = SchemaRegistry.CreateDefault();
        var schema = MyAppSchema();
        registry.AddSchemaExtension("User", schema);

        Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("User", schema));
        Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("User", BuiltInSchemas.EnterpriseUser));
        Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("User", BuiltInSchemas.User));
    }

    [Fact]
    public void AddSchemaExtension_UnknownResourceType_ThrowsInvalidOperation()
    {
        var registry = SchemaRegistry.CreateDefault();

        var exception = Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("Device", MyAppSchema()));

        Assert.Contains("'Device'", exception.Message, StringComparison.Ordinal);
        Assert.Null(registry.FindSchema(MyAppUrn));
    }

    [Fact]
    public void AddSchemaExtension_DifferentSchemaWithRegisteredId_ThrowsInvalidOperation()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchema(MyAppSchema());

        Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("User", MyAppSchema()));
        Assert.Single(registry.FindResourceType("User")!.SchemaExtensions);
    }

    [Fact]
    public void AddSchemaExtension_SchemaRegisteredBefore_IsAttached()
    {
        var registry = SchemaRegistry.CreateDefault();
        var schema = MyAppSchema();
        registry.AddSchema(schema);

        registry.AddSchemaExtension("User", schema);

        Assert.Equal(4, registry.Schemas.Count);
        Assert.Equal(MyAppUrn, registry.FindResourceType("User")!.SchemaExtensions[^1].Schema);
    }

    [Theory]
    [InlineData(UserUrn)]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:user")]
    public void AddSchema_DuplicateId_ThrowsInvalidOperation(string id)
    {
        var registry = SchemaRegistry.CreateDefault();

        Assert.Throws<InvalidOperationException>(() => registry.AddSchema(new ScimSchema(id, "Again", null, [new SchemaAttribute("x", AttributeType.String)])));
        Assert.Equal(3, registry.Schemas.Count);
    }

    [Theory]
    [InlineData("User", "/People")]
    [InlineData("USER", "/People")]
    [InlineData("People", "/Users")]
    [InlineData("People", "/USERS")]
    public void AddResourceType_DuplicateNameOrEndpoint_ThrowsInvalidOperation(string name, string endpoint)
    {
        var registry = SchemaRegistry.CreateDefault();

        Assert.Throws<InvalidOperationException>(() => registry.AddResourceType(new ScimResourceType(name, endpoint, UserUrn)));
        Assert.Equal(2, registry.ResourceTypes.Count);
    }

    [Fact]
    public void AddResourceType_UnregisteredCoreSchema_ThrowsInvalidOperation()
    {
        var registry = SchemaRegistry.CreateDefault();

        var exception = Assert.Throws<InvalidOperationException>(() => registry.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn)));

        Assert.Contains(DeviceUrn, exception.Message, StringComparison.Ordinal);
        Assert.Null(registry.FindResourceType("Device"));
    }

    [Fact]
    public void AddResourceType_UnregisteredExtensionSchema_ThrowsInvalidOperation()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchema(DeviceSchema());

        var exception = Assert.Throws<InvalidOperationException>(() => registry.AddResourceType(
            new ScimResourceType("Device", "/Devices", DeviceUrn, null, [new SchemaExtension(MyAppUrn, Required: false)])));

        Assert.Contains(MyAppUrn, exception.Message, StringComparison.Ordinal);
        Assert.Null(registry.FindResourceType("Device"));
    }

    [Theory]
    [InlineData(DeviceUrn)]
    [InlineData(EnterpriseUrn)]
    public void AddResourceType_SchemaListedTwice_ThrowsInvalidOperation(string repeated)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchema(DeviceSchema());

        Assert.Throws<InvalidOperationException>(() => registry.AddResourceType(new ScimResourceType(
            "Device", "/Devices", DeviceUrn, null, [new SchemaExtension(EnterpriseUrn, false), new SchemaExtension(repeated.ToUpperInvariant(), true)])));
    }

    [Theory]
    [InlineData("serialNumber", "serialNumber", "")]
    [InlineData("SERIALNUMBER", "serialNumber", "")]
    [InlineData("location.building", "location", "building")]
    [InlineData(DeviceUrn + ":serialNumber", "serialNumber", "")]
    [InlineData("id", "id", "")]
    [InlineData("meta.location", "meta", "location")]
    public void ResolveAttribute_HostResourceType_ResolvesItsAttributes(string path, string attribute, string subAttribute)
    {
        var registry = SchemaRegistry.CreateDefault();
        var schema = DeviceSchema();
        registry.AddSchema(schema);
        registry.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn, "A device"));
        var device = registry.FindResourceType("/devices")!;

        var resolved = registry.ResolveAttribute(device, path);

        Assert.Same(schema, resolved.Schema);
        Assert.Equal(attribute, resolved.Attribute.Name);
        Assert.Equal(subAttribute, resolved.SubAttribute?.Name ?? "");
        Assert.False(resolved.IsExtension);
        Assert.Equal(resolved.SubAttribute is null ? attribute : $"{attribute}.{subAttribute}", resolved.Path);
    }

    [Theory]
    [InlineData("userName")]
    [InlineData("manager")]
    [InlineData(UserUrn + ":userName")]
    public void ResolveAttribute_HostResourceType_DoesNotSeeUserAttributes(string path)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchema(DeviceSchema());
        registry.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn));

        Assert.False(registry.TryResolveAttribute(registry.FindResourceType("Device")!, path, out _, out _));
    }

    [Fact]
    public void AddResourceType_HostResourceType_KeepsRegistrationOrder()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchema(DeviceSchema());

        registry.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn));

        Assert.Equal(["User", "Group", "Device"], registry.ResourceTypes.Select(r => r.Name));
        Assert.Equal([UserUrn, GroupUrn, EnterpriseUrn, DeviceUrn], registry.Schemas.Select(s => s.Id));
    }

    [Theory]
    [InlineData("Users")]
    [InlineData("/")]
    [InlineData("/a/b")]
    [InlineData("/Users/")]
    [InlineData(" ")]
    public void ScimResourceType_InvalidEndpoint_ThrowsArgumentException(string endpoint)
    {
        Assert.Throws<ArgumentException>(() => new ScimResourceType("Thing", endpoint, UserUrn));
    }

    [Theory]
    [InlineData("", "/Things", UserUrn)]
    [InlineData("Thing", "/Things", " ")]
    public void ScimResourceType_MissingNameOrSchema_ThrowsArgumentException(string name, string endpoint, string schema)
    {
        Assert.Throws<ArgumentException>(() => new ScimResourceType(name, endpoint, schema));
    }

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public void ScimSchema_InvalidDefinition_ThrowsArgumentException(string definition, string messagePart)
    {
        var exception = Assert.Throws<ArgumentException>(() => InvalidSchema(definition));

        Assert.Contains(messagePart, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void SchemaAttribute_BlankName_ThrowsArgumentException(string name)
    {
        Assert.Throws<ArgumentException>(() => new SchemaAttribute(name, AttributeType.String));
    }

    [Fact]
    public void SchemaAttribute_NewAttribute_HasRfc7643Section22Defaults()
    {
        var attribute = new SchemaAttribute("x", AttributeType.String);

        Assert.False(attribute.MultiValued);
        Assert.False(attribute.Required);
        Assert.False(attribute.CaseExact);
        Assert.Equal(Mutability.ReadWrite, attribute.Mutability);
        Assert.Equal(Returned.Default, attribute.Returned);
        Assert.Equal(Uniqueness.None, attribute.Uniqueness);
        Assert.Empty(attribute.CanonicalValues);
        Assert.Empty(attribute.ReferenceTypes);
        Assert.Empty(attribute.SubAttributes);
        Assert.Null(attribute.Description);
        Assert.Equal("x", attribute.ToString());
    }

    [Fact]
    public void ScimSchema_UrnInUpperCase_IsAccepted()
    {
        var schema = new ScimSchema("URN:example:x", null, null, [new SchemaAttribute("a", AttributeType.String)]);

        Assert.Equal("URN:example:x", schema.Id);
        Assert.Null(schema.Name);
        Assert.Null(schema.Description);
    }

    [Fact]
    public async Task AddSchemaExtension_WhileOtherThreadsResolve_ReadersNeverFail()
    {
        const int Extensions = 200;
        var registry = SchemaRegistry.CreateDefault();
        var cancellationToken = TestContext.Current.CancellationToken;
        using var done = new CancellationTokenSource();
        using var started = new CountdownEvent(4);
        var failures = new ConcurrentQueue<Exception>();
        var reads = 0;

        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(
            () =>
            {
                started.Signal();
                while (!done.IsCancellationRequested)
                {
                    try
                    {
                        var user = registry.FindResourceType("User")!;
                        Assert.Equal("userName", registry.ResolveAttribute(user, "USERNAME").Path);
                        Assert.Equal(EnterpriseUrn + ":manager.value", registry.ResolveAttribute(user, "manager.value").Path);
                        Assert.NotNull(registry.FindSchema(EnterpriseUrn));
                        Assert.True(registry.Schemas.Count >= 3);
                        foreach (var extension in user.SchemaExtensions)
                        {
                            Assert.NotNull(registry.FindSchema(extension.Schema));
                        }

                        Interlocked.Increment(ref reads);
                    }
                    catch (Exception exception)
                    {
                        failures.Enqueue(exception);
                        return;
                    }
                }
            },
            cancellationToken)).ToArray();

        started.Wait(cancellationToken);
        try
        {
            for (var i = 0; i < Extensions; i++)
            {
                registry.AddSchemaExtension(i % 2 == 0 ? "User" : "Group", new ScimSchema(
                    $"urn:example:params:scim:schemas:extension:Load{i}:2.0", $"Load{i}", null, [new SchemaAttribute($"load{i}", AttributeType.Integer)]));
            }
        }
        finally
        {
            done.Cancel();
        }

        await Task.WhenAll(readers);

        Assert.Empty(failures);
        Assert.True(reads > 0);
        Assert.Equal(3 + Extensions, registry.Schemas.Count);
        Assert.Equal(1 + (Extensions / 2), registry.FindResourceType("User")!.SchemaExtensions.Count);
        Assert.Equal(Extensions / 2, registry.FindResourceType("Group")!.SchemaExtensions.Count);
        Assert.True(registry.ResolveAttribute(registry.FindResourceType("Group")!, "load199").IsExtension);
    }

    private static ScimSchema MyAppSchema() => new(MyAppUrn, "MyApp", "MyApp user attributes",
    [
        new SchemaAttribute("tenantRole", AttributeType.String),
        new SchemaAttribute("badge", AttributeType.Complex) { SubAttributes = [new SchemaAttribute("number", AttributeType.Integer)] },
    ]);

    private static ScimSchema DeviceSchema() => new(DeviceUrn, "Device", "A device",
    [
        new SchemaAttribute("serialNumber", AttributeType.String) { Required = true, CaseExact = true, Uniqueness = Uniqueness.Global },
        new SchemaAttribute("location", AttributeType.Complex) { SubAttributes = [new SchemaAttribute("building", AttributeType.String)] },
    ]);

    private static ScimSchema InvalidSchema(string definition) => definition switch
    {
        "complex without sub-attributes" => Schema(new SchemaAttribute("address", AttributeType.Complex)),
        "complex sub-attribute" => Schema(new SchemaAttribute("address", AttributeType.Complex)
        {
            SubAttributes = [new SchemaAttribute("street", AttributeType.Complex) { SubAttributes = [new SchemaAttribute("line", AttributeType.String)] }],
        }),
        "sub-attributes on a string" => Schema(new SchemaAttribute("code", AttributeType.String) { SubAttributes = [new SchemaAttribute("x", AttributeType.String)] }),
        "duplicate attribute names in different case" => Schema(new SchemaAttribute("nickName", AttributeType.String), new SchemaAttribute("NickName", AttributeType.String)),
        "duplicate sub-attribute names in different case" => Schema(new SchemaAttribute("address", AttributeType.Complex)
        {
            SubAttributes = [new SchemaAttribute("city", AttributeType.String), new SchemaAttribute("CITY", AttributeType.String)],
        }),
        "reference without referenceTypes" => Schema(new SchemaAttribute("homepage", AttributeType.Reference)),
        "name containing '.'" => Schema(new SchemaAttribute("a.b", AttributeType.String)),
        "name containing ':'" => Schema(new SchemaAttribute("a:b", AttributeType.String)),
        "name containing '['" => Schema(new SchemaAttribute("a[b", AttributeType.String)),
        "name containing a space" => Schema(new SchemaAttribute("a b", AttributeType.String)),
        "sub-attribute name containing '.'" => Schema(new SchemaAttribute("address", AttributeType.Complex)
        {
            SubAttributes = [new SchemaAttribute("c.d", AttributeType.String)],
        }),
        "schema id not a URN" => new ScimSchema("MyApp", "MyApp", null, [new SchemaAttribute("x", AttributeType.String)]),
        _ => throw new ArgumentOutOfRangeException(nameof(definition), definition, "Unknown definition."),
    };

    private static ScimSchema Schema(params SchemaAttribute[] attributes) => new(MyAppUrn, "MyApp", null, attributes);
}
