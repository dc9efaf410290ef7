using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Schema;

namespace Scim.Core.Serialization;

/// <summary>
/// Reads a resource's JSON against the schemas of its resource type and returns it normalized:
/// attribute names in canonical casing (RFC 7643 §2.1 makes them case-insensitive on input),
/// extension attributes nested under their schema URN, nulls and empty arrays dropped (both mean
/// "unassigned", RFC 7643 §2.5), dateTimes in one UTC form, and <c>schemas</c> removed once checked.
/// Every problem becomes a <see cref="ScimException"/> whose detail names the attribute path.
/// </summary>
internal sealed partial class ResourceReader
{
    private readonly SchemaRegistry registry;
    private readonly ScimSerializerOptions options;
    private readonly ReaderLeniency leniency;

    public ResourceReader(SchemaRegistry registry, ScimSerializerOptions options, ReaderLeniency leniency = ReaderLeniency.None)
    {
        registry.Freeze();
        this.registry = registry;
        this.options = options;
        this.leniency = leniency;
    }

    public JsonObject Read(ReadOnlyMemory<byte> utf8Json, ScimResourceType resourceType, bool requireRequired)
    {
        // A registry without the resource type's schema is the host's mistake, not the client's: check it
        // before reading, so that the reader only ever reports errors about the request's text.
        if (registry.FindSchema(resourceType.Schema) is null)
        {
            throw new InvalidOperationException($"Resource type '{resourceType.Name}' names schema '{resourceType.Schema}', which is not registered.");
        }

        // Duplicate names are let through to the reader, which compares them case-insensitively and names the attribute.
        using var document = JsonInput.Parse(utf8Json, options.MaxDepth, allowDuplicates: true);
        return Read(document.RootElement, resourceType, requireRequired);
    }

