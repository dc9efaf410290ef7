using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Patching;

/// <summary>
/// PUT (RFC 7644 §3.5.1): replaces a resource with the representation a client sent, by the
/// schema's mutability — readWrite attributes not sent are cleared; readOnly ones (<c>id</c>,
/// <c>meta</c>, <c>groups</c>) keep the server's values whatever was sent; immutable ones must
/// match a value already set (400 <c>mutability</c> otherwise) and are kept when not sent;
/// writeOnly ones (<c>password</c>) are set when sent and kept when not (a client can never read
/// them back to resend them). Thread-safe.
/// </summary>
internal sealed class ScimReplacer
{
    private readonly SchemaRegistry _registry;

    /// <summary>Creates a replacer.</summary>
    /// <param name="registry">The schemas.</param>
    public ScimReplacer(SchemaRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Freeze();
        _registry = registry;
    }

    /// <summary>
    /// Turns <paramref name="existing"/> into the replacement, in place. On an error nothing is changed.
    /// </summary>
    /// <param name="existing">The stored resource in canonical JSON.</param>
    /// <param name="replacement">The client's full representation, already read and checked (<see cref="Serialization.ScimSerializer.ReadResource"/> or <see cref="Serialization.ScimSerializer.ToJsonObject"/> of what <c>ReadUser</c> returned).</param>
    /// <param name="resourceType">The resource type.</param>
    /// <returns>What changed; for a group, <see cref="PatchResult.Members"/> replaces the whole member list.</returns>
    /// <exception cref="ScimException">400 <c>invalidValue</c> when the body's <c>id</c> is not the resource's; 400 <c>mutability</c> when an immutable value differs.</exception>
    public PatchResult Replace(JsonObject existing, JsonObject replacement, ScimResourceType resourceType)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(replacement);
        ArgumentNullException.ThrowIfNull(resourceType);
        var core = _registry.FindSchema(resourceType.Schema)
            ?? throw new InvalidOperationException($"Resource type '{resourceType.Name}' names schema '{resourceType.Schema}', which is not registered.");

        if ((string?)replacement["id"] is { } bodyId && (string?)existing["id"] is { } id && !string.Equals(bodyId, id, StringComparison.Ordinal))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The id in the body ('{bodyId}') is not the id of the resource being replaced ('{id}').");
        }

        // Decide everything first, then write: a mutability error leaves the resource untouched.
        var plan = new List<(JsonObject Owner, string? ExtensionId, SchemaAttribute Attribute, JsonNode? Value)>();
        Plan(plan, existing, replacement, null, [.. CommonAttributes.All, .. core.Attributes], string.Empty);
        foreach (var extension in resourceType.SchemaExtensions)
        {
            var schema = _registry.FindSchema(extension.Schema)!;
            var existingExtension = existing[schema.Id] as JsonObject ?? [];
            var incomingExtension = replacement[schema.Id] as JsonObject ?? [];
            Plan(plan, existingExtension, incomingExtension, schema.Id, schema.Attributes, schema.Id + ":");
        }

        var changed = new List<string>();
        MembershipChange? members = null;
        var isGroup = string.Equals(resourceType.Schema, ScimSchemaUris.Group, StringComparison.OrdinalIgnoreCase);
        foreach (var (owner, extensionId, attribute, value) in plan)
        {
            var target = owner;
            if (extensionId is not null)
            {
                target = existing[extensionId] as JsonObject;
                if (target is null)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    target = [];
                    existing[extensionId] = target;
                }
            }

            var before = target[attribute.Name];
            if (isGroup && extensionId is null && attribute.Name == "members")
            {
                // Every member the body lists, as it lists it (its read-only display included), those
                // without a value too: the service's member check refuses them, as for a POST. An
                // element the reader left with no attribute at all ({"value":null}) is no element.
                var listed = replacement.FirstOrDefault(p => string.Equals(p.Key, "members", StringComparison.OrdinalIgnoreCase)).Value as JsonArray ?? value as JsonArray;
                var added = listed?.OfType<JsonObject>()
                    .Where(m => m.Count > 0)
                    .Select(m => new GroupMember { Value = (string?)m["value"], Type = (string?)m["type"], Ref = (string?)m["$ref"] })
                    .ToList() ?? [];
                members = new MembershipChange(removeAll: true, added, []);
            }

            if (JsonNode.DeepEquals(before, value))
            {
                continue;
            }

            changed.Add(extensionId is null ? attribute.Name : $"{extensionId}:{attribute.Name}");
            if (value is null)
            {
                target.Remove(attribute.Name);
            }
            else
            {
                target[attribute.Name] = value.DeepClone();
            }
        }

        foreach (var extension in resourceType.SchemaExtensions)
        {
            if (existing[extension.Schema] is JsonObject { Count: 0 })
            {
                existing.Remove(extension.Schema);
            }
        }

        SchemasList.Refresh(existing, resourceType);
        return new PatchResult(changed, members);
    }

    /// <summary>Read-only sub-attributes (a manager's displayName, a member's display) are the server's: the client's are dropped and, on a singular value, the current ones kept.</summary>
    private static JsonNode? KeepServerSubAttributes(SchemaAttribute attribute, JsonNode value, JsonNode? current)
    {
        var readOnly = attribute.SubAttributes.Where(s => s.Mutability == Mutability.ReadOnly).ToList();
        foreach (var element in value is JsonArray array ? array.OfType<JsonObject>() : value is JsonObject single ? [single] : [])
        {
            foreach (var sub in readOnly)
            {
                element.Remove(sub.Name);
                if (!attribute.MultiValued && current is JsonObject kept && kept[sub.Name] is { } serverValue)
                {
                    element[sub.Name] = serverValue.DeepClone();
                }
            }
        }

        return value is JsonObject { Count: 0 } ? null : value;
    }

    private static void Plan(
        List<(JsonObject Owner, string? ExtensionId, SchemaAttribute Attribute, JsonNode? Value)> plan,
        JsonObject existing,
        JsonObject incoming,
        string? extensionId,
        IEnumerable<SchemaAttribute> attributes,
        string prefix)
    {
        foreach (var attribute in attributes)
        {
            var current = existing[attribute.Name];
            var sent = incoming[attribute.Name];
            JsonNode? next;
            switch (attribute.Mutability)
            {
                case Mutability.ReadOnly:
                    continue;
                case Mutability.WriteOnly:
                    if (sent is null)
                    {
                        continue;
                    }

                    next = sent;
                    break;
                case Mutability.Immutable:
                    if (current is not null && sent is not null && !JsonNode.DeepEquals(current, sent))
                    {
                        throw ScimException.BadRequest(ScimErrorType.Mutability, $"'{prefix}{attribute.Name}' is immutable: it is already set and cannot be changed.");
                    }

                    next = current ?? sent;
                    break;
                default:
                    next = sent;
                    break;
            }

            if (attribute.Type == AttributeType.Complex && next is not null && attribute.SubAttributes.Any(s => s.Mutability == Mutability.ReadOnly))
            {
                next = KeepServerSubAttributes(attribute, next.DeepClone(), current);
            }

            plan.Add((existing, extensionId, attribute, next));
        }
    }
}
