using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Projection;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

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

    /// <summary>Whether the caller needs the resource back after a patch (a 204 response does not; skipping it spares loading a large group's members).</summary>
    public bool ReturnResource { get; init; } = true;
}

/// <summary>A list request (RFC 7644 §3.4.2, RFC 9865), as its query parameters or <c>.search</c> body give it.</summary>
public sealed class ScimListRequest
{
    /// <summary>The <c>filter</c>.</summary>
    public string? Filter { get; init; }

    /// <summary>The <c>sortBy</c> attribute path.</summary>
    public string? SortBy { get; init; }

    /// <summary>The <c>sortOrder</c>: <c>ascending</c> (default) or <c>descending</c>.</summary>
    public string? SortOrder { get; init; }

    /// <summary>The 1-based <c>startIndex</c> (values below 1 count as 1).</summary>
    public int? StartIndex { get; init; }

    /// <summary>The page size <c>count</c> (negative counts as 0; above the maximum is lowered to it).</summary>
    public int? Count { get; init; }

    /// <summary>The RFC 9865 <c>cursor</c>: empty for the first page.</summary>
    public string? Cursor { get; init; }

    /// <summary>The <c>attributes</c> parameter.</summary>
    public string? Attributes { get; init; }

    /// <summary>The <c>excludedAttributes</c> parameter.</summary>
    public string? ExcludedAttributes { get; init; }
}

/// <summary>
/// One resource returned by the service. <see cref="Resource"/> is the stored state (read-only);
/// <see cref="ToJson"/> is the response body: projected by the request's <c>attributes</c> /
/// <c>excludedAttributes</c> and <c>returned</c>, with <c>meta.location</c> and, for users, the
/// derived <c>groups</c>. <c>password</c> is never in it.
/// </summary>
public sealed class ScimResourceResult
{
    private readonly ScimProjection _projection;
    private readonly List<UserGroup>? _groups;

    internal ScimResourceResult(ScimResourceType resourceType, ScimResource resource, ScimProjection projection, ResourceLocations locations, List<UserGroup>? groups, bool changed)
    {
        ResourceType = resourceType;
        Resource = resource;
        _projection = projection;
        _groups = groups;
        Changed = changed;
        _locations = locations;
    }

    /// <summary>The resource type.</summary>
    public ScimResourceType ResourceType { get; }

    /// <summary>The resource as stored. Treat it as read-only: it may be the store's own instance.</summary>
    public ScimResource Resource { get; }

    /// <summary>The resource id.</summary>
    public string Id => Resource.Id!;

    /// <summary>The version (ETag value, e.g. <c>W/"3f2a..."</c>).</summary>
    public string Version => Resource.Meta?.Version ?? string.Empty;

    /// <summary>The resource's URL (<c>meta.location</c>), when the context gave a base URL.</summary>
    public Uri? Location => _locations.Of(Id) is { } location ? new Uri(location) : null;

    // The location is made only when asked for: a written page puts the prefix and the id side by side.
    private readonly ResourceLocations _locations;

    /// <summary>For replace and patch: whether anything changed (when not, the version did not change either).</summary>
    public bool Changed { get; }

    /// <summary>The response body: projected, with meta.location and derived attributes.</summary>
    /// <returns>A new tree.</returns>
    public JsonObject ToJson() => _projection.Apply(ScimSerializer.ToJsonObject(Prepared()));

    /// <summary>Writes the response body (what <see cref="ToJson"/> returns), straight from the typed resource when the projection keeps everything.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_projection.IsPassThrough)
        {
            ResourceWriter.Write(writer, Resource, new ResponseParts(ResourceType.Name, _locations.Prefix, _groups));
        }
        else
        {
            ToJson().WriteTo(writer);
        }
    }

    /// <summary>A shallow copy of the stored resource with the response's meta and derived groups (the stored one is never changed).</summary>
    private ScimResource Prepared()
    {
        var copy = Resource.ShallowCopy();
        var meta = Resource.Meta;
        copy.Meta = new ResourceMeta
        {
            ResourceType = ResourceType.Name,
            Created = meta?.Created,
            LastModified = meta?.LastModified,
            Version = meta?.Version,
            Location = _locations.Of(Id),
        };
        if (copy is User user)
        {
            user.Groups = _groups ?? [];
        }

        return copy;
    }
}

/// <summary>
/// The URLs of one resource type's resources under a base URL (<c>meta.location</c>, a group's
/// <c>$ref</c>): the common prefix is built once, so a page of resources costs one concatenation each.
/// </summary>
internal readonly struct ResourceLocations(Uri? baseUri, ScimResourceType resourceType)
{
    private readonly string? _prefix = baseUri is null ? null : string.Concat(baseUri.AbsoluteUri.TrimEnd('/'), resourceType.Endpoint, "/");

    /// <summary>The URL of the resource with this id; <see langword="null"/> without a base URL.</summary>
    public string? Of(string id) => _prefix is null ? null : string.Concat(_prefix, Uri.EscapeDataString(id));

    /// <summary>What every URL starts with (ending in <c>/</c>); <see langword="null"/> without a base URL.</summary>
    public string? Prefix => _prefix;
}

/// <summary>A page of resources (the body of a <c>ListResponse</c>, RFC 7644 §3.4.2).</summary>
public sealed class ScimListResult
{
    internal ScimListResult(IReadOnlyList<ScimResourceResult> resources, int totalResults, int startIndex, string? nextCursor, bool cursorPaging)
    {
        Resources = resources;
        TotalResults = totalResults;
        StartIndex = startIndex;
        NextCursor = nextCursor;
        CursorPaging = cursorPaging;
    }

    /// <summary>The resources of the page.</summary>
    public IReadOnlyList<ScimResourceResult> Resources { get; }

    /// <summary>The number of matches over all pages.</summary>
    public int TotalResults { get; }

    /// <summary>The 1-based index of the first resource of the page (index paging).</summary>
    public int StartIndex { get; }

    /// <summary>The number of resources in the page.</summary>
    public int ItemsPerPage => Resources.Count;

    /// <summary>With cursor paging, the cursor of the next page; <see langword="null"/> on the last page.</summary>
    public string? NextCursor { get; }

    /// <summary>Whether the page was requested by cursor.</summary>
    public bool CursorPaging { get; }

    /// <summary>The <c>ListResponse</c> body.</summary>
    /// <returns>A new tree.</returns>
    public JsonObject ToJson()
    {
        var resources = new JsonArray();
        foreach (var resource in Resources)
        {
            resources.Add(resource.ToJson());
        }

        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ListResponse),
            ["totalResults"] = TotalResults,
            ["itemsPerPage"] = ItemsPerPage,
        };
        if (!CursorPaging)
        {
            body["startIndex"] = StartIndex;
        }

        if (NextCursor is not null)
        {
            body["nextCursor"] = NextCursor;
        }

        body[nameof(Resources)] = resources;
        return body;
    }

    /// <summary>Writes the <c>ListResponse</c> body (what <see cref="ToJson"/> returns), one resource at a time.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemaUris.ListResponse);
        writer.WriteEndArray();
        writer.WriteNumber("totalResults", TotalResults);
        writer.WriteNumber("itemsPerPage", ItemsPerPage);
        if (!CursorPaging)
        {
            writer.WriteNumber("startIndex", StartIndex);
        }

        if (NextCursor is not null)
        {
            writer.WriteString("nextCursor", NextCursor);
        }

        writer.WriteStartArray(nameof(Resources));
        foreach (var resource in Resources)
        {
            resource.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
