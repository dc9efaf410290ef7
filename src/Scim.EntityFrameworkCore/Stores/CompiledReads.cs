using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Scim.Core.Querying;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The read by id as an EF Core compiled query per entity shape: the row of a key (in a tenant,
/// for a map with a tenant member), untracked, then its parts (their own compiled query). A compiled query skips the work EF
/// Core does for every LINQ query before its cache answers (finding the parameters in the
/// expression tree and hashing it); a GET by id, the commonest request, pays only for the SQL.
/// Compiled per model (<see cref="PerModel{T}"/>).
/// </summary>
internal static class CompiledReads<TContext, TEntity>
    where TContext : DbContext
    where TEntity : class
{
    private static readonly ConditionalWeakTable<EntityShape<TEntity>, PerModel<Func<TContext, object, string, Task<TEntity?>>>> Gets = new();

    private static readonly MethodInfo Typed = typeof(CompiledReads<TContext, TEntity>).GetMethod(nameof(ByKey), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>For <paramref name="db"/>'s model: the row of <c>key</c> in <c>tenant</c> (the tenant is ignored by a single-tenant map), or <see langword="null"/>.</summary>
    public static Func<TContext, object, string, Task<TEntity?>> ByKey(EntityShape<TEntity> shape, TContext db) =>
        Gets.GetValue(shape, static s => new(_ => (Func<TContext, object, string, Task<TEntity?>>)Typed.MakeGenericMethod(s.KeyType, s.TenantType).Invoke(null, [s])!)).Of(db);

    /// <summary>The compiled query, its tenant a parameter of the tenant member's type (a Guid for a Guid column).</summary>
    private static Func<TContext, object, string, Task<TEntity?>> ByKey<TKey, TTenant>(EntityShape<TEntity> shape)
    {
        var db = Expression.Parameter(typeof(TContext), "db");
        var key = Expression.Parameter(typeof(TKey), "key");
        var tenant = Expression.Parameter(typeof(TTenant), "tenant");
        var row = shape.KeyExpression.Parameters[0];

        Expression condition = Expression.Equal(shape.KeyExpression.Body, Expression.Convert(key, shape.KeyExpression.ReturnType));
        if (shape.TenantExpression is { } inTenant)
        {
            var tenantOfRow = AttributeMapping.Inline(inTenant, row);
            condition = Expression.AndAlso(condition, Expression.Equal(tenantOfRow, tenant));
        }

        if (shape.KeptExpression is { } kept)
        {
            condition = Expression.AndAlso(condition, AttributeMapping.Inline(kept, row));
        }

        Expression query = Expression.Call(db, typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(typeof(TEntity)));
        query = Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.AsNoTracking), [typeof(TEntity)], query);
        query = Expression.Call(typeof(Queryable), nameof(Queryable.Where), [typeof(TEntity)], query, Expression.Quote(Expression.Lambda<Func<TEntity, bool>>(condition, row)));
        var first = Expression.Call(typeof(Queryable), nameof(Queryable.FirstOrDefault), [typeof(TEntity)], query);
        var compiled = EF.CompileAsyncQuery(Expression.Lambda<Func<TContext, TKey, TTenant, TEntity?>>(first, db, key, tenant));
        var parts = shape.Parts;
        return parts is null ? (context, k, t) => compiled(context, (TKey)k, (TTenant)shape.TenantValue(t)) : async (context, k, t) =>
        {
            // The parts (a user's value rows), when the row holds no copy of them: a second compiled query, cheaper than a join.
            var entity = await compiled(context, (TKey)k, (TTenant)shape.TenantValue(t)).ConfigureAwait(false);
            if (entity is not null)
            {
                await parts.LoadAsync(context, [entity], CancellationToken.None).ConfigureAwait(false);
            }

            return entity;
        };
    }
}
