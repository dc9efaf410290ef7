using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scim.AspNetCore;
using Scim.Core;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SCIM HTTP adapter.</summary>
public static class ScimServiceCollectionExtensions
{
    /// <summary>
    /// Registers Scim.Core and the HTTP adapter. Continue with the returned builder:
    /// <c>.AddUserStore&lt;T&gt;().AddGroupStore&lt;T&gt;()</c> (or <c>.AddInMemoryStores()</c>), then
    /// call <c>app.MapScim("/scim/v2")</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the HTTP options (PATCH response, payload limit, tenant resolution).</param>
    /// <returns>The builder.</returns>
    public static ScimBuilder AddScim(this IServiceCollection services, Action<ScimHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddScimCore();
        var options = services.FirstOrDefault(d => d.ServiceType == typeof(ScimHttpOptions))?.ImplementationInstance as ScimHttpOptions;
        if (options is null)
        {
            options = new ScimHttpOptions();
            services.AddOptions();
            services.AddSingleton(options);
            services.AddSingleton<ScimRequestHandler>();

            // 401 and 403 from any authentication scheme get a SCIM error body on SCIM endpoints.
            var defaultHandler = services.FirstOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
            if (defaultHandler is null || defaultHandler.ImplementationType == typeof(AuthorizationMiddlewareResultHandler))
            {
                services.RemoveAll<IAuthorizationMiddlewareResultHandler>();
                services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScimAuthorizationResultHandler>();
            }
        }

        configure?.Invoke(options);
        return builder;
    }
}
