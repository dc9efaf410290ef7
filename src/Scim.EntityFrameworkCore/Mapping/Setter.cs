using System.Linq.Expressions;
using System.Reflection;

namespace Scim.EntityFrameworkCore;

/// <summary>The assignment a member expression stands for (<c>a =&gt; a.Email</c> gives <c>(a, v) =&gt; a.Email = v</c>).</summary>
internal static class Setter
{
    /// <param name="member">The member expression.</param>
    /// <param name="orWriteAction">Whether the member maps an attribute, which <c>Map(path, read, write)</c> could map another way (the advice of the error).</param>
    public static Action<object, object?> Of(LambdaExpression member, bool orWriteAction = false)
    {
        var advice = orWriteAction ? "map it with a read expression and a write action instead" : "name a settable property or field of the entity itself (a column)";
        if (member.Body is not MemberExpression { Member: PropertyInfo or FieldInfo } access || access.Expression != member.Parameters[0])
        {
            throw new ArgumentException($"'{member}' is not a property of the entity itself; {advice}.", nameof(member));
        }

        if (access.Member is PropertyInfo { CanWrite: false })
        {
            throw new ArgumentException($"'{member}' has no setter; {advice}.", nameof(member));
        }

        var entity = Expression.Parameter(typeof(object), "entity");
        var value = Expression.Parameter(typeof(object), "value");
        var target = Expression.MakeMemberAccess(Expression.Convert(entity, member.Parameters[0].Type), access.Member);
        var assign = Expression.Assign(target, Expression.Convert(value, access.Type));
        return Expression.Lambda<Action<object, object?>>(assign, entity, value).Compile();
    }

    /// <summary>The property or field a member expression names (checked by <see cref="Of"/> already).</summary>
    public static MemberInfo MemberOf(LambdaExpression member) => ((MemberExpression)member.Body).Member;

    /// <summary>
    /// Whether <paramref name="member"/> is a string member declared non-nullable (C# nullable
    /// reference types), which EF Core maps to a column that cannot be NULL: an absent value is
    /// kept there as the empty string, which reads back as absent.
    /// </summary>
    public static bool IsNonNullableString(LambdaExpression member)
    {
        if (member.Body is not MemberExpression { Member: var info } access || access.Type != typeof(string))
        {
            return false;
        }

        var nullability = new NullabilityInfoContext();
        var state = info switch
        {
            PropertyInfo property => nullability.Create(property).WriteState,
            FieldInfo field => nullability.Create(field).WriteState,
            _ => NullabilityState.Unknown,
        };
        return state == NullabilityState.NotNull;
    }
}
