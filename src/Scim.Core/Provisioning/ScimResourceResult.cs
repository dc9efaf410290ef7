using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Projection;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Provisioning;

/// <summary>
/// One resource returned by the service. <see cref="Resource"/> is the stored state (read-only);
/// <see cref="WriteTo(Utf8JsonWriter)"/> writes the response body: projected by the request's <c>attributes</c> /
/// <c>excludedAttributes</c> and <c>returned</c>, with <c>meta.location</c> and, for users, the
/// derived <c>groups</c>. <c>password</c> is never in it.
/// </summary>
public sealed class ScimResourceResult
{
    private readonly ScimProjection _projection;
    private readonly List<UserGroup>? _groups;
    private readonly JsonObject? _derived;

    internal ScimResourceResult(ScimResourceType resourceType, ScimResource resource, ScimProjection projection, ResourceLocations locations, List<UserGroup>? groups, bool changed, JsonObject? derived = null)
    {
        ResourceType = resourceType;
        Resource = resource;
        _projection = projection;
        _groups = groups;
        _derived = derived;
        Changed = changed;
        _locations = locations;
    }

    /// <summary>The resource type.</summary>
    public ScimResourceType ResourceType { get; }

    /// <summary>The resource as stored. Treat it as read-only: it may be the store's own instance.</summary>
    public ScimResource Resource { get; }

    /// <summary>The resource id.</summary>
    public string Id => Resource.Id!;

    /// <summary>
    /// The version (ETag value, e.g. <c>W/"3f2a..."</c>): the stored one, with a digest of the
    /// derived values the response carries (a user's <c>groups</c>) when it carries any, so that
    /// it changes when they do (<see cref="Versioning.ResourceVersion.WithDerived"/>).
    /// </summary>
    public string Version => _version ??= VersionOf();

    private string? _version;

    private string VersionOf()
    {
        var stored = Resource.Meta?.Version ?? string.Empty;
        if (stored.Length == 0 || (_groups is not { Count: > 0 } && _derived is not { Count: > 0 }))
        {
            return stored;
        }

        // Each group's digest is mixed and summed: a store may list a user's groups in any order,
        // and the same set is the same version.
        var digest = 0UL;
        foreach (var group in _groups ?? [])
        {
            digest += group.Digest();
        }

        if (_derived is { Count: > 0 })
        {
            digest += Versioning.ResourceVersion.Mix(Versioning.ResourceVersion.Digest(Versioning.ResourceVersion.DigestStart, _derived.ToJsonString()));
        }

        return Versioning.ResourceVersion.WithDerived(stored, digest);
    }

    /// <summary>The resource's URL (<c>meta.location</c>), when the context gave a base URL.</summary>
    public Uri? Location => _locations.Of(Id) is { } location ? new Uri(location) : null;

    // The location is made only when asked for: a written page puts the prefix and the id side by side.
    private readonly ResourceLocations _locations;

    /// <summary>For replace and patch: whether anything changed (when not, the version did not change either).</summary>
    public bool Changed { get; }

    /// <summary>
    /// For a GET with <c>If-None-Match</c>: the header names the current version, so the client's
    /// copy is current (HTTP 304 Not Modified, RFC 7232 §3.2).
    /// </summary>
    public bool NotModified { get; internal set; }

    /// <summary>
    /// For a patch asked to return the resource only when that is cheap
    /// (<see cref="ScimRequestOptions.ReturnResource"/> <see langword="null"/>): the response would
    /// have carried a group's members, which were not read, so there is no body to send (HTTP 204
    /// with the <see cref="Version"/> as <c>ETag</c>).
    /// </summary>
    public bool BodyOmitted { get; internal set; }

    /// <summary>The response body: projected, with meta.location and derived attributes.</summary>
    /// <returns>A new tree.</returns>
    internal JsonObject ToJson() => _projection.Apply(ScimSerializer.ToJsonObject(Prepared()));

    /// <summary>Writes the response body, straight from the typed resource when the projection keeps everything.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer) => WriteTo(writer, null);

    /// <summary>Writes the response body; <paramref name="repeats"/> is shared by the resources of one list response.</summary>
    internal void WriteTo(Utf8JsonWriter writer, RepeatedFields? repeats)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_projection.IsPassThrough)
        {
            ResourceWriter.Write(writer, Resource, new ResponseParts(ResourceType.Name, _locations.Prefix, _groups, _derived, repeats, Version));
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
            Version = Version.Length == 0 ? meta?.Version : Version,
            Location = _locations.Of(Id),
        };
        if (copy is User user)
        {
            user.Groups = _groups ?? [];
        }
        else if (copy is JsonResource json && (_groups is not null || _derived is not null))
        {
            // A host type that derives groups (an agent's) or other references: its own attributes are copied first, never changed.
            json.Attributes = (JsonObject)json.Attributes.DeepClone();
            foreach (var (name, value) in _derived ?? [])
            {
                json.Attributes[name] = value?.DeepClone();
            }
        }

        if (copy is JsonResource withGroups && _groups is not null)
        {
            var groups = new JsonArray();
            foreach (var group in _groups)
            {
                var entry = new JsonObject { ["value"] = group.Value };
                if (group.Ref is not null)
                {
                    entry["$ref"] = group.Ref;
                }

                if (group.Display is not null)
                {
                    entry["display"] = group.Display;
                }

                if (group.Type is not null)
                {
                    entry["type"] = group.Type;
                }

                groups.Add(entry);
            }

            withGroups.Attributes["groups"] = groups;
        }

        return copy;
    }
}

/// <summary>
/// The URLs of one resource type's resources under a base URL (<c>meta.location</c>, a group's
/// <c>$ref</c>): the common prefix is built once, so a page of resources costs one concatenation each.
/// </summary>
internal readonly struct ResourceLocations(string? baseUrl, ScimResourceType resourceType)
{
    private readonly string? _prefix = baseUrl is null ? null : string.Concat(baseUrl.TrimEnd('/'), resourceType.Endpoint, "/");

    /// <summary>The URL of the resource with this id; <see langword="null"/> without a base URL.</summary>
    public string? Of(string id) => _prefix is null ? null : string.Concat(_prefix, Uri.EscapeDataString(id));

    /// <summary>What every URL starts with (ending in <c>/</c>); <see langword="null"/> without a base URL.</summary>
    public string? Prefix => _prefix;
}
