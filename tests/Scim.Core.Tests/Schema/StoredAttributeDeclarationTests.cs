using Scim.Core.Schema;

namespace Scim.Core.Tests.Schema;

/// <summary>
/// <see cref="SchemaRegistry"/> declarations of what a store keeps: applied once, as the registry
/// freezes, they restrict the schemas every other component reads.
/// </summary>
public sealed class StoredAttributeDeclarationTests
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;

    private static SchemaRegistry Declared(string resourceType, params string[] paths)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareStoredAttributes(resourceType, paths);
        registry.Freeze();
        return registry;
    }

    private static string[] Names(ScimSchema schema) => [.. schema.Attributes.Select(a => a.Name)];

    private static string[] SubNames(ScimSchema schema, string attribute) => [.. schema.FindAttribute(attribute)!.SubAttributes.Select(s => s.Name)];

    private static ScimSchema UserSchema(SchemaRegistry registry) => registry.FindSchema(ScimSchemaUris.User)!;

    private static ScimResourceType UserType(SchemaRegistry registry) => registry.FindResourceType("User")!;

    // ---------------------------------------------------------------- what is kept

    [Fact]
    public void Freeze_DeclaredUser_KeepsOnlyDeclaredAttributesAndTheReadOnlyGroups()
    {
        var registry = Declared("User", "userName", "displayName", "active");

        Assert.Equal(["userName", "displayName", "active", "groups"], Names(UserSchema(registry)));
    }

    [Fact]
    public void Freeze_DeclaredUser_KeptAttributesKeepTheirCharacteristics()
    {
        var registry = Declared("User", "userName", "emails");

        var userName = UserSchema(registry).FindAttribute("userName")!;
        Assert.True(userName.Required);
        Assert.Equal(Uniqueness.Server, userName.Uniqueness);
        Assert.Same(BuiltInSchemas.User.FindAttribute("emails"), UserSchema(registry).FindAttribute("emails"));
    }

    [Fact]
    public void Freeze_ComplexAttributeNamedAlone_KeepsEverySubAttribute()
    {
        var registry = Declared("User", "userName", "name");

        Assert.Equal(BuiltInSchemas.User.FindAttribute("name")!.SubAttributes.Select(s => s.Name), SubNames(UserSchema(registry), "name"));
        Assert.Equal(6, SubNames(UserSchema(registry), "name").Length);
    }

    [Fact]
    public void Freeze_SubAttributeNamed_KeepsOnlyThatSubAttribute()
    {
        var registry = Declared("User", "userName", "name.givenName");

        Assert.Equal(["givenName"], SubNames(UserSchema(registry), "name"));
        Assert.Equal(["userName", "name", "groups"], Names(UserSchema(registry)));
    }

    [Fact]
    public void Freeze_SeveralSubAttributes_KeepsThemInSchemaOrder()
    {
        var registry = Declared("User", "userName", "name.givenName", "name.familyName", "emails.value", "emails.primary");

        Assert.Equal(["familyName", "givenName"], SubNames(UserSchema(registry), "name"));
        Assert.Equal(["value", "primary"], SubNames(UserSchema(registry), "emails"));
    }

    [Theory]
    [InlineData("name", "name.givenName")]
    [InlineData("name.givenName", "name")]
    public void Freeze_AttributeNamedAloneAndWithASubAttribute_KeepsEverySubAttribute(string first, string second)
    {
        var registry = Declared("User", "userName", first, second);

        Assert.Equal(6, SubNames(UserSchema(registry), "name").Length);
    }

    [Fact]
    public void Freeze_PathsInAnyCaseOrQualified_AreTheCanonicalAttributes()
    {
        var registry = Declared("User", $"{ScimSchemaUris.User}:USERNAME", "Name.GIVENNAME", "TITLE");

        Assert.Equal(["userName", "name", "title", "groups"], Names(UserSchema(registry)));
        Assert.Equal(["givenName"], SubNames(UserSchema(registry), "name"));
    }

    [Fact]
    public void Freeze_DeclaredUser_LeavesTheUndeclaredGroupAsItWas()
    {
        var registry = Declared("User", "userName");

        Assert.Same(BuiltInSchemas.Group, registry.FindSchema(ScimSchemaUris.Group));
        Assert.True(registry.TryResolveAttribute(registry.FindResourceType("Group")!, "externalId", out _, out _));
    }

    [Fact]
    public void Freeze_NoDeclaration_ChangesNothing()
    {
        var registry = SchemaRegistry.CreateDefault();
        var before = registry.Schemas.ToList();

        registry.Freeze();

        Assert.Equal(before, registry.Schemas);
        Assert.Equal([Enterprise], UserType(registry).SchemaExtensions.Select(e => e.Schema));
    }

    [Fact]
    public void Freeze_ExtensionAttributeDeclared_KeepsTheExtensionWithOnlyThatAttribute()
    {
        var registry = Declared("User", "userName", $"{Enterprise}:department", "employeeNumber");

        Assert.Equal(["employeeNumber", "department"], Names(registry.FindSchema(Enterprise)!));
        Assert.Equal([Enterprise], UserType(registry).SchemaExtensions.Select(e => e.Schema));
        Assert.True(registry.TryResolveAttribute(UserType(registry), "department", out var department, out _));
        Assert.True(department.IsExtension);
        Assert.False(registry.TryResolveAttribute(UserType(registry), $"{Enterprise}:costCenter", out _, out _));
    }

    [Fact]
    public void Freeze_ExtensionSubAttributeDeclared_KeepsOnlyIt_AndIgnoresTheReadOnlyOnesLeftOut()
    {
        // The manager's displayName is read-only: not served, but a request's copy is ignored, not refused as unknown.
        var registry = Declared("User", "userName", $"{Enterprise}:manager.value");

        Assert.Equal(["manager"], Names(registry.FindSchema(Enterprise)!));
        Assert.Equal(["value"], SubNames(registry.FindSchema(Enterprise)!, "manager"));
        var manager = registry.FindSchema(Enterprise)!.Attributes.Single();
        Assert.True(manager.IgnoresSubAttribute("DisplayName"));
        Assert.False(manager.IgnoresSubAttribute("$ref")); // read-write: left out, so unknown
    }

    [Fact]
    public void Freeze_ExtensionWithNoDeclaredAttribute_IsNoLongerServed()
    {
        var registry = Declared("User", "userName");

        Assert.Empty(UserType(registry).SchemaExtensions);
        Assert.Null(registry.FindSchema(Enterprise));
        Assert.DoesNotContain(registry.Schemas, s => s.Id == Enterprise);
        Assert.False(registry.TryResolveAttribute(UserType(registry), "department", out _, out var error));
        Assert.Contains("department", error, StringComparison.Ordinal);
        Assert.False(registry.TryResolveAttribute(UserType(registry), $"{Enterprise}:department", out _, out _));
    }

    [Fact]
    public void Freeze_HostExtensionWithNoDeclaredAttribute_IsNoLongerServedButOneWithADeclaredAttributeIs()
    {
        const string Badge = "urn:example:params:scim:schemas:extension:Badge:2.0:User";
        const string Desk = "urn:example:params:scim:schemas:extension:Desk:2.0:User";
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(Badge, "Badge", null, [new SchemaAttribute("badgeId", AttributeType.String)]));
        registry.AddSchemaExtension("User", new ScimSchema(Desk, "Desk", null, [new SchemaAttribute("desk", AttributeType.String), new SchemaAttribute("floor", AttributeType.Integer)]));
        registry.DeclareStoredAttributes("User", ["userName", $"{Desk}:floor"]);

        registry.Freeze();

        Assert.Equal([Desk], UserType(registry).SchemaExtensions.Select(e => e.Schema));
        Assert.Null(registry.FindSchema(Badge));
        Assert.Equal(["floor"], Names(registry.FindSchema(Desk)!));
    }

    [Fact]
    public void Freeze_ExternalIdNotDeclared_IsUnknownForThatTypeOnly()
    {
        var registry = Declared("User", "userName");

        Assert.False(registry.TryResolveAttribute(UserType(registry), "externalId", out _, out var error));
        Assert.Contains("externalId", error, StringComparison.Ordinal);
        Assert.True(registry.TryResolveAttribute(registry.FindResourceType("Group")!, "externalId", out _, out _));
    }

    [Theory]
    [InlineData("externalId")]
    [InlineData("EXTERNALID")]
    public void Freeze_ExternalIdDeclared_IsKnown(string path)
    {
        var registry = Declared("User", "userName", path);

        Assert.True(registry.TryResolveAttribute(UserType(registry), "externalId", out var resolved, out _));
        Assert.Equal("externalId", resolved.Attribute.Name);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("meta")]
    [InlineData("meta.created")]
    [InlineData("meta.lastModified")]
    [InlineData("META.version")]
    [InlineData("ID")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:meta.created")]
    public void Freeze_IdAndMetaDeclared_AreAcceptedAndStayResolvable(string path)
    {
        var registry = Declared("User", "userName", path);

        Assert.Equal(["userName", "groups"], Names(UserSchema(registry)));
        Assert.True(registry.TryResolveAttribute(UserType(registry), "id", out _, out _));
        Assert.True(registry.TryResolveAttribute(UserType(registry), "meta.lastModified", out _, out _));
    }

    [Fact]
    public void Freeze_ReadOnlyAttributeNotDeclared_StaysAndSoDoesAnUndeclaredId()
    {
        var registry = Declared("User", "userName");

        Assert.NotNull(UserSchema(registry).FindAttribute("groups"));
        Assert.True(registry.TryResolveAttribute(UserType(registry), "id", out _, out _));
        Assert.True(registry.TryResolveAttribute(UserType(registry), "meta.created", out _, out _));
    }

    [Fact]
    public void Freeze_DeclaredGroup_KeepsDeclaredAttributes()
    {
        var registry = Declared("Group", "displayName", "members.value", "members.display");

        var group = registry.FindSchema(ScimSchemaUris.Group)!;
        Assert.Equal(["displayName", "members"], Names(group));
        Assert.Equal(["value", "display"], SubNames(group, "members"));
    }

    [Fact]
    public void Freeze_DeclaredAgain_TheLastDeclarationCounts()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareStoredAttributes("User", ["userName", "title"]);
        registry.DeclareStoredAttributes("User", ["userName", "nickName"]);

        registry.Freeze();

        Assert.Equal(["userName", "nickName", "groups"], Names(UserSchema(registry)));
    }

    [Fact]
    public void Freeze_Twice_AppliesTheDeclarationsOnce()
    {
        var registry = Declared("User", "userName", "name.givenName");
        var schema = UserSchema(registry);

        registry.Freeze();

        Assert.Same(schema, UserSchema(registry));
    }

    [Fact]
    public void Freeze_ResourceTypeLookups_FindTheRestrictedType()
    {
        var registry = Declared("User", "userName");

        Assert.Same(registry.FindResourceType("User"), registry.FindResourceType("/Users"));
        Assert.Same(registry.ResourceTypes[0], registry.FindResourceType("Users"));
        Assert.Equal("/Users", UserType(registry).Endpoint);
        Assert.Equal(ScimSchemaUris.User, UserType(registry).Schema);
    }

    // ---------------------------------------------------------------- host mistakes

    [Fact]
    public void Freeze_RequiredUserNameNotDeclared_ThrowsNamingIt()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareStoredAttributes("User", ["displayName", "name"]);

        var error = Assert.Throws<InvalidOperationException>(registry.Freeze);

        Assert.Contains("'userName'", error.Message, StringComparison.Ordinal);
        Assert.False(registry.IsFrozen);
    }

    [Fact]
    public void Freeze_RequiredGroupDisplayNameNotDeclared_ThrowsNamingIt()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareStoredAttributes("Group", ["members"]);

        var error = Assert.Throws<InvalidOperationException>(registry.Freeze);

        Assert.Contains("'displayName'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Freeze_EmptyDeclaration_ThrowsForTheRequiredAttribute()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareStoredAttributes("User", []);

        var error = Assert.Throws<InvalidOperationException>(registry.Freeze);

        Assert.Contains("'userName'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Freeze_RequiredAttributeOfAnExtensionWithNoDeclaredAttribute_Throws()
    {
        const string Badge = "urn:example:params:scim:schemas:extension:Badge:2.0:User";
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(Badge, "Badge", null, [new SchemaAttribute("badgeId", AttributeType.String) { Required = true }]));
        registry.DeclareStoredAttributes("User", ["userName"]);

        var error = Assert.Throws<InvalidOperationException>(registry.Freeze);

        Assert.Contains("'badgeId'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shoeSize")]
    [InlineData("name.shoeSize")]
    [InlineData("userName.first")]
    [InlineData("name.givenName.first")]
    [InlineData("urn:example:params:scim:schemas:extension:Other:2.0:User:x")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:shoeSize")]
    [InlineData("members")]
    [InlineData("")]
    public void Freeze_PathThatIsNoAttribute_ThrowsNamingIt(string path)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareStoredAttributes("User", ["userName", path]);

        var error = Assert.Throws<InvalidOperationException>(registry.Freeze);

        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'User'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metadata")]
    [InlineData("metaphor")]
    [InlineData("meta.shoeSize")]
    [InlineData("meta.created.x")]
    [InlineData("identity")]
    public void Freeze_PathThatOnlyStartsLikeMetaOrId_ThrowsNamingIt(string path)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareStoredAttributes("User", ["userName", path]);

        var error = Assert.Throws<InvalidOperationException>(registry.Freeze);

        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Device")]
    [InlineData("Users")]
    [InlineData("")]
    public void DeclareStoredAttributes_UnknownResourceType_ThrowsAtOnce(string name)
    {
        var registry = SchemaRegistry.CreateDefault();

        var error = Assert.Throws<InvalidOperationException>(() => registry.DeclareStoredAttributes(name, ["userName"]));

        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclareStoredAttributes_NullArguments_Throw()
    {
        var registry = SchemaRegistry.CreateDefault();

        Assert.Throws<ArgumentNullException>(() => registry.DeclareStoredAttributes(null!, ["userName"]));
        Assert.Throws<ArgumentNullException>(() => registry.DeclareStoredAttributes("User", null!));
    }

    [Fact]
    public void DeclareStoredAttributes_AfterFreeze_ThrowsAndChangesNothing()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.Freeze();

        var error = Assert.Throws<InvalidOperationException>(() => registry.DeclareStoredAttributes("User", ["userName"]));

        Assert.Contains("frozen", error.Message, StringComparison.Ordinal);
        Assert.Same(BuiltInSchemas.User, UserSchema(registry));
    }

    // ---------------------------------------------------------------- member types

    [Fact]
    public void Freeze_MemberTypesDeclared_RestrictMembersTypeAndRef()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareMemberTypes("Group", ["User"]);

        registry.Freeze();

        var members = registry.FindSchema(ScimSchemaUris.Group)!.FindAttribute("members")!;
        Assert.Equal(["User"], members.FindSubAttribute("type")!.CanonicalValues);
        Assert.Equal(["User"], members.FindSubAttribute("$ref")!.ReferenceTypes);
        Assert.Same(BuiltInSchemas.Group.FindAttribute("members")!.FindSubAttribute("value"), members.FindSubAttribute("value"));
        Assert.Equal(Mutability.ReadWrite, members.Mutability);
        Assert.True(members.MultiValued);
    }

    [Fact]
    public void Freeze_MemberTypesAndStoredAttributesDeclared_BothApply()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareStoredAttributes("Group", ["displayName", "members"]);
        registry.DeclareMemberTypes("Group", ["User"]);

        registry.Freeze();

        var group = registry.FindSchema(ScimSchemaUris.Group)!;
        Assert.Equal(["displayName", "members"], Names(group));
        Assert.Equal(["User"], group.FindAttribute("members")!.FindSubAttribute("type")!.CanonicalValues);
    }

    [Fact]
    public void Freeze_NoMemberTypesDeclared_LeavesUsersAndGroups()
    {
        var registry = SchemaRegistry.CreateDefault();

        registry.Freeze();

        Assert.Equal(["User", "Group"], registry.FindSchema(ScimSchemaUris.Group)!.FindAttribute("members")!.FindSubAttribute("type")!.CanonicalValues);
    }

    [Theory]
    [InlineData("User")]
    [InlineData("Device")]
    public void DeclareMemberTypes_TypeWithoutMembers_Throws(string name)
    {
        var registry = SchemaRegistry.CreateDefault();

        var error = Assert.Throws<InvalidOperationException>(() => registry.DeclareMemberTypes(name, ["User"]));

        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclareMemberTypes_InAnyCase_AreTheResourceTypeNames()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.DeclareMemberTypes("group", ["user"]);

        registry.Freeze();

        Assert.Equal(["User"], registry.FindSchema(ScimSchemaUris.Group)!.FindAttribute("members")!.FindSubAttribute("type")!.CanonicalValues);
    }

    [Theory]
    [InlineData(new string[0], "'User'")]
    [InlineData(new[] { "Usr" }, "'Usr'")]
    [InlineData(new[] { "User", "Device" }, "'Device'")]
    [InlineData(new[] { "Group" }, "'User'")]
    public void DeclareMemberTypes_NotUsersOrUsersAndGroups_ThrowsAtOnce(string[] memberTypes, string fragment)
    {
        var registry = SchemaRegistry.CreateDefault();

        var error = Assert.Throws<InvalidOperationException>(() => registry.DeclareMemberTypes("Group", memberTypes));

        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        registry.Freeze();
        Assert.Same(BuiltInSchemas.Group, registry.FindSchema(ScimSchemaUris.Group));
    }

    [Fact]
    public void DeclareMemberTypes_AfterFreeze_Throws()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.Freeze();

        var error = Assert.Throws<InvalidOperationException>(() => registry.DeclareMemberTypes("Group", ["User"]));

        Assert.Contains("frozen", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclareMemberTypes_NullArguments_Throw()
    {
        var registry = SchemaRegistry.CreateDefault();

        Assert.Throws<ArgumentNullException>(() => registry.DeclareMemberTypes(null!, ["User"]));
        Assert.Throws<ArgumentNullException>(() => registry.DeclareMemberTypes("Group", null!));
    }
}
