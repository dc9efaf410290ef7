namespace Scim.Core.Schema;

// What the stores keep. A store over a host's existing table keeps some attributes only; declaring
// them makes every part of the service tell the truth from one place, the schemas: /Schemas lists
// what is kept, a request that sends anything else gets the unknown-attribute treatment (refused, or
// dropped when the host ignores unknown attributes), and a filter or sortBy on it is a 400.
public sealed partial class SchemaRegistry
{
    private readonly Dictionary<string, IReadOnlyList<string>> _declared = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _withoutExternalId = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IReadOnlyList<string>> _memberTypes = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<(string Type, string Attribute)> _notKept = new(NameComparer.Instance);

    /// <summary>
    /// Declares which resource types a type's <c>members</c> may be (a group store whose membership
    /// table refers to users only: <c>User</c>). Applied when the registry is frozen, to the
    /// <c>members</c> sub-attributes <c>type</c> (canonical values) and <c>$ref</c> (reference types),
    /// which /Schemas shows; the service checks members against the declaration. The types must be
    /// registered, and include <c>User</c>.
    /// </summary>
    internal void DeclareMemberTypes(string resourceTypeName, IEnumerable<string> memberTypes)
    {
        ArgumentNullException.ThrowIfNull(resourceTypeName);
        ArgumentNullException.ThrowIfNull(memberTypes);
        lock (_writeLock)
        {
            ThrowIfFrozen();
            var index = _snapshot.IndexOfResourceType(resourceTypeName);
            var members = index < 0 ? null : _snapshot.FindSchema(_snapshot.ResourceTypes[index].Schema)?.FindAttribute("members");
            if (members?.FindSubAttribute("type") is null)
            {
                throw new InvalidOperationException($"Cannot declare the member types of '{resourceTypeName}': it is not a registered resource type with members.");
            }

            // Members are always looked up among users, and among groups too unless declared away:
            // "User" alone, or with "Group", is what the service can check.
            var names = new List<string>();
            foreach (var memberType in memberTypes)
            {
                var found = _snapshot.IndexOfResourceType(memberType);
                if (found < 0)
                {
                    throw new InvalidOperationException($"Cannot declare '{memberType}' as a member type of '{resourceTypeName}': it is not a registered resource type.");
                }

                if (!names.Contains(_snapshot.ResourceTypes[found].Name, StringComparer.Ordinal))
                {
                    names.Add(_snapshot.ResourceTypes[found].Name);
                }
            }

            if (_snapshot.IndexOfResourceType("User") is var user and >= 0 && !names.Contains(_snapshot.ResourceTypes[user].Name, StringComparer.Ordinal))
            {
                throw new InvalidOperationException($"The members of '{resourceTypeName}' may be declared as users ('User'), or users and groups; [{string.Join(", ", names)}] leaves out 'User'.");
            }

            _memberTypes[resourceTypeName] = names;
        }
    }

    /// <summary>The resource types a type's members may be, as declared; <see langword="null"/> when nothing was declared.</summary>
    internal IReadOnlyList<string>? DeclaredMemberTypes(ScimResourceType resourceType) => _memberTypes.GetValueOrDefault(resourceType.Name);

    /// <summary>
    /// Declares the attributes a resource type's store keeps, as attribute paths (<c>userName</c>,
    /// <c>name.givenName</c>, <c>urn:...:enterprise:2.0:User:department</c>, <c>externalId</c>).
    /// Applied when the registry is frozen: the type's schemas keep only these attributes (a
    /// complex attribute named alone keeps all its sub-attributes), an extension with none of them
    /// is dropped from the type, and <c>externalId</c> is known only when declared. <c>id</c>,
    /// <c>meta</c> and read-only attributes the service derives (a user's <c>groups</c>) stay.
    /// </summary>
    /// <param name="resourceTypeName">The resource type, e.g. <c>User</c>.</param>
    /// <param name="attributePaths">The paths the store keeps.</param>
    /// <exception cref="InvalidOperationException">The registry is frozen, or the type is unknown.</exception>
    internal void DeclareStoredAttributes(string resourceTypeName, IEnumerable<string> attributePaths)
    {
        ArgumentNullException.ThrowIfNull(resourceTypeName);
        ArgumentNullException.ThrowIfNull(attributePaths);
        lock (_writeLock)
        {
            ThrowIfFrozen();
            if (_snapshot.IndexOfResourceType(resourceTypeName) < 0)
            {
                throw new InvalidOperationException($"Cannot declare the stored attributes of resource type '{resourceTypeName}': it is not registered.");
            }

            _declared[resourceTypeName] = [.. attributePaths];
        }
    }

