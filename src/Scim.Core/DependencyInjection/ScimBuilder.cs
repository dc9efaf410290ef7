using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scim.Core.Events;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core;

/// <summary>
/// The object <c>AddScimCore()</c> (and, in the HTTP adapter, <c>AddScim()</c>) returns: the place
/// where a host registers its stores, event subscribers and extension schemas and sets the
/// service's options. Calling <c>AddScimCore()</c> again returns a builder over the same registrations.
/// </summary>
public sealed class ScimBuilder
{
    internal ScimBuilder(IServiceCollection services, SchemaRegistry registry)
    {
        Services = services;
        Registry = registry;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The schemas that will be served; starts with the built-in User, Group and Enterprise User.
    /// It is frozen when the app is built: register everything before.
    /// </summary>
    public SchemaRegistry Registry { get; }

    /// <summary>Sets the service's options (limits, reading and PATCH rules, bulk, what ServiceProviderConfig says). Checked when the app starts.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public ScimBuilder ConfigureService(Action<ScimServiceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
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

    /// <summary>
    /// Uses the in-memory stores (the quick trial and tests) for users, groups and every resource type
    /// registered with <see cref="AddResourceType"/> that has no store of its own: data lives as long as the process.
    /// They enforce <see cref="ScimServiceOptions.UniqueExternalId"/> when it is set.
    /// </summary>
    /// <returns>This builder.</returns>
    public ScimBuilder AddInMemoryStores()
    {
        Services.Replace(ServiceDescriptor.Singleton(sp => new InMemoryUserStore(sp.GetRequiredService<SchemaRegistry>(), UniqueExternalId(sp))));
        Services.Replace(ServiceDescriptor.Singleton(sp => new InMemoryGroupStore(sp.GetRequiredService<SchemaRegistry>(), UniqueExternalId(sp))));
        Services.Replace(ServiceDescriptor.Singleton<IUserStore>(sp => sp.GetRequiredService<InMemoryUserStore>()));
        Services.Replace(ServiceDescriptor.Singleton<IGroupStore>(sp => sp.GetRequiredService<InMemoryGroupStore>()));
        Services.Replace(ServiceDescriptor.Singleton(sp => new InMemoryResourceStores(sp.GetRequiredService<SchemaRegistry>(), UniqueExternalId(sp))));
        return this;

        static bool UniqueExternalId(IServiceProvider services) => services.GetRequiredService<IOptions<ScimServiceOptions>>().Value.UniqueExternalId;
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

    /// <summary>
    /// Declares the attributes a resource type's store keeps, when it keeps fewer than the schema
    /// defines (a store over a host's existing table). <c>/Schemas</c> then lists only these; an
    /// IdP that sends another attribute gets the unknown-attribute treatment
    /// (<see cref="ScimServiceOptions.Reading"/>: refused, or dropped); a filter or <c>sortBy</c> on
    /// another is 400. A complex attribute named alone (<c>name</c>) keeps all its sub-attributes;
    /// <c>externalId</c> is kept only when named. Every required attribute must be named.
    /// </summary>
    /// <param name="resourceTypeName">The resource type, e.g. <c>User</c>.</param>
    /// <param name="attributePaths">Attribute paths: <c>userName</c>, <c>name.givenName</c>, <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department</c>, ...</param>
    /// <returns>This builder.</returns>
    public ScimBuilder DeclareStoredAttributes(string resourceTypeName, params IEnumerable<string> attributePaths)
    {
        Registry.DeclareStoredAttributes(resourceTypeName, attributePaths);
        return this;
    }

    /// <summary>
    /// Declares what a group's <c>members</c> may be, when the group store keeps fewer kinds than
    /// users and groups (a membership table whose foreign key refers to users: <c>"User"</c>). A
    /// member of another kind is then 400, and /Schemas shows the kinds in <c>members.type</c>.
    /// The kinds are resource type names and include <c>User</c>: users only, or users and groups.
    /// </summary>
    /// <param name="resourceTypeName">The resource type that has members, e.g. <c>Group</c>.</param>
    /// <param name="memberTypes">The resource types its members may be, e.g. <c>User</c>.</param>
    /// <returns>This builder.</returns>
    public ScimBuilder DeclareMemberTypes(string resourceTypeName, params IEnumerable<string> memberTypes)
    {
        Registry.DeclareMemberTypes(resourceTypeName, memberTypes);
        return this;
    }

    /// <summary>Declares the attributes a store keeps as those its <see cref="Querying.AttributeMapping"/> maps (see the other overload).</summary>
    /// <param name="resourceTypeName">The resource type, e.g. <c>User</c>.</param>
    /// <param name="mapping">The mapping of the store's entity.</param>
    /// <returns>This builder.</returns>
    public ScimBuilder DeclareStoredAttributes(string resourceTypeName, Querying.AttributeMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        return DeclareStoredAttributes(resourceTypeName, mapping.Paths);
    }

    /// <summary>
    /// Registers a resource type of the host's own (a <c>Device</c>, a service account) with its
    /// core schema; the service then serves it like User and Group: POST, GET, PUT, PATCH, DELETE,
    /// lists with filter, sorting and paging, <c>.search</c>, Bulk, projection, versions, events and
    /// discovery. Its extensions are registered with <see cref="AddSchemaExtension"/> (or listed in
    /// <paramref name="resourceType"/> when already registered). It needs a store:
    /// <see cref="AddResourceStore{TStore}"/>, <see cref="AddInMemoryStore"/> or <see cref="AddInMemoryStores"/>.
    /// A complex attribute with a <c>value</c> and a <c>$ref</c> whose <c>referenceTypes</c> name
    /// served types (<c>User</c>, <c>Group</c>, another of the host's) is checked to refer to an
    /// existing resource, as a group's members are.
    /// </summary>
    /// <param name="resourceType">The resource type: name, endpoint, core schema URN.</param>
    /// <param name="schema">Its core schema (registered when not yet).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">The name or endpoint is taken, or the schema's id is not the type's schema.</exception>
    public ScimBuilder AddResourceType(ScimResourceType resourceType, ScimSchema schema)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(schema);
        if (!string.Equals(resourceType.Schema, schema.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Resource type '{resourceType.Name}' names schema '{resourceType.Schema}', but the schema given is '{schema.Id}'.");
        }

        if (Registry.FindSchema(schema.Id) is null)
        {
            Registry.AddSchema(schema);
        }

        Registry.AddResourceType(resourceType);
        return this;
    }

    /// <summary>
    /// Uses the host's store for a resource type registered with <see cref="AddResourceType"/>
    /// (resolved per request scope, under the type's name as the service key).
    /// </summary>
    /// <typeparam name="TStore">The store class.</typeparam>
    /// <param name="resourceTypeName">The resource type, e.g. <c>Device</c>.</param>
    /// <returns>This builder.</returns>
    public ScimBuilder AddResourceStore<TStore>(string resourceTypeName)
        where TStore : class, IResourceStore<JsonResource>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceTypeName);
        Replace(ServiceDescriptor.KeyedScoped<IResourceStore<JsonResource>, TStore>(resourceTypeName));
        return this;
    }

    /// <summary>
    /// Uses an in-memory store for one resource type registered with <see cref="AddResourceType"/>
    /// (data lives as long as the process), whatever the stores of the other types are.
    /// </summary>
    /// <param name="resourceTypeName">The resource type, e.g. <c>Agent</c>.</param>
    /// <returns>This builder.</returns>
    public ScimBuilder AddInMemoryStore(string resourceTypeName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceTypeName);
        Replace(ServiceDescriptor.KeyedSingleton<IResourceStore<JsonResource>>(
            resourceTypeName,
            (sp, _) => new InMemoryResourceStore(sp.GetRequiredService<SchemaRegistry>(), resourceTypeName, sp.GetRequiredService<IOptions<ScimServiceOptions>>().Value.UniqueExternalId)));
        return this;
    }

    private void Replace(ServiceDescriptor descriptor)
    {
        var existing = Services.FirstOrDefault(d => d.ServiceType == descriptor.ServiceType && d.IsKeyedService && Equals(d.ServiceKey, descriptor.ServiceKey));
        if (existing is not null)
        {
            Services.Remove(existing);
        }

        Services.Add(descriptor);
    }
}
