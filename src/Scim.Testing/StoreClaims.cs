using System.Text.Json.Nodes;
using Scim.Core.Filtering;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Testing;

/// <summary>
/// What the suites may expect of the stores under test, from <see cref="StoreUnderTest"/>: the
/// claims as given, and everything derived from <see cref="StoreUnderTest.Schemas"/> (which
/// attributes are kept, whether groups may be members). The one place that reduces a resource to
/// what the stores keep.
/// </summary>
internal sealed class StoreClaims
{
    private readonly IReadOnlyDictionary<string, JsonNode> _absentUserValues;
    private ScimFilterEvaluator? _evaluator;

    public StoreClaims(StoreUnderTest stores, SchemaRegistry defaults)
    {
        Schemas = stores.Schemas ?? defaults;
        Schemas.Freeze();
        UserType = Schemas.FindResourceType("User") ?? throw new InvalidOperationException("StoreUnderTest.Schemas has no User resource type.");
        GroupType = Schemas.FindResourceType("Group") ?? throw new InvalidOperationException("StoreUnderTest.Schemas has no Group resource type.");
        SingleTenant = stores.SingleTenant;
        AssignsIds = stores.AssignsIds;
        KeepsVersions = stores.KeepsVersions;
        _absentUserValues = stores.AbsentUserValues;
        var memberTypes = Schemas.FindSchema(GroupType.Schema)?.FindAttribute("members")?.FindSubAttribute("type")?.CanonicalValues ?? [];
        GroupsMayBeMembers = memberTypes.Count == 0 || memberTypes.Contains("Group", StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The schemas served over the stores (frozen: the declarations applied).</summary>
    public SchemaRegistry Schemas { get; }

    /// <summary>The User resource type of <see cref="Schemas"/>.</summary>
    public ScimResourceType UserType { get; }

    /// <summary>The Group resource type of <see cref="Schemas"/>.</summary>
    public ScimResourceType GroupType { get; }

    /// <inheritdoc cref="StoreUnderTest.SingleTenant"/>
    public bool SingleTenant { get; }

    /// <inheritdoc cref="StoreUnderTest.AssignsIds"/>
    public bool AssignsIds { get; }

    /// <inheritdoc cref="StoreUnderTest.KeepsVersions"/>
    public bool KeepsVersions { get; }

    /// <summary>Whether a group's <c>members</c> may be groups (<c>members.type</c> allows <c>Group</c>).</summary>
    public bool GroupsMayBeMembers { get; }

    /// <summary>The reference evaluator over <see cref="Schemas"/>.</summary>
    public ScimFilterEvaluator Evaluator => _evaluator ??= new ScimFilterEvaluator(Schemas);

    /// <summary>The resource type of a resource.</summary>
    public ScimResourceType TypeOf(ScimResource resource) => resource is Group ? GroupType : UserType;

    /// <summary>Whether the stores keep the attribute at this path (<c>userName</c>, <c>name.givenName</c>, <c>meta.created</c>, an extension's URN-qualified path).</summary>
    public bool Keeps(ScimResourceType type, string path)
    {
        if (!Schemas.TryResolveAttribute(type, path, out var resolved, out _))
        {
            return false; // not in the served schemas: not declared (externalId included)
        }

        return !ReferenceEquals(resolved.Attribute, CommonAttributes.Meta) || KeepsMeta(type, resolved.SubAttribute is null ? "meta" : "meta." + resolved.SubAttribute.Name);
    }

    /// <summary>The first attribute path a filter names that the stores do not keep, or <see langword="null"/> when they keep all.</summary>
    public string? FirstUnkept(ScimResourceType type, FilterExpression filter) =>
        Paths(filter, parent: null).FirstOrDefault(path => !path.Equals("schemas", StringComparison.OrdinalIgnoreCase) && !Keeps(type, path));

    /// <summary>Whether a filter compares <c>id</c> other than by equality (meaningless for ids the store assigns).</summary>
    public static bool OrdersIds(FilterExpression filter) => filter switch
    {
        ComparisonFilter c => c.Path is { SchemaUri: null, SubAttribute: null } && c.Path.Name.Equals("id", StringComparison.OrdinalIgnoreCase)
            && c.Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual),
        AndFilter a => OrdersIds(a.Left) || OrdersIds(a.Right),
        OrFilter o => OrdersIds(o.Left) || OrdersIds(o.Right),
        NotFilter n => OrdersIds(n.Inner),
        _ => false,
    };

    /// <summary>
    /// The canonical tree of a resource reduced to what the stores keep: attributes and
    /// sub-attributes the served schemas lack are dropped, <c>externalId</c> unless kept, the
    /// sub-attributes of <c>meta</c> but <c>version</c> unless declared (when the type declares
    /// anything), and <c>schemas</c> (the service derives it). Call it before handing the resource
    /// to a store, which owns it afterwards.
    /// </summary>
    public JsonObject Reduce(ScimResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var type = TypeOf(resource);
        var core = Schemas.FindSchema(type.Schema)!;
        var reduced = new JsonObject();
        foreach (var (key, value) in ResourceTrees.ToTree(resource))
        {
            var kept = value is null ? null : key switch
            {
                "schemas" => null,
                "id" => value.DeepClone(),
                "externalId" => Schemas.KeepsExternalId(type) ? value.DeepClone() : null,
                "meta" => ReduceMeta(type, value.AsObject()),
                _ when key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) => ReduceExtension(type, key, value),
                _ => core.FindAttribute(key) is { } attribute ? ReduceValue(attribute, value) : null,
            };
            if (kept is not null)
            {
                reduced[key] = kept;
            }
        }

        if (resource is User)
        {
            foreach (var (name, value) in _absentUserValues)
            {
                if (!reduced.ContainsKey(name) && core.FindAttribute(name) is not null)
                {
                    reduced[name] = value.DeepClone();
                }
            }
        }

        return reduced;
    }

