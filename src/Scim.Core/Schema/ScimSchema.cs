using System.Collections.Frozen;

namespace Scim.Core.Schema;

/// <summary>
/// A schema (RFC 7643 §7): a URN id, a name, a description and top-level attributes. The core
/// User and Group schemas, the Enterprise User extension and any schema a host registers are
/// instances of this class.
/// </summary>
public sealed class ScimSchema
{
    private readonly FrozenDictionary<string, SchemaAttribute> _attributesByName;

    /// <summary>Creates a schema. Attribute names must be unique, ignoring case.</summary>
    /// <param name="id">The schema URN, e.g. <c>urn:ietf:params:scim:schemas:core:2.0:User</c>.</param>
    /// <param name="name">A short name, e.g. <c>User</c>.</param>
    /// <param name="description">A human-readable description.</param>
    /// <param name="attributes">The top-level attributes.</param>
    /// <exception cref="ArgumentException">The id is not a URN, or the attributes are inconsistent (see the message).</exception>
    public ScimSchema(string id, string? name, string? description, IEnumerable<SchemaAttribute> attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(attributes);
        if (!id.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"A schema id must be a URN (start with 'urn:'); got '{id}'.", nameof(id));
        }

        Id = id;
        Name = name;
        Description = description;
        Attributes = [.. attributes];
        SchemaDefinitionCheck.CheckAttributes(id, Attributes, parent: null);
        _attributesByName = Attributes.ToFrozenDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The schema URN.</summary>
    public string Id { get; }

    /// <summary>The schema's short name.</summary>
    public string? Name { get; }

    /// <summary>The schema's description.</summary>
    public string? Description { get; }

    /// <summary>The top-level attributes, in definition order.</summary>
    public IReadOnlyList<SchemaAttribute> Attributes { get; }

    /// <summary>Finds a top-level attribute by name, ignoring case.</summary>
    /// <param name="name">The attribute name in any casing.</param>
    /// <returns>The attribute, or <see langword="null"/>.</returns>
    public SchemaAttribute? FindAttribute(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _attributesByName.GetValueOrDefault(name);
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>Checks attribute definitions when a schema is built, so mistakes fail at startup.</summary>
internal static class SchemaDefinitionCheck
{
    public static void CheckAttributes(string schemaId, IReadOnlyList<SchemaAttribute> attributes, SchemaAttribute? parent)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var attribute in attributes)
        {
            var where = parent is null ? $"'{attribute.Name}'" : $"'{parent.Name}.{attribute.Name}'";
            if (!seen.Add(attribute.Name))
            {
                throw new ArgumentException($"Schema '{schemaId}' defines attribute {where} twice (names are case-insensitive).");
            }

            if (attribute.Name.Contains('.', StringComparison.Ordinal) || attribute.Name.Contains(':', StringComparison.Ordinal)
                || attribute.Name.Contains('[', StringComparison.Ordinal) || attribute.Name.Contains(' ', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Schema '{schemaId}': attribute name {where} may not contain '.', ':', '[' or spaces (RFC 7643 §2.1).");
            }

            if (attribute.Type == AttributeType.Complex)
            {
                if (parent is not null)
                {
                    throw new ArgumentException($"Schema '{schemaId}': sub-attribute {where} is complex; RFC 7643 §2.3.8 does not allow complex sub-attributes.");
                }

                if (attribute.SubAttributes.Count == 0)
                {
                    throw new ArgumentException($"Schema '{schemaId}': complex attribute {where} has no sub-attributes.");
                }

                CheckAttributes(schemaId, attribute.SubAttributes, attribute);
            }
            else if (attribute.SubAttributes.Count > 0)
            {
                throw new ArgumentException($"Schema '{schemaId}': attribute {where} has sub-attributes but is of type {attribute.Type}, not complex.");
            }

            if (attribute.Type == AttributeType.Reference && attribute.ReferenceTypes.Count == 0)
            {
                throw new ArgumentException($"Schema '{schemaId}': reference attribute {where} names no referenceTypes (RFC 7643 §7).");
            }
        }
    }
}
