namespace Scim.Core.Provisioning;

/// <summary>Per-request choices for a single-resource operation.</summary>
public sealed class ScimRequestOptions
{
    /// <summary>The <c>attributes</c> parameter (comma-separated), or <see langword="null"/>.</summary>
    public string? Attributes { get; init; }

    /// <summary>The <c>excludedAttributes</c> parameter (comma-separated), or <see langword="null"/>.</summary>
    public string? ExcludedAttributes { get; init; }

    /// <summary>The <c>If-Match</c> header of a replace, patch or delete: the write happens only if the current version matches (otherwise 412).</summary>
    public string? IfMatch { get; init; }

    /// <summary>The <c>If-None-Match</c> header of a GET: when it names the current version, the result is <see cref="ScimResourceResult.NotModified"/>.</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>
    /// Whether the caller needs the resource back after a replace or patch: <see langword="true"/>
    /// (the default) always; <see langword="false"/> never (a 204 response); <see langword="null"/>
    /// when it costs nothing beyond the write, that is unless the response would carry a group's
    /// member list, which the write never reads (the result is then <see cref="ScimResourceResult.BodyOmitted"/>).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool? ReturnResource { get; init; } = true;
}
