using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// A lookup by one attribute (<c>filter=userName eq "..."</c>, <c>externalId eq</c>, a group's
/// <c>displayName eq</c>: what IdPs ask before they create or link a resource) as an EF Core
/// compiled query per entity shape and attribute. The filter is translated exactly as for a
/// planned page; its one value, a query parameter there, becomes the compiled query's parameter
/// here. The rows, their order and their count are the planned page's, without the work EF Core
/// does for every LINQ query before its cache answers (finding the parameters in the expression
/// tree and hashing it): about a sixth of a lookup over a host's entities, measured in process.
/// Which filters have one is decided once per store; the queries are compiled per model
/// (<see cref="PerModel{T}"/>).
/// </summary>
internal static class CompiledLookups<TContext, TEntity>
    where TContext : DbContext
    where TEntity : class
{
    private static readonly ConditionalWeakTable<EntityStoreShared<TEntity>, ConcurrentDictionary<string, Queries?>> Made = new();

    /// <summary>
    /// The compiled lookup of a filter <c>attribute eq "text"</c> on a string member, with the
    /// value to pass it; <see langword="null"/> for any other filter, which is planned.
    /// </summary>
    public static Lookup? Of(EntityStoreShared<TEntity> shared, FilterExpression? filter)
    {
        if (shared.EqualityPath(filter) is not { } path)
        {
            return null;
        }

        // Translated as for a planned page, for the value the translator compares (as given, or
        // normalized for a normalized column): it is the condition's one parameter.
        var condition = shared.Queryable.Condition(filter!, shared.Shape.ResourceType, shared.Shape.Mapping);
        if (Parameters.Of(condition) is not { Raw: string raw })
        {
            return null;
        }

        var queries = Made.GetValue(shared, static _ => new ConcurrentDictionary<string, Queries?>(StringComparer.Ordinal))
            .GetOrAdd(path, static (_, state) => Queries.Compile(state.shared, state.condition), (shared, condition));
        return queries is null ? null : new Lookup(queries, queries.Value(raw));
    }

    /// <summary>A compiled lookup and the value it looks for.</summary>
    public sealed class Lookup(Queries queries, string value)
    {
        /// <summary>The first <paramref name="count"/> rows of the tenant that match, untracked, in the planned page's order (by key).</summary>
        public async Task<List<TEntity>> RowsAsync(TContext db, string tenant, int count, CancellationToken cancellationToken)
        {
            var rows = new List<TEntity>();
            await foreach (var row in queries.Of(db).Rows(db, value, tenant, count).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
            }

            return rows;
        }

        /// <summary>How many rows of the tenant match.</summary>
        public Task<int> CountAsync(TContext db, string tenant, CancellationToken cancellationToken) => queries.Of(db).Count(db, value, tenant, cancellationToken);

        /// <summary>Whether any row of the tenant matches (a uniqueness check).</summary>
        public Task<bool> AnyAsync(TContext db, string tenant, CancellationToken cancellationToken) => queries.Of(db).Any(db, value, tenant, cancellationToken);
    }

    /// <summary>The queries of one attribute (the first rows, the count, and whether there is any), compiled per model.</summary>
    public sealed class Queries
    {
        private readonly PerModel<Compiled> _compiled;

        private Queries(Func<Compiled> compile, Func<string, string> value)
        {
            _compiled = new(_ => compile());
            Value = value;
        }

        /// <summary>
        /// Compiles the three queries with the tenant a parameter of the tenant member's type (a
        /// Guid for a Guid column, so its index answers), taking the request's tenant as text.
        /// </summary>
        private static Func<Compiled> Compiler<TTenant>(EntityShape<TEntity> shape, LambdaExpression rows, LambdaExpression count, LambdaExpression any) => () =>
        {
            var r = EF.CompileAsyncQuery((Expression<Func<TContext, string, TTenant, int, IQueryable<TEntity>>>)rows);
            var c = EF.CompileAsyncQuery((Expression<Func<TContext, string, TTenant, CancellationToken, int>>)count);
            var a = EF.CompileAsyncQuery((Expression<Func<TContext, string, TTenant, CancellationToken, bool>>)any);
            return new Compiled(
                (db, value, tenant, n) => r(db, value, (TTenant)shape.TenantValue(tenant), n),
                (db, value, tenant, ct) => c(db, value, (TTenant)shape.TenantValue(tenant), ct),
                (db, value, tenant, ct) => a(db, value, (TTenant)shape.TenantValue(tenant), ct));
        };

        /// <summary>The parameter the queries take for the filter's query parameter (folded as the planned query folds it).</summary>
        public Func<string, string> Value { get; }

        /// <summary>The queries compiled for <paramref name="db"/>'s model.</summary>
        public Compiled Of(TContext db) => _compiled.Of(db);

        /// <summary>
        /// The queries of a translated condition with one value side, that side made the compiled
        /// query's own parameter; <see langword="null"/> for any other condition, and for one that
        /// names a group's membership rows, which only a planned query can expand in its own context.
        /// </summary>
        public static Queries? Compile(EntityStoreShared<TEntity> shared, Expression<Func<TEntity, bool>> condition)
        {
            var db = Expression.Parameter(typeof(TContext), "db");
            var value = Expression.Parameter(typeof(string), "value");
            var tenantType = shared.Shape.TenantType;
            var tenant = Expression.Parameter(tenantType, "tenant");
            var count = Expression.Parameter(typeof(int), "count");
            var row = condition.Parameters[0];
            var parameters = new Parameters(value);
            var test = parameters.Visit(condition.Body)!;
            if (parameters is not { Found: 1, Unsupported: false })
            {
                return null;
            }

            if (shared.Shape.TenantExpression is { } inTenant)
            {
                test = Expression.AndAlso(Expression.Equal(AttributeMapping.Inline(inTenant, row), tenant), test);
            }

            if (shared.Shape.KeptExpression is { } kept)
            {
                test = Expression.AndAlso(AttributeMapping.Inline(kept, row), test);
            }

            Expression matches = Expression.Call(db, typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(typeof(TEntity)));
            matches = Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.AsNoTracking), [typeof(TEntity)], matches);
            matches = Expression.Call(typeof(Queryable), nameof(Queryable.Where), [typeof(TEntity)], matches, Expression.Quote(Expression.Lambda<Func<TEntity, bool>>(test, row)));
            var order = ScimQueryable.IdOrder(shared.Shape.Mapping);
            var page = Expression.Call(typeof(Queryable), nameof(Queryable.OrderBy), [typeof(TEntity), order.ReturnType], matches, Expression.Quote(order));
            page = Expression.Call(typeof(Queryable), nameof(Queryable.Take), [typeof(TEntity)], page, count);
            var total = Expression.Call(typeof(Queryable), nameof(Queryable.Count), [typeof(TEntity)], matches);
            var any = Expression.Call(typeof(Queryable), nameof(Queryable.Any), [typeof(TEntity)], matches);
            var cancellation = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
            var rows = Expression.Lambda(typeof(Func<,,,,>).MakeGenericType(typeof(TContext), typeof(string), tenantType, typeof(int), typeof(IQueryable<TEntity>)), page, db, value, tenant, count);
            var counted = Expression.Lambda(typeof(Func<,,,,>).MakeGenericType(typeof(TContext), typeof(string), tenantType, typeof(CancellationToken), typeof(int)), total, db, value, tenant, cancellation);
            var anyOf = Expression.Lambda(typeof(Func<,,,,>).MakeGenericType(typeof(TContext), typeof(string), tenantType, typeof(CancellationToken), typeof(bool)), any, db, value, tenant, cancellation);
            var compile = (Func<Compiled>)typeof(Queries).GetMethod(nameof(Compiler), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(tenantType).Invoke(null, [shared.Shape, rows, counted, anyOf])!;
            return new Queries(compile, parameters.Evaluation());
        }
    }

    /// <summary>The compiled queries of one attribute for one model.</summary>
    public sealed record Compiled(
        Func<TContext, string, string, int, IAsyncEnumerable<TEntity>> Rows,
        Func<TContext, string, string, CancellationToken, Task<int>> Count,
        Func<TContext, string, string, CancellationToken, Task<bool>> Any);

    /// <summary>
    /// Finds the value side of a translated condition's comparison: its query parameter, or a chain
    /// of string methods on it (<c>ToLower()</c>, as the default case folding writes it), which EF
    /// Core evaluates in .NET for a planned query (the funcletizer) but would send to SQL with a
    /// compiled query's parameter (SQLite's <c>lower()</c> folds ASCII only). The compiled lookup
    /// takes the side's value, evaluated here, as its parameter. A parameter anywhere else (a
    /// custom folding's function) leaves the lookup to the planned query.
    /// </summary>
    private sealed class Parameters(ParameterExpression? replacement) : ExpressionVisitor
    {
        public int Found { get; private set; }

        public bool Unsupported { get; private set; }

        public object? Raw { get; private set; }

        public Expression? Side { get; private set; }

        /// <summary>The condition's one value side, or <see langword="null"/> when it has none, several, or a parameter elsewhere.</summary>
        public static Parameters? Of(Expression<Func<TEntity, bool>> condition)
        {
            var finder = new Parameters(null);
            finder.Visit(condition.Body);
            return finder is { Found: 1, Unsupported: false } ? finder : null;
        }

        /// <summary>The value side as a function of the query parameter's value.</summary>
        public Func<string, string> Evaluation()
        {
            var raw = Expression.Parameter(typeof(string), "raw");
            return Expression.Lambda<Func<string, string>>(Rebuild(Side!, raw), raw).Compile();

            static Expression Rebuild(Expression side, ParameterExpression raw) =>
                side is MethodCallExpression call ? Expression.Call(Rebuild(call.Object!, raw), call.Method, call.Arguments) : raw;
        }

        public override Expression? Visit(Expression? node)
        {
            if (node is not null && QueryParameter.IsParameter(node, out _))
            {
                Unsupported = true;
                return node;
            }

            return base.Visit(node);
        }

        protected override Expression VisitBinary(BinaryExpression node)
        {
            if (node.NodeType == ExpressionType.Equal && Take(node.Left) is { } left)
            {
                return node.Update(left, node.Conversion, Visit(node.Right)!);
            }

            if (node.NodeType == ExpressionType.Equal && Take(node.Right) is { } right)
            {
                return node.Update(Visit(node.Left)!, node.Conversion, right);
            }

            return base.VisitBinary(node);
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            Unsupported |= node.Method.DeclaringType == typeof(MembershipRows);
            return base.VisitMethodCall(node);
        }

        private Expression? Take(Expression side)
        {
            if (!IsValueSide(side, out var raw))
            {
                return null;
            }

            Found++;
            (Raw, Side) = (raw, side);
            return replacement ?? side;
        }

        private static bool IsValueSide(Expression side, out object? raw) => side switch
        {
            _ when QueryParameter.IsParameter(side, out raw) => side.Type == typeof(string),
            MethodCallExpression { Object: { } on, Method.DeclaringType: var type, Arguments: var arguments } when type == typeof(string) && arguments.All(a => a is ConstantExpression) => IsValueSide(on, out raw),
            _ => (raw = null) is not null,
        };
    }
}
