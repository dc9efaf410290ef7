using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.Core.Provisioning;
using Scim.Core.Stores;

namespace Scim.Core;

/// <summary>
/// The one decision of how the <see cref="ScimService"/> is shared: every scope gets the same
/// instance when the stores, the logger and the clock are all singletons
/// (the in-memory stores, typically; the stores of host-registered types too), since the service holds nothing else and building one per
/// request only costs time; a store over a <c>DbContext</c> is scoped, and then each scope gets
/// its own. Made from the registrations, which are final once a provider resolves anything.
/// </summary>
internal sealed class ServiceSharing(IServiceCollection services)
{
    private ScimService? _shared;
    private int _shareable; // 0: not decided yet, 1: yes, 2: no

    /// <summary>
    /// The one service every scope shares, once a scope has resolved it; <see langword="null"/>
    /// while none has, or when each scope gets its own. A caller holding it needs no scope at all.
    /// </summary>
    public ScimService? Shared => Volatile.Read(ref _shared);

    public ScimService Get(IServiceProvider scope, Func<IServiceProvider, ScimService> create)
    {
        if (Volatile.Read(ref _shared) is { } shared)
        {
            return shared;
        }

        var service = create(scope);
        if (_shareable == 0)
        {
            // Registrations are settled once a provider resolves anything.
            _shareable = Shareable(services) ? 1 : 2;
        }

        return _shareable == 1 ? Interlocked.CompareExchange(ref _shared, service, null) ?? service : service;
    }

    private static bool Shareable(IServiceCollection services)
    {
        ServiceDescriptor? users = null, groups = null, time = null, logger = null;
        var hostStoresShared = true;
        foreach (var descriptor in services)
        {
            var type = descriptor.ServiceType;
            if (type == typeof(IResourceStore<Resources.JsonResource>))
            {
                // The stores of host-registered types, one per type (keyed by its name).
                hostStoresShared &= descriptor.Lifetime == ServiceLifetime.Singleton;
            }
            else if (type == typeof(IUserStore))
            {
                users = descriptor;
            }
            else if (type == typeof(IGroupStore))
            {
                groups = descriptor;
            }
            else if (type == typeof(TimeProvider))
            {
                time = descriptor;
            }
            else if (type == typeof(ILogger<ScimService>) || type == typeof(ILogger<>))
            {
                logger = descriptor;
            }
        }

        static bool Singleton(ServiceDescriptor? descriptor) => descriptor is null || descriptor.Lifetime == ServiceLifetime.Singleton;
        return users is not null && hostStoresShared && Singleton(users) && Singleton(groups) && Singleton(time) && Singleton(logger);
    }
}
