namespace Scim.Core.Schema;

/// <summary>A schema extension attached to a resource type (RFC 7643 §6, <c>schemaExtensions</c>).</summary>
/// <param name="Schema">The extension schema's URN.</param>
/// <param name="Required">Whether every resource of the type must carry the extension.</param>
public sealed record SchemaExtension(string Schema, bool Required);

/// <summary>
/// A resource type (RFC 7643 §6): a name, the endpoint it is served at, its core schema and the
/// extensions it may or must carry.
/// </summary>
public sealed class ScimResourceType
{
    /// <summary>Creates a resource type.</summary>
    /// <param name="name">The name, e.g. <c>User</c>; also used as <c>id</c> and <c>meta.resourceType</c>.</param>
    /// <param name="endpoint">The endpoint relative to the SCIM base, e.g. <c>/Users</c>.</param>
    /// <param name="schema">The URN of the core schema.</param>
    /// <param name="description">A human-readable description.</param>
    /// <param name="schemaExtensions">The extensions the type may (or must) carry.</param>
    public ScimResourceType(string name, string endpoint, string schema, string? description = null, IEnumerable<SchemaExtension>? schemaExtensions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        if (!endpoint.StartsWith('/') || endpoint.Length < 2 || endpoint.IndexOf('/', 1) >= 0)
        {
            throw new ArgumentException($"A resource type endpoint is one path segment starting with '/', e.g. '/Users'; got '{endpoint}'.", nameof(endpoint));
        }

        Name = name;
        Endpoint = endpoint;
        Schema = schema;
        Description = description;
        SchemaExtensions = [.. schemaExtensions ?? []];
    }

    /// <summary>The resource type's name (and id), e.g. <c>User</c>.</summary>
    public string Name { get; }

    /// <summary>The endpoint relative to the SCIM base URL, e.g. <c>/Users</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The URN of the core schema.</summary>
    public string Schema { get; }

    /// <summary>The description.</summary>
    public string? Description { get; }

    /// <summary>The extension schemas, in registration order.</summary>
    public IReadOnlyList<SchemaExtension> SchemaExtensions { get; }

    /// <summary>Returns a copy with one more extension.</summary>
    /// <param name="extension">The extension to add.</param>
    /// <returns>The new resource type.</returns>
    internal ScimResourceType WithExtension(SchemaExtension extension) =>
        new(Name, Endpoint, Schema, Description, [.. SchemaExtensions, extension]);

    /// <inheritdoc />
    public override string ToString() => Name;
}
