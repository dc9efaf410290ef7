using System.Collections.Frozen;

namespace Scim.Core.Schema;

/// <summary>
/// The attributes every resource has whatever its schema (RFC 7643 §3.1): <c>id</c>,
/// <c>externalId</c> and <c>meta</c>. They are not part of any schema's <c>attributes</c> in
/// /Schemas (as in RFC 7643 §8.7), but paths resolve to them for every resource type.
/// </summary>
internal static class CommonAttributes
{
    private static readonly FrozenDictionary<string, SchemaAttribute> ByName;

    static CommonAttributes()
    {
        Id = new SchemaAttribute("id", AttributeType.String)
        {
            Description = "Unique identifier for the SCIM resource as defined by the service provider.",
            CaseExact = true,
            Mutability = Mutability.ReadOnly,
            Returned = Returned.Always,
            Uniqueness = Uniqueness.Server,
        };
        ExternalId = new SchemaAttribute("externalId", AttributeType.String)
        {
            Description = "A string that is an identifier for the resource as defined by the provisioning client.",
            CaseExact = true,
        };
        Meta = new SchemaAttribute("meta", AttributeType.Complex)
        {
            Description = "A complex attribute containing resource metadata.",
            Mutability = Mutability.ReadOnly,
            SubAttributes =
            [
                new SchemaAttribute("resourceType", AttributeType.String)
                {
                    Description = "The name of the resource type of the resource.",
                    CaseExact = true,
                    Mutability = Mutability.ReadOnly,
                },
                new SchemaAttribute("created", AttributeType.DateTime)
                {
                    Description = "The DateTime that the resource was added to the service provider.",
                    Mutability = Mutability.ReadOnly,
                },
                new SchemaAttribute("lastModified", AttributeType.DateTime)
                {
                    Description = "The most recent DateTime that the details of this resource were updated at the service provider.",
                    Mutability = Mutability.ReadOnly,
                },
                new SchemaAttribute("location", AttributeType.Reference)
                {
                    Description = "The URI of the resource being returned.",
                    CaseExact = true,
                    Mutability = Mutability.ReadOnly,
                    ReferenceTypes = ["uri"],
                },
                new SchemaAttribute("version", AttributeType.String)
                {
                    Description = "The version of the resource being returned.",
                    CaseExact = true,
                    Mutability = Mutability.ReadOnly,
                },
            ],
        };
        All = [Id, ExternalId, Meta];
        SchemaDefinitionCheck.CheckAttributes("common attributes", All, parent: null);
        ByName = All.ToFrozenDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary><c>id</c>: readOnly, returned always, case-exact, unique within the service provider.</summary>
    public static SchemaAttribute Id { get; }

    /// <summary><c>externalId</c>: the client's identifier, case-exact.</summary>
    public static SchemaAttribute ExternalId { get; }

    /// <summary><c>meta</c>: resourceType, created, lastModified, location, version; all readOnly.</summary>
    public static SchemaAttribute Meta { get; }

    /// <summary>The three common attributes.</summary>
    public static IReadOnlyList<SchemaAttribute> All { get; }

    /// <summary>Finds a common attribute by name, ignoring case.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The attribute, or <see langword="null"/>.</returns>
    public static SchemaAttribute? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByName.GetValueOrDefault(name);
    }
}
