using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Schema;

namespace Scim.Core.Patching;

// Values are read by the ResourceReader that reads resource bodies, so a value sent in a PATCH meets the
// schema rules a created resource meets, loosened only by the dialects (see PatchDialectRules.cs).
internal sealed partial class ScimPatcher
{
    private sealed partial class Run
    {
        // Every string of the message was checked to be valid Unicode when it was parsed (JsonInput).
        private JsonNode? Read(JsonElement value, SchemaAttribute attribute, string displayPath) =>
            StripReadOnly(attribute, _patcher._reader.ReadAttributeValue(value, attribute, displayPath));

        private JsonNode? ReadElement(JsonElement value, SchemaAttribute attribute, string displayPath) =>
            StripReadOnly(attribute, _patcher._reader.ReadSingleValue(value, attribute, displayPath));

        private JsonNode? ReadSub(JsonElement value, SchemaAttribute sub, string displayPath) =>
            sub.Mutability == Mutability.ReadOnly
                ? throw Error(ScimErrorType.Mutability, $"'{displayPath}' is read-only.")
                : _patcher._reader.ReadAttributeValue(value, sub, displayPath);

        /// <summary>Read-only sub-attributes in a written value (a member's display, a manager's displayName) are the server's: dropped.</summary>
        private static JsonNode? StripReadOnly(SchemaAttribute attribute, JsonNode? value)
        {
            if (value is null || attribute.Type != AttributeType.Complex)
            {
                return value;
            }

            if (value is JsonArray array)
            {
                foreach (var element in array)
                {
                    if (element is JsonObject item)
                    {
                        StripReadOnly(attribute, item);
                    }
                }
            }
            else if (value is JsonObject single)
            {
                StripReadOnly(attribute, single);
            }

            return value is JsonArray { Count: 0 } or JsonObject { Count: 0 } ? null : value;
        }

        private static void StripReadOnly(SchemaAttribute attribute, JsonObject element)
        {
            for (var s = 0; s < attribute.SubAttributes.Count; s++)
            {
                var sub = attribute.SubAttributes[s];
                if (sub.Mutability == Mutability.ReadOnly)
                {
                    element.Remove(sub.Name);
                }
            }
        }
    }
}
