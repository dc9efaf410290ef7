using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Resources;
using Scim.Core.Schema;

namespace Scim.Core.Serialization;

/// <summary>
/// Reads SCIM resources from JSON, checked against the registered schemas, and writes them back
/// in canonical form. Input attribute names are case-insensitive (RFC 7643 §2.1); output uses
/// each schema's casing, nests extension attributes under their schema URN, lists exactly the
/// schemas present in <c>schemas</c>, and never writes <c>password</c>.
/// </summary>
/// <remarks>
/// Whatever bytes come in, reading either returns a resource or throws a
/// <see cref="ScimException"/> (400 with <c>invalidSyntax</c> or <c>invalidValue</c> and a detail
/// naming the attribute path); it never throws anything else. Thread-safe.
/// </remarks>
public sealed class ScimSerializer
{
    private readonly ResourceReader _reader;

    /// <summary>Creates a serializer over a registry.</summary>
    /// <param name="registry">The schemas and resource types to read against.</param>
    /// <param name="options">Reading options; <see langword="null"/> for the defaults.</param>
    public ScimSerializer(SchemaRegistry registry, ScimSerializerOptions? options = null)
        : this(registry, options, ReaderLeniency.None)
    {
    }

    /// <summary>Creates a serializer that also accepts the identity providers' value shapes in <paramref name="leniency"/> (the service's, from its dialects).</summary>
    internal ScimSerializer(SchemaRegistry registry, ScimSerializerOptions? options, ReaderLeniency leniency)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        Options = options ?? new ScimSerializerOptions();
        _reader = new ResourceReader(registry, Options, leniency);
    }

    /// <summary>
    /// Options for writing SCIM JSON documents held as <see cref="JsonNode"/> (discovery documents,
    /// list responses) the same way resources are written: only the escaping JSON requires.
    /// </summary>
    internal static JsonSerializerOptions DocumentOptions { get; } = ScimJson.ResourceOptions;

    /// <summary>
    /// Writer options matching <see cref="DocumentOptions"/>: only the escaping JSON requires. Use
    /// them for a <see cref="Utf8JsonWriter"/> passed to <see cref="Write"/>.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The registry resources are read against.</summary>
    public SchemaRegistry Registry { get; }

    /// <summary>The reading options.</summary>
    public ScimSerializerOptions Options { get; }

    /// <summary>Reads a full User representation (as sent to POST or PUT): <c>userName</c> and other required attributes must be present.</summary>
    /// <param name="utf8Json">The request body.</param>
    /// <returns>The user.</returns>
    /// <exception cref="ScimException">The body is not a valid User.</exception>
    public User ReadUser(ReadOnlyMemory<byte> utf8Json)
    {
        var normalized = _reader.Read(utf8Json, RequireResourceType("User"), requireRequired: true);
        return Materialize(normalized, ScimJson.UserInfo, "User");
    }

    /// <summary>Reads a full Group representation (as sent to POST or PUT): <c>displayName</c> must be present.</summary>
    /// <param name="utf8Json">The request body.</param>
    /// <returns>The group.</returns>
    /// <exception cref="ScimException">The body is not a valid Group.</exception>
    public Group ReadGroup(ReadOnlyMemory<byte> utf8Json)
    {
        var normalized = _reader.Read(utf8Json, RequireResourceType("Group"), requireRequired: true);
        return Materialize(normalized, ScimJson.GroupInfo, "Group");
    }

    /// <summary>
    /// Reads a full representation of any registered resource type (including ones the host
    /// registered) and returns it as a normalized JSON tree: canonical attribute names, extension
    /// attributes under their schema URN, no <c>schemas</c>, no nulls.
    /// </summary>
    /// <param name="utf8Json">The request body.</param>
    /// <param name="resourceType">The resource type the body must be.</param>
    /// <returns>The normalized attributes.</returns>
    /// <exception cref="ScimException">The body is not a valid resource of that type.</exception>
    internal JsonObject ReadResource(ReadOnlyMemory<byte> utf8Json, ScimResourceType resourceType)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        return _reader.Read(utf8Json, resourceType, requireRequired: true);
    }

    /// <summary>As <see cref="ReadResource"/>, and says which unknown attributes were dropped.</summary>
    /// <param name="utf8Json">The request body.</param>
    /// <param name="resourceType">The resource type the body must be.</param>
    /// <param name="ignored">The names of the unknown attributes dropped (<see cref="UnknownAttributeHandling.Ignore"/>); empty otherwise.</param>
    /// <returns>The normalized attributes.</returns>
    /// <exception cref="ScimException">The body is not a valid resource of that type.</exception>
    internal JsonObject ReadResourceNotingIgnored(ReadOnlyMemory<byte> utf8Json, ScimResourceType resourceType, out IReadOnlyList<string> ignored)
    {
        IgnoredAttributes.Begin();
        try
        {
            return ReadResource(utf8Json, resourceType);
        }
        finally
        {
            ignored = IgnoredAttributes.End();
        }
    }

    /// <summary>
    /// Writes a resource as JSON: one compact value, escaped as <see cref="WriterOptions"/> escape
    /// (only what JSON requires) whatever the writer's own encoder and indentation.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="resource">A <see cref="User"/>, a <see cref="Group"/> or a <see cref="JsonResource"/>.</param>
    public static void Write(Utf8JsonWriter writer, ScimResource resource)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(resource);
        ResourceWriter.Write(writer, resource);
    }

    /// <summary>Writes a resource as UTF-8 JSON bytes.</summary>
    /// <param name="resource">A <see cref="User"/>, a <see cref="Group"/> or a <see cref="JsonResource"/>.</param>
    /// <returns>The JSON.</returns>
    public static byte[] SerializeToUtf8Bytes(ScimResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return ResourceWriter.ToUtf8Bytes(resource);
    }

    /// <summary>
    /// The canonical JSON tree of a resource, with every value held as a .NET value (not as
    /// UTF-8 to decode on each read): the form <see cref="Filtering.ScimFilterEvaluator"/> and
    /// <see cref="Querying.ScimSorter"/> read fastest.
    /// </summary>
    /// <param name="resource">A <see cref="User"/>, a <see cref="Group"/> or a <see cref="JsonResource"/>.</param>
    /// <returns>A new tree the caller owns.</returns>
    internal static JsonObject ToJsonObject(ScimResource resource)
    {
        using var document = JsonDocument.Parse(SerializeToUtf8Bytes(resource));
        return (JsonObject)Materialize(document.RootElement)!;
    }

    /// <summary>Copies a JSON element into nodes that hold .NET values.</summary>
    internal static JsonNode? Materialize(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = Materialize(property.Value);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(Materialize(item));
                }

                return array;
            case JsonValueKind.String:
                return JsonValue.Create(element.GetString());
            case JsonValueKind.Number:
                // A number no .NET number holds (1e400) stays as its JSON text: the reader it goes to
                // next (a Bulk operation's data becomes a request body) refuses it as it would there.
                return element.TryGetInt64(out var integer) ? JsonValue.Create(integer)
                    : element.TryGetDecimal(out var number) ? JsonValue.Create(number)
                    : JsonValue.Create(element.Clone());
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    /// <summary>The typed user of a canonical JSON tree (for example one a PATCH was applied to).</summary>
    /// <param name="resource">The user in canonical JSON; not changed unless <paramref name="owned"/>.</param>
    /// <param name="owned">The caller gives the tree up (a store's tree made for this call): it is taken apart rather than copied.</param>
    /// <returns>The user.</returns>
    /// <exception cref="ScimException">400 <c>invalidValue</c> when a value does not fit the typed model.</exception>
    internal static User ToUser(JsonObject resource, bool owned = false) => FromTree(resource, ScimJson.UserInfo, "User", owned);

    /// <summary>The typed group of a canonical JSON tree.</summary>
    /// <param name="resource">The group in canonical JSON; not changed unless <paramref name="owned"/>.</param>
    /// <param name="owned">The caller gives the tree up: it is taken apart rather than copied.</param>
    /// <returns>The group.</returns>
    /// <exception cref="ScimException">400 <c>invalidValue</c> when a value does not fit the typed model.</exception>
    internal static Group ToGroup(JsonObject resource, bool owned = false) => FromTree(resource, ScimJson.GroupInfo, "Group", owned);

    private static T FromTree<T>(JsonObject resource, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string name, bool owned)
        where T : ScimResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        var copy = owned ? resource : (JsonObject)resource.DeepClone();
        copy.Remove("schemas");
        return Materialize(copy, typeInfo, name);
    }

    /// <summary>Writes a resource as a JSON string.</summary>
    /// <param name="resource">A <see cref="User"/>, a <see cref="Group"/> or a <see cref="JsonResource"/>.</param>
    /// <returns>The JSON.</returns>
    public static string Serialize(ScimResource resource) => Encoding.UTF8.GetString(SerializeToUtf8Bytes(resource));

    private ScimResourceType RequireResourceType(string name) =>
        Registry.FindResourceType(name)
        ?? throw new InvalidOperationException($"The registry has no '{name}' resource type; create it with SchemaRegistry.CreateDefault().");

    private static T Materialize<T>(JsonObject normalized, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string resourceTypeName)
        where T : ScimResource
    {
        // Extension schemas without a typed property move to Extensions untouched (the reader already
        // normalized them); the Enterprise User extension stays for its typed property.
        var extensions = new JsonObject();
        foreach (var key in normalized.Select(p => p.Key).ToList())
        {
            if (key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)
                && !(typeof(T) == typeof(User) && string.Equals(key, ScimSchemaUris.EnterpriseUser, StringComparison.OrdinalIgnoreCase)))
            {
                var value = normalized[key];
                normalized.Remove(key);
                extensions[key] = value;
            }
        }

        try
        {
            var resource = normalized.Deserialize(typeInfo)
                ?? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The request body is not a {resourceTypeName}.");
            resource.Extensions = extensions;
            return resource;
        }
        catch (JsonException ex)
        {
            // The reader checked every value against the schema, so this is a schema the typed model disagrees with.
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The {resourceTypeName} could not be read: {JsonInput.DescribeJsonError(ex)}");
        }
    }
}
