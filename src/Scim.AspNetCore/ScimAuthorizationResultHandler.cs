using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Scim.AspNetCore;

/// <summary>Lets authentication schemes challenge and forbid as they do, then gives SCIM endpoints' 401 and 403 a SCIM error body.</summary>
internal sealed class ScimAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
        if (context.GetEndpoint()?.Metadata.GetMetadata<ScimEndpointMetadata>() is null || context.Response.HasStarted)
        {
            return;
        }

        if (authorizeResult.Challenged && context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            await ScimResponses.WriteErrorAsync(context, 401, null, "Authentication is required: send a valid bearer token.").ConfigureAwait(false);
        }
        else if (authorizeResult.Forbidden && context.Response.StatusCode == StatusCodes.Status403Forbidden)
        {
            await ScimResponses.WriteErrorAsync(context, 403, null, "The authenticated client may not use this SCIM endpoint.").ConfigureAwait(false);
        }
    }
}

/// <summary>Marks the endpoints MapScim creates.</summary>
internal sealed class ScimEndpointMetadata
{
    public static ScimEndpointMetadata Instance { get; } = new();
}

/// <summary>Marks the SCIM endpoints on which the handler itself checks the built-in bearer token.</summary>
internal sealed class ScimBearerTokenRequired
{
    public static ScimBearerTokenRequired Instance { get; } = new();

    /// <summary>What protects other endpoints of a group marked with RequireScimBearerToken.</summary>
    public static AuthorizationPolicy Policy { get; } = new AuthorizationPolicyBuilder(ScimBearerTokenDefaults.AuthenticationScheme).RequireAuthenticatedUser().Build();
}
