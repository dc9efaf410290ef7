using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scim.AspNetCore;
using Scim.Core;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SCIM HTTP adapter.</summary>
public static class ScimServiceCollectionExtensions
{
    /// <summary>
    /// Registers Scim.Core and the HTTP adapter. Continue with the returned builder:
    /// <c>.AddUserStore&lt;T&gt;().AddGroupStore&lt;T&gt;()</c> (or <c>.AddInMemoryStores()</c>), then
    /// call <c>app.MapScim("/scim/v2")</c>. Safe to call more than once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the HTTP options (PATCH response, tenant and actor resolution, <c>/Me</c>).</param>
    /// <returns>The builder.</returns>
    public static ScimBuilder AddScim(this IServiceCollection services, Action<ScimHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddScimCore();
        services.AddOptions<ScimHttpOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScimHttpOptions>, ScimHttpOptionsValidator>());
        services.TryAddSingleton<ScimBearerTokenGate>();
        services.TryAddSingleton<ScimEndpoint>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
