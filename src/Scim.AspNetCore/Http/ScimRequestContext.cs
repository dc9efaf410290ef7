using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;
using Scim.Core.Errors;
using Scim.Core.Stores;

namespace Scim.AspNetCore;

/// <summary>Who a request is and where it arrived: its tenant, its acting client and the SCIM base URL, as Scim.Core's <see cref="ScimContext"/>.</summary>
internal static class ScimRequestContext
{
    private static BuiltBaseUrl? _lastBaseUrl;

    /// <summary>The context of a request to a resource endpoint.</summary>
    public static ScimContext Create(HttpContext context, ScimHttpOptions options, string scimPath) =>
        new(Tenant(context, options), Actor(context, options)) { BaseUrl = BaseUrl(context, scimPath) };

    /// <summary>The context of a discovery request, which belongs to no tenant.</summary>
    public static ScimContext Anonymous(HttpContext context, string scimPath) =>
        new(ScimContext.DefaultTenant) { BaseUrl = BaseUrl(context, scimPath) };

    /// <summary>
    /// The tenant the request itself names, before its client is known: the host's
    /// <see cref="ScimHttpOptions.TenantResolver"/>, else the <c>{tenant}</c> route value; null
    /// when neither names one. The built-in tokens compare a token's tenant with this one.
    /// </summary>
    public static string? NamedTenant(HttpContext context, ScimHttpOptions options) =>
        options.TenantResolver?.Invoke(context) ?? context.GetRouteValue("tenant") as string;

    private static string Tenant(HttpContext context, ScimHttpOptions options)
    {
        var claimed = context.User.FindFirstValue(ScimClaimTypes.Tenant);
        var tenant = NamedTenant(context, options);

        // Authentication may have run before routing (or by another scheme) without seeing the
        // request's tenant: a client whose claim names another tenant never gets this one's data,
        // whether the route or the host's resolver names it.
        if (tenant is not null && claimed is not null && !string.Equals(claimed, tenant, StringComparison.Ordinal))
        {
            throw new ScimException(403, null, "The authenticated client may not provision this tenant.");
        }

        tenant ??= claimed;
        return string.IsNullOrEmpty(tenant) ? ScimContext.DefaultTenant : tenant;
    }

    private static string? Actor(HttpContext context, ScimHttpOptions options) =>
        options.ActorResolver?.Invoke(context)
        ?? context.User.FindFirstValue(ScimClaimTypes.Client)
        ?? context.User.Identity?.Name;

    /// <summary>The absolute URL of the SCIM prefix for this request (scheme, host, PathBase, and the matched prefix with its tenant), escaped.</summary>
    private static string BaseUrl(HttpContext context, string scimPath)
    {
        var request = context.Request;
        var prefix = (request.Path.Value ?? string.Empty).AsSpan().TrimEnd('/');
        if (scimPath.Length > 0 && prefix.EndsWith(scimPath, StringComparison.Ordinal))
        {
            prefix = prefix[..^scimPath.Length];
        }

        prefix = prefix.TrimEnd('/');

        // Requests of one app mostly share scheme, host and prefix: the last URL built is kept and
        // reused while they match, which spares the escaping and the strings on every request.
        var scheme = request.Scheme;
        var host = request.Host.Value ?? string.Empty;
        var pathBase = request.PathBase.Value ?? string.Empty;
        if (Volatile.Read(ref _lastBaseUrl) is { } last && last.Matches(scheme, host, pathBase, prefix))
        {
            return last.Url;
        }

        var prefixText = prefix.ToString();
        var url = UriHelper.BuildAbsolute(scheme, request.Host, request.PathBase, new PathString(prefixText));
        Volatile.Write(ref _lastBaseUrl, new BuiltBaseUrl(scheme, host, pathBase, prefixText, url));
        return url;
    }

    private sealed record BuiltBaseUrl(string Scheme, string Host, string PathBase, string Prefix, string Url)
    {
        public bool Matches(string scheme, string host, string pathBase, ReadOnlySpan<char> prefix) =>
            string.Equals(Scheme, scheme, StringComparison.Ordinal)
            && string.Equals(Host, host, StringComparison.Ordinal)
            && string.Equals(PathBase, pathBase, StringComparison.Ordinal)
            && prefix.SequenceEqual(Prefix);
    }
}
