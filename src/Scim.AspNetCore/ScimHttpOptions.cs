using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Scim.AspNetCore;

/// <summary>How PATCH answers when it succeeds.</summary>
public enum ScimPatchResponse
{
    /// <summary>200 OK with the resource (RFC 7644 §3.5.2).</summary>
    Ok,

    /// <summary>204 No Content, which some identity providers expect; spares loading a large group's members.</summary>
    NoContent,
}

/// <summary>
/// The HTTP adapter's options (<c>AddScim(o =&gt; ...)</c>): how requests map to tenants and actors
/// and how PATCH answers. Everything else (limits, rules, what is advertised) is the service's, in
/// <c>ScimServiceOptions</c>. Checked when the app starts.
/// </summary>
public sealed class ScimHttpOptions
{
    /// <summary>How PATCH answers.</summary>
    /// <value>Defaults to <see cref="ScimPatchResponse.Ok"/> (200 with the resource).</value>
    public ScimPatchResponse PatchResponse { get; set; } = ScimPatchResponse.Ok;

    /// <summary>
    /// Finds the tenant of a request. The default uses the <c>tenant</c> route value
    /// (<c>MapScim("/tenants/{tenant}/scim/v2")</c>), then the <c>scim_tenant</c> claim of the
    /// authenticated client, then <see cref="Core.Stores.ScimContext.DefaultTenant"/>. When the route's
    /// tenant is used and the client has a <c>scim_tenant</c> claim naming another tenant, the request is 403.
    /// </summary>
    /// <value>Defaults to <see langword="null"/> (the rule above).</value>
    public Func<HttpContext, string?>? TenantResolver { get; set; }

    /// <summary>Finds the acting client of a request. The default uses the <c>scim_client</c> claim, then the identity's name.</summary>
    /// <value>Defaults to <see langword="null"/> (the rule above).</value>
    public Func<HttpContext, string?>? ActorResolver { get; set; }

    /// <summary>
    /// Maps the authenticated subject to the id of its User, which enables <c>/Me</c> (RFC 7644
    /// §3.11): GET, PUT, PATCH and DELETE on that user. Return <see langword="null"/> when the
    /// subject has no user (404). Without a mapping, <c>/Me</c> answers 501.
    /// </summary>
    /// <value>Defaults to <see langword="null"/> (<c>/Me</c> is not offered).</value>
    public Func<HttpContext, string?>? MeUserId { get; set; }
}

/// <summary>The check of <see cref="ScimHttpOptions"/> at startup.</summary>
internal sealed class ScimHttpOptionsValidator : IValidateOptions<ScimHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, ScimHttpOptions options) =>
        Enum.IsDefined(options.PatchResponse)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"ScimHttpOptions.PatchResponse '{options.PatchResponse}' is not a known value.");
}
