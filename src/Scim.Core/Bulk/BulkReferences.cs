using System.Text.Json.Nodes;

namespace Scim.Core.Bulk;

/// <summary>
/// <c>bulkId:</c> references (RFC 7644 §3.7.2): found in an operation's data, replaced by the ids
/// the operations that declare them created, and, to break a cycle (§3.7.1), left out of a POST's
/// data to be added back by a PATCH once every resource exists.
/// </summary>
internal static class BulkReferences
{
    private const string BulkIdPrefix = BulkRequestReader.BulkIdPrefix;

    public static void Collect(JsonNode? node, List<string> references)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Collect(value, references);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, references);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.StartsWith(BulkIdPrefix, StringComparison.Ordinal):
                var reference = text[BulkIdPrefix.Length..];
                if (!references.Contains(reference))
                {
                    references.Add(reference);
                }

                break;
        }
    }

    public static string ResolveId(string id, Dictionary<string, string> resolved) =>
        id.StartsWith(BulkIdPrefix, StringComparison.Ordinal) ? resolved[id[BulkIdPrefix.Length..]] : id;

    public static JsonNode Resolve(JsonNode node, Dictionary<string, string> resolved)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is { } child && Resolve(child, resolved) is var replaced && !ReferenceEquals(replaced, child))
                    {
                        obj[key] = replaced;
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item && Resolve(item, resolved) is var replaced && !ReferenceEquals(replaced, item))
                    {
                        array[i] = replaced;
                    }
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.StartsWith(BulkIdPrefix, StringComparison.Ordinal)
                && resolved.TryGetValue(text[BulkIdPrefix.Length..], out var id):
                return JsonValue.Create(id);
            default:
                return node;
        }
    }

    /// <summary>
    /// A copy of a POST's data without the values that still refer to unresolved bulkIds: elements
    /// of multi-valued attributes (members) and whole single-valued attributes (manager). Each one
    /// left out is recorded with the attribute path it will be added back to.
    /// </summary>
    public static JsonObject Strip(JsonObject data, Dictionary<string, string> resolved, List<(string Path, JsonNode Value)> stripped)
    {
        var copy = (JsonObject)Resolve(data.DeepClone(), resolved);
        foreach (var (key, value) in copy.ToList())
        {
            var isExtension = key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase);
            if (isExtension && value is JsonObject extension)
            {
                foreach (var (name, inner) in extension.ToList())
                {
                    StripAttribute(extension, name, $"{key}:{name}", inner);
                }

                continue;
            }

            StripAttribute(copy, key, key, value);
        }

        return copy;

        void StripAttribute(JsonObject owner, string name, string path, JsonNode? value)
        {
            if (value is JsonArray array)
            {
                foreach (var item in array.ToList())
                {
                    if (HasUnresolved(item))
                    {
                        array.Remove(item);
                        stripped.Add((path, new JsonArray(item!.DeepClone())));
                    }
                }
            }
            else if (HasUnresolved(value))
            {
                owner.Remove(name);
                stripped.Add((path, value!.DeepClone()));
            }
        }

        static bool HasUnresolved(JsonNode? node)
        {
            var references = new List<string>();
            Collect(node, references);
            return references.Count > 0;
        }
    }
}
