using Microsoft.AspNetCore.Authorization;

namespace Scim.AspNetCore;

/// <summary>Marks the endpoints MapScim creates.</summary>
internal sealed class ScimEndpointMetadata
{
    public static ScimEndpointMetadata Instance { get; } = new();
}

/// <summary>Marks the SCIM endpoints in front of which the built-in bearer token is checked (<see cref="ScimBearerTokenGate"/>).</summary>
internal sealed class ScimBearerTokenRequired
{
    public static ScimBearerTokenRequired Instance { get; } = new();

    /// <summary>What protects other endpoints of a group marked with RequireScimBearerToken.</summary>
    public static AuthorizationPolicy Policy { get; } = new AuthorizationPolicyBuilder(ScimBearerTokenDefaults.AuthenticationScheme).RequireAuthenticatedUser().Build();
}
