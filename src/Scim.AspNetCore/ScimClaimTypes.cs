namespace Scim.AspNetCore;

/// <summary>The claims the adapter reads for the tenant and the acting client.</summary>
public static class ScimClaimTypes
{
    /// <summary>The tenant the authenticated client provisions.</summary>
    public const string Tenant = "scim_tenant";

    /// <summary>The name of the authenticated client (for example "entra-prod"), recorded as the actor.</summary>
    public const string Client = "scim_client";
}