    /// <summary>A user reduced to what the stores keep (see <see cref="Reduce"/>), as a new object.</summary>
    public User ReduceUser(User user) => ResourceTrees.ToUser(Reduce(user));

    private bool KeepsMeta(ScimResourceType type, string path) =>
        !Schemas.Declarations.TryGetValue(type.Name, out var declared)
        || declared.Any(p => p.Equals("meta", StringComparison.OrdinalIgnoreCase) || p.Equals(path, StringComparison.OrdinalIgnoreCase));

    private JsonObject ReduceMeta(ScimResourceType type, JsonObject meta)
    {
        var reduced = new JsonObject();
        foreach (var (key, value) in meta)
        {
            if (value is not null && (key == "version" || KeepsMeta(type, "meta." + key)))
            {
                reduced[key] = value.DeepClone();
            }
        }

        return reduced;
    }

    private JsonObject? ReduceExtension(ScimResourceType type, string urn, JsonNode value)
    {
        if (!type.SchemaExtensions.Any(e => e.Schema.Equals(urn, StringComparison.OrdinalIgnoreCase)) || Schemas.FindSchema(urn) is not { } schema || value is not JsonObject attributes)
        {
            return null;
        }

        var reduced = new JsonObject();
        foreach (var (key, attributeValue) in attributes)
        {
            if (attributeValue is not null && schema.FindAttribute(key) is { } attribute)
            {
                reduced[key] = ReduceValue(attribute, attributeValue);
            }
        }

        return reduced;
    }

    private static JsonNode ReduceValue(SchemaAttribute attribute, JsonNode value) => (attribute.Type, value) switch
    {
        (AttributeType.Complex, JsonArray items) => new JsonArray([.. items.Select(item => item is JsonObject element ? ReduceComplex(attribute, element) : item?.DeepClone())]),
        (AttributeType.Complex, JsonObject element) => ReduceComplex(attribute, element),
        _ => value.DeepClone(),
    };

    private static JsonObject ReduceComplex(SchemaAttribute attribute, JsonObject value)
    {
        var reduced = new JsonObject();
        foreach (var (key, subValue) in value)
        {
            if (attribute.FindSubAttribute(key) is not null)
            {
                reduced[key] = subValue?.DeepClone();
            }
        }

        return reduced;
    }

    /// <summary>Every attribute path a filter names; inside <c>emails[...]</c> as <c>emails.type</c>.</summary>
    private static IEnumerable<string> Paths(FilterExpression filter, AttributePath? parent) => filter switch
    {
        ComparisonFilter c => [Path(c.Path, parent)],
        PresentFilter p => [Path(p.Path, parent)],
        AndFilter a => Paths(a.Left, parent).Concat(Paths(a.Right, parent)),
        OrFilter o => Paths(o.Left, parent).Concat(Paths(o.Right, parent)),
        NotFilter n => Paths(n.Inner, parent),
        ValuePathFilter v => Paths(v.Filter, v.Path).Prepend(v.Path.ToString()),
        _ => [],
    };

    private static string Path(AttributePath path, AttributePath? parent) =>
        parent is null ? path.ToString() : (parent with { SubAttribute = path.Name }).ToString();
}
