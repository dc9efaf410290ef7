using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.Core.Provisioning;
using Scim.Core.Stores;

namespace Scim.Core;

/// <summary>
/// The one decision of how the <see cref="ScimService"/> is shared: every scope gets the same
/// instance when the stores, the logger and the clock are all singletons
/// (the in-memory stores, typically; the stores of host-registered types too), since the service holds nothing else and building one per
/// request only costs time (a GET by id over SQLite spent 4 % of its time building the service and
/// its stores); a store over a <c>DbContext</c> is scoped, and then each scope gets its own, unless
/// its registration says that an instance holds nothing of the scope it was made in
/// (<see cref="ScopeFreeStore"/>: the EF Core stores when the host registered a context factory).
/// Made from the registrations, which are final once a provider resolves anything.
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
        var hostStores = new List<ServiceDescriptor>();
        var scopeFree = new List<ScopeFreeStore>();
        foreach (var descriptor in services)
        {
            var type = descriptor.ServiceType;
            if (type == typeof(IResourceStore<Resources.JsonResource>))
            {
                // The stores of host-registered types, one per type (keyed by its name).
                hostStores.Add(descriptor);
            }
            else if (type == typeof(ScopeFreeStore) && descriptor.ImplementationInstance is ScopeFreeStore free)
            {
                scopeFree.Add(free);
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
        bool Shared(ServiceDescriptor? store) =>
            Singleton(store)
            || store!.Lifetime == ServiceLifetime.Scoped && scopeFree.Any(f => ReferenceEquals(f.Registration, store) && f.Applies(services));
        return users is not null && hostStores.All(Shared) && Shared(users) && Shared(groups) && Singleton(time) && Singleton(logger);
    }
}

/// <summary>
/// Says that the instances of one scoped store registration hold nothing of the scope they were
/// made in, so that one made in any scope can serve every scope (and the <see cref="ScimService"/>
/// over it be shared), when <see cref="Applies"/> holds of the final registrations. Registered as
/// a singleton instance; it concerns that registration only, so a store registered in its place
/// later is judged by its own lifetime.
/// </summary>
/// <param name="registration">The store's registration (of <see cref="IUserStore"/>, <see cref="IGroupStore"/>, or a host type's <see cref="IResourceStore{TResource}"/>).</param>
/// <param name="applies">Whether it holds, given the final registrations.</param>
internal sealed class ScopeFreeStore(ServiceDescriptor registration, Func<IServiceCollection, bool> applies)
{
    public ServiceDescriptor Registration { get; } = registration;

    public bool Applies(IServiceCollection services) => applies(services);
}
