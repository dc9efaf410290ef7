using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Provisioning;
using Scim.Core.Querying;
using Scim.Core.Schema;

namespace Scim.Core.Tests.DependencyInjection;

/// <summary>
/// <see cref="ScimBuilder.DeclareStoredAttributes(string, IEnumerable{string})"/>, its
/// <see cref="AttributeMapping"/> overload and <see cref="ScimBuilder.DeclareMemberTypes"/>: what a
/// host declares on the builder is what the service built from the container serves, and a wrong
/// declaration fails when the service is first built (MapScim builds it at startup).
/// </summary>
public sealed class ScimBuilderDeclarationTests
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;

    /// <summary>A host's own users table, as a store over it maps it.</summary>
    private static readonly AttributeMapping<HostUserRow> HostMapping = new AttributeMapping<HostUserRow>()
        .Map("id", r => r.Key)
        .Map("userName", r => r.Login)
        .Map("name.familyName", r => r.Surname)
        .Map("active", r => r.Enabled)
        .Map("meta.created", r => r.CreatedAt)
        .Map("department", r => r.Department)
        .MapCollection("emails", r => r.Mails, e => e.Map("value", m => m.Address));

    private static (ServiceProvider Provider, ScimBuilder Builder) Build(Action<ScimBuilder> configure)
    {
        var services = new ServiceCollection();
        var builder = services.AddScimCore().AddInMemoryStores();
        configure(builder);
        return (services.BuildServiceProvider(), builder);
    }

    private static ScimService Service(ServiceProvider provider) =>
        provider.CreateScope().ServiceProvider.GetRequiredService<ScimService>();

    private static string[] Names(SchemaRegistry registry, string schema) => [.. registry.FindSchema(schema)!.Attributes.Select(a => a.Name)];

    [Fact]
    public void DeclareStoredAttributes_ReturnsTheBuilder()
    {
        var builder = new ServiceCollection().AddScimCore();

        Assert.Same(builder, builder.DeclareStoredAttributes("User", "userName"));
        Assert.Same(builder, builder.DeclareStoredAttributes("User", HostMapping));
        Assert.Same(builder, builder.DeclareMemberTypes("Group", "User"));
    }

    [Fact]
    public void DeclareStoredAttributes_Paths_AreWhatTheBuiltServiceServes()
    {
        var (provider, builder) = Build(b => b.DeclareStoredAttributes("User", "userName", "name.givenName", $"{Enterprise}:department"));
        using var lifetime = provider;

        var service = Service(provider);

        Assert.True(builder.Registry.IsFrozen);
        Assert.Same(builder.Registry, service.Registry);
        Assert.Equal(["userName", "name", "groups"], Names(service.Registry, ScimSchemaUris.User));
        Assert.Equal(["department"], Names(service.Registry, Enterprise));
        Assert.Same(service.Registry.FindResourceType("User"), service.FindResourceType("Users"));
    }

    [Fact]
    public void DeclareStoredAttributes_Mapping_DeclaresTheMappedPaths()
    {
        var (provider, _) = Build(b => b.DeclareStoredAttributes("User", HostMapping));
        using var lifetime = provider;

        var registry = Service(provider).Registry;

        Assert.Equal(["userName", "name", "active", "emails", "groups"], Names(registry, ScimSchemaUris.User));
        Assert.Equal(["familyName"], registry.FindSchema(ScimSchemaUris.User)!.FindAttribute("name")!.SubAttributes.Select(s => s.Name));
        Assert.Equal(BuiltInSchemas.User.FindAttribute("emails")!.SubAttributes.Count, registry.FindSchema(ScimSchemaUris.User)!.FindAttribute("emails")!.SubAttributes.Count);
        Assert.Equal(["department"], Names(registry, Enterprise));
        Assert.False(registry.TryResolveAttribute(registry.FindResourceType("User")!, "externalId", out _, out _));
    }

    [Fact]
    public void DeclareStoredAttributes_MappingOfExternalId_KeepsExternalId()
    {
        var mapping = new AttributeMapping<HostUserRow>().Map("userName", r => r.Login).Map("externalId", r => r.Key);
        var (provider, _) = Build(b => b.DeclareStoredAttributes("User", mapping));
        using var lifetime = provider;

        var registry = Service(provider).Registry;

        Assert.True(registry.TryResolveAttribute(registry.FindResourceType("User")!, "externalId", out _, out _));
        Assert.Empty(registry.FindResourceType("User")!.SchemaExtensions);
    }

    [Fact]
    public void DeclareStoredAttributes_NullMapping_Throws()
    {
        var builder = new ServiceCollection().AddScimCore();

        Assert.Throws<ArgumentNullException>(() => builder.DeclareStoredAttributes("User", (AttributeMapping)null!));
    }

    [Fact]
    public void DeclareStoredAttributes_MappingOfAPathThatIsNoAttribute_FailsWhenTheServiceIsBuilt()
    {
        var mapping = new AttributeMapping<HostUserRow>().Map("userName", r => r.Login).Map("shoeSize", r => r.Department);
        var (provider, _) = Build(b => b.DeclareStoredAttributes("User", mapping));
        using var lifetime = provider;

        var error = Assert.Throws<InvalidOperationException>(() => Service(provider));

        Assert.Contains("'shoeSize'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclareStoredAttributes_WithoutARequiredAttribute_FailsWhenTheServiceIsBuilt()
    {
        var (provider, _) = Build(b => b.DeclareStoredAttributes("User", "displayName"));
        using var lifetime = provider;

        var error = Assert.Throws<InvalidOperationException>(() => Service(provider));

        Assert.Contains("'userName'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclareStoredAttributes_UnknownResourceType_ThrowsOnTheBuilder()
    {
        var builder = new ServiceCollection().AddScimCore();

        var error = Assert.Throws<InvalidOperationException>(() => builder.DeclareStoredAttributes("Device", "name"));

        Assert.Contains("'Device'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclareStoredAttributes_AfterTheServiceWasBuilt_ThrowsAndChangesNothing()
    {
        var (provider, builder) = Build(_ => { });
        using var lifetime = provider;
        var service = Service(provider);

        var paths = Assert.Throws<InvalidOperationException>(() => builder.DeclareStoredAttributes("User", "userName"));
        var mapping = Assert.Throws<InvalidOperationException>(() => builder.DeclareStoredAttributes("User", HostMapping));
        var members = Assert.Throws<InvalidOperationException>(() => builder.DeclareMemberTypes("Group", "User"));

        Assert.All([paths, mapping, members], e => Assert.Contains("frozen", e.Message, StringComparison.Ordinal));
        Assert.Same(BuiltInSchemas.User, service.Registry.FindSchema(ScimSchemaUris.User));
        Assert.Same(BuiltInSchemas.Group, service.Registry.FindSchema(ScimSchemaUris.Group));
    }

    [Fact]
    public void DeclareMemberTypes_IsWhatTheBuiltServiceServes()
    {
        var (provider, _) = Build(b => b.DeclareMemberTypes("Group", "User"));
        using var lifetime = provider;

        var members = Service(provider).Registry.FindSchema(ScimSchemaUris.Group)!.FindAttribute("members")!;

        Assert.Equal(["User"], members.FindSubAttribute("type")!.CanonicalValues);
        Assert.Equal(["User"], members.FindSubAttribute("$ref")!.ReferenceTypes);
    }

    [Fact]
    public void DeclareMemberTypes_OfATypeWithoutMembers_ThrowsOnTheBuilder()
    {
        var builder = new ServiceCollection().AddScimCore();

        var error = Assert.Throws<InvalidOperationException>(() => builder.DeclareMemberTypes("User", "User"));

        Assert.Contains("'User'", error.Message, StringComparison.Ordinal);
    }

    private sealed class HostUserRow
    {
        public int Key { get; set; }

        public string Login { get; set; } = string.Empty;

        public string? Surname { get; set; }

        public bool Enabled { get; set; }

        public DateTime CreatedAt { get; set; }

        public string? Department { get; set; }

        public List<HostMailRow> Mails { get; set; } = [];
    }

    private sealed class HostMailRow
    {
        public string Address { get; set; } = string.Empty;
    }
}
