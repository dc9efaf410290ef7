using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Schema;

namespace Scim.Core.Serialization;

// Values: one attribute's value read against its schema attribute, by type, multi-valued and complex,
// with the leniencies real clients need when they are asked for.
internal sealed partial class ResourceReader
{
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
                Patching.DialectUse.Note(Patching.PatchDialects.ArrayShapes);
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
                Patching.DialectUse.Note(Patching.PatchDialects.ArrayShapes);
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

        if (attribute.HasPrimary)
        {
            KeepOnePrimary(array);
        }

        return array.Count == 0 ? null : array;
    }

    /// <summary>
    /// RFC 7643 §2.4: <c>"primary": true</c> appears once at most in a list. A list that marks
    /// several keeps the last one's, and the others lose theirs, as a PATCH that writes the list
    /// keeps the primary written last.
    /// </summary>
    private static void KeepOnePrimary(JsonArray values)
    {
        var kept = false;
        for (var i = values.Count - 1; i >= 0; i--)
        {
            if (values[i] is JsonObject element && element["primary"] is JsonValue flag && flag.GetValueKind() == JsonValueKind.True)
            {
                if (kept)
                {
                    element.Remove("primary");
                }

                kept = true;
            }
        }
    }

    private JsonNode? ReadSingle(JsonElement value, SchemaAttribute attribute, string path, bool requireRequired)
    {
        switch (attribute.Type)
        {
            case AttributeType.String:
            case AttributeType.Reference:
                if (value.ValueKind == JsonValueKind.String)
                {
                    var text = value.GetString()!;

                    // A required attribute given only blanks has no value: "" for a userName would be
                    // kept by one store and dropped by another, and names no one in either.
                    if (attribute.Required && attribute.Mutability != Mutability.ReadOnly && string.IsNullOrWhiteSpace(text))
                    {
                        throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The attribute '{path}' is required; an empty or blank value is none.");
                    }

                    // An empty string is no value, as null is (RFC 7643 §2.5): every store then
                    // holds the same thing, where a database column would keep NULL for it.
                    return text.Length == 0 ? null : JsonValue.Create(text);
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
                    Patching.DialectUse.Note(Patching.PatchDialects.BooleanStrings);
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
                    Patching.DialectUse.Note(Patching.PatchDialects.StringAsValue);
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
                if (!attribute.IgnoresSubAttribute(property.Name))
                {
                    Unknown($"{path}.{property.Name}", $"Unknown sub-attribute '{property.Name}' in '{path}'.");
                }

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
