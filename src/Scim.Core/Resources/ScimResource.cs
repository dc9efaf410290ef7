using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Scim.Core.Serialization;

namespace Scim.Core.Resources;

/// <summary>
/// What every SCIM resource has (RFC 7643 §3.1): <c>id</c>, <c>externalId</c>, <c>meta</c>, and
/// the extension schemas it carries beyond the ones this library types.
/// </summary>
public abstract class ScimResource
{
    private JsonObject? _extensions;

    /// <summary>The service provider's identifier of the resource (readOnly, case-exact, unique). Assigned on creation.</summary>
    [JsonPropertyOrder(-9)]
    public string? Id { get; set; }

    /// <summary>The provisioning client's identifier of the resource (case-exact).</summary>
    [JsonPropertyOrder(-8)]
    public string? ExternalId { get; set; }

    /// <summary>Resource metadata (readOnly): type, creation and modification times, location, version.</summary>
    [JsonPropertyOrder(1000)]
    public ResourceMeta? Meta { get; set; }

    /// <summary>
    /// Attributes of extension schemas that have no typed property, keyed by schema URN, each a
    /// JSON object of that schema's attributes in canonical casing. A host-registered
    /// <c>urn:example:params:scim:schemas:extension:MyApp:2.0:User</c> with <c>tenantRole</c>
    /// lives here as <c>Extensions["urn:...:User"]["tenantRole"]</c>.
    /// </summary>
    [JsonIgnore]
    public JsonObject Extensions { get => _extensions ??= []; set => _extensions = value; }

    /// <summary>
    /// <see cref="Extensions"/> as the serializer writes them: one top-level property per schema
    /// URN. (A <see cref="JsonObject"/> cannot be the extension data itself: the generated
    /// serializer writes it as an unnamed nested object.) Reading fills <see cref="Extensions"/>
    /// directly, so the setter ignores its input.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    internal Dictionary<string, JsonElement>? ExtensionData
    {
        get
        {
            if (_extensions is not { Count: > 0 })
            {
                return null;
            }

            var data = new Dictionary<string, JsonElement>(Extensions.Count, StringComparer.Ordinal);
            foreach (var (key, value) in Extensions)
            {
                if (value is JsonObject { Count: > 0 })
                {
                    data[key] = JsonSerializer.SerializeToElement(value, ScimJsonContext.Default.JsonNode);
                }
            }

            return data.Count == 0 ? null : data;
        }

        set
        {
        }
    }

    /// <summary>The URNs of the schemas present in this resource: the core schema, then each extension that has a value.</summary>
    [JsonPropertyOrder(-10)]
    public IReadOnlyList<string> Schemas
    {
        get
        {
            var schemas = new List<string>(2) { CoreSchema };
            AddTypedExtensionSchemas(schemas);
            foreach (var (key, value) in _extensions ?? [])
            {
                if (value is JsonObject { Count: > 0 } && !schemas.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    schemas.Add(key);
                }
            }

            return schemas;
        }
    }

    /// <summary>The URN of the resource's core schema.</summary>
    [JsonIgnore]
    public abstract string CoreSchema { get; }

    /// <summary>The extensions without allocating an empty object when there are none.</summary>
    internal JsonObject? RawExtensions => _extensions;

    /// <summary>A shallow copy (same nested objects), for stores that hand out snapshots.</summary>
    internal ScimResource ShallowCopy() => (ScimResource)MemberwiseClone();

    /// <summary>Adds the URNs of typed extensions that have a value (e.g. the Enterprise User extension).</summary>
    /// <param name="schemas">The list to add to.</param>
    private protected virtual void AddTypedExtensionSchemas(List<string> schemas)
    {
    }
}

/// <summary>The <c>meta</c> complex attribute (RFC 7643 §3.1). Every sub-attribute is readOnly and set by the service provider.</summary>
public sealed class ResourceMeta
{
    /// <summary>The resource type's name, e.g. <c>User</c>.</summary>
    public string? ResourceType { get; set; }

    /// <summary>When the resource was added to the service provider.</summary>
    public DateTimeOffset? Created { get; set; }

    /// <summary>When the resource was last changed; equals <see cref="Created"/> for a new resource.</summary>
    public DateTimeOffset? LastModified { get; set; }

    /// <summary>The URI of the resource; equals the <c>Location</c> header of a create response.</summary>
    public string? Location { get; set; }

    /// <summary>The version of the resource, an entity tag such as <c>W/"3694e05e9dff590"</c>.</summary>
    public string? Version { get; set; }
}
