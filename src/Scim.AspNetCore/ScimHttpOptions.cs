using Microsoft.AspNetCore.Http;

namespace Scim.AspNetCore;

/// <summary>How PATCH answers when it succeeds.</summary>
public enum ScimPatchResponse
{
    /// <summary>200 OK with the resource (RFC 7644 §3.5.2).</summary>
    Ok,

    /// <summary>204 No Content, which some identity providers expect; spares loading a large group's members.</summary>
    NoContent,
}

/// <summary>The HTTP adapter's options (<c>AddScim(o =&gt; ...)</c>).</summary>
public sealed class ScimHttpOptions
{
    /// <summary>How PATCH answers (200 with the resource by default).</summary>
    public ScimPatchResponse PatchResponse { get; set; } = ScimPatchResponse.Ok;

    /// <summary>The largest request body accepted, in bytes (advertised as <c>bulk.maxPayloadSize</c>); larger bodies get 413.</summary>
    public int MaxPayloadSize { get; set; } = 1_048_576;

    /// <summary>
    /// Finds the tenant of a request. The default uses the <c>tenant</c> route value
    /// (<c>MapScim("/tenants/{tenant}/scim/v2")</c>), then the <c>scim_tenant</c> claim of the
    /// authenticated client, then <see cref="Core.Stores.ScimContext.DefaultTenant"/>. When the route's
    /// tenant is used and the client has a <c>scim_tenant</c> claim naming another tenant, the request is 403.
    /// </summary>
    public Func<HttpContext, string?>? TenantResolver { get; set; }

    /// <summary>Finds the acting client of a request. The default uses the <c>scim_client</c> claim, then the identity's name.</summary>
    public Func<HttpContext, string?>? ActorResolver { get; set; }

    /// <summary>
    /// Maps the authenticated subject to the id of its User, which enables <c>/Me</c> (RFC 7644
    /// §3.11): GET, PUT, PATCH and DELETE on that user. Return <see langword="null"/> when the
    /// subject has no user (404). Without a mapping, <c>/Me</c> answers 501.
    /// </summary>
    public Func<HttpContext, string?>? MeUserId { get; set; }

    /// <summary>Checks the values; called at startup.</summary>
    /// <exception cref="InvalidOperationException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxPayloadSize < 1024)
        {
            throw new InvalidOperationException($"ScimHttpOptions.MaxPayloadSize must be at least 1024 bytes (it is {MaxPayloadSize}).");
        }

        if (!Enum.IsDefined(PatchResponse))
        {
            throw new InvalidOperationException($"ScimHttpOptions.PatchResponse '{PatchResponse}' is not a known value.");
        }
    }
}
