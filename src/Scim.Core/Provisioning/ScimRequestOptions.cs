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

    /// <summary>Whether the caller needs the resource back after a patch (a 204 response does not; skipping it spares loading a large group's members).</summary>
    public bool ReturnResource { get; init; } = true;
}
