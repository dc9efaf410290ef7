using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using System.Text.Json.Nodes;
using Scim.Core.Filtering;
using Scim.Core.Querying;
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

    private readonly LockedRead _lockedRead;
    private readonly SchemaRegistry _registry;

    public EntityStoreShared(EntityMap<TEntity> map, SchemaRegistry registry, string resourceTypeName, FilterOptions filterOptions)
    {
        // A component that resolves paths: the schemas must not change afterwards.
        registry.Freeze();
        var type = registry.FindResourceType(resourceTypeName) ?? throw new InvalidOperationException($"The schema registry has no {resourceTypeName} resource type.");
        _registry = registry;
        Shape = new EntityShape<TEntity>(map, registry, type);
        Queryable = new ScimQueryable(registry, Shape.Folding, filterOptions);
        // The members a unique index may cover: what an attribute is kept in, and its normalized copy.
        _pathsByMember = map.Attributes
            .SelectMany(a => new[] { (a.Read, a.Path), (a.Compared, a.Path) })
            .Where(p => p.Item1?.Body is MemberExpression)
            .GroupBy(p => ((MemberExpression)p.Item1!.Body).Member.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Canonical(registry, type, g.First().Path), StringComparer.Ordinal);
        KeyMember = (Shape.KeyExpression.Body as MemberExpression)?.Member.Name;
        _lockedRead = Shape.TenantExpression is { } tenant
            ? new LockedRead(typeof(TEntity), Shape.KeyExpression, tenant)
            : new LockedRead(typeof(TEntity), Shape.KeyExpression);
        DisplayName = map.Attributes.FirstOrDefault(a => a.Path.Equals("displayName", StringComparison.OrdinalIgnoreCase) && a.Read.ReturnType == typeof(string))?.Read;
        Claim = ClaimOf(map.VersionColumn ?? map.Attributes.Select(a => a.Read).FirstOrDefault(r => r.Body is MemberExpression { Member: System.Reflection.PropertyInfo { CanWrite: true } } m && m.Expression == r.Parameters[0]) ?? Shape.KeyExpression);
        UniquePaths = [.. map.Attributes
            .Select(a => registry.TryResolveAttribute(type, a.Path, out var resolved, out _) ? resolved : null)
            .Where(r => r is { SubAttribute: null, IsExtension: false, Attribute.Uniqueness: not Uniqueness.None, Attribute.Type: AttributeType.String })
            .Select(r => r!.Attribute.Name)];
        TenantMember = (Shape.TenantExpression?.Body as MemberExpression)?.Member.Name;
    }

    /// <summary>
    /// What a row whose manager is deleted is updated with (<c>MapManager</c>): the manager set to
    /// null, and <paramref name="version"/> and <paramref name="time"/> where the map keeps a
    /// version and a time (<see cref="EntityShape{TEntity}.Release"/> does the same to a row in memory).
    /// </summary>
    public Action<UpdateSettersBuilder<TEntity>> Released(string version, DateTimeOffset time)
    {
        var setters = new List<(LambdaExpression Column, LambdaExpression Value)>();
        if (Shape.ManagerExpression is { } manager)
        {
            setters.Add((manager, Expression.Lambda(Expression.Constant(null, manager.ReturnType), manager.Parameters)));
        }

        // Values are query parameters, so the statement is compiled once.
        if (Shape.VersionExpression is { } versionColumn)
        {
            setters.Add((versionColumn, Expression.Lambda(QueryParameter.Of(version), versionColumn.Parameters)));
        }

        if (Shape.LastModifiedExpression is { } lastModified)
        {
            setters.Add((lastModified, Expression.Lambda(QueryParameter.Of(EntityShape<TEntity>.TimeValue(time, lastModified.ReturnType), lastModified.ReturnType), lastModified.Parameters)));
        }

        return builder =>
        {
            foreach (var (column, value) in setters)
            {
                SetProperty.MakeGenericMethod(column.ReturnType).Invoke(builder, [column, value]);
            }
        };
    }

    /// <summary>The member that holds the tenant, when the map has one as a plain member.</summary>
    public string? TenantMember { get; }

    public EntityShape<TEntity> Shape { get; }

    /// <summary><c>SET c = c</c> on one mapped column: an update that changes nothing but locks the row.</summary>
    public Action<UpdateSettersBuilder<TEntity>> Claim { get; }

    public ScimQueryable Queryable { get; }

    /// <summary>What <c>displayName</c> is read from, when it is mapped to a string column (a group's name, joined to its memberships).</summary>
    public LambdaExpression? DisplayName { get; }

    /// <summary>The name of the key member (a unique violation on it is an id conflict).</summary>
    public string? KeyMember { get; }

    /// <summary>The mapped attributes the schema makes unique (<c>userName</c>).</summary>
    public IReadOnlyList<string> UniquePaths { get; }

    /// <summary>
    /// On PostgreSQL, one statement that reads the row of a key (<c>{0}</c>) in a tenant
    /// (<c>{1}</c>, for a map with a tenant) and locks it until the transaction ends, which a write
    /// composes with the tenant's rows and their parts (PostgreSQL locks the rows of a sub-select
    /// there); <see langword="null"/> where the row is claimed instead (see <see cref="Scim.EntityFrameworkCore.LockedRead"/>).
    /// </summary>
    public string? LockedRead(DbContext db) => _lockedRead.Sql(db);

    /// <summary>
    /// For a filter <c>attribute eq "text"</c> on a single-valued attribute of the resource type's
    /// own schema mapped to a member: that attribute's canonical path, and the value the filter
    /// translator compares the member with (as given for a caseExact attribute, normalized for a
    /// member that holds normalized values). <see langword="false"/> for any other filter, and where
    /// the translator folds the member too, which no index on it answers.
    /// </summary>
    public bool TryEquality(FilterExpression? filter, out string attribute, out string compared)
    {
        (attribute, compared) = (string.Empty, string.Empty);
        if (Equality(filter) is not var (resolved, mapped, text))
        {
            return false;
        }

        if (FilterBinder.IsCaseExact(resolved.Attribute))
        {
            (attribute, compared) = (resolved.Path, text);
            return true;
        }

        if ((mapped.Folding ?? Shape.Folding).FoldValue(text, static v => Expression.Constant(v, typeof(string))) is not ConstantExpression { Value: string folded })
        {
            return false;
        }

        (attribute, compared) = (resolved.Path, folded);
        return true;
    }

    /// <summary>
    /// For a filter <c>attribute eq "text"</c> on a single-valued attribute of the resource type's
    /// own schema mapped to a string member (however the translator compares it): the attribute's
    /// canonical path; <see langword="null"/> for any other filter.
    /// </summary>
    public string? EqualityPath(FilterExpression? filter) =>
        Equality(filter) is var (resolved, mapped, _) && mapped.Member.ReturnType == typeof(string) ? resolved.Path : null;

    private (ResolvedAttribute Resolved, Scim.Core.Querying.AttributeMapping.MemberMapping Mapped, string Text)? Equality(FilterExpression? filter) =>
        filter is ComparisonFilter { Operator: ComparisonOperator.Equal, Value: StringValue { Value: var text }, Path: { SubAttribute: null } path }
            && _registry.TryResolveAttribute(Shape.ResourceType, path.ToString(), out var resolved, out _)
            && resolved is { SubAttribute: null, IsExtension: false, Attribute: { MultiValued: false, Type: AttributeType.String } }
            && Shape.Mapping.Find(resolved) is Scim.Core.Querying.AttributeMapping.MemberMapping mapped
            ? (resolved, mapped, text)
            : null;

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


    // UpdateSettersBuilder.SetProperty(column, value expression), generic in the column's type.
    private static readonly System.Reflection.MethodInfo SetProperty = typeof(UpdateSettersBuilder<TEntity>).GetMethods()
        .Single(m => m.Name == nameof(UpdateSettersBuilder<TEntity>.SetProperty) && m.GetParameters() is [{ ParameterType.IsGenericType: true } first, { ParameterType.IsGenericType: true } second]
            && first.ParameterType.GetGenericTypeDefinition() == typeof(Expression<>) && second.ParameterType.GetGenericTypeDefinition() == typeof(Expression<>));

    private static Action<UpdateSettersBuilder<TEntity>> ClaimOf(LambdaExpression column)
    {
        var setProperty = SetProperty.MakeGenericMethod(column.ReturnType);
        return setters => setProperty.Invoke(setters, [column, column]);
    }

    private static string Canonical(SchemaRegistry registry, ScimResourceType type, string path) =>
        registry.TryResolveAttribute(type, path, out var resolved, out _) ? resolved.Path : path;
}
