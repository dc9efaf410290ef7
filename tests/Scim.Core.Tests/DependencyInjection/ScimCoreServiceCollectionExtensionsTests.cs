using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.DependencyInjection;

public sealed class ScimCoreServiceCollectionExtensionsTests
{
    private const string MyAppUrn = "urn:example:params:scim:schemas:extension:MyApp:2.0:User";
    private const string DeviceUrn = "urn:example:params:scim:schemas:core:2.0:Device";

    public static TheoryData<Type> SingletonServices => new()
    {
        typeof(ScimBuilder),
        typeof(SchemaRegistry),
        typeof(ScimSerializer),
    };

    [Theory]
    [MemberData(nameof(SingletonServices))]
    public void AddScimCore_Service_IsRegisteredOnceAsSingleton(Type serviceType)
    {
        var services = new ServiceCollection();

        services.AddScimCore();

        var descriptor = Assert.Single(services, d => d.ServiceType == serviceType);
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
    }

    [Theory]
    [MemberData(nameof(SingletonServices))]
    public void AddScimCore_ResolvedTwice_ReturnsSameInstance(Type serviceType)
    {
        var services = new ServiceCollection();
        services.AddScimCore();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var first = provider.GetRequiredService(serviceType);
        var second = provider.GetRequiredService(serviceType);

        Assert.Same(first, second);
    }

    [Fact]
    public void AddScimCore_ResolvedServices_AreTheBuildersAndWiredTogether()
    {
        var services = new ServiceCollection();
        var builder = services.AddScimCore();
        using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<SchemaRegistry>();
        var serializer = provider.GetRequiredService<ScimSerializer>();

        Assert.Same(services, builder.Services);
        Assert.Same(builder, provider.GetRequiredService<ScimBuilder>());
        Assert.Same(builder.Registry, registry);
        Assert.Same(registry, serializer.Registry);
        Assert.Same(provider.GetRequiredService<IOptions<ScimServiceOptions>>().Value.Reading, serializer.Options);
    }

    [Fact]
    public void AddScimCore_Registry_HasBuiltInSchemasAndResourceTypes()
    {
        var services = new ServiceCollection();
        services.AddScimCore();
        using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<SchemaRegistry>();

        Assert.Equal([ScimSchemaUris.User, ScimSchemaUris.Group, ScimSchemaUris.EnterpriseUser], registry.Schemas.Select(s => s.Id));
        Assert.Equal(["User", "Group"], registry.ResourceTypes.Select(r => r.Name));
    }

    [Fact]
    public void AddScimCore_InvalidOptions_FailWhenTheServiceIsBuilt_NamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores().ConfigureService(o =>
        {
            o.MaxCount = 0;
            o.Bulk.MaxOperations = 0;
        });
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        var error = Assert.Throws<OptionsValidationException>(() => scope.ServiceProvider.GetRequiredService<ScimService>());

        Assert.Contains(error.Failures, f => f.Contains("MaxCount", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Bulk.MaxOperations", StringComparison.Ordinal));
    }

    [Fact]
    public void AddScimCore_OptionsValidation_IsRegisteredToRunAtStartup()
    {
        var services = new ServiceCollection();
        services.AddScimCore().ConfigureService(o => o.DefaultCount = -1);
        using var provider = services.BuildServiceProvider();

        // ValidateOnStart: the host runs this when the app starts, before any request.
        var startup = provider.GetRequiredService<IStartupValidator>();

        var error = Assert.Throws<OptionsValidationException>(startup.Validate);
        Assert.Contains("DefaultCount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSchemaExtension_AfterTheServiceIsBuilt_ThrowsFrozen()
    {
        var services = new ServiceCollection();
        var builder = services.AddScimCore().AddInMemoryStores();
        using var provider = services.BuildServiceProvider();
        using (var scope = provider.CreateScope())
        {
            _ = scope.ServiceProvider.GetRequiredService<ScimService>();
        }

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddSchemaExtension("User", MyAppSchema()));

        Assert.Contains("frozen", error.Message, StringComparison.Ordinal);
        Assert.Null(builder.Registry.FindSchema(MyAppUrn));
    }

    [Fact]
    public void AddScimCore_CalledTwice_ReturnsBuilderOverSameRegistryAndRegistersOnce()
    {
        var services = new ServiceCollection();
        var first = services.AddScimCore();
        var countAfterFirst = services.Count;

        var second = services.AddScimCore();

        Assert.Same(first, second);
        Assert.Same(first.Registry, second.Registry);
        Assert.Equal(countAfterFirst, services.Count);
        Assert.Single(services, d => d.ServiceType == typeof(SchemaRegistry));
        Assert.Single(services, d => d.ServiceType == typeof(ScimSerializer));
    }

    [Fact]
    public void AddScimCore_SecondCallExtension_IsInResolvedRegistry()
    {
        var services = new ServiceCollection();
        services.AddScimCore();

        services.AddScimCore().AddSchemaExtension("User", MyAppSchema());
        using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<SchemaRegistry>();
        Assert.NotNull(registry.FindSchema(MyAppUrn));
    }

    [Fact]
    public void AddSchemaExtension_OnBuilder_ShowsUpInResolvedRegistry()
    {
        var services = new ServiceCollection();
        var builder = services.AddScimCore();

        var returned = builder.AddSchemaExtension("User", MyAppSchema(), required: true);
        using var provider = services.BuildServiceProvider();

        Assert.Same(builder, returned);
        var registry = provider.GetRequiredService<SchemaRegistry>();
        Assert.Equal(MyAppUrn, registry.Schemas[^1].Id);
        Assert.Contains(new SchemaExtension(MyAppUrn, Required: true), registry.FindResourceType("User")!.SchemaExtensions);
        var resolved = registry.ResolveAttribute(registry.FindResourceType("User")!, "tenantRole");
        Assert.Equal(MyAppUrn + ":tenantRole", resolved.Path);
    }

    [Fact]
    public void AddSchemaExtension_OnBuilder_IsReadByResolvedSerializer()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddSchemaExtension("User", MyAppSchema());
        using var provider = services.BuildServiceProvider();
        var serializer = provider.GetRequiredService<ScimSerializer>();

        var user = serializer.ReadUser(Encoding.UTF8.GetBytes($$"""
            {
              "schemas": ["{{ScimSchemaUris.User}}", "{{MyAppUrn}}"],
              "userName": "bjensen",
              "{{MyAppUrn}}": { "tenantRole": "admin" }
            }
            """));

        Assert.Equal("admin", (string?)user.Extensions[MyAppUrn]?["tenantRole"]);
    }

    [Fact]
    public void AddSchemaExtension_UnknownResourceType_ThrowsInvalidOperation()
    {
        var builder = new ServiceCollection().AddScimCore();

        Assert.Throws<InvalidOperationException>(() => builder.AddSchemaExtension("Device", MyAppSchema()));
    }

    [Fact]
    public void AddResourceType_OnBuilder_RegistersTheSchemaAndTheType_ATakenEndpointIsRefused()
    {
        var services = new ServiceCollection();
        var builder = services.AddScimCore();

        builder.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn, "A device"), DeviceSchema());