    /// <summary>A common attribute (<c>id</c>, <c>externalId</c>, <c>meta</c>) of the type, unless its store does not keep it.</summary>
    internal SchemaAttribute? FindCommon(ScimResourceType resourceType, string name)
    {
        var attribute = CommonAttributes.Find(name);
        return attribute is not null && ReferenceEquals(attribute, CommonAttributes.ExternalId) && _withoutExternalId.Contains(resourceType.Name) ? null : attribute;
    }

    /// <summary>Whether the type's store declared what it keeps (its schemas are then narrower than what a typed resource can hold).</summary>
    internal bool IsDeclared(ScimResourceType resourceType) => _declared.ContainsKey(resourceType.Name);

    /// <summary>
    /// Declares that a resource type's store does not keep a writeOnly attribute its schema has
    /// (a user store without a password column): the attribute stays in the schema, and the service
    /// refuses a request that sets it instead of dropping it (see <see cref="Keeps"/>).
    /// </summary>
    internal void DeclareNotKept(string resourceTypeName, string attributeName)
    {
        lock (_writeLock)
        {
            ThrowIfFrozen();
            _notKept.Add((resourceTypeName, attributeName));
        }
    }

    /// <summary>Whether the type's store keeps a top-level attribute of its core schema: the schema has it, and no store said otherwise.</summary>
    internal bool Keeps(ScimResourceType resourceType, string attributeName) =>
        !_notKept.Contains((resourceType.Name, attributeName)) && FindSchema(resourceType.Schema)?.FindAttribute(attributeName) is not null;

    /// <summary>Whether the type's store keeps <c>externalId</c>.</summary>
    internal bool KeepsExternalId(ScimResourceType resourceType) => !_withoutExternalId.Contains(resourceType.Name);

    /// <summary>The declarations made, by resource type (for the conformance suite and diagnostics).</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<string>> Declarations => _declared;

