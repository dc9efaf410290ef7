using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scim.Core.Events;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
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
    /// Uses the in-memory stores (the quick trial and tests): data lives as long as the process.
    /// They enforce <see cref="ScimServiceOptions.UniqueExternalId"/> when it is set.
    /// </summary>
    /// <returns>This builder.</returns>
    public ScimBuilder AddInMemoryStores()
    {
        Services.Replace(ServiceDescriptor.Singleton(sp => new InMemoryUserStore(sp.GetRequiredService<SchemaRegistry>(), UniqueExternalId(sp))));
        Services.Replace(ServiceDescriptor.Singleton(sp => new InMemoryGroupStore(sp.GetRequiredService<SchemaRegistry>(), UniqueExternalId(sp))));
        Services.Replace(ServiceDescriptor.Singleton<IUserStore>(sp => sp.GetRequiredService<InMemoryUserStore>()));
        Services.Replace(ServiceDescriptor.Singleton<IGroupStore>(sp => sp.GetRequiredService<InMemoryGroupStore>()));
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
    /// Not available yet: the service serves User and Group only, so a resource type of the host's
    /// own would be advertised but answer 404. This fails at startup rather than do that.
    /// </summary>
    /// <param name="resourceType">The resource type.</param>
    /// <param name="schema">Its core schema.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
#pragma warning disable CA1822 // an instance method like every builder method, so that the call reads as the others do
    public ScimBuilder AddResourceType(ScimResourceType resourceType, ScimSchema schema)
#pragma warning restore CA1822
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(schema);
        throw new NotSupportedException($"Resource type '{resourceType.Name}' cannot be served: this version of Scim.Core serves User and Group only. Extend those with AddSchemaExtension, or wait for host-defined resource types.");
    }
}
