using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scim.AspNetCore;
using Scim.Core;
using Scim.Core.Provisioning;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the SCIM endpoints.</summary>
public static class ScimEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves SCIM under <paramref name="prefix"/>: <c>/Users</c>, <c>/Groups</c>, <c>/.search</c>,
    /// <c>/ServiceProviderConfig</c>, <c>/ResourceTypes</c>, <c>/Schemas</c> (path segments match
    /// case-insensitively). The prefix may contain a <c>{tenant}</c> segment. Returns the route
    /// group, to decorate with authorization, rate limiting or CORS.
    /// </summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <param name="prefix">The base path, e.g. <c>/scim/v2</c> or <c>/tenants/{tenant}/scim/v2</c>.</param>
    /// <returns>The route group of the SCIM endpoints.</returns>
    /// <exception cref="InvalidOperationException"><c>AddScim()</c> was not called, or no user store was registered.</exception>
    public static RouteGroupBuilder MapScim(this IEndpointRouteBuilder endpoints, string prefix = "/scim/v2")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var services = endpoints.ServiceProvider;
        var handler = services.GetService<ScimEndpoint>()
            ?? throw new InvalidOperationException("MapScim() needs the SCIM services: call builder.Services.AddScim() (and AddUserStore<T>() or AddInMemoryStores() on the builder it returns) before building the app.");
        using (var scope = services.CreateScope())
        {
            // Fail now, not at the first request, when a store is missing or an option is wrong.
            _ = scope.ServiceProvider.GetRequiredService<ScimService>();
        }

        var group = endpoints.MapGroup(prefix);
        group.Map("{**scimPath}", handler.HandleAsync)
            .WithMetadata(ScimEndpointMetadata.Instance)
            .WithDisplayName("SCIM " + prefix)
            .DisableAntiforgery();
        return group;
    }

    /// <summary>
    /// Requires one of the built-in bearer tokens (<c>AddScimBearerTokens</c>, on the SCIM builder
    /// or on <c>AddAuthentication()</c>) on these endpoints. The SCIM endpoints check the token
    /// themselves, before anything else: a missing or invalid token, or on a <c>{tenant}</c> route a
    /// token of another tenant, is a 401 SCIM error with <c>WWW-Authenticate: Bearer</c>. Any other
    /// endpoint in the group is protected by an authorization policy on the authentication scheme.
    /// Policies the host attaches as well still apply.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint builder type.</typeparam>
    /// <param name="builder">The route group MapScim returned.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireScimBearerToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Finally(endpoint =>
        {
            // Finally: MapScim's own metadata is there by now, whatever order conventions were added in.
            if (endpoint.Metadata.Contains(ScimEndpointMetadata.Instance))
            {
                endpoint.Metadata.Add(ScimBearerTokenRequired.Instance);
            }
            else
            {
                endpoint.Metadata.Add(ScimBearerTokenRequired.Policy);
            }
        });
        return builder;
    }
}
