using System.Text.Json.Nodes;
using Scim.Core.Schema;

namespace Scim.Core.Events;

/// <summary>Picks the changed attributes' values for an event, redacting sensitive ones.</summary>
internal static class EventValues
{
    public const string Redacted = "[redacted]";

    public static JsonObject Select(JsonObject resource, IReadOnlyList<string> changedPaths, ScimResourceType resourceType, SchemaRegistry registry)
    {
        var result = new JsonObject();
        foreach (var path in changedPaths)
        {
            if (!registry.TryResolveAttribute(resourceType, path, out var resolved, out _))
            {
                continue;
            }

            var attribute = resolved.Attribute;
            var owner = resolved.IsExtension ? resource[resolved.Schema.Id] as JsonObject : resource;
            var key = resolved.IsExtension ? resolved.Schema.Id + ":" + attribute.Name : attribute.Name;
            if (result.ContainsKey(key))
            {
                continue;
            }

            if (IsSensitive(attribute))
            {
                result[key] = Redacted;
                continue;
            }

            var value = owner?[attribute.Name];
            result[key] = value is null ? null : Redact(attribute, value.DeepClone());
        }

        return result;
    }

    /// <summary>
    /// The resource as an event carries it (RFC 9967's full events): a copy without group members
    /// (they travel as ids) and without writeOnly or never-returned attributes (passwords).
    /// </summary>
    public static JsonObject Resource(JsonObject resource, ScimResourceType resourceType, SchemaRegistry registry)
    {
        var copy = resource.DeepClone().AsObject();
        copy.Remove("members");
        foreach (var (key, value) in copy.ToList())
        {
            if (value is JsonObject extension && key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var (name, _) in extension.ToList())
                {
                    Strip(extension, name, key + ":" + name, resourceType, registry);
                }
            }
            else
            {
                Strip(copy, key, key, resourceType, registry);
            }
        }

        return copy;
    }

    private static void Strip(JsonObject owner, string name, string path, ScimResourceType resourceType, SchemaRegistry registry)
    {
        if (!registry.TryResolveAttribute(resourceType, path, out var resolved, out _))
        {
            return;
        }

        if (IsSensitive(resolved.Attribute))
        {
            owner.Remove(name);
            return;
        }

        if (owner[name] is { } value && resolved.Attribute.SubAttributes.Count > 0)
        {
            foreach (var element in value is JsonArray array ? array.OfType<JsonObject>() : value is JsonObject single ? [single] : [])
            {
                foreach (var sub in resolved.Attribute.SubAttributes.Where(IsSensitive))
                {
                    element.Remove(sub.Name);
                }
            }
        }
    }

    private static bool IsSensitive(SchemaAttribute attribute) =>
        attribute.Mutability == Mutability.WriteOnly || attribute.Returned == Returned.Never;

    private static JsonNode Redact(SchemaAttribute attribute, JsonNode value)
    {
        if (attribute.SubAttributes.Count == 0)
        {
            return value;
        }

        foreach (var element in value is JsonArray array ? array.OfType<JsonObject>() : value is JsonObject single ? [single] : [])
        {
            foreach (var sub in attribute.SubAttributes)
            {
                if (IsSensitive(sub) && element.ContainsKey(sub.Name))
                {
                    element[sub.Name] = Redacted;
                }
            }
        }

        return value;
    }
}
