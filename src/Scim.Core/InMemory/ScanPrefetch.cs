using System.Linq.Expressions;
using System.Reflection;
using Scim.Core.Filtering;
using Scim.Core.Querying;

namespace Scim.Core.InMemory;

/// <summary>
/// Builds, for a filter, a small function that only reads what the filter will read on a row (the
/// member chains of its attributes, the first element of a collection, the last character of a
/// string) and returns a number made from it. A scan calls it on a batch of rows before testing
/// them: those reads do not depend on each other, so the processor fetches the rows' memory in
/// parallel, where the filter itself, long and branching, waits for one row's memory at a time.
/// The result is a hint only: attributes it cannot place are left out, and it never throws.
/// </summary>
internal static class ScanPrefetch
{
    private static readonly MethodInfo FirstOrDefault = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.FirstOrDefault) && m.GetParameters().Length == 1);

    private static readonly PropertyInfo StringLength = typeof(string).GetProperty(nameof(string.Length))!;

    private static readonly PropertyInfo StringChars = typeof(string).GetProperty("Chars")!;

    /// <summary>The read-ahead function for <paramref name="filter"/>; <see langword="null"/> when it reads nothing the mapping places.</summary>
    public static Func<T, int>? Build<T>(FilterExpression filter, AttributeMapping<T> mapping)
    {
        var row = Expression.Parameter(typeof(T), "row");
        var reads = new List<Expression>();
        Collect(filter, row, mapping, reads);
        if (reads.Count == 0)
        {
            return null;
        }

        return Expression.Lambda<Func<T, int>>(reads.Aggregate(Expression.Add), row).Compile();
    }

    private static void Collect(FilterExpression filter, Expression target, AttributeMapping mapping, List<Expression> reads)
    {
        switch (filter)
        {
            case AndFilter and:
                Collect(and.Left, target, mapping, reads);
                Collect(and.Right, target, mapping, reads);
                break;
            case OrFilter or:
                Collect(or.Left, target, mapping, reads);
                Collect(or.Right, target, mapping, reads);
                break;
            case NotFilter not:
                Collect(not.Inner, target, mapping, reads);
                break;
            case ComparisonFilter comparison:
                Read(comparison.Path, target, mapping, reads);
                break;
            case PresentFilter present:
                Read(present.Path, target, mapping, reads);
                break;
            case ValuePathFilter valuePath when mapping.Find(valuePath.Path.Name) is AttributeMapping.CollectionMapping collection:
                var elementReads = new List<Expression>();
                var element = Expression.Parameter(collection.ElementType, "element");
                Collect(valuePath.Filter, element, collection.Elements, elementReads);
                reads.Add(First(target, collection, element, elementReads));
                break;
        }
    }

    private static void Read(AttributePath path, Expression target, AttributeMapping mapping, List<Expression> reads)
    {
        var name = path.SubAttribute is null ? path.Name : $"{path.Name}.{path.SubAttribute}";
        switch (mapping.Find(name) ?? mapping.Find(path.Name))
        {
            case AttributeMapping.MemberMapping member:
                reads.Add(Guarded(AttributeMapping.Inline(member.Member, target)));
                break;
            case AttributeMapping.CollectionMapping collection:
                var element = Expression.Parameter(collection.ElementType, "element");
                var sub = collection.Elements.Find(path.SubAttribute ?? "value") as AttributeMapping.MemberMapping;
                List<Expression> elementReads = sub is null ? [] : [Guarded(AttributeMapping.Inline(sub.Member, element))];
                reads.Add(First(target, collection, element, elementReads));
                break;
        }
    }

    /// <summary>Reads the collection's first element (and <paramref name="elementReads"/> on it) when there is one.</summary>
    private static Expression First(Expression target, AttributeMapping.CollectionMapping collection, ParameterExpression element, List<Expression> elementReads)
    {
        var enumerable = typeof(IEnumerable<>).MakeGenericType(collection.ElementType);
        var items = Expression.Variable(enumerable, "items");
        var first = Expression.Call(FirstOrDefault.MakeGenericMethod(collection.ElementType), items);
        Expression body = elementReads.Count == 0 ? Expression.Constant(1) : elementReads.Aggregate(Expression.Add);
        if (!collection.ElementType.IsValueType)
        {
            body = Expression.Condition(Expression.Equal(element, Expression.Constant(null, collection.ElementType)), Expression.Constant(0), body);
        }

        return Guarded(AttributeMapping.Inline(collection.Collection, target), source => Expression.Block(
            [items, element],
            Expression.Assign(items, Expression.Convert(source, enumerable)),
            Expression.Condition(
                Expression.Equal(items, Expression.Constant(null, enumerable)),
                Expression.Constant(0),
                Expression.Block(Expression.Assign(element, first), body))));
    }

    /// <summary>A value read with every reference on the way to it checked for null, as a number.</summary>
    private static Expression Guarded(Expression value) => Guarded(value, Touch);

    /// <summary><paramref name="read"/> of <paramref name="value"/>, run only when no reference before it in its member chain is null.</summary>
    private static Expression Guarded(Expression value, Func<Expression, Expression> read)
    {
        var chain = new List<Expression>();
        var step = (value as MemberExpression)?.Expression;
        while (step is MemberExpression access)
        {
            if (!access.Type.IsValueType)
            {
                chain.Add(access);
            }

            step = access.Expression;
        }

        Expression body = read(value);
        foreach (var reference in chain)
        {
            body = Expression.Condition(Expression.Equal(reference, Expression.Constant(null, reference.Type)), Expression.Constant(0), body);
        }

        return body;
    }

    /// <summary>A number from the value: a string's last character (so its text is fetched), a value type's hash.</summary>
    private static Expression Touch(Expression value)
    {
        if (value.Type == typeof(string))
        {
            var text = Expression.Variable(typeof(string), "text");
            var length = Expression.Property(text, StringLength);
            return Expression.Block(
                [text],
                Expression.Assign(text, value),
                Expression.Condition(
                    Expression.OrElse(Expression.Equal(text, Expression.Constant(null, typeof(string))), Expression.Equal(length, Expression.Constant(0))),
                    Expression.Constant(0),
                    Expression.Convert(Expression.Property(text, StringChars, Expression.Subtract(length, Expression.Constant(1))), typeof(int))));
        }

        if (value.Type.IsValueType)
        {
            return Expression.Call(value, value.Type.GetMethod(nameof(GetHashCode), Type.EmptyTypes)!);
        }

        return Expression.Condition(Expression.Equal(value, Expression.Constant(null, value.Type)), Expression.Constant(0), Expression.Constant(1));
    }
}
