using System.Linq.Expressions;

namespace Scim.Core.Querying;

/// <summary>
/// A value read from a closure object instead of written as a literal: LINQ providers (EF Core
/// among them) turn such a member access into a query parameter, so every value of one filter
/// shape shares one compiled query and one database plan.
/// </summary>
internal static class QueryParameter
{
    // One factory per type, made once: reflection's constructor invocation would emit (and later
    // collect) an invoke stub again and again under load.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<object?, Expression>> Factories = new();

    public static Expression Of(object? value, Type type) =>
        Factories.GetOrAdd(type, static t => typeof(QueryParameter).GetMethod(nameof(Boxed), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(t).CreateDelegate<Func<object?, Expression>>())(value);

    public static Expression Of<T>(T value) => Expression.Field(Expression.Constant(new Holder<T>(value)), nameof(Holder<T>.Value));

    private static Expression Boxed<T>(object? value) => Of((T)value!);

    /// <summary>Whether an expression is a value made by <see cref="Of{T}"/>, and that value.</summary>
    public static bool IsParameter(Expression expression, out object? value)
    {
        if (expression is MemberExpression { Expression: ConstantExpression { Value: IHolder holder } })
        {
            value = holder.Held;
            return true;
        }

        value = null;
        return false;
    }

    private interface IHolder
    {
        object? Held { get; }
    }

    private sealed class Holder<T>(T value) : IHolder
    {
#pragma warning disable CA1051, SA1401 // a field, as a compiler-made closure has: what providers recognise as a captured variable
        public readonly T Value = value;
#pragma warning restore CA1051, SA1401

        public object? Held => Value;
    }
}
