using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Scim.AspNetCore;

/// <summary>How PATCH answers when it succeeds (RFC 7644 §3.5.2 allows 200 with the resource or 204).</summary>
public enum ScimPatchResponse
{
    /// <summary>
    /// 200 OK with the resource, except when that resource is a group whose response would carry
    /// its members: 204 No Content then, since the member list (possibly 100,000 entries) is never
    /// read by the change itself. A member change thus costs the same for a group of 10 and of
    /// 100,000. A request that names <c>attributes</c> or <c>excludedAttributes</c> without members
    /// gets 200 with those. The default.
    /// </summary>
    Auto,

    /// <summary>Always 200 OK with the whole resource: a group's members are read back after every change, at a cost that grows with the group.</summary>
    Ok,

    /// <summary>Always 204 No Content with the new <c>ETag</c>, which some identity providers expect.</summary>
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
    /// <value>Defaults to <see cref="ScimPatchResponse.Auto"/> (200 with the resource, 204 for a group whose members the response would carry).</value>
    public ScimPatchResponse PatchResponse { get; set; } = ScimPatchResponse.Auto;

    /// <summary>
    /// Finds the tenant of a request (for example the id a route's or a host name's tenant is known
    /// by); when it returns <see langword="null"/>, or is not set, the <c>tenant</c> route value
    /// (<c>MapScim("/tenants/{tenant}/scim/v2")</c>) is used, then the <c>scim_tenant</c> claim of
    /// the authenticated client, then <see cref="Core.Stores.ScimContext.DefaultTenant"/>. The
    /// client must belong to the tenant the request names: the built-in tokens accept only a token
    /// added for it (401), and a client whose <c>scim_tenant</c> claim names another tenant is 403.
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