    // Called under the write lock, once, as the registry freezes.
    private void ApplyDeclarations()
    {
        ApplyMemberTypes();
        if (_declared.Count == 0)
        {
            return;
        }

        var snapshot = _snapshot;
        var kept = new Dictionary<string, Dictionary<string, HashSet<string>?>>(StringComparer.OrdinalIgnoreCase); // schema → attribute → sub-attributes (null: all)
        foreach (var (typeName, paths) in _declared)
        {
            var type = snapshot.ResourceTypes[snapshot.IndexOfResourceType(typeName)];
            var keepsExternalId = false;
            foreach (var path in paths)
            {
                if (path.Equals("externalId", StringComparison.OrdinalIgnoreCase))
                {
                    keepsExternalId = true;
                    continue;
                }

                if (!TryResolveAttribute(type, path, out var resolved, out var error))
                {
                    throw new InvalidOperationException($"The store of '{typeName}' declares '{path}', which is not an attribute of it: {error}");
                }

                if (ReferenceEquals(resolved.Attribute, CommonAttributes.Id) || ReferenceEquals(resolved.Attribute, CommonAttributes.Meta))
                {
                    continue; // the service's, always there
                }

                if (!kept.TryGetValue(resolved.Schema.Id, out var attributes))
                {
                    kept[resolved.Schema.Id] = attributes = new(StringComparer.OrdinalIgnoreCase);
                }

                if (resolved.SubAttribute is null)
                {
                    attributes[resolved.Attribute.Name] = null;
                }
                else if (!attributes.TryGetValue(resolved.Attribute.Name, out var subs) || subs is not null)
                {
                    subs ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    subs.Add(resolved.SubAttribute.Name);
                    attributes[resolved.Attribute.Name] = subs;
                }
            }

            if (!keepsExternalId)
            {
                _withoutExternalId.Add(typeName);
            }

            foreach (var extension in type.SchemaExtensions)
            {
                kept.TryAdd(extension.Schema, new(StringComparer.OrdinalIgnoreCase));
            }

            kept.TryAdd(type.Schema, new(StringComparer.OrdinalIgnoreCase));
        }

        var schemas = snapshot.Schemas.Select(schema => kept.TryGetValue(schema.Id, out var attributes) ? Restrict(schema, attributes) : schema).ToList();
        var resourceTypes = snapshot.ResourceTypes.Select(type => !_declared.ContainsKey(type.Name) ? type : new ScimResourceType(
            type.Name,
            type.Endpoint,
            type.Schema,
            type.Description,
            type.SchemaExtensions.Where(e => schemas.First(s => string.Equals(s.Id, e.Schema, StringComparison.OrdinalIgnoreCase)).Attributes.Count > 0))).ToList();
        // An extension left with no attribute is no longer served at all.
        var served = resourceTypes.SelectMany(t => t.SchemaExtensions.Select(e => e.Schema).Prepend(t.Schema)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _snapshot = new Snapshot([.. schemas.Where(s => s.Attributes.Count > 0 || served.Contains(s.Id))], resourceTypes);
    }

    private void ApplyMemberTypes()
    {
        foreach (var (typeName, memberTypes) in _memberTypes)
        {
            var snapshot = _snapshot;
            var core = snapshot.FindSchema(snapshot.ResourceTypes[snapshot.IndexOfResourceType(typeName)].Schema)!;
            var attributes = core.Attributes.Select(a => !a.Name.Equals("members", StringComparison.OrdinalIgnoreCase) ? a : a.With(subAttributes: [.. a.SubAttributes.Select(sub => sub.Name switch
            {
                "type" => sub.With(canonicalValues: memberTypes),
                "$ref" => sub.With(referenceTypes: memberTypes),
                _ => sub,
            })])).ToList();
            var restricted = new ScimSchema(core.Id, core.Name, core.Description, attributes);
            _snapshot = snapshot with { Schemas = [.. snapshot.Schemas.Select(s => ReferenceEquals(s, core) ? restricted : s)] };
        }
    }

    /// <summary>
    /// The schema with only the kept attributes (and the read-only ones the service fills); a
    /// required attribute left out is the host's mistake. A kept complex attribute's read-only
    /// sub-attributes that are left out (a manager's <c>displayName</c>) are not served, but a
    /// request's copy of one is ignored (<see cref="SchemaAttribute.ReadOnlyLeftOut"/>).
    /// </summary>
    private static ScimSchema Restrict(ScimSchema schema, Dictionary<string, HashSet<string>?> keep)
    {
        var attributes = new List<SchemaAttribute>();
        foreach (var attribute in schema.Attributes)
        {
            if (keep.TryGetValue(attribute.Name, out var subs))
            {
                attributes.Add(subs is null ? attribute : attribute.With(subAttributes: [.. attribute.SubAttributes.Where(s => subs.Contains(s.Name))]));
            }
            else if (attribute.Mutability == Mutability.ReadOnly)
            {
                attributes.Add(attribute);
            }
            else if (attribute.Required)
            {
                throw new InvalidOperationException($"Schema '{schema.Id}' requires '{attribute.Name}', but the store does not declare it: a store must keep every required attribute.");
            }
        }

        return new ScimSchema(schema.Id, schema.Name, schema.Description, attributes);
    }

    private sealed class NameComparer : IEqualityComparer<(string Type, string Attribute)>
    {
        public static NameComparer Instance { get; } = new();

        public bool Equals((string Type, string Attribute) x, (string Type, string Attribute) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Type, y.Type) && StringComparer.OrdinalIgnoreCase.Equals(x.Attribute, y.Attribute);

        public int GetHashCode((string Type, string Attribute) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Type), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Attribute));
    }
}
