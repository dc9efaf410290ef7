using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Scim.Core.Resources;
using Scim.Core.Serialization;

namespace Scim.Testing;

/// <summary>
/// Compares resources by their canonical JSON, allowing what a database may change and nothing
/// else: the order of multi-valued attributes, the offset of a date (compared as an instant), an
/// absent value against <see langword="null"/>, an empty string or an empty list (all unassigned,
/// RFC 7643 §2.5). What the service fills in its
/// responses whatever a store returns (<c>schemas</c>, <c>meta.resourceType</c>,
/// <c>meta.location</c>, a user's derived <c>groups</c>) is not compared.
/// </summary>
internal static class CanonicalTree
{
    /// <summary>Fails, listing every attribute that differs, unless the two trees say the same.</summary>
    /// <param name="expected">The expected tree.</param>
    /// <param name="actual">The tree found.</param>
    /// <param name="what">What is compared, for the message (e.g. "user 7: CreateAsync returned vs. the input").</param>
    public static void AssertSame(JsonObject expected, JsonObject actual, string what)
    {
        var left = Flatten(expected);
        var right = Flatten(actual);
        var differences = left.Keys.Union(right.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(path => left.GetValueOrDefault(path) != right.GetValueOrDefault(path))
            .Select(path => $"{path} is {right.GetValueOrDefault(path) ?? "absent"}, expected {left.GetValueOrDefault(path) ?? "absent"}")
            .ToList();
        Assert.True(differences.Count == 0, $"{what}: {string.Join("; ", differences)}.");
    }

    /// <summary>The canonical tree of a resource.</summary>
    public static JsonObject Of(ScimResource resource) => ResourceTrees.ToTree(resource);

    /// <summary>Leaf path → canonical value text; a multi-valued attribute is one leaf with its values in a fixed order.</summary>
    private static Dictionary<string, string> Flatten(JsonObject tree)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tree)
        {
            if (key is not ("schemas" or "groups"))
            {
                Flatten(key, value, leaves);
            }
        }

        return leaves;
    }

    private static void Flatten(string path, JsonNode? value, Dictionary<string, string> leaves)
    {
        switch (value)
        {
            case null:
                return;
            case JsonValue text when text.TryGetValue<string>(out var s) && s.Length == 0:
                return;
            case JsonObject obj:
                var separator = path.StartsWith("urn:", StringComparison.Ordinal) ? ":" : ".";
                foreach (var (key, sub) in obj)
                {
                    if (!(path == "meta" && key is "resourceType" or "location"))
                    {
                        Flatten(path + separator + key, sub, leaves);
                    }
                }

                return;
            case JsonArray array:
                var items = array.Select(Canonical).Where(text => text is not ("null" or "{}")).Order(StringComparer.Ordinal).ToList();
                if (items.Count > 0)
                {
                    leaves[path] = "[" + string.Join(",", items) + "]";
                }

                return;
            default:
                leaves[path] = path is "meta.created" or "meta.lastModified" ? Instant(value) : value.ToJsonString();
                return;
        }
    }

    /// <summary>A value as text with object keys sorted, nulls left out and arrays in a fixed order.</summary>
    private static string Canonical(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "null";
            case JsonObject obj:
                var text = new StringBuilder("{");
                foreach (var (key, value) in obj.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(text.Length > 1 ? "," : string.Empty).Append('"').Append(key).Append("\":").Append(Canonical(value));
                }

                return text.Append('}').ToString();
            case JsonArray array:
                return "[" + string.Join(",", array.Select(Canonical).Order(StringComparer.Ordinal)) + "]";
            default:
                return node.ToJsonString();
        }
    }

    private static string Instant(JsonNode value) =>
        value.GetValueKind() == System.Text.Json.JsonValueKind.String && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            ? instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
            : value.ToJsonString();
}
