using System.Text.Json.Nodes;
using Scim.Core.Serialization;

namespace Scim.Core.Resources;

/// <summary>
/// A resource of a type the host registers (<c>Device</c>, <c>Agent</c>, ...), held as its JSON:
/// <c>id</c>, <c>externalId</c> and <c>meta</c> as on every resource, the core schema's attributes
/// in <see cref="Attributes"/> and each extension's in <see cref="ScimResource.Extensions"/>, all in
/// canonical casing (the service reads requests against the schema before a store sees them).
/// Stores of such types implement <see cref="Stores.IResourceStore{T}"/> of this class.
/// </summary>
public sealed class JsonResource : ScimResource
{
    private JsonObject _attributes = [];

    /// <summary>Creates an empty resource of a core schema.</summary>
    /// <param name="coreSchema">The URN of the resource type's core schema.</param>
    public JsonResource(string coreSchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(coreSchema);
        CoreSchema = coreSchema;
    }

    /// <inheritdoc />
    public override string CoreSchema { get; }

    /// <summary>
    /// The core schema's attributes (everything but <c>schemas</c>, <c>id</c>, <c>externalId</c>,
    /// <c>meta</c> and the extensions), keyed by their canonical names.
    /// </summary>
    public JsonObject Attributes { get => _attributes; set => _attributes = value ?? []; }

    /// <summary>The resource as its canonical JSON tree (a new tree the caller owns).</summary>
    /// <returns>The tree, <c>schemas</c> and <c>meta</c> included.</returns>
    public JsonObject ToJson() => ScimSerializer.ToJsonObject(this);

    /// <summary>
    /// The resource of a canonical JSON tree: <c>id</c>, <c>externalId</c> and <c>meta</c> are read
    /// into their properties, extension schemas (keys that are URNs) into
    /// <see cref="ScimResource.Extensions"/>, the rest into <see cref="Attributes"/>.
    /// </summary>
    /// <param name="tree">The tree; not changed.</param>
    /// <param name="coreSchema">The URN of the core schema.</param>
    /// <returns>The resource.</returns>
    public static JsonResource FromJson(JsonObject tree, string coreSchema)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var resource = new JsonResource(coreSchema);
        foreach (var (key, value) in tree)
        {
            switch (key)
            {
                case "schemas":
                    break;
                case "id":
                    resource.Id = (string?)value;
                    break;
                case "externalId":
                    resource.ExternalId = value is JsonValue ? (string?)value : null;
                    break;
                case "meta":
                    resource.Meta = MetaOf(value as JsonObject);
                    break;
                default:
                    if (key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
                    {
                        if (value is JsonObject { Count: > 0 } extension)
                        {
                            resource.Extensions[key] = extension.DeepClone();
                        }
                    }
                    else if (value is not null)
                    {
                        resource._attributes[key] = value.DeepClone();
                    }

                    break;
            }
        }

        return resource;
    }

    /// <summary>A copy whose attributes and extensions may be changed without touching this one.</summary>
    internal JsonResource DeepCopy()
    {
        var copy = (JsonResource)ShallowCopy();
        copy._attributes = (JsonObject)_attributes.DeepClone();
        if (RawExtensions is { } extensions)
        {
            copy.Extensions = (JsonObject)extensions.DeepClone();
        }

        return copy;
    }

    private static ResourceMeta? MetaOf(JsonObject? meta)
    {
        if (meta is null)
        {
            return null;
        }

        return new ResourceMeta
        {
            ResourceType = Text(meta, "resourceType"),
            Created = ScimDateTime.TryParse(Text(meta, "created"), out var created) ? created : null,
            LastModified = ScimDateTime.TryParse(Text(meta, "lastModified"), out var lastModified) ? lastModified : null,
            Location = Text(meta, "location"),
            Version = Text(meta, "version"),
        };
    }

    private static string? Text(JsonObject owner, string name) =>
        owner[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