    public JsonObject Read(JsonElement root, ScimResourceType resourceType, bool requireRequired)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The request body must be a JSON object (a {resourceType.Name} resource); got {Kind(root)}.");
        }

        var core = registry.FindSchema(resourceType.Schema)
            ?? throw new InvalidOperationException($"Resource type '{resourceType.Name}' names schema '{resourceType.Schema}', which is not registered.");
        var result = Target.Create();
        var extensions = new Dictionary<ScimSchema, Target>();
        var extensionObjects = new HashSet<ScimSchema>();
        var sawSchemas = false;

        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name;
            if (string.Equals(name, "schemas", StringComparison.OrdinalIgnoreCase))
            {
                if (sawSchemas)
                {
                    throw Duplicate("schemas");
                }

                sawSchemas = true;
                CheckSchemas(property.Value, resourceType);
                continue;
            }

            var extensionSchema = FindExtension(resourceType, name);
            if (extensionSchema is not null)
            {
                if (!extensionObjects.Add(extensionSchema))
                {
                    throw Duplicate(extensionSchema.Id);
                }

                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The extension '{extensionSchema.Id}' must be a JSON object of its attributes; got {Kind(property.Value)}.");
                }

                var target = ExtensionObject(extensions, extensionSchema);
                foreach (var inner in property.Value.EnumerateObject())
                {
                    var attribute = extensionSchema.FindAttribute(inner.Name);
                    if (attribute is null)
                    {
                        Unknown($"{extensionSchema.Id}:{inner.Name}", $"Unknown attribute '{inner.Name}' in extension '{extensionSchema.Id}'.");
                        continue;
                    }

                    Put(target, attribute, ReadValue(inner.Value, attribute, $"{extensionSchema.Id}:{attribute.Name}", requireRequired), $"{extensionSchema.Id}:{attribute.Name}");
                }

                continue;
            }

            if (registry.TryResolveAttribute(resourceType, name, out var resolved, out _)
                && resolved.SubAttribute is null
                && (!resolved.IsExtension || name.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)))
            {
                var target = resolved.IsExtension ? ExtensionObject(extensions, resolved.Schema) : result;
                var path = resolved.Path;
                Put(target, resolved.Attribute, ReadValue(property.Value, resolved.Attribute, path, requireRequired), path);
                continue;
            }

            Unknown(name, DescribeUnknown(resourceType, name, resolved));
        }

        if (!sawSchemas)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The 'schemas' attribute is missing; a {resourceType.Name} must list \"{resourceType.Schema}\".");
        }

        if (requireRequired)
        {
            CheckRequired(core.Attributes, result.Values, prefix: string.Empty);
            foreach (var extension in resourceType.SchemaExtensions)
            {
                var schema = registry.FindSchema(extension.Schema)!;
                if (extensions.TryGetValue(schema, out var values) && values.Values.Count > 0)
                {
                    CheckRequired(schema.Attributes, values.Values, prefix: schema.Id + ":");
                }
                else if (extension.Required)
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The extension '{schema.Id}' is required for a {resourceType.Name}.");
                }
            }
        }

        foreach (var (schema, values) in extensions)
        {
            if (values.Values.Count > 0)
            {
                result.Values[schema.Id] = values.Values;
            }
        }

        return result.Values;
    }

    /// <summary>
    /// Checks a <c>schemas</c> list: every URN is the type's core schema, one of its extensions, or
    /// an ignored prefix; anything else is unknown (refused or dropped as the options say). A
    /// resource's list must name the core schema; a PATCH value's (<paramref name="requireCore"/> false) need not.
    /// </summary>
    internal void CheckSchemas(JsonElement value, ScimResourceType resourceType, bool requireCore = true)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The 'schemas' attribute must be an array of schema URNs; got {Kind(value)}.");
        }

        var hasCore = false;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The 'schemas' attribute must contain only strings; found {Kind(item)}.");
            }

            var uri = item.GetString()!;
            if (string.Equals(uri, resourceType.Schema, StringComparison.OrdinalIgnoreCase))
            {
                hasCore = true;
            }
            else if (FindExtension(resourceType, uri) is null && !IsIgnoredSchema(uri))
            {
                Unknown(uri, $"'schemas' lists \"{uri}\", which is not a schema of resource type '{resourceType.Name}'.");
            }
        }

        if (!hasCore && requireCore)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The 'schemas' attribute must include \"{resourceType.Schema}\" for a {resourceType.Name}.");
        }
    }

    private sealed record Target(JsonObject Values, HashSet<string> Seen)
    {
        public static Target Create() => new([], new HashSet<string>(StringComparer.Ordinal));
    }

    private ScimSchema? FindExtension(ScimResourceType resourceType, string uri)
    {
        foreach (var extension in resourceType.SchemaExtensions)
        {
            if (string.Equals(extension.Schema, uri, StringComparison.OrdinalIgnoreCase))
            {
                return registry.FindSchema(extension.Schema);
            }
        }

        return null;
    }

    private static Target ExtensionObject(Dictionary<ScimSchema, Target> extensions, ScimSchema schema)
    {
        if (!extensions.TryGetValue(schema, out var target))
        {
            target = Target.Create();
            extensions[schema] = target;
        }

        return target;
    }

    private bool IsIgnoredSchema(string uri)
    {
        foreach (var prefix in options.IgnoredSchemaPrefixes)
        {
            if (uri.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The one decision about an attribute or schema the resource type does not define, in a POST or
    /// PUT body, a PATCH value or a PATCH path: 400 (<c>invalidSyntax</c> in a body or value, the
    /// caller's <paramref name="scimType"/> otherwise), or, when the options say to ignore unknown
    /// attributes, dropped and its name noted (<see cref="IgnoredAttributes"/>) for the log.
    /// </summary>
    /// <param name="name">The attribute's path as sent (never its value).</param>
    /// <param name="detail">The error's detail, naming it.</param>
    /// <param name="scimType">The error's <c>scimType</c>.</param>
    internal void Unknown(string name, string detail, string scimType = ScimErrorType.InvalidSyntax)
    {
        if (options.UnknownAttributes == UnknownAttributeHandling.Reject)
        {
            throw ScimException.BadRequest(scimType, detail);
        }

        IgnoredAttributes.Note(name);
    }

    private static string DescribeUnknown(ScimResourceType resourceType, string name, ResolvedAttribute? resolved)
    {
        if (resolved is { SubAttribute: not null })
        {
            return $"'{name}' is not an attribute name; put '{resolved.SubAttribute.Name}' inside the '{resolved.Attribute.Name}' object.";
        }

        if (resolved is { IsExtension: true })
        {
            return $"The attribute '{name}' belongs to the extension '{resolved.Schema.Id}'; nest it inside an object named by that URN.";
        }

        return $"Unknown attribute '{name}' for resource type '{resourceType.Name}'.";
    }

    private static ScimException Duplicate(string path) =>
        ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The attribute '{path}' appears more than once (attribute names are case-insensitive).");

}

/// <summary>Shapes real clients send that a strict reading of RFC 7643 rejects; each is accepted only when asked for.</summary>
[Flags]
internal enum ReaderLeniency
{
    None = 0,

    /// <summary><c>"True"</c> / <c>"false"</c> strings for booleans (Entra ID).</summary>
    BooleanStrings = 1,

    /// <summary>A string for a complex attribute with a <c>value</c> sub-attribute: <c>"manager": "id"</c>, <c>"members": ["id"]</c>.</summary>
    StringAsValue = 2,

    /// <summary>A one-element array where one value is expected.</summary>
    SingleElementArrays = 4,

    /// <summary>One value where an array is expected.</summary>
    SingleValueForArray = 8,
}
