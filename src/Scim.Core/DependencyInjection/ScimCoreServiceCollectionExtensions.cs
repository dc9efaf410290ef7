using Microsoft.Extensions.DependencyInjection.Extensions;
using Scim.Core;
using Scim.Core.Discovery;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Scim.Core's services.</summary>
public static class ScimCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SCIM core services: the <see cref="SchemaRegistry"/> (built-in User, Group and
    /// Enterprise User), the <see cref="ServiceProviderConfiguration"/> and the
    /// <see cref="ScimSerializer"/>. Safe to call more than once: later calls return a builder
    /// over the same registry.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configureSerializer">Changes the reading options (e.g. how unknown attributes are treated).</param>
    /// <returns>The builder to register extensions and resource types with.</returns>
    public static ScimBuilder AddScimCore(this IServiceCollection services, Action<ScimSerializerOptions>? configureSerializer = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(ScimBuilder))?.ImplementationInstance as ScimBuilder;
        var builder = existing ?? new ScimBuilder(services, SchemaRegistry.CreateDefault(), new ServiceProviderConfiguration());
        if (existing is null)
        {
            services.AddSingleton(builder);
            services.TryAddSingleton(builder.Registry);
            services.TryAddSingleton(builder.Configuration);
            services.TryAddSingleton(new ScimSerializerOptions());
            services.TryAddSingleton(sp => new ScimSerializer(sp.GetRequiredService<SchemaRegistry>(), sp.GetRequiredService<ScimSerializerOptions>()));
            services.TryAddSingleton(sp => new Scim.Core.Provisioning.ScimEngine(sp.GetRequiredService<ScimSerializer>(), builder.ServiceOptions));
            // Per provider (a collection may build more than one), one service shared by every
            // scope when everything it holds is a singleton; else a new one per scope.
            services.TryAddSingleton(_ => new SharedScimService(services));
            services.TryAddScoped(sp => sp.GetRequiredService<SharedScimService>().Get(sp, static sp => new Scim.Core.Provisioning.ScimService(
                sp.GetRequiredService<Scim.Core.Provisioning.ScimEngine>(),
                sp.GetService<Scim.Core.Stores.IUserStore>() ?? throw new InvalidOperationException("No SCIM user store is registered: call AddUserStore<TStore>() or AddInMemoryStores() on the builder AddScim()/AddScimCore() returns."),
                sp.GetService<Scim.Core.Stores.IGroupStore>(),
                sp.GetServices<Scim.Core.Events.IScimEventSubscriber>(),
                sp.GetService<Microsoft.Extensions.Logging.ILogger<Scim.Core.Provisioning.ScimService>>(),
                sp.GetService<TimeProvider>())));
        }

        if (configureSerializer is not null)
        {
            var options = services.First(d => d.ServiceType == typeof(ScimSerializerOptions)).ImplementationInstance as ScimSerializerOptions
                ?? throw new InvalidOperationException("ScimSerializerOptions was registered by something other than AddScimCore; configure it there.");
            configureSerializer(options);
        }

        return builder;
    }
}
