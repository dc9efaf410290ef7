namespace Scim.Core.Schema;

/// <summary>
/// An attribute path resolved against a resource type: the schema the attribute belongs to, the
/// attribute, and (for <c>name.givenName</c>-style paths) the sub-attribute.
/// </summary>
/// <param name="Schema">The schema that defines the attribute (core or extension). For the common attributes <c>id</c>, <c>externalId</c> and <c>meta</c> this is the resource type's core schema.</param>
/// <param name="Attribute">The top-level attribute.</param>
/// <param name="SubAttribute">The sub-attribute, or <see langword="null"/> when the path names the attribute itself.</param>
/// <param name="IsExtension">Whether the attribute comes from an extension schema (its JSON nests under the schema URN).</param>
internal sealed record ResolvedAttribute(ScimSchema Schema, SchemaAttribute Attribute, SchemaAttribute? SubAttribute, bool IsExtension)
{
    /// <summary>The attribute the path ends at: the sub-attribute when there is one, else the attribute.</summary>
    public SchemaAttribute Target => SubAttribute ?? Attribute;

    /// <summary>
    /// The canonical path: names in schema casing, extension attributes qualified with their
    /// schema URN (<c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value</c>),
    /// core attributes not (<c>name.givenName</c>).
    /// </summary>
    public string Path
    {
        get
        {
            var local = SubAttribute is null ? Attribute.Name : $"{Attribute.Name}.{SubAttribute.Name}";
            return IsExtension ? $"{Schema.Id}:{local}" : local;
        }
    }
}
