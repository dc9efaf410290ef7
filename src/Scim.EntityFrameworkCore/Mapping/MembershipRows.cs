using System.Linq.Expressions;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The <c>members</c> of a group in a filter (<c>members[value eq "42"]</c>, as Entra ID asks
/// before it adds a member). The attribute mapping names the membership rows of a group with a
/// marker call, since the mapping outlives any one DbContext; before a query runs, the marker
/// becomes a subquery over the rows of the query's own context:
/// <c>EXISTS (SELECT 1 FROM memberships m WHERE m.group = g.key AND m.member = @p)</c>.
/// </summary>
internal static class MembershipRows
{
    /// <summary>The marker: never called, only replaced.</summary>
    public static IEnumerable<TMember> Of<TMember, TGroupKey>(TGroupKey groupKey) =>
        throw new InvalidOperationException("A membership marker reached the database provider without being replaced.");

    /// <summary>Replaces each marker with <c>rows.Where(m =&gt; m.GroupKey == key)</c>.</summary>
    public sealed class Expand<TMember, TGroupKey>(Expression rows, Expression<Func<TMember, TGroupKey>> groupKey) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.IsGenericMethod && node.Method.DeclaringType == typeof(MembershipRows) && node.Method.Name == nameof(Of))
            {
                var key = Visit(node.Arguments[0]);
                var row = groupKey.Parameters[0];
                var sameGroup = Expression.Lambda<Func<TMember, bool>>(Expression.Equal(groupKey.Body, key), row);
                return Expression.Call(typeof(Queryable), nameof(Queryable.Where), [typeof(TMember)], rows, Expression.Quote(sameGroup));
            }

            return base.VisitMethodCall(node);
        }
    }
}
