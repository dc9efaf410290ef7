using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scim.Core;
using Scim.Core.Events;
using Scim.Core.InMemory;
using Scim.Core.Resources;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Scim.Core's services.</summary>
public static class ScimCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SCIM core services: the <see cref="SchemaRegistry"/> (built-in User, Group and
    /// Enterprise User), the <see cref="ScimServiceOptions"/> (checked when the app starts), the
    /// <see cref="ScimSerializer"/>, the <see cref="ScimService"/>, and the hosted service that
    /// delivers change events to the registered <see cref="IScimEventSubscriber"/>s. Safe to call more than once:
    /// later calls return a builder over the same registrations.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder to register stores, extensions and options with.</returns>
    public static ScimBuilder AddScimCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ScimBuilder))?.ImplementationInstance is ScimBuilder existing)
        {
            return existing;
        }

        var builder = new ScimBuilder(services, SchemaRegistry.CreateDefault());
        services.AddSingleton(builder);
        services.AddOptions<ScimServiceOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScimServiceOptions>, ScimServiceOptionsValidator>());
        services.TryAddSingleton(builder.Registry);
        services.TryAddSingleton(sp => new ScimEngine(sp.GetRequiredService<SchemaRegistry>(), sp.GetRequiredService<IOptions<ScimServiceOptions>>().Value));
        services.TryAddSingleton(sp => sp.GetRequiredService<ScimEngine>().Serializer);

        // Events go to a queue and, when a store keeps them, its outbox; a hosted dispatcher
        // delivers them off the request path. Nothing is built when nothing consumes them: no
        // subscriber in this process, and no outbox kept for other instances' subscribers.
        services.TryAddSingleton(sp => new ScimEventQueue(
            services.Any(d => d.ServiceType == typeof(IScimEventSubscriber)),
            services.Any(d => d.ServiceType == typeof(IScimEventOutbox)) && sp.GetRequiredService<IOptions<ScimServiceOptions>>().Value.EventDelivery.RecordWithoutSubscribers,
            sp.GetRequiredService<IOptions<ScimServiceOptions>>().Value.EventDelivery.QueueCapacity));
        services.TryAddSingleton(sp => new ScimEventDispatcher(
            sp.GetRequiredService<ScimEventQueue>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<IOptions<ScimServiceOptions>>().Value.EventDelivery,
            sp.GetService<IScimEventOutbox>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ScimEventDispatcher>>()));
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<ScimEventDispatcher>());

        // One decision, made once per provider: every scope gets the same service when all it holds
        // is a singleton, otherwise each scope (request) gets its own, over its own scoped stores.
        services.TryAddSingleton(_ => new ServiceSharing(services));
        services.TryAddScoped(sp => sp.GetRequiredService<ServiceSharing>().Get(sp, static sp => new ScimService(
            sp.GetRequiredService<ScimEngine>(),
            sp.GetService<IUserStore>() ?? throw new InvalidOperationException("No SCIM user store is registered: call AddUserStore<TStore>() or AddInMemoryStores() on the builder AddScim()/AddScimCore() returns."),
            sp.GetService<IGroupStore>(),
            sp.GetRequiredService<ScimEventQueue>(),
            sp.GetService<ILogger<ScimService>>(),
            sp.GetService<TimeProvider>(),
            type => sp.GetKeyedService<IResourceStore<JsonResource>>(type.Name) ?? sp.GetService<InMemoryResourceStores>()?.For(type))));
        return builder;
    }
}
