using System.Diagnostics.CodeAnalysis;
using Scim.Core.Errors;

namespace Scim.Core.Schema;

/// <summary>
/// The schemas and resource types a service provider serves. Resolves attribute paths
/// case-insensitively, with or without the schema URN prefix, for a given resource type.
/// </summary>
/// <remarks>
/// Registration happens at startup, on the builder <c>AddScim()</c> returns. The registry is frozen
/// when the first component that reads it is built (the service, a serializer, a filter binder):
/// from then on it never changes, so whatever is resolved against it can be cached for good.
/// Registering after that throws. Registration is thread-safe; each change publishes a new
/// immutable snapshot, so readers never see a half-made registration.
/// </remarks>
public sealed partial class SchemaRegistry
{
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot = Snapshot.Empty;
    private volatile bool _frozen;

    /// <summary>Creates an empty registry (no schemas, no resource types).</summary>
    public SchemaRegistry()
    {
    }

    /// <summary>
    /// Creates a registry with the built-in schemas (core User, core Group, Enterprise User) and
    /// resource types (<c>User</c> at <c>/Users</c> with the optional Enterprise User extension,
    /// <c>Group</c> at <c>/Groups</c>).
    /// </summary>
    /// <returns>A new registry the caller may extend.</returns>
    public static SchemaRegistry CreateDefault()
    {
        var registry = new SchemaRegistry();
        registry.AddSchema(BuiltInSchemas.User);
        registry.AddSchema(BuiltInSchemas.Group);
        registry.AddSchema(BuiltInSchemas.EnterpriseUser);
        registry.AddResourceType(new ScimResourceType(
            "User", "/Users", ScimSchemaUris.User, "User Account",
            [new SchemaExtension(ScimSchemaUris.EnterpriseUser, Required: false)]));
        registry.AddResourceType(new ScimResourceType("Group", "/Groups", ScimSchemaUris.Group, "Group"));
        return registry;
    }

    /// <summary>The registered schemas, in registration order.</summary>
    public IReadOnlyList<ScimSchema> Schemas => _snapshot.Schemas;

    /// <summary>The registered resource types, in registration order.</summary>
    public IReadOnlyList<ScimResourceType> ResourceTypes => _snapshot.ResourceTypes;

    /// <summary>Whether the registry is frozen (a component that reads it has been built); registering then throws.</summary>
    internal bool IsFrozen => _frozen;

    /// <summary>
    /// Ends registration: applies what the stores declared they keep (see
    /// <see cref="DeclareStoredAttributes"/>), and from then on the registry never changes. Called
    /// by every component that caches what it resolves.
    /// </summary>
    internal void Freeze()
    {
        lock (_writeLock)
        {
            if (!_frozen)
            {
                ApplyDeclarations();
                _frozen = true;
            }
        }
    }

    /// <summary>Registers a schema.</summary>
    /// <param name="schema">The schema.</param>
    /// <exception cref="InvalidOperationException">A schema with the same id (ignoring case) is already registered, or the registry is frozen.</exception>
    public void AddSchema(ScimSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        lock (_writeLock)
        {
            ThrowIfFrozen();
            var current = _snapshot;
            if (current.FindSchema(schema.Id) is not null)
            {
                throw new InvalidOperationException($"Schema '{schema.Id}' is already registered.");
            }

            _snapshot = current with { Schemas = [.. current.Schemas, schema] };
        }
    }

