using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scim.Core.Discovery;
using Scim.Core.Events;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core;

/// <summary>
/// The object <c>AddScimCore()</c> (and, in the HTTP adapter, <c>AddScim()</c>) returns: the place
/// where a host registers its extension schemas and resource types and configures the service.
/// Calling <c>AddScimCore()</c> again returns a builder over the same registrations.
/// </summary>
public sealed class ScimBuilder
{
    internal ScimBuilder(IServiceCollection services, SchemaRegistry registry, ServiceProviderConfiguration configuration)
    {
        Services = services;
        Registry = registry;
        Configuration = configuration;
    }

    /// <summary>The provisioning service's rules and limits (change them here or with <see cref="ConfigureService"/>).</summary>
    public ScimServiceOptions ServiceOptions { get; } = new();

    /// <summary>Changes the provisioning service's rules and limits.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public ScimBuilder ConfigureService(Action<ScimServiceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(ServiceOptions);
        return this;
    }

    /// <summary>Uses the host's user store (resolved per request scope, so it may depend on a DbContext).</summary>
    /// <typeparam name="TStore">The store class.</typeparam>
    /// <returns>This builder.</returns>
    public ScimBuilder AddUserStore<TStore>()
        where TStore : class, IUserStore
    {
        Services.Replace(ServiceDescriptor.Scoped<IUserStore, TStore>());
        return this;
    }

    /// <summary>Uses the host's group store (resolved per request scope).</summary>
    /// <typeparam name="TStore">The store class.</typeparam>
    /// <returns>This builder.</returns>
    public ScimBuilder AddGroupStore<TStore>()
        where TStore : class, IGroupStore
    {
        Services.Replace(ServiceDescriptor.Scoped<IGroupStore, TStore>());
        return this;
    }

    /// <summary>Uses the in-memory stores (the quick trial and tests): data lives as long as the process.</summary>
    /// <param name="configure">Changes the stores' options.</param>
    /// <returns>This builder.</returns>
    public ScimBuilder AddInMemoryStores(Action<InMemoryStoreOptions>? configure = null)
    {
        // Options are settled when the stores are first resolved, so ConfigureService may come later.
        InMemoryStoreOptions? options = null;
        InMemoryStoreOptions Options()
        {
            if (options is null)
            {
                var settled = new InMemoryStoreOptions { UniqueExternalId = ServiceOptions.UniqueExternalId };
                configure?.Invoke(settled);
                options = settled;
            }

            return options;
        }

        Services.Replace(ServiceDescriptor.Singleton(sp => new InMemoryUserStore(sp.GetRequiredService<SchemaRegistry>(), Options())));
        Services.Replace(ServiceDescriptor.Singleton(sp => new InMemoryGroupStore(sp.GetRequiredService<SchemaRegistry>(), Options())));
        Services.Replace(ServiceDescriptor.Singleton<IUserStore>(sp => sp.GetRequiredService<InMemoryUserStore>()));
        Services.Replace(ServiceDescriptor.Singleton<IGroupStore>(sp => sp.GetRequiredService<InMemoryGroupStore>()));
        return this;
    }

    /// <summary>Adds a change-event subscriber (any number can be added; each is a singleton).</summary>
    /// <typeparam name="TSubscriber">The subscriber class.</typeparam>
    /// <returns>This builder.</returns>
    public ScimBuilder AddEventSubscriber<TSubscriber>()
        where TSubscriber : class, IScimEventSubscriber
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IScimEventSubscriber, TSubscriber>());
        return this;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The registry that will be served; starts with the built-in User and Group resource types.</summary>
    public SchemaRegistry Registry { get; }

    /// <summary>The service provider configuration published at /ServiceProviderConfig.</summary>
    public ServiceProviderConfiguration Configuration { get; }

    /// <summary>
    /// Registers an extension schema for a resource type, e.g. a
    /// <c>urn:example:params:scim:schemas:extension:MyApp:2.0:User</c> with a <c>tenantRole</c>
    /// attribute on <c>User</c>. It then appears in /Schemas and /ResourceTypes and is accepted in requests.
    /// </summary>
    /// <param name="resourceTypeName">The resource type to extend, e.g. <c>User</c>.</param>
    /// <param name="schema">The extension schema.</param>
    /// <param name="required">Whether every resource of the type must carry it.</param>
    /// <returns>This builder.</returns>
    public ScimBuilder AddSchemaExtension(string resourceTypeName, ScimSchema schema, bool required = false)
    {
        Registry.AddSchemaExtension(resourceTypeName, schema, required);
        return this;
    }

    /// <summary>Registers a resource type of the host's own, with its core schema and optional extensions.</summary>
    /// <param name="resourceType">The resource type, naming <paramref name="schema"/> as its core schema.</param>
    /// <param name="schema">Its core schema (registered here if not yet registered).</param>
    /// <returns>This builder.</returns>
    public ScimBuilder AddResourceType(ScimResourceType resourceType, ScimSchema schema)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(schema);
        if (!string.Equals(resourceType.Schema, schema.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Resource type '{resourceType.Name}' names schema '{resourceType.Schema}', not '{schema.Id}'.", nameof(schema));
        }

        if (Registry.FindSchema(schema.Id) is null)
        {
            Registry.AddSchema(schema);
        }

        Registry.AddResourceType(resourceType);
        return this;
    }
}
