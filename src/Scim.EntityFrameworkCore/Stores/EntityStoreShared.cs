using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage;
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

    // LockedRead's statement, for the model it was made for (a context type's model is one instance).
    private LockedStatement? _lockedRead;

    public EntityStoreShared(EntityMap<TEntity> map, SchemaRegistry registry, string resourceTypeName, FilterOptions filterOptions)
    {
        // A component that resolves paths: the schemas must not change afterwards.
        registry.Freeze();
        var type = registry.FindResourceType(resourceTypeName) ?? throw new InvalidOperationException($"The schema registry has no {resourceTypeName} resource type.");
        Shape = new EntityShape<TEntity>(map, registry, type);
        Queryable = new ScimQueryable(registry, Shape.Folding, filterOptions);
        // The members a unique index may cover: what an attribute is kept in, and its normalized copy.
        _pathsByMember = map.Attributes
            .SelectMany(a => new[] { (a.Read, a.Path), (a.Compared, a.Path) })
            .Where(p => p.Item1?.Body is MemberExpression)
            .GroupBy(p => ((MemberExpression)p.Item1!.Body).Member.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Canonical(registry, type, g.First().Path), StringComparer.Ordinal);
        KeyMember = (Shape.KeyExpression.Body as MemberExpression)?.Member.Name;
        DisplayName = map.Attributes.FirstOrDefault(a => a.Path.Equals("displayName", StringComparison.OrdinalIgnoreCase) && a.Read.ReturnType == typeof(string))?.Read;
        Claim = ClaimOf(map.VersionColumn ?? map.Attributes.Select(a => a.Read).FirstOrDefault(r => r.Body is MemberExpression { Member: System.Reflection.PropertyInfo { CanWrite: true } } m && m.Expression == r.Parameters[0]) ?? Shape.KeyExpression);
        UniquePaths = [.. map.Attributes
            .Select(a => registry.TryResolveAttribute(type, a.Path, out var resolved, out _) ? resolved : null)
            .Where(r => r is { SubAttribute: null, IsExtension: false, Attribute.Uniqueness: not Uniqueness.None, Attribute.Type: AttributeType.String })
            .Select(r => r!.Attribute.Name)];
    }

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
    /// (<c>{1}</c>, for a map with a tenant) and locks it until the transaction ends:
    /// <c>SELECT * FROM t WHERE key = {0} AND tenant = {1} FOR NO KEY UPDATE</c>. A write composes it
    /// with the tenant's rows and their parts (PostgreSQL locks the rows of a sub-select there),
    /// where other providers claim the row with an update that changes nothing and then read it:
    /// one round trip instead of two. The lock is the one such an update takes, not <c>FOR UPDATE</c>,
    /// which would also hold up the <c>FOR KEY SHARE</c> that adding the row as a group's member
    /// (and a foreign key's check) takes. <see langword="null"/> on other providers, and where the
    /// entity is not one plain table with its key and tenant in columns of their own, unconverted
    /// (a raw statement's parameters do not pass through value converters).
    /// </summary>
    public string? LockedRead(DbContext db)
    {
        var known = Volatile.Read(ref _lockedRead);
        if (known is null || !ReferenceEquals(known.Model, db.Model))
        {
            known = new LockedStatement(db.Model, LockedReadOf(db));
            Volatile.Write(ref _lockedRead, known);
        }

        return known.Sql;
    }

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

    private string? LockedReadOf(DbContext db)
    {
        if (db.Database.ProviderName != "Npgsql.EntityFrameworkCore.PostgreSQL"
            || db.Model.FindEntityType(typeof(TEntity)) is not { BaseType: null } entity
            || entity.GetDerivedTypes().Any()
            || entity.GetViewName() is not null
            || entity.GetSqlQuery() is not null
            || entity.GetTableName() is not { } name)
        {
            return null;
        }

        var table = StoreObjectIdentifier.Table(name, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string? Column(LambdaExpression member) =>
            member.Body is MemberExpression { Member: var m } e && e.Expression == member.Parameters[0]
            && entity.FindProperty(m.Name) is { } property && property.GetValueConverter() is null && property.GetTypeMapping().Converter is null
            && property.GetColumnName(table) is { } column
                ? sql.DelimitIdentifier(column)
                : null;
        if (Column(Shape.KeyExpression) is not { } key)
        {
            return null;
        }

        var condition = $"{key} = {{0}}";
        if (Shape.TenantExpression is { } tenantExpression)
        {
            if (Column(tenantExpression) is not { } tenant)
            {
                return null;
            }

            condition += $" AND {tenant} = {{1}}";
        }

        return $"SELECT * FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {condition} FOR NO KEY UPDATE";
    }

    private sealed record LockedStatement(IModel Model, string? Sql);

    private static Action<UpdateSettersBuilder<TEntity>> ClaimOf(LambdaExpression column)
    {
        var setProperty = typeof(UpdateSettersBuilder<TEntity>).GetMethods()
            .Single(m => m.Name == nameof(UpdateSettersBuilder<TEntity>.SetProperty) && m.GetParameters() is [{ ParameterType.IsGenericType: true } first, { ParameterType.IsGenericType: true } second]
                && first.ParameterType.GetGenericTypeDefinition() == typeof(Expression<>) && second.ParameterType.GetGenericTypeDefinition() == typeof(Expression<>))
            .MakeGenericMethod(column.ReturnType);
        return setters => setProperty.Invoke(setters, [column, column]);
    }

    private static string Canonical(SchemaRegistry registry, ScimResourceType type, string path) =>
        registry.TryResolveAttribute(type, path, out var resolved, out _) ? resolved.Path : path;
}
