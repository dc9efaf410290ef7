using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scim.Core.Provisioning;
using Scim.Core;
using Scim.Core.Resources;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Serves host-registered resource types from EF Core.</summary>
public static class EntityFrameworkCoreResourceStoreExtensions
{
    /// <summary>
    /// Keeps the resources of a host-registered type (<c>AddResourceType</c>, or <c>AddAgents()</c>'s
    /// <c>Agent</c> and <c>AgenticApplication</c>) in the table <see cref="ScimModelBuilderExtensions.ApplyScimResources"/>
    /// adds to <typeparamref name="TContext"/> (call it from <c>OnModelCreating</c> and add a migration).
    /// Every query is SQL on SQLite and PostgreSQL (the providers it supports): filters, sorting,
    /// paging and the total, over the JSON of the tenant's rows of the type, and over the indexed
    /// columns for id, <c>externalId</c> and the schema's unique attribute. The store takes a
    /// context from <c>IDbContextFactory&lt;TContext&gt;</c> when one is registered, else the request scope's.
    /// With another provider the app does not start, and says so.
    /// </summary>
    /// <typeparam name="TContext">The host's DbContext, whose model includes the resources table.</typeparam>
    /// <param name="builder">The builder <c>AddScim()</c> returned.</param>
    /// <param name="resourceTypeName">The resource type, e.g. <c>Agent</c>.</param>
    /// <returns>The builder.</returns>
    public static ScimBuilder AddEntityFrameworkCoreResourceStore<TContext>(this ScimBuilder builder, string resourceTypeName)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceTypeName);
        var existing = builder.Services.FirstOrDefault(d => d.ServiceType == typeof(IResourceStore<JsonResource>) && d.IsKeyedService && Equals(d.ServiceKey, resourceTypeName));
        if (existing is not null)
        {
            builder.Services.Remove(existing);
        }

        // By type, not by a factory: the group store's check of member kinds reads the registration to
        // tell whether a kind's rows are in this context's table (GroupMemberKinds).
        EntityStoresBuilder<TContext>.AddStore(builder.Services, ServiceDescriptor.KeyedScoped<IResourceStore<JsonResource>, EntityResourceStore<TContext>>(resourceTypeName));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScimServiceOptions>, EntityResourceProviderCheck<TContext>>());
        return builder;
    }
}
