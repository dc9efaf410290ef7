namespace Scim.Core.Discovery;

/// <summary>
/// What the service provider supports, published at /ServiceProviderConfig (RFC 7643 §5, with
/// the <c>pagination</c> block of RFC 9865). Computed once, by <see cref="From"/>, from the host's
/// <see cref="Provisioning.ScimServiceOptions"/> and what the stores can do; the defaults here claim nothing.
/// </summary>
internal sealed class ServiceProviderConfiguration
{
    /// <summary>The configuration of a service: what it implements, the host's choices, the stores' paging.</summary>
    public static ServiceProviderConfiguration From(Provisioning.ScimServiceOptions options, bool acceptsPasswords, bool cursorPaging, TimeSpan? cursorTimeout)
    {
        var configuration = new ServiceProviderConfiguration
        {
            DocumentationUri = options.DocumentationUri,
            PatchSupported = true,
            ChangePasswordSupported = acceptsPasswords,
            SortSupported = true,
            ETagSupported = true,
        };
        configuration.Filter.Supported = true;
        configuration.Filter.MaxResults = options.MaxCount;
        configuration.Bulk.Supported = options.Bulk.Enabled;
        configuration.Bulk.MaxOperations = options.Bulk.MaxOperations;
        configuration.Bulk.MaxPayloadSize = options.MaxPayloadSize;
        configuration.Pagination.Index = true;
        configuration.Pagination.Cursor = cursorPaging;
        configuration.Pagination.CursorTimeout = cursorPaging && cursorTimeout is { } timeout ? (int)timeout.TotalSeconds : null;
        configuration.Pagination.DefaultPageSize = options.DefaultCount;
        configuration.Pagination.MaxPageSize = options.MaxCount;
        foreach (var uri in options.SecurityEventUris)
        {
            configuration.SecurityEventUris.Add(uri);
        }

        foreach (var scheme in options.AuthenticationSchemes)
        {
            configuration.AuthenticationSchemes.Add(scheme);
        }

        foreach (var (name, member) in options.ServiceProviderConfigMembers)
        {
            configuration.ExtensionMembers[name] = (System.Text.Json.Nodes.JsonObject)member.DeepClone();
        }

        return configuration;
    }

    /// <summary>Members protocol extensions add (e.g. <c>agentExtension</c>), written after the standard ones.</summary>
    public SortedDictionary<string, System.Text.Json.Nodes.JsonObject> ExtensionMembers { get; } = new(StringComparer.Ordinal);

    /// <summary>A page of human-readable help about the service provider.</summary>
    /// <value>Defaults to <see langword="null"/> (left out).</value>
    public Uri? DocumentationUri { get; set; }

    /// <summary>Whether PATCH is supported.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool PatchSupported { get; set; }

    /// <summary>Bulk support and limits.</summary>
    public BulkConfiguration Bulk { get; } = new();

    /// <summary>Filter support and limits.</summary>
    public FilterConfiguration Filter { get; } = new();

    /// <summary>Whether a client may change a password.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool ChangePasswordSupported { get; set; }

    /// <summary>Whether <c>sortBy</c> / <c>sortOrder</c> are supported.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool SortSupported { get; set; }

    /// <summary>Whether ETags (<c>meta.version</c>, If-Match, If-None-Match) are supported.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool ETagSupported { get; set; }

    /// <summary>Pagination methods and page sizes (RFC 9865 §3).</summary>
    public PaginationConfiguration Pagination { get; } = new();

    /// <summary>The RFC 9967 event URIs published as SETs; none leaves <c>securityEvents</c> out (no events).</summary>
    public IList<string> SecurityEventUris { get; } = [];

    /// <summary>The authentication schemes clients can use.</summary>
    /// <value>Defaults to none.</value>
    public IList<AuthenticationScheme> AuthenticationSchemes { get; } = [];
}

/// <summary>Bulk support (RFC 7643 §5, <c>bulk</c>).</summary>
internal sealed class BulkConfiguration
{
    /// <summary>Whether /Bulk is supported.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool Supported { get; set; }

    /// <summary>The most operations one bulk request may hold.</summary>
    /// <value>Defaults to 1,000.</value>
    public int MaxOperations { get; set; } = 1000;

    /// <summary>The largest bulk request body, in bytes.</summary>
    /// <value>Defaults to 1,048,576 (1 MiB).</value>
    public int MaxPayloadSize { get; set; } = 1_048_576;
}

/// <summary>Filter support (RFC 7643 §5, <c>filter</c>).</summary>
internal sealed class FilterConfiguration
{
    /// <summary>Whether the <c>filter</c> parameter is supported.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool Supported { get; set; }

    /// <summary>The most resources a filtered query returns in one response.</summary>
    /// <value>Defaults to 200.</value>
    public int MaxResults { get; set; } = 200;
}

/// <summary>Pagination support (RFC 9865 §3, the <c>pagination</c> attribute of the service provider configuration).</summary>
internal sealed class PaginationConfiguration
{
    /// <summary>Whether cursor-based pagination is supported.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool Cursor { get; set; }

    /// <summary>Whether index-based pagination (<c>startIndex</c>) is supported.</summary>
    /// <value>Defaults to <see langword="true"/>: RFC 7644 §3.4.2.4 paging.</value>
    public bool Index { get; set; } = true;

    /// <summary>The method used when a request names none: <c>index</c> or <c>cursor</c>.</summary>
    /// <value>Defaults to <c>index</c>.</value>
    public string DefaultPaginationMethod { get; set; } = "index";

    /// <summary>The page size used when a request has no <c>count</c>.</summary>
    /// <value>Defaults to 100.</value>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>The largest page size served; a larger <c>count</c> is reduced to it.</summary>
    /// <value>Defaults to 1,000.</value>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>How long, in seconds, a cursor stays valid; <see langword="null"/> to leave it unstated.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public int? CursorTimeout { get; set; }
}

/// <summary>An authentication scheme (RFC 7643 §5, <c>authenticationSchemes</c>).</summary>
/// <param name="Type">The scheme type, e.g. <c>oauthbearertoken</c> or <c>httpbasic</c>.</param>
/// <param name="Name">The common name, e.g. "OAuth Bearer Token".</param>
/// <param name="Description">A description of the scheme.</param>
public sealed record AuthenticationScheme(string Type, string Name, string Description)
{
    /// <summary>The specification of the scheme (e.g. RFC 6750 for bearer tokens).</summary>
    public Uri? SpecUri { get; init; }

    /// <summary>Help about the scheme.</summary>
    public Uri? DocumentationUri { get; init; }

    /// <summary>Whether this is the preferred scheme.</summary>
    public bool Primary { get; init; }

    /// <summary>An OAuth bearer token scheme (RFC 6750), the one Entra ID and Okta use.</summary>
    /// <param name="primary">Whether it is the preferred scheme.</param>
    /// <returns>The scheme.</returns>
    public static AuthenticationScheme OAuthBearerToken(bool primary = true) =>
        new("oauthbearertoken", "OAuth Bearer Token", "Authentication scheme using the OAuth Bearer Token Standard")
        {
            SpecUri = new Uri("https://www.rfc-editor.org/info/rfc6750"),
            Primary = primary,
        };
}
