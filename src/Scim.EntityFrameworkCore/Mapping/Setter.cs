using System.Linq.Expressions;
using System.Reflection;

namespace Scim.EntityFrameworkCore;

/// <summary>The assignment a member expression stands for (<c>a =&gt; a.Email</c> gives <c>(a, v) =&gt; a.Email = v</c>).</summary>
internal static class Setter
{
    public static Action<object, object?> Of(LambdaExpression member)
    {
        if (member.Body is not MemberExpression { Member: PropertyInfo or FieldInfo } access || access.Expression != member.Parameters[0])
        {
            throw new ArgumentException($"'{member}' is not a property of the entity itself; map it with a read expression and a write action instead.", nameof(member));
        }

        if (access.Member is PropertyInfo { CanWrite: false })
        {
            throw new ArgumentException($"'{member}' has no setter; map it with a read expression and a write action instead.", nameof(member));
        }

        var entity = Expression.Parameter(typeof(object), "entity");
        var value = Expression.Parameter(typeof(object), "value");
        var target = Expression.MakeMemberAccess(Expression.Convert(entity, member.Parameters[0].Type), access.Member);
        var assign = Expression.Assign(target, Expression.Convert(value, access.Type));
        return Expression.Lambda<Action<object, object?>>(assign, entity, value).Compile();
    }
}
