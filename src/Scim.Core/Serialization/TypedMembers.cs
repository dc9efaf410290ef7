using System.Text.Json.Serialization.Metadata;
using Scim.Core.Resources;

namespace Scim.Core.Serialization;

/// <summary>
/// The typed resources' members by SCIM attribute path, as the serializer's own contract names
/// them (the one place that does): for a store that fills a resource from its columns without
/// writing JSON for the serializer to read back.
/// </summary>
internal static class TypedMembers
{
    /// <summary>
    /// What sets the attribute at <paramref name="extension"/> / <paramref name="name"/> /
    /// <paramref name="sub"/> of a <paramref name="resourceType"/> (a <see cref="User"/> or
    /// <see cref="Group"/>) to a value of <paramref name="valueType"/>, making the complex values on
    /// the way (<c>name</c>, the Enterprise User extension, its <c>manager</c>) when they are not
    /// there yet; <see langword="null"/> when the typed model has no member there that takes such a
    /// value as it is (the attribute of an untyped extension, a number), which the serializer must read.
    /// </summary>
    /// <param name="resourceType">The typed resource's class.</param>
    /// <param name="extension">The extension schema's URN, or <see langword="null"/> for the core schema.</param>
    /// <param name="name">The attribute's name, in canonical casing.</param>
    /// <param name="sub">The sub-attribute's name, or <see langword="null"/>.</param>
    /// <param name="valueType">The type of the values it will be given (not nullable).</param>
    /// <returns>The setter, or <see langword="null"/>.</returns>
    public static Action<ScimResource, object>? Setter(Type resourceType, string? extension, string name, string? sub, Type valueType)
    {
        var options = ScimJson.ResourceOptions;
        var type = options.GetTypeInfo(resourceType);
        var steps = new List<(JsonPropertyInfo Property, Func<object> Create)>(2);
        JsonPropertyInfo? leaf = null;
        foreach (var step in (string?[])[extension, name, sub])
        {
            if (step is null)
            {
                continue;
            }

            if (leaf is not null)
            {
                // The member before this step is a complex value made when missing.
                if (options.GetTypeInfo(leaf.PropertyType) is not { Kind: JsonTypeInfoKind.Object, CreateObject: { } create } complex)
                {
                    return null;
                }

                steps.Add((leaf, create));
                type = complex;
            }

            leaf = type.Properties.FirstOrDefault(p => string.Equals(p.Name, step, StringComparison.Ordinal));
            if (leaf is not { Get: not null, Set: not null })
            {
                return null;
            }
        }

        if (leaf is null || (leaf.PropertyType != valueType && Nullable.GetUnderlyingType(leaf.PropertyType) != valueType))
        {
            return null;
        }

        var set = leaf.Set!;
        if (steps.Count == 0)
        {
            return (resource, value) => set(resource, value);
        }

        var path = steps.ToArray();
        return (resource, value) =>
        {
            object owner = resource;
            foreach (var (property, create) in path)
            {
                var next = property.Get!(owner);
                if (next is null)
                {
                    next = create();
                    property.Set!(owner, next);
                }

                owner = next;
            }

            set(owner, value);
        };
    }

    /// <summary>Makes an empty resource of a typed class.</summary>
    /// <param name="resourceType">A <see cref="User"/> or <see cref="Group"/>.</param>
    /// <returns>How to make one, or <see langword="null"/> for a class the serializer has no contract for.</returns>
    public static Func<ScimResource>? Maker(Type resourceType) =>
        typeof(ScimResource).IsAssignableFrom(resourceType) && ScimJson.ResourceOptions.TryGetTypeInfo(resourceType, out var info) && info.CreateObject is { } create
            ? () => (ScimResource)create()
            : null;
}
