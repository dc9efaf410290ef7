using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// How a write reads the row it changes and locks it, on PostgreSQL, in one statement:
/// <c>SELECT * FROM t WHERE c0 = {0} AND c1 = {1} ... FOR NO KEY UPDATE</c>, over the columns that
/// find the row (its key, its tenant, its resource type), for <c>FromSqlRaw</c>. Other providers
/// claim the row with an update that changes nothing and then read it: this saves that round trip.
/// <list type="bullet">
/// <item>The lock is the one such an update takes, not <c>FOR UPDATE</c>, which would also hold up
/// the <c>FOR KEY SHARE</c> that adding the row as a group's member (and a foreign key's check)
/// takes.</item>
/// <item>No statement (<see langword="null"/>) on other providers, and where the entity is not one
/// plain table (a hierarchy, a view, a SQL query) or a column that finds the row has a value
/// converter (a raw statement's parameters do not pass through converters): the caller claims
/// the row instead.</item>
/// <item>The statement is kept per model (<see cref="PerModel{T}"/>).</item>
/// </list>
/// </summary>
/// <param name="entityType">The entity class.</param>
/// <param name="columns">The members that find the row, in the order of the statement's parameters.</param>
internal sealed class LockedRead(Type entityType, params LambdaExpression[] columns)
{
    private readonly PerModel<Known> _known = new(db => new Known(Build(db, entityType, columns, "FOR NO KEY UPDATE", anyKey: false)));

    /// <summary>
    /// The rows of many keys (the first column's parameter an array, <c>= ANY({0})</c>) read
    /// <c>FOR SHARE</c>: a writer that marks one of them deleted (<c>FOR NO KEY UPDATE</c>) waits
    /// for the reader's transaction, or the reader for the writer's and then reads the row as the
    /// writer left it (see <see cref="ServedUsers{TContext}"/>).
    /// </summary>
    public static LockedRead Shared(Type entityType, params LambdaExpression[] columns) => new(entityType, columns, "FOR SHARE");

    private LockedRead(Type entityType, LambdaExpression[] columns, string lockClause)
        : this(entityType, columns) =>
        _known = new(db => new Known(Build(db, entityType, columns, lockClause, anyKey: true)));

    /// <summary>The statement for <paramref name="db"/>'s model, or null where the row is claimed instead.</summary>
    public string? Sql(DbContext db) => _known.Of(db).Sql;

    private static string? Build(DbContext db, Type entityType, LambdaExpression[] columns, string lockClause, bool anyKey)
    {
        if (db.Database.ProviderName != "Npgsql.EntityFrameworkCore.PostgreSQL"
            || db.Model.FindEntityType(entityType) is not { BaseType: null } entity
            || entity.GetDerivedTypes().Any()
            || entity.GetViewName() is not null
            || entity.GetSqlQuery() is not null
            || entity.GetTableName() is not { } name)
        {
            return null;
        }

        var table = StoreObjectIdentifier.Table(name, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var conditions = new List<string>(columns.Length);
        foreach (var member in columns)
        {
            if (member.Body is not MemberExpression { Member: var m } e || e.Expression != member.Parameters[0]
                || entity.FindProperty(m.Name) is not { } property || property.GetValueConverter() is not null || property.GetTypeMapping().Converter is not null
                || property.GetColumnName(table) is not { } column)
            {
                return null;
            }

            conditions.Add(anyKey && conditions.Count == 0 ? $"{sql.DelimitIdentifier(column)} = ANY({{0}})" : $"{sql.DelimitIdentifier(column)} = {{{conditions.Count}}}");
        }

        return $"SELECT * FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {string.Join(" AND ", conditions)} {lockClause}";
    }

    private sealed record Known(string? Sql);
}
