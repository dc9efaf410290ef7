using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Discovery;
using Scim.Core.Errors;
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
        typeof(ServiceProviderConfiguration),
        typeof(ScimSerializerOptions),
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
        Assert.Same(builder.Configuration, provider.GetRequiredService<ServiceProviderConfiguration>());
        Assert.Same(registry, serializer.Registry);
        Assert.Same(provider.GetRequiredService<ScimSerializerOptions>(), serializer.Options);
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
    public void AddScimCore_Configuration_StartsWithDefaults()
    {
        var services = new ServiceCollection();
        services.AddScimCore();
        using var provider = services.BuildServiceProvider();

        var configuration = provider.GetRequiredService<ServiceProviderConfiguration>();

        Assert.False(configuration.PatchSupported);
        Assert.False(configuration.Bulk.Supported);
        Assert.Empty(configuration.AuthenticationSchemes);
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
        Assert.Same(first.Configuration, second.Configuration);
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
    public void AddResourceType_OnBuilder_ShowsUpInResolvedRegistry()
    {
        var services = new ServiceCollection();
        var builder = services.AddScimCore();
        var schema = DeviceSchema();

        var returned = builder.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn, "A device"), schema);
        using var provider = services.BuildServiceProvider();

        Assert.Same(builder, returned);
        var registry = provider.GetRequiredService<SchemaRegistry>();
        Assert.Same(schema, registry.FindSchema(DeviceUrn));
        var device = registry.FindResourceType("/Devices");
        Assert.NotNull(device);
        Assert.Equal("Device", device.Name);
        Assert.Same(schema, registry.ResolveAttribute(device, "serialNumber").Schema);
    }

    [Fact]
    public void AddResourceType_SchemaAlreadyRegistered_IsNotRegisteredAgain()
    {
        var services = new ServiceCollection();
        var builder = services.AddScimCore();
        var schema = DeviceSchema();
        builder.Registry.AddSchema(schema);

        builder.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn), schema);

        Assert.Single(builder.Registry.Schemas, s => s.Id == DeviceUrn);
        Assert.NotNull(builder.Registry.FindResourceType("Device"));
    }

    [Fact]
    public void AddResourceType_SchemaNotTheResourceTypesSchema_ThrowsArgumentException()
    {
        var builder = new ServiceCollection().AddScimCore();

        Assert.Throws<ArgumentException>(() => builder.AddResourceType(new ScimResourceType("Device", "/Devices", "urn:example:other"), DeviceSchema()));
        Assert.Null(builder.Registry.FindSchema(DeviceUrn));
        Assert.Null(builder.Registry.FindResourceType("Device"));
    }

    [Fact]
    public void AddResourceType_NullArguments_ThrowArgumentNullException()
    {
        var builder = new ServiceCollection().AddScimCore();

        Assert.Throws<ArgumentNullException>(() => builder.AddResourceType(null!, DeviceSchema()));
        Assert.Throws<ArgumentNullException>(() => builder.AddResourceType(new ScimResourceType("Device", "/Devices", DeviceUrn), null!));
    }

    [Fact]
    public void AddScimCore_ConfigureSerializer_ChangesResolvedOptions()
    {
        var services = new ServiceCollection();

        services.AddScimCore(o =>
        {
            o.UnknownAttributes = UnknownAttributeHandling.Ignore;
            o.MaxDepth = 8;
        });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<ScimSerializerOptions>();
        Assert.Equal(UnknownAttributeHandling.Ignore, options.UnknownAttributes);
        Assert.Equal(8, options.MaxDepth);
        Assert.Same(options, provider.GetRequiredService<ScimSerializer>().Options);
    }

    [Fact]
    public void AddScimCore_WithoutConfigureSerializer_KeepsDefaultOptions()
    {
        var services = new ServiceCollection();

        services.AddScimCore();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<ScimSerializerOptions>();
        Assert.Equal(UnknownAttributeHandling.Reject, options.UnknownAttributes);
        Assert.Equal(16, options.MaxDepth);
    }

    [Fact]
    public void AddScimCore_ConfigureSerializerOnSecondCall_ChangesTheSameOptions()
    {
        var services = new ServiceCollection();
        services.AddScimCore(o => o.MaxDepth = 8);

        services.AddScimCore(o => o.UnknownAttributes = UnknownAttributeHandling.Ignore);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<ScimSerializerOptions>();
        Assert.Equal(8, options.MaxDepth);
        Assert.Equal(UnknownAttributeHandling.Ignore, options.UnknownAttributes);
    }

    [Theory]
    [InlineData(UnknownAttributeHandling.Ignore, true)]
    [InlineData(UnknownAttributeHandling.Reject, false)]
    public void AddScimCore_ConfiguredUnknownAttributes_ChangesHowSerializerReads(UnknownAttributeHandling handling, bool accepted)
    {
        var services = new ServiceCollection();
        services.AddScimCore(o => o.UnknownAttributes = handling);
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
    public void AddScimCore_HostRegisteredOptionsInstanceFirst_KeepsAndConfiguresIt()
    {
        var services = new ServiceCollection();
        var hostOptions = new ScimSerializerOptions { MaxDepth = 4 };
        services.AddSingleton(hostOptions);

        services.AddScimCore(o => o.UnknownAttributes = UnknownAttributeHandling.Ignore);
        using var provider = services.BuildServiceProvider();

        Assert.Same(hostOptions, provider.GetRequiredService<ScimSerializerOptions>());
        Assert.Equal(UnknownAttributeHandling.Ignore, hostOptions.UnknownAttributes);
        Assert.Equal(4, hostOptions.MaxDepth);
    }

    [Fact]
    public void AddScimCore_HostRegisteredOptionsFactoryAndConfigureSerializer_ThrowsInvalidOperation()
    {
        var services = new ServiceCollection();
        services.AddSingleton(_ => new ScimSerializerOptions());

        Assert.Throws<InvalidOperationException>(() => services.AddScimCore(o => o.MaxDepth = 8));
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