        Assert.NotNull(builder.Registry.FindSchema(DeviceUrn));
        Assert.Equal("/Devices", builder.Registry.FindResourceType("Device")?.Endpoint);
        var taken = Assert.Throws<InvalidOperationException>(() => builder.AddResourceType(new ScimResourceType("Gadget", "/Users", DeviceUrn), DeviceSchema()));
        Assert.Contains("'/Users'", taken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddResourceType_NullArguments_ThrowArgumentNullException()
    {
        var builder = new ServiceCollection().AddScimCore();

        Assert.Throws<ArgumentNullException>(() => builder.AddResourceType(null!, DeviceSchema()));
        Assert.Throws<ArgumentNullException>(() => builder.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn), null!));
    }

    [Fact]
    public void ConfigureService_ReadingOptions_ChangeTheResolvedSerializer()
    {
        var services = new ServiceCollection();

        services.AddScimCore().ConfigureService(o =>
        {
            o.Reading.UnknownAttributes = UnknownAttributeHandling.Ignore;
            o.Reading.MaxDepth = 8;
        });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<ScimSerializer>().Options;
        Assert.Equal(UnknownAttributeHandling.Ignore, options.UnknownAttributes);
        Assert.Equal(8, options.MaxDepth);
    }

    [Fact]
    public void AddScimCore_WithoutConfiguration_KeepsDefaultReadingOptions()
    {
        var services = new ServiceCollection();

        services.AddScimCore();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<ScimSerializer>().Options;
        Assert.Equal(UnknownAttributeHandling.Reject, options.UnknownAttributes);
        Assert.Equal(16, options.MaxDepth);
    }

    [Fact]
    public void ConfigureService_CalledTwice_BothApply()
    {
        var services = new ServiceCollection();
        services.AddScimCore().ConfigureService(o => o.Reading.MaxDepth = 8);

        services.AddScimCore().ConfigureService(o => o.Reading.UnknownAttributes = UnknownAttributeHandling.Ignore);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<ScimSerializer>().Options;
        Assert.Equal(8, options.MaxDepth);
        Assert.Equal(UnknownAttributeHandling.Ignore, options.UnknownAttributes);
    }

    [Theory]
    [InlineData(UnknownAttributeHandling.Ignore, true)]
    [InlineData(UnknownAttributeHandling.Reject, false)]
    public void ConfigureService_UnknownAttributes_ChangesHowSerializerReads(UnknownAttributeHandling handling, bool accepted)
    {
        var services = new ServiceCollection();
        services.AddScimCore().ConfigureService(o => o.Reading.UnknownAttributes = handling);
        using var provider = services.BuildServiceProvider();
        var serializer = provider.GetRequiredService<ScimSerializer>();
        var body = Encoding.UTF8.GetBytes($$"""{ "schemas": ["{{ScimSchemaUris.User}}"], "userName": "bjensen", "shoeSize": 42 }""");

        var exception = Record.Exception(() => serializer.ReadUser(body));

        if (accepted)
        {
            Assert.Null(exception);
        }
        else
        {
            var scimException = Assert.IsType<ScimException>(exception);
            Assert.Equal(400, scimException.Status);
            Assert.Contains("shoeSize", scimException.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AddScimCore_NullServices_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => ScimCoreServiceCollectionExtensions.AddScimCore(null!));
    }

    private static ScimSchema MyAppSchema() => new(MyAppUrn, "MyApp", "MyApp user attributes",
        [new SchemaAttribute("tenantRole", AttributeType.String)]);

    private static ScimSchema DeviceSchema() => new(DeviceUrn, "Device", "A device",
        [new SchemaAttribute("serialNumber", AttributeType.String) { Required = true }]);
}