    /// <summary>Registers a resource type. Its core schema and extension schemas must be registered first.</summary>
    /// <param name="resourceType">The resource type.</param>
    /// <exception cref="InvalidOperationException">The name or endpoint is taken, a schema it names is not registered, or the registry is frozen.</exception>
    internal void AddResourceType(ScimResourceType resourceType)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        lock (_writeLock)
        {
            ThrowIfFrozen();
            var current = _snapshot;
            foreach (var existing in current.ResourceTypes)
            {
                if (string.Equals(existing.Name, resourceType.Name, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"Resource type '{resourceType.Name}' is already registered.");
                }

                if (string.Equals(existing.Endpoint, resourceType.Endpoint, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"Endpoint '{resourceType.Endpoint}' is already used by resource type '{existing.Name}'.");
                }
            }

            RequireSchema(current, resourceType.Schema, resourceType.Name);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { resourceType.Schema };
            foreach (var extension in resourceType.SchemaExtensions)
            {
                RequireSchema(current, extension.Schema, resourceType.Name);
                if (!seen.Add(extension.Schema))
                {
                    throw new InvalidOperationException($"Resource type '{resourceType.Name}' lists schema '{extension.Schema}' twice.");
                }
            }

            _snapshot = current with { ResourceTypes = [.. current.ResourceTypes, resourceType] };
        }
    }

    /// <summary>
    /// Registers an extension schema (if not yet registered) and attaches it to a resource type,
    /// e.g. a <c>urn:example:params:scim:schemas:extension:MyApp:2.0:User</c> schema with a
    /// <c>tenantRole</c> attribute on <c>User</c>. The schema then appears in /Schemas and in the
    /// resource type's <c>schemaExtensions</c>.
    /// </summary>
    /// <param name="resourceTypeName">The resource type, e.g. <c>User</c>.</param>
    /// <param name="schema">The extension schema.</param>
    /// <param name="required">Whether every resource of the type must carry the extension.</param>
    /// <exception cref="InvalidOperationException">The resource type is unknown or already has the extension, or the registry is frozen.</exception>
    public void AddSchemaExtension(string resourceTypeName, ScimSchema schema, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(resourceTypeName);
        ArgumentNullException.ThrowIfNull(schema);
        lock (_writeLock)
        {
            ThrowIfFrozen();
            var current = _snapshot;
            var index = current.IndexOfResourceType(resourceTypeName);
            if (index < 0)
            {
                throw new InvalidOperationException($"Cannot extend resource type '{resourceTypeName}': it is not registered.");
            }

            var resourceType = current.ResourceTypes[index];
            if (string.Equals(resourceType.Schema, schema.Id, StringComparison.OrdinalIgnoreCase)
                || resourceType.SchemaExtensions.Any(e => string.Equals(e.Schema, schema.Id, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidOperationException($"Resource type '{resourceTypeName}' already has schema '{schema.Id}'.");
            }

            var existing = current.FindSchema(schema.Id);
            if (existing is not null && !ReferenceEquals(existing, schema))
            {
                throw new InvalidOperationException($"A different schema with id '{schema.Id}' is already registered.");
            }

            var schemas = existing is null ? [.. current.Schemas, schema] : current.Schemas;
            var resourceTypes = current.ResourceTypes.ToArray();
            resourceTypes[index] = resourceType.WithExtension(new SchemaExtension(schema.Id, required));
            _snapshot = new Snapshot(schemas, resourceTypes);
        }
    }

    /// <summary>Finds a schema by URN, ignoring case.</summary>
    /// <param name="id">The schema URN.</param>
    /// <returns>The schema, or <see langword="null"/>.</returns>
    public ScimSchema? FindSchema(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _snapshot.FindSchema(id);
    }

    /// <summary>Finds a resource type by name (<c>User</c>) or endpoint (<c>/Users</c>, <c>Users</c>), ignoring case.</summary>
    /// <param name="nameOrEndpoint">The name or endpoint.</param>
    /// <returns>The resource type, or <see langword="null"/>.</returns>
    public ScimResourceType? FindResourceType(string nameOrEndpoint)
    {
        ArgumentNullException.ThrowIfNull(nameOrEndpoint);
        var snapshot = _snapshot;
        var index = snapshot.IndexOfResourceType(nameOrEndpoint);
        if (index >= 0)
        {
            return snapshot.ResourceTypes[index];
        }

        // "Users" names the endpoint "/Users" as well: compared without building the slashed text.
        var slashed = nameOrEndpoint.StartsWith('/');
        for (var i = 0; i < snapshot.ResourceTypes.Count; i++)
        {
            var endpoint = snapshot.ResourceTypes[i].Endpoint;
            if (slashed
                ? string.Equals(endpoint, nameOrEndpoint, StringComparison.OrdinalIgnoreCase)
                : endpoint.Length == nameOrEndpoint.Length + 1 && endpoint[0] == '/' && endpoint.AsSpan(1).Equals(nameOrEndpoint, StringComparison.OrdinalIgnoreCase))
            {
                return snapshot.ResourceTypes[i];
            }
        }

        return null;
    }

    /// <summary>
    /// Resolves an attribute path such as <c>userName</c>, <c>NAME.givenName</c>, <c>manager</c>
    /// or <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value</c> for a
    /// resource type.
    /// </summary>
    /// <param name="resourceType">The resource type the path belongs to.</param>
    /// <param name="path">The attribute path (no filters: <c>emails[...]</c> is not a path here).</param>
    /// <returns>The resolved attribute.</returns>
    /// <exception cref="ScimException">400 <c>invalidPath</c> naming the unknown or malformed part.</exception>
    internal ResolvedAttribute ResolveAttribute(ScimResourceType resourceType, string path)
    {
        if (TryResolveAttribute(resourceType, path, out var resolved, out var error))
        {
            return resolved;
        }

        throw ScimException.BadRequest(ScimErrorType.InvalidPath, error);
    }

    /// <summary>Resolves an attribute path without throwing; see <see cref="ResolveAttribute"/>.</summary>
    /// <param name="resourceType">The resource type the path belongs to.</param>
    /// <param name="path">The attribute path.</param>
    /// <param name="resolved">The resolved attribute, when the path is known.</param>
    /// <param name="error">Why the path could not be resolved, when it is not.</param>
    /// <returns>Whether the path resolved.</returns>
    internal bool TryResolveAttribute(
        ScimResourceType resourceType,
        string path,
        [NotNullWhen(true)] out ResolvedAttribute? resolved,
        [NotNullWhen(false)] out string? error) =>
        TryResolveAttribute(resourceType, path, out resolved, out error, out _);

    /// <summary>
    /// Resolves an attribute path without throwing, and tells an unknown name from a mistake: see
    /// <see cref="ResolveAttribute"/>.
    /// </summary>
    /// <param name="resourceType">The resource type the path belongs to.</param>
    /// <param name="path">The attribute path.</param>
    /// <param name="resolved">The resolved attribute, when the path is known.</param>
    /// <param name="error">Why the path could not be resolved, when it is not.</param>
    /// <param name="unknown">
    /// When the path does not resolve: whether it is well formed but names what the resource type
    /// does not have (an attribute, a sub-attribute, a schema URN, or one its store did not declare),
    /// as opposed to a malformed or ambiguous path or a sub-attribute of a simple attribute.
    /// </param>
    /// <returns>Whether the path resolved.</returns>
    internal bool TryResolveAttribute(
        ScimResourceType resourceType,
        string path,
        [NotNullWhen(true)] out ResolvedAttribute? resolved,
        [NotNullWhen(false)] out string? error,
        out bool unknown)
    {
        unknown = false;
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(path);
        resolved = null;
        var snapshot = _snapshot;
        var core = snapshot.FindSchema(resourceType.Schema);
        if (core is null)
        {
            error = $"Resource type '{resourceType.Name}' has no registered schema '{resourceType.Schema}'.";
            return false;
        }

        if (path.Length == 0)
        {
            error = "The attribute path is empty.";
            return false;
        }

        ScimSchema? qualified = null;
        var local = path;
        if (path.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            qualified = FindQualifyingSchema(snapshot, resourceType, core, path);
            if (qualified is null)
            {
                error = $"The attribute path '{path}' does not start with a schema of resource type '{resourceType.Name}' (" +
                        string.Join(", ", [resourceType.Schema, .. resourceType.SchemaExtensions.Select(e => e.Schema)]) + ").";
                unknown = true;
                return false;
            }

            local = path[(qualified.Id.Length + 1)..];
        }

        var dot = local.IndexOf('.', StringComparison.Ordinal);
        var attributeName = dot < 0 ? local : local[..dot];
        var subAttributeName = dot < 0 ? null : local[(dot + 1)..];
        if (attributeName.Length == 0 || subAttributeName is { Length: 0 } || (subAttributeName?.Contains('.', StringComparison.Ordinal) ?? false))
        {
            error = $"The attribute path '{path}' is malformed: expected 'attribute' or 'attribute.subAttribute'.";
            return false;
        }

        ScimSchema? owner = null;
        SchemaAttribute? attribute = null;
        var isExtension = false;
        if (qualified is null || ReferenceEquals(qualified, core))
        {
            attribute = FindCommon(resourceType, attributeName) ?? core.FindAttribute(attributeName);
            owner = attribute is null ? null : core;
        }
        else
        {
            attribute = qualified.FindAttribute(attributeName);
            owner = attribute is null ? null : qualified;
            isExtension = true;
        }

        if (attribute is null && qualified is null)
        {
            // RFC 7644 §3.10: an unqualified name is looked up in the core schema first, then in the extensions.
            foreach (var extension in resourceType.SchemaExtensions)
            {
                var schema = snapshot.FindSchema(extension.Schema);
                var candidate = schema?.FindAttribute(attributeName);
                if (candidate is null)
                {
                    continue;
                }

                if (attribute is not null)
                {
                    error = $"The attribute '{attributeName}' is defined by both '{owner!.Id}' and '{schema!.Id}'; qualify it with the schema URN.";
                    return false;
                }

                attribute = candidate;
                owner = schema;
                isExtension = true;
            }
        }

        if (attribute is null || owner is null)
        {
            error = qualified is null
                ? $"Unknown attribute '{attributeName}' for resource type '{resourceType.Name}'."
                : $"Unknown attribute '{attributeName}' in schema '{qualified.Id}'.";
            unknown = true;
            return false;
        }

        SchemaAttribute? subAttribute = null;
        if (subAttributeName is not null)
        {
            if (attribute.Type != AttributeType.Complex)
            {
                error = $"The attribute '{attribute.Name}' is not complex, so '{path}' names no sub-attribute.";
                return false;
            }

            subAttribute = attribute.FindSubAttribute(subAttributeName);
            if (subAttribute is null)
            {
                error = $"Unknown sub-attribute '{subAttributeName}' of '{attribute.Name}'.";
                unknown = true;
                return false;
            }
        }

        resolved = new ResolvedAttribute(owner, attribute, subAttribute, isExtension);
        error = null;
        return true;
    }

    private static ScimSchema? FindQualifyingSchema(Snapshot snapshot, ScimResourceType resourceType, ScimSchema core, string path)
    {
        // The longest matching URN wins, so a schema whose URN extends another's is still found.
        ScimSchema? best = null;
        Consider(core);
        foreach (var extension in resourceType.SchemaExtensions)
        {
            if (snapshot.FindSchema(extension.Schema) is { } schema)
            {
                Consider(schema);
            }
        }

        return best;

        void Consider(ScimSchema schema)
        {
            if (path.Length > schema.Id.Length + 1
                && path[schema.Id.Length] == ':'
                && path.StartsWith(schema.Id, StringComparison.OrdinalIgnoreCase)
                && (best is null || schema.Id.Length > best.Id.Length))
            {
                best = schema;
            }
        }
    }

    private void ThrowIfFrozen()
    {
        if (_frozen)
        {
            throw new InvalidOperationException("The SCIM schema registry is frozen: register schemas, extensions and resource types on the builder AddScim() returns, before the app is built.");
        }
    }

    private static void RequireSchema(Snapshot snapshot, string schemaId, string resourceTypeName)
    {
        if (snapshot.FindSchema(schemaId) is null)
        {
            throw new InvalidOperationException($"Resource type '{resourceTypeName}' names schema '{schemaId}', which is not registered; call AddSchema first.");
        }
    }

    private sealed record Snapshot(IReadOnlyList<ScimSchema> Schemas, IReadOnlyList<ScimResourceType> ResourceTypes)
    {
        public static readonly Snapshot Empty = new([], []);

        public ScimSchema? FindSchema(string id)
        {
            for (var i = 0; i < Schemas.Count; i++)
            {
                if (string.Equals(Schemas[i].Id, id, StringComparison.OrdinalIgnoreCase))
                {
                    return Schemas[i];
                }
            }

            return null;
        }

        public int IndexOfResourceType(string name)
        {
            for (var i = 0; i < ResourceTypes.Count; i++)
            {
                if (string.Equals(ResourceTypes[i].Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
