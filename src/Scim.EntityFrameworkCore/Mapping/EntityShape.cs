using System.Globalization;
using System.Linq.Expressions;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Querying;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="EntityMap{TEntity}"/> resolved against the frozen schemas once, at the first
/// request: where each mapped attribute sits in a resource's canonical JSON, its compiled getter
/// and setter, the key and its text, and the <see cref="AttributeMapping{T}"/> filters and sorting
/// are translated with. It turns an entity into a resource's JSON and a resource's JSON into
/// column values, so one implementation serves any resource type.
/// </summary>
internal sealed class EntityShape<TEntity>
    where TEntity : class
{
    private readonly Field[] _fields;
    private readonly Func<object, object?> _key;
    private readonly Action<object, object?>? _setKey;
    private readonly Func<object, object?>? _created;
    private readonly Action<object, object?>? _setCreated;
    private readonly Func<object, object?>? _lastModified;
    private readonly Action<object, object?>? _setLastModified;
    private readonly Func<object, object?>? _version;
    private readonly Action<object, object?>? _setVersion;
    private readonly Func<object, object?>? _tenant;
    private readonly Action<object, object?>? _setTenant;
    private readonly Func<string, object>? _tenantFromRequest;
    private readonly Func<object, object?>? _manager;
    private readonly Action<object, object?>? _setManager;
    private readonly Action<object, object?>? _setDeleted;
    private readonly Type? _deletedType;
    private readonly Type _createdType = typeof(DateTimeOffset);
    private readonly Type _lastModifiedType = typeof(DateTimeOffset);

    public EntityShape(EntityMap<TEntity> map, SchemaRegistry registry, ScimResourceType resourceType)
    {
        ResourceType = resourceType;
        KeyExpression = map.Key ?? throw new InvalidOperationException($"The SCIM map of {typeof(TEntity).Name} has no Id(...): name the key that becomes the resource's id.");
        KeyType = KeyExpression.ReturnType;
        _key = Compile(KeyExpression);
        StoreAssignsIds = KeyType == typeof(int) || KeyType == typeof(long);
        _setKey = StoreAssignsIds ? null : Setter.Of(KeyExpression);
        Mapping = new AttributeMapping<TEntity>();
        AddToMapping("id", KeyExpression);

        // Every row of the entity is a resource of this type.
        AddToMapping("meta.resourceType", Expression.Lambda(Expression.Constant(resourceType.Name), KeyExpression.Parameters));
        // Two attributes written into one member would overwrite each other on every write (an
        // IdP's userName and its work email differ): a map that does so cannot work.
        foreach (var shared in map.Attributes.SelectMany(a => a.Written.Select(m => (Member: m, a.Path))).GroupBy(w => w.Member).Where(g => g.Count() > 1))
        {
            var paths = shared.Select(w => $"'{w.Path}'").ToList();
            throw new InvalidOperationException($"The SCIM map of {typeof(TEntity).Name} maps {string.Join(" and ", paths)} to {shared.Key.Name}: each write of one would overwrite the other (an identity provider's userName and work email often differ). Map one of them to {shared.Key.Name}, and the other to a column of its own or not at all; to serve it from {shared.Key.Name} without writing it, map it with a write action that keeps nothing: Map(path, e => e.{shared.Key.Name}, (e, value) => {{ }}).");
        }

        var fields = new List<Field>();
        var typedValues = new List<(TypedValuePath Path, Field Field)>();
        foreach (var attribute in map.Attributes)
        {
            var typedPath = TypedValuePath.Parse(attribute.Path);
            if (!registry.TryResolveAttribute(resourceType, typedPath?.SubPath ?? attribute.Path, out var resolved, out var error))
            {
                throw new InvalidOperationException($"The SCIM map of {typeof(TEntity).Name} maps '{attribute.Path}', which {resourceType.Name} does not have: {error}");
            }

            if (typedPath is not null)
            {
                typedValues.Add((typedPath, TypedValueField(attribute, resolved)));
                continue;
            }

            if (resolved.Attribute.MultiValued)
            {
                var example = resolved.Attribute.Type == AttributeType.Complex
                    ? $": name the type whose value the member keeps, '{resolved.Attribute.Name}[type eq \"work\"].{resolved.SubAttribute?.Name ?? "value"}'"
                    : ": map a single-valued attribute to a column";
                throw new InvalidOperationException($"The SCIM map of {typeof(TEntity).Name} maps '{attribute.Path}', {(resolved.SubAttribute is null ? "the" : "a sub-attribute of the")} multi-valued '{resolved.Attribute.Name}'{example}.");
            }

            var leaf = resolved.SubAttribute ?? resolved.Attribute;
            if (leaf.Type == AttributeType.Complex)
            {
                throw new InvalidOperationException($"The SCIM map of {typeof(TEntity).Name} maps the complex '{attribute.Path}' to one member: map its sub-attributes ('{attribute.Path}.{(leaf.SubAttributes.Count > 0 ? leaf.SubAttributes[0].Name : "...")}', ...).");
            }

            if (attribute.IsManager)
            {
                if ((Nullable.GetUnderlyingType(attribute.Compared!.ReturnType) ?? attribute.Compared.ReturnType) != KeyType)
                {
                    throw new InvalidOperationException($"The SCIM map of {typeof(TEntity).Name} maps the manager to a member of type {attribute.Compared.ReturnType.Name}; it holds a key, of the key's type ({KeyType.Name}).");
                }

                ManagerExpression = attribute.Compared;
                _manager = Compile(attribute.Compared);
                _setManager = Setter.Of(attribute.Compared);
            }

            fields.Add(new Field(resolved.IsExtension ? resolved.Schema.Id : null, resolved.Attribute.Name, resolved.SubAttribute?.Name, leaf, Compile(attribute.Read), attribute.Write, attribute.Read.ReturnType, attribute.EmptyWhenAbsent, resolved.Path));
            AddToMapping(resolved.Path, attribute.Compared ?? attribute.Read, attribute.Folding);
        }

        _fields = [.. fields];
        _typedValues = [.. typedValues
            .GroupBy(v => (v.Field.Extension, v.Field.Name, Type: v.Path.Type.ToUpperInvariant()))
            .Select(g => new TypedValue(g.First().Field.Extension, g.First().Field.Name, g.First().Path.Type, g.First().Field.HasPrimary, [.. g.Select(v => v.Field)]))];

        // The first type mapped of each attribute is its primary one (and takes untyped values).
        var firsts = _typedValues.GroupBy(v => (v.Extension, Name: v.Name.ToUpperInvariant())).Select(g => g.First()).ToHashSet();
        _typedValues = [.. _typedValues.Select(v => v with { First = firsts.Contains(v) })];
        foreach (var (typedPath, field) in typedValues)
        {
            var owner = (field.Extension is null ? "" : field.Extension + ":") + field.Name;
            Mapping.MapTypedValue(owner, typedPath.Type, field.Sub!, field.Read, field.Compared, field.Folding, field.HasPrimary);
        }

        if (map.CreatedColumn is { } created)
        {
            (_created, _setCreated, _createdType) = (Compile(created), Setter.Of(created), Nullable.GetUnderlyingType(created.ReturnType) ?? created.ReturnType);
            AddToMapping("meta.created", created);
        }

        if (map.LastModifiedColumn is { } lastModified)
        {
            (_lastModified, _setLastModified, _lastModifiedType) = (Compile(lastModified), Setter.Of(lastModified), Nullable.GetUnderlyingType(lastModified.ReturnType) ?? lastModified.ReturnType);
            LastModifiedExpression = lastModified;
            AddToMapping("meta.lastModified", lastModified);
        }

        if (map.VersionColumn is { } version)
        {
            (_version, _setVersion) = (Compile(version), Setter.Of(version));
            VersionExpression = version;
        }

        if (map.TenantColumn is { } tenant)
        {
            (_tenant, _setTenant) = (Compile(tenant), Setter.Of(tenant));
            TenantExpression = tenant;
            _tenantFromRequest = map.TenantFromRequest;
        }

        if (map.DeletedColumn is { } deleted)
        {
            _setDeleted = Setter.Of(deleted);
            _deletedType = deleted.ReturnType;
            var mark = deleted.ReturnType == typeof(bool)
                ? (Expression)Expression.Not(deleted.Body)
                : Expression.Equal(deleted.Body, Expression.Constant(null, deleted.ReturnType));
            KeptExpression = Expression.Lambda<Func<TEntity, bool>>(mark, deleted.Parameters);
        }

        Folding = map.Folding ?? CaseFolding.ToLower;
        Parts = map.Parts;
        Parts?.Map(Mapping);
    }

    /// <summary>What the entity holds beyond its mapped members, if anything.</summary>
    public IEntityParts<TEntity>? Parts { get; }

    public ScimResourceType ResourceType { get; }

    public LambdaExpression KeyExpression { get; }

    public Type KeyType { get; }

    /// <summary>Whether the database generates the key (an int or long identity): the store's ids, not the service's.</summary>
    public bool StoreAssignsIds { get; }

    public LambdaExpression? VersionExpression { get; }

    /// <summary>The member holding <c>meta.lastModified</c>, if the map has one.</summary>
    public LambdaExpression? LastModifiedExpression { get; }

    public LambdaExpression? TenantExpression { get; }

    /// <summary>The type of the tenant member (a string, or what <see cref="TenantValue"/> makes of the request's tenant).</summary>
    public Type TenantType => TenantExpression?.ReturnType ?? typeof(string);

    /// <summary>
    /// The tenant member's value for a request's tenant: the text itself, or what the map's function
    /// makes of it (a Guid); a tenant it refuses is a 403, as a tenant the store does not keep.
    /// </summary>
    public object TenantValue(string tenant)
    {
        if (_tenantFromRequest is null)
        {
            return tenant;
        }

        try
        {
            return _tenantFromRequest(tenant);
        }
        catch (Exception error) when (error is FormatException or OverflowException or ArgumentException)
        {
            throw new ScimException(403, null, $"The tenant '{tenant}' is not one this store keeps {ResourceType.Name} resources for.");
        }
    }

    public CaseFolding Folding { get; }

    /// <summary>SCIM paths to the entity's members, for filters and sorting.</summary>
    public AttributeMapping<TEntity> Mapping { get; }

    /// <summary>The key a resource id names, or <see langword="null"/> when it names no row (not a number, for an int key).</summary>
    public object? KeyOf(string id) =>
        KeyType == typeof(string) ? id : LinqFilterTranslator.ParseKey(id, KeyType);

    /// <summary>The resource id of an entity.</summary>
    public string IdOf(TEntity entity) => Convert.ToString(_key(entity), CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>The key of an entity.</summary>
    public object KeyValueOf(TEntity entity) => _key(entity)!;

    /// <summary><c>e =&gt; keys.Contains(e.Key)</c>, with the keys as one query parameter.</summary>
    public Expression<Func<TEntity, bool>> KeyIn(IReadOnlyCollection<object> keys)
    {
        var typed = Array.CreateInstance(KeyType, keys.Count);
        var i = 0;
        foreach (var key in keys)
        {
            typed.SetValue(key, i++);
        }

        return Expression.Lambda<Func<TEntity, bool>>(
            Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [KeyType], QueryParameter.Of(typed, typed.GetType()), KeyExpression.Body),
            KeyExpression.Parameters);
    }

    /// <summary><c>e =&gt; e.Key == key</c>, with the key as a query parameter.</summary>
    public Expression<Func<TEntity, bool>> HasKey(object key) => Equals(KeyExpression, key);

    /// <summary>
    /// The rows SCIM serves of a tenant: <c>e =&gt; e.Tenant == tenant</c>, and not marked deleted
    /// (<see cref="KeptExpression"/>); <see langword="null"/> for every row (a single-tenant map without soft delete).
    /// </summary>
    public Expression<Func<TEntity, bool>>? Served(string tenant)
    {
        var inTenant = TenantExpression is null ? null : Equals(TenantExpression, TenantValue(tenant));
        return KeptExpression is not { } kept ? inTenant
            : inTenant is null ? kept
            : Expression.Lambda<Func<TEntity, bool>>(Expression.AndAlso(inTenant.Body, AttributeMapping.Inline(kept, inTenant.Parameters[0])), inTenant.Parameters);
    }

    /// <summary>The member holding the manager's key (<see cref="EntityMap{TEntity}.MapManager"/>), if mapped.</summary>
    public LambdaExpression? ManagerExpression { get; }

    /// <summary>Sets an entity's manager to none.</summary>
    public void ClearManager(TEntity entity) => _setManager?.Invoke(entity, null);

    /// <summary>The id of an entity's manager, or <see langword="null"/>.</summary>
    public string? ManagerOf(TEntity entity) => _manager?.Invoke(entity) is { } key ? Convert.ToString(key, CultureInfo.InvariantCulture) : null;

    /// <summary><c>e =&gt; e.DeletedUtc == null</c> (or <c>!e.IsDeleted</c>) for a map that deletes softly; <see langword="null"/> otherwise.</summary>
    public Expression<Func<TEntity, bool>>? KeptExpression { get; }

    /// <summary>Whether a DELETE marks the row (<see cref="MarkDeleted"/>) rather than removing it.</summary>
    public bool DeletesSoftly => _setDeleted is not null;

    /// <summary>Marks a row deleted: its member set to <paramref name="at"/>, or to <see langword="true"/>.</summary>
    public void MarkDeleted(TEntity entity, DateTimeOffset at) =>
        _setDeleted!(entity, _deletedType == typeof(bool) ? true : TimeValue(at, Nullable.GetUnderlyingType(_deletedType!)!));

    /// <summary>Whether the entity keeps <c>meta.version</c> in a member; without one it is computed.</summary>
    public bool KeepsVersion => _version is not null;

    /// <summary>
    /// The resource's canonical JSON: id, the mapped attributes, and meta (its version read from the
    /// version member, or computed from the values and <paramref name="digest"/>: what else the
    /// resource holds outside the row, a group's members).
    /// </summary>
    public JsonObject ToTree(TEntity entity, string? digest = null)
    {
        var tree = new JsonObject { ["id"] = IdOf(entity) };
        foreach (var field in _fields)
        {
            if (ToNode(field.Get(entity), field.Attribute) is not { } value)
            {
                continue;
            }

            var owner = tree;
            if (field.Extension is not null)
            {
                owner = tree[field.Extension] as JsonObject ?? (JsonObject)(tree[field.Extension] = new JsonObject());
            }

            if (field.Sub is null)
            {
                owner[field.Name] = value;
            }
            else
            {
                var complex = owner[field.Name] as JsonObject ?? (JsonObject)(owner[field.Name] = new JsonObject());
                complex[field.Sub] = value;
            }
        }

        AddTypedValues(tree, entity);
        Parts?.AddTo(tree, entity);
        var meta = new JsonObject { ["resourceType"] = ResourceType.Name };
        if (_created?.Invoke(entity) is { } created && Instant(created) is { } createdAt)
        {
            meta["created"] = ScimDateTime.Format(createdAt);
        }

        if (_lastModified?.Invoke(entity) is { } lastModified && Instant(lastModified) is { } lastModifiedAt)
        {
            meta["lastModified"] = ScimDateTime.Format(lastModifiedAt);
        }

        meta["version"] = StoredVersion(entity) ?? ComputedVersion(tree, digest);
        tree["meta"] = meta;
        return tree;
    }

    /// <summary>
    /// Each mapped type's value that has one (<c>{"value": ..., "type": "work", "primary": true}</c>),
    /// in the order mapped; the first type mapped of an attribute is its primary one.
    /// </summary>
    private void AddTypedValues(JsonObject tree, TEntity entity)
    {
        foreach (var typed in _typedValues)
        {
            JsonObject? value = null;
            foreach (var sub in typed.Subs)
            {
                if (ToNode(sub.Get(entity), sub.Attribute) is { } node)
                {
                    (value ??= [])[sub.Sub!] = node;
                }
            }

            if (value is null)
            {
                continue;
            }

            var owner = typed.Extension is null ? tree : tree[typed.Extension] as JsonObject ?? (JsonObject)(tree[typed.Extension] = new JsonObject());
            var values = owner[typed.Name] as JsonArray ?? (JsonArray)(owner[typed.Name] = new JsonArray());
            value["type"] = typed.Type;
            if (typed.HasPrimary && typed.First)
            {
                value["primary"] = true;
            }

            values.Add(value);
        }
    }

    /// <summary>
    /// Gives a typed user the values the entity keeps by type, read as the serializer reads them
    /// from <see cref="AddTypedValues"/>'s JSON; <see langword="false"/> (the tree is needed) for
    /// another resource, or values of an extension attribute.
    /// </summary>
    private bool TryAddTypedValues(Scim.Core.Resources.ScimResource resource, TEntity entity)
    {
        if (resource is not Scim.Core.Resources.User user || _typedValues.Any(v => v.Extension is not null))
        {
            return false;
        }

        var lists = new JsonObject();
        AddTypedValues(lists, entity);
        if (lists.Count > 0)
        {
            user.TakeValuesOf(System.Text.Json.JsonSerializer.Deserialize(lists, ScimJson.UserInfo)!);
        }

        return true;
    }

    /// <summary>
    /// Keeps each mapped type's value of the resource in the entity's members: the value of that
    /// type (the primary one among several of it); for an attribute's first type, when no value
    /// has it, the primary value without a type, else the first such. A value of another type is
    /// not kept: taking it as the first type's would change its type, and an identity provider's
    /// later change of it by its own type (<c>emails[type eq "home"]</c>) would find nothing. A
    /// type without a value is cleared.
    /// </summary>
    private void ApplyTypedValues(JsonObject tree, TEntity entity)
    {
        foreach (var typed in _typedValues)
        {
            var owner = typed.Extension is null ? tree : tree[typed.Extension] as JsonObject;
            var values = (owner?[typed.Name] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            var value = Choose(values.Where(v => HasType(v, typed.Type)));
            if (value is null && typed.First)
            {
                value = Choose(values.Where(v => v["type"] is null || (v["type"] is JsonValue type && type.TryGetValue<string>(out var text) && text.Length == 0)));
            }

            foreach (var sub in typed.Subs)
            {
                Set(sub, value?[sub.Sub!], entity);
            }
        }

        static bool HasType(JsonObject value, string type) =>
            value["type"] is JsonValue node && node.TryGetValue<string>(out var text) && string.Equals(text, type, StringComparison.OrdinalIgnoreCase);

        static JsonObject? Choose(IEnumerable<JsonObject> candidates)
        {
            JsonObject? first = null;
            foreach (var candidate in candidates)
            {
                if (candidate["primary"] is JsonValue primary && primary.TryGetValue<bool>(out var flag) && flag)
                {
                    return candidate;
                }

                first ??= candidate;
            }

            return first;
        }
    }

    /// <summary>
    /// Takes the version and <c>lastModified</c> the row was saved with into its resource: the
    /// host's own <c>SaveChanges</c> interceptor may set its version column or time as the row is
    /// saved, and the response's <c>ETag</c> must be what a later <c>If-Match</c> compares.
    /// </summary>
    public void RefreshMeta(TEntity entity, Scim.Core.Resources.ScimResource resource)
    {
        if (resource.Meta is not { } meta)
        {
            return;
        }

        if (StoredVersion(entity) is { } version)
        {
            meta.Version = version;
        }

        if (Instant(_lastModified?.Invoke(entity)) is { } lastModified)
        {
            meta.LastModified = lastModified.ToUniversalTime();
        }
    }

    /// <summary>The version of an entity as <see cref="ToTree"/> reports it.</summary>
    public string VersionOf(TEntity entity, string? digest = null) =>
        StoredVersion(entity) ?? (string)ToTree(entity, digest)["meta"]!["version"]!;

    /// <summary>
    /// The version member's value as an entity tag (RFC 9110 §8.8.3): the stores write
    /// <c>W/"..."</c> there, but the host's own code may write the column too (ASP.NET Core
    /// Identity's <c>ConcurrencyStamp</c> is a bare Guid), which is served as <c>W/"&lt;value&gt;"</c>,
    /// never as a malformed <c>ETag</c>; an empty column has no version of its own yet (computed).
    /// </summary>
    private string? StoredVersion(TEntity entity) =>
        _version?.Invoke(entity) switch
        {
            string { Length: 0 } or null => null,
            string tag when (tag.StartsWith("W/\"", StringComparison.Ordinal) || tag.StartsWith('"')) && tag.Length >= 2 && tag.EndsWith('"') => tag,
            string value => $"W/\"{value.Replace("\"", string.Empty, StringComparison.Ordinal)}\"",
            _ => null,
        };

    /// <summary>
    /// The resource of an entity made straight from its members into the typed model, as the
    /// serializer would read <see cref="ToTree"/>'s JSON but without writing it (a read's commonest
    /// work): each mapped value set on its typed member, the parts added, <c>meta</c> from its
    /// members (a computed version still hashes the tree's JSON, which stays its definition).
    /// <see langword="null"/> when the tree is needed: a map with an attribute the typed model has
    /// no member for that takes the member's value as it is (an untyped extension, a number), or
    /// parts that cannot fill it.
    /// </summary>
    /// <typeparam name="TResource">The typed resource, <see cref="Scim.Core.Resources.User"/> or <see cref="Scim.Core.Resources.Group"/>.</typeparam>
    /// <param name="entity">The entity.</param>
    /// <param name="digest">As for <see cref="ToTree"/>.</param>
    public TResource? TryToResource<TResource>(TEntity entity, string? digest = null)
        where TResource : Scim.Core.Resources.ScimResource
    {
        if (TypedFieldsOf(typeof(TResource)) is not { } typed)
        {
            return null;
        }

        var resource = (TResource)typed.Make();
        resource.Id = IdOf(entity);
        foreach (var (get, set) in typed.Fields)
        {
            // What ToNode leaves out (null, an empty string) is left unset.
            switch (get(entity))
            {
                case null or string { Length: 0 }:
                    continue;
                case Guid guid:
                    set(resource, guid.ToString());
                    break;
                case var value:
                    set(resource, value);
                    break;
            }
        }

        if ((_typedValues.Length > 0 && !TryAddTypedValues(resource, entity)) || (Parts is not null && !Parts.TryAddTo(resource, entity)))
        {
            return null;
        }

        resource.Meta = new Scim.Core.Resources.ResourceMeta
        {
            ResourceType = ResourceType.Name,
            Created = Instant(_created?.Invoke(entity))?.ToUniversalTime(),
            LastModified = Instant(_lastModified?.Invoke(entity))?.ToUniversalTime(),
            Version = VersionOf(entity, digest),
        };
        return resource;
    }

    // The typed fields of the shape's one resource class, or that class when the tree is needed; worked out at the first read.
    private object? _typed;

    private TypedFields? TypedFieldsOf(Type resourceType)
    {
        var known = Volatile.Read(ref _typed);
        if (known is null)
        {
            known = (object?)TypedFields.Of(resourceType, _fields) ?? resourceType;
            Volatile.Write(ref _typed, known);
        }

        return known is TypedFields fields && fields.ResourceType == resourceType ? fields : null;
    }

    /// <summary>How a shape's entity becomes a typed resource without JSON (see <see cref="TryToResource{TResource}"/>).</summary>
    private sealed class TypedFields
    {
        private TypedFields(Type resourceType, Func<Scim.Core.Resources.ScimResource> make, (Func<object, object?>, Action<Scim.Core.Resources.ScimResource, object>)[] fields) =>
            (ResourceType, Make, Fields) = (resourceType, make, fields);

        public Type ResourceType { get; }

        public Func<Scim.Core.Resources.ScimResource> Make { get; }

        public (Func<object, object?> Get, Action<Scim.Core.Resources.ScimResource, object> Set)[] Fields { get; }

        /// <summary>The typed setters of every field, or <see langword="null"/> when one has none.</summary>
        public static TypedFields? Of(Type resourceType, Field[] fields)
        {
            if (TypedMembers.Maker(resourceType) is not { } make)
            {
                return null;
            }

            var typed = new (Func<object, object?>, Action<Scim.Core.Resources.ScimResource, object>)[fields.Length];
            for (var i = 0; i < fields.Length; i++)
            {
                var field = fields[i];
                var clr = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;

                // The values ToNode writes as they are, which the serializer reads into a member of the same type.
                var valueType = clr == typeof(string) || clr == typeof(Guid) ? typeof(string) : clr == typeof(bool) ? typeof(bool) : null;
                if (valueType is null || TypedMembers.Setter(resourceType, field.Extension, field.Name, field.Sub, valueType) is not { } set)
                {
                    return null;
                }

                typed[i] = (field.Get, set);
            }

            return new TypedFields(resourceType, make, typed);
        }
    }

    /// <summary>
    /// Writes a resource's JSON into the entity's members. An attribute the resource does not
    /// have is cleared; a member that cannot be empty (a bool, a number) keeps its value then.
    /// </summary>
    public void Apply(JsonObject tree, TEntity entity)
    {
        foreach (var field in _fields)
        {
            var owner = field.Extension is null ? tree : tree[field.Extension] as JsonObject;
            Set(field, field.Sub is null ? owner?[field.Name] : (owner?[field.Name] as JsonObject)?[field.Sub], entity);
        }

        ApplyTypedValues(tree, entity);
        Parts?.Apply(tree, entity);
    }

    private static void Set(Field field, JsonNode? node, TEntity entity)
    {
        object? value;
        try
        {
            value = FromNode(node, field.ClrType);
        }
        catch (OverflowException)
        {
            // 3000000000 for an int member: the member cannot hold it, as a column could not.
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{field.Path}' is outside the range this service keeps.");
        }

        if (value is null && field.ClrType.IsValueType && Nullable.GetUnderlyingType(field.ClrType) is null)
        {
            return;
        }

        if (value is null && field.EmptyWhenAbsent)
        {
            value = string.Empty; // the column cannot be NULL; "" reads back as absent
        }

        try
        {
            field.Set(entity, value);
        }
        catch (Exception error) when (error is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            // A write action that cannot convert the value (an id that is not a number); an action may also throw a ScimException itself.
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"The value of '{field.Path}' cannot be kept here: {error.Message}");
        }
    }

    /// <summary>Sets what a new row needs beyond its attributes: the proposed id (unless the database makes one), the tenant, the times and the version.</summary>
    public void StampNew(TEntity entity, string proposedId, string tenant, DateTimeOffset created, DateTimeOffset lastModified, string version)
    {
        _setKey?.Invoke(entity, KeyType == typeof(Guid) ? Guid.Parse(proposedId, CultureInfo.InvariantCulture) : proposedId);
        if (_setTenant is not null)
        {
            _setTenant(entity, TenantValue(tenant));
        }
        if (_setCreated is not null && Instant(_created!(entity)) is null)
        {
            _setCreated(entity, TimeValue(created, _createdType));
        }

        // A new row's time is the write's own, whatever the entity's constructor gave it.
        _setLastModified?.Invoke(entity, TimeValue(lastModified, _lastModifiedType));
        _setVersion?.Invoke(entity, version);
    }

    /// <summary>
    /// Sets what a change of a row changes beyond its attributes: <c>meta.lastModified</c> (never
    /// earlier than the row's, <see cref="WriteTimes"/>) and <c>meta.version</c>, where the entity keeps them.
    /// </summary>
    public void Stamp(TEntity entity, DateTimeOffset lastModified, string version)
    {
        if (_setLastModified is not null)
        {
            _setLastModified(entity, TimeValue(WriteTimes.After(lastModified, Instant(_lastModified!(entity))), _lastModifiedType));
        }

        _setVersion?.Invoke(entity, version);
    }

    /// <summary>
    /// A row let go of its deleted manager, in memory, as <c>EntityStoreShared.Released</c> writes
    /// it: no manager, <paramref name="version"/> and <paramref name="time"/> as they are.
    /// </summary>
    public void Release(TEntity entity, DateTimeOffset time, string version)
    {
        ClearManager(entity);
        _setLastModified?.Invoke(entity, TimeValue(time, _lastModifiedType));
        _setVersion?.Invoke(entity, version);
    }

    /// <summary>A time as a member of <paramref name="type"/> keeps it (a <see cref="DateTime"/> in UTC, or the offset itself).</summary>
    internal static object TimeValue(DateTimeOffset time, Type type) => type == typeof(DateTime) || type == typeof(DateTime?) ? (object)time.UtcDateTime : time;

    private void AddToMapping(string path, LambdaExpression member, CaseFolding? folding = null) =>
        typeof(AttributeMapping<TEntity>).GetMethods().Single(m => m.Name == nameof(AttributeMapping<TEntity>.Map) && m.GetParameters().Length == (folding is null ? 2 : 3))
            .MakeGenericMethod(member.ReturnType)
            .Invoke(Mapping, folding is null ? [path, member] : [path, member, folding]);

    // The value as a query parameter: one compiled query serves every key.
    private static Expression<Func<TEntity, bool>> Equals(LambdaExpression member, object value) =>
        Expression.Lambda<Func<TEntity, bool>>(Expression.Equal(member.Body, QueryParameter.Of(value, member.ReturnType)), member.Parameters);

    private static Func<object, object?> Compile(LambdaExpression lambda)
    {
        var entity = Expression.Parameter(typeof(object), "entity");
        var body = AttributeMapping.Inline(lambda, Expression.Convert(entity, lambda.Parameters[0].Type));
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(body, typeof(object)), entity).Compile();
    }

    /// <summary>
    /// A time member's value as an instant; its type's default (<c>0001-01-01</c>, what a
    /// non-nullable member holds when nothing was written to it) is no value.
    /// </summary>
    private static DateTimeOffset? Instant(object? value) => value switch
    {
        DateTimeOffset { UtcTicks: 0 } => null,
        DateTimeOffset offset => offset,
        DateTime { Ticks: 0 } => null,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        _ => null,
    };

    private static JsonValue? ToNode(object? value, SchemaAttribute attribute) => value switch
    {
        null => null,
        string { Length: 0 } => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        // A non-nullable time member the host seeded or SCIM never wrote holds its default: absent, as null is.
        DateTime or DateTimeOffset => Instant(value) is { } instant ? JsonValue.Create(ScimDateTime.Format(instant)) : null,
        int or long or short or byte => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        decimal or double or float => JsonValue.Create(Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
        Guid guid => JsonValue.Create(guid.ToString()),
        _ => throw new InvalidOperationException($"A {value.GetType().Name} cannot hold the SCIM attribute '{attribute.Name}' ({attribute.Type}).")
    };

    private static object? FromNode(JsonNode? node, Type type)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return value.TryGetValue<string>(out var text) ? text : value.ToJsonString();
        }

        if (target == typeof(bool))
        {
            return value.TryGetValue<bool>(out var flag) ? flag : null;
        }

        if (target == typeof(DateTime) || target == typeof(DateTimeOffset))
        {
            return value.TryGetValue<string>(out var text) && ScimDateTime.TryParse(text, out var instant) ? TimeValue(instant, target) : null;
        }

        if (target == typeof(Guid))
        {
            return value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var guid) ? guid : null;
        }

        var number = value.TryGetValue<long>(out var integer) ? integer : value.TryGetValue<decimal>(out var dec) ? dec : (object?)null;
        return number is null ? null : Convert.ChangeType(number, target, CultureInfo.InvariantCulture);
    }

    /// <summary>A version made from the resource's values: it changes exactly when one of them does.</summary>
    private static string ComputedVersion(JsonObject tree, string? digest)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(digest is null ? tree.ToJsonString() : tree.ToJsonString() + "\n" + digest), hash);
        return "W/\"" + Convert.ToHexStringLower(hash[..8]) + "\"";
    }

    private sealed record Field(string? Extension, string Name, string? Sub, SchemaAttribute Attribute, Func<object, object?> Get, Action<object, object?> Set, Type ClrType, bool EmptyWhenAbsent, string Path)
    {
        /// <summary>A typed value's member as mapped (ordinary fields are in <see cref="Mapping"/> already).</summary>
        public LambdaExpression Read { get; init; } = null!;

        /// <summary>What filters compare of a typed value, when not <see cref="Read"/> (a normalized copy).</summary>
        public LambdaExpression? Compared { get; init; }

        public CaseFolding? Folding { get; init; }

        /// <summary>Whether a typed value's attribute has <c>primary</c>.</summary>
        public bool HasPrimary { get; init; }
    }

    /// <summary>One type's value of a multi-valued attribute, kept in the entity's members (<see cref="TypedValuePath"/>).</summary>
    private sealed record TypedValue(string? Extension, string Name, string Type, bool HasPrimary, Field[] Subs)
    {
        /// <summary>Whether it is the attribute's first type mapped: its primary one.</summary>
        public bool First { get; init; }
    }

    private readonly TypedValue[] _typedValues;

    private static Field TypedValueField(MappedAttribute attribute, ResolvedAttribute resolved)
    {
        var owner = resolved.Attribute;
        var leaf = resolved.SubAttribute;
        if (!owner.MultiValued || owner.Type != AttributeType.Complex || owner.FindSubAttribute("type") is null || leaf is null)
        {
            throw new InvalidOperationException($"The SCIM map of {typeof(TEntity).Name} maps '{attribute.Path}', but '{owner.Name}' is not a multi-valued attribute with a type: map '{resolved.Path}' without the brackets.");
        }

        if (leaf.Name is "type" or "primary" || leaf.Type == AttributeType.Complex)
        {
            throw new InvalidOperationException($"The SCIM map of {typeof(TEntity).Name} maps '{attribute.Path}': a value's '{leaf.Name}' is not kept in a member ('type' is the one in the brackets, and the first type mapped is the primary one); map its 'value' or another simple sub-attribute.");
        }

        return new Field(resolved.IsExtension ? resolved.Schema.Id : null, owner.Name, leaf.Name, leaf, Compile(attribute.Read), attribute.Write, attribute.Read.ReturnType, attribute.EmptyWhenAbsent, attribute.Path)
        {
            Read = attribute.Read,
            Compared = attribute.Compared,
            Folding = attribute.Folding,
            HasPrimary = owner.FindSubAttribute("primary") is not null,
        };
    }
}
