using System.Linq.Expressions;
using System.Text.Json.Nodes;
using Scim.Core.Filtering;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// What the stores of one entity share across requests (a singleton): the map resolved against the
/// frozen schemas, the query helper, and which mapped attributes the schema makes unique.
/// </summary>
internal sealed class EntityStoreShared<TEntity>
    where TEntity : class
{
    private readonly Dictionary<string, string> _pathsByMember;
    private readonly Func<TEntity> _create = Expression.Lambda<Func<TEntity>>(Expression.New(typeof(TEntity))).Compile();

    public EntityStoreShared(EntityMap<TEntity> map, SchemaRegistry registry, string resourceTypeName, FilterOptions filterOptions)
    {
        // A component that resolves paths: the schemas must not change afterwards.
        registry.Freeze();
        var type = registry.FindResourceType(resourceTypeName) ?? throw new InvalidOperationException($"The schema registry has no {resourceTypeName} resource type.");
        Shape = new EntityShape<TEntity>(map, registry, type);
        Queryable = new ScimQueryable(registry, Shape.Folding, filterOptions);
        _pathsByMember = map.Attributes
            .Where(a => a.Read.Body is MemberExpression)
            .GroupBy(a => ((MemberExpression)a.Read.Body).Member.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Canonical(registry, type, g.First().Path), StringComparer.Ordinal);
        KeyMember = (Shape.KeyExpression.Body as MemberExpression)?.Member.Name;
        UniquePaths = [.. map.Attributes
            .Select(a => registry.TryResolveAttribute(type, a.Path, out var resolved, out _) ? resolved : null)
            .Where(r => r is { SubAttribute: null, IsExtension: false, Attribute.Uniqueness: not Uniqueness.None, Attribute.Type: AttributeType.String })
            .Select(r => r!.Attribute.Name)];
    }

    public EntityShape<TEntity> Shape { get; }

    public ScimQueryable Queryable { get; }

    /// <summary>The name of the key member (a unique violation on it is an id conflict).</summary>
    public string? KeyMember { get; }

    /// <summary>The mapped attributes the schema makes unique (<c>userName</c>).</summary>
    public IReadOnlyList<string> UniquePaths { get; }

    /// <summary>A new entity (the map's entity class has a parameterless constructor).</summary>
    public TEntity Create() => _create();

    /// <summary>The SCIM attribute a member holds, when it is mapped as it is.</summary>
    public string? PathOfMember(string member) => _pathsByMember.GetValueOrDefault(member);

    /// <summary>The values a resource gives the unique attributes.</summary>
    public IEnumerable<(string Path, string Value)> UniqueValues(JsonObject tree)
    {
        foreach (var path in UniquePaths)
        {
            if (tree[path] is JsonValue value && value.TryGetValue<string>(out var text))
            {
                yield return (path, text);
            }
        }
    }

    private static string Canonical(SchemaRegistry registry, ScimResourceType type, string path) =>
        registry.TryResolveAttribute(type, path, out var resolved, out _) ? resolved.Path : path;
}
