using System.Buffers;
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
internal sealed class ResourceReader
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
        return JsonInput.Read(document, root => Read(root, resourceType, requireRequired));
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
                        Unknown($"Unknown attribute '{inner.Name}' in extension '{extensionSchema.Id}'.");
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

            Unknown(DescribeUnknown(resourceType, name, resolved));
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

    private void CheckSchemas(JsonElement value, ScimResourceType resourceType)
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
                Unknown($"'schemas' lists \"{uri}\", which is not a schema of resource type '{resourceType.Name}'.");
            }
        }

        if (!hasCore)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The 'schemas' attribute must include \"{resourceType.Schema}\" for a {resourceType.Name}.");
        }
    }

    /// <summary>Reads one attribute's value (as a PATCH operation carries it): checked, normalized, nulls and empty arrays as <see langword="null"/>.</summary>
    internal JsonNode? ReadAttributeValue(JsonElement value, SchemaAttribute attribute, string path) =>
        ReadValue(value, attribute, path, requireRequired: false);

    /// <summary>Reads one value of an attribute (a single element of a multi-valued one).</summary>
    internal JsonNode? ReadSingleValue(JsonElement value, SchemaAttribute attribute, string path) =>
        value.ValueKind == JsonValueKind.Null ? null : ReadSingle(value, attribute, path, requireRequired: false);

    private JsonNode? ReadValue(JsonElement value, SchemaAttribute attribute, string path, bool requireRequired)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (!attribute.MultiValued)
        {
            if (value.ValueKind == JsonValueKind.Array && leniency.HasFlag(ReaderLeniency.SingleElementArrays) && value.GetArrayLength() == 1)
            {
                // A one-element array where one value is expected: unambiguous, so read the element.
                return ReadSingle(value[0], attribute, path, requireRequired);
            }

            if (value.ValueKind == JsonValueKind.Array)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{path}' is single-valued: expected {Expected(attribute)}, got an array.");
            }

            return ReadSingle(value, attribute, path, requireRequired);
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            if (leniency.HasFlag(ReaderLeniency.SingleValueForArray))
            {
                // One value where an array is expected: a one-element array.
                return ReadSingle(value, attribute, path, requireRequired) is { } one ? new JsonArray(one) : null;
            }

            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{path}' is multi-valued: expected an array, got {Kind(value)}.");
        }

        var array = new JsonArray();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{path}[{index}]";
            if (item.ValueKind is JsonValueKind.Null or JsonValueKind.Array)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The value '{itemPath}' must be {Expected(attribute)}; got {Kind(item)}.");
            }

            var node = ReadSingle(item, attribute, itemPath, requireRequired);
            if (node is not null)
            {
                array.Add(node);
            }

            index++;
        }

        return array.Count == 0 ? null : array;
    }

    private JsonNode? ReadSingle(JsonElement value, SchemaAttribute attribute, string path, bool requireRequired)
    {
        switch (attribute.Type)
        {
            case AttributeType.String:
            case AttributeType.Reference:
                if (value.ValueKind == JsonValueKind.String)
                {
                    return JsonValue.Create(value.GetString());
                }

                break;

            case AttributeType.Boolean:
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    return JsonValue.Create(value.GetBoolean());
                }

                // Entra ID sends booleans as "True" / "False".
                if (value.ValueKind == JsonValueKind.String && leniency.HasFlag(ReaderLeniency.BooleanStrings) && bool.TryParse(value.GetString(), out var flag))
                {
                    return JsonValue.Create(flag);
                }

                break;

            case AttributeType.Integer:
                if (value.ValueKind == JsonValueKind.Number)
                {
                    var raw = value.GetRawText();
                    if (raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
                    {
                        throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{path}' is an integer; '{raw}' has a fraction or exponent.");
                    }

                    if (!value.TryGetInt64(out var integer))
                    {
                        throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{path}' is an integer; '{raw}' is out of range.");
                    }

                    return JsonValue.Create(integer);
                }

                break;

            case AttributeType.Decimal:
                if (value.ValueKind == JsonValueKind.Number)
                {
                    if (!value.TryGetDecimal(out var number))
                    {
                        throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{path}' is a decimal; '{value.GetRawText()}' is out of range.");
                    }

                    return JsonValue.Create(number);
                }

                break;

            case AttributeType.DateTime:
                if (value.ValueKind == JsonValueKind.String)
                {
                    if (!ScimDateTime.TryParse(value.GetString(), out var instant))
                    {
                        throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{path}' is a dateTime: expected xsd:dateTime such as \"2008-01-23T04:56:22Z\".");
                    }

                    return JsonValue.Create(ScimDateTime.Format(instant));
                }

                break;

            case AttributeType.Binary:
                if (value.ValueKind == JsonValueKind.String)
                {
                    var text = value.GetString()!;
                    if (!IsBase64(text))
                    {
                        throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{path}' is binary: expected base64 (RFC 4648 §4).");
                    }

                    return JsonValue.Create(text);
                }

                break;

            case AttributeType.Complex:
                if (value.ValueKind == JsonValueKind.Object)
                {
                    return ReadComplex(value, attribute, path, requireRequired);
                }

                // A plain id where a complex value with a "value" is expected (Entra's manager, bare member ids).
                if (value.ValueKind == JsonValueKind.String && leniency.HasFlag(ReaderLeniency.StringAsValue)
                    && attribute.FindSubAttribute("value") is { Type: AttributeType.String or AttributeType.Reference })
                {
                    var id = value.GetString();
                    return string.IsNullOrEmpty(id) ? null : new JsonObject { ["value"] = id };
                }

                break;
        }

        throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{path}' must be {Expected(attribute)}; got {Kind(value)}.");
    }

    private JsonObject? ReadComplex(JsonElement value, SchemaAttribute attribute, string path, bool requireRequired)
    {
        var result = new JsonObject();
        // The sub-attributes read so far, by position: a second spelling of one is a duplicate. A bit mask
        // rather than a set, as complex attributes have a handful of sub-attributes.
        var seen = 0UL;
        HashSet<string>? seenBeyondMask = null;
        foreach (var property in value.EnumerateObject())
        {
            var sub = attribute.FindSubAttribute(property.Name);
            if (sub is null)
            {
                Unknown($"Unknown sub-attribute '{property.Name}' in '{path}'.");
                continue;
            }

            var subPath = $"{path}.{sub.Name}";
            JsonNode? node;
            if (sub.MultiValued)
            {
                node = ReadValue(property.Value, sub, subPath, requireRequired);
            }
            else if (property.Value.ValueKind == JsonValueKind.Array)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{subPath}' is single-valued: expected {Expected(sub)}, got an array.");
            }
            else if (property.Value.ValueKind != JsonValueKind.Null)
            {
                node = ReadSingle(property.Value, sub, subPath, requireRequired);
            }
            else
            {
                continue;
            }

            var position = IndexOf(attribute.SubAttributes, sub);
            if (position is >= 0 and < 64)
            {
                if ((seen & (1UL << position)) != 0)
                {
                    throw Duplicate(subPath);
                }

                seen |= 1UL << position;
            }
            else if (!(seenBeyondMask ??= new HashSet<string>(StringComparer.Ordinal)).Add(sub.Name))
            {
                throw Duplicate(subPath);
            }

            if (node is not null)
            {
                result[sub.Name] = node;
            }
        }

        if (result.Count == 0)
        {
            return null;
        }

        if (requireRequired)
        {
            CheckRequired(attribute.SubAttributes, result, prefix: path + ".");
        }

        return result;
    }

    private static int IndexOf(IReadOnlyList<SchemaAttribute> attributes, SchemaAttribute attribute)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (ReferenceEquals(attributes[i], attribute))
            {
                return i;
            }
        }

        return -1;
    }

    private static void CheckRequired(IReadOnlyList<SchemaAttribute> attributes, JsonObject values, string prefix)
    {
        foreach (var attribute in attributes)
        {
            // readOnly attributes (id, meta, ...) are the service provider's to set, never the client's.
            if (attribute.Required && attribute.Mutability != Mutability.ReadOnly && !values.ContainsKey(attribute.Name))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{prefix}{attribute.Name}' is required.");
            }
        }
    }

    private static void Put(Target target, SchemaAttribute attribute, JsonNode? value, string path)
    {
        // The seen set also holds attributes whose value was null, so a second spelling of one is still a duplicate.
        if (!target.Seen.Add(attribute.Name))
        {
            throw Duplicate(path);
        }

        if (value is not null)
        {
            target.Values[attribute.Name] = value;
        }
    }

    /// <summary>An object being built and the canonical names seen in it so far.</summary>
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

    private void Unknown(string detail)
    {
        if (options.UnknownAttributes == UnknownAttributeHandling.Reject)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, detail);
        }
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

    private static bool IsBase64(string text)
    {
        if (text.Length == 0)
        {
            return true;
        }

        // RFC 4648 §3.3: characters outside the alphabet are rejected; the framework would skip whitespace.
        if (text.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((text.Length * 3 / 4) + 3);
        try
        {
            return Convert.TryFromBase64String(text, buffer, out _);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Expected(SchemaAttribute attribute) => attribute.Type switch
    {
        AttributeType.String => "a string",
        AttributeType.Reference => "a string (a reference URI)",
        AttributeType.Boolean => "true or false",
        AttributeType.Integer => "an integer",
        AttributeType.Decimal => "a number",
        AttributeType.DateTime => "a dateTime string",
        AttributeType.Binary => "a base64 string",
        AttributeType.Complex => "a JSON object",
        _ => attribute.Type.ToString(),
    };

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
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
