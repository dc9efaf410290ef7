using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Querying;

/// <summary>The direction of a sort (RFC 7644 §3.4.2.3, <c>sortOrder</c>).</summary>
public enum SortOrder
{
    /// <summary><c>ascending</c>, the default; resources without a value come last.</summary>
    Ascending,

    /// <summary><c>descending</c>: the exact reverse of ascending (resources without a value come first).</summary>
    Descending,
}

/// <summary>
/// Sorting by <c>sortBy</c> / <c>sortOrder</c> (RFC 7644 §3.4.2.3), driven by the schema: strings
/// compare case-insensitively unless the attribute is caseExact, numbers and dateTimes by value, a
/// multi-valued attribute by its primary value (else its first), and resources without a value
/// sort last when ascending. The same rules are offered as an in-memory comparer over canonical
/// JSON and as a LINQ ordering through an <see cref="AttributeMapping{T}"/>. Thread-safe.
/// </summary>
internal sealed class ScimSorter
{
    private static readonly MethodInfo QueryableOrderBy = QueryableMethod(nameof(Queryable.OrderBy));
    private static readonly MethodInfo QueryableOrderByDescending = QueryableMethod(nameof(Queryable.OrderByDescending));
    private static readonly MethodInfo QueryableThenBy = QueryableMethod(nameof(Queryable.ThenBy));
    private static readonly MethodInfo QueryableThenByDescending = QueryableMethod(nameof(Queryable.ThenByDescending));
    private static readonly MethodInfo EnumerableWhere = typeof(Enumerable).GetMethods().First(m => m.Name == nameof(Enumerable.Where) && m.GetParameters()[1].ParameterType.GetGenericArguments().Length == 2);
    private static readonly MethodInfo EnumerableSelect = typeof(Enumerable).GetMethods().First(m => m.Name == nameof(Enumerable.Select) && m.GetParameters()[1].ParameterType.GetGenericArguments().Length == 2);
    private static readonly MethodInfo EnumerableFirstOrDefault = typeof(Enumerable).GetMethods().First(m => m.Name == nameof(Enumerable.FirstOrDefault) && m.GetParameters().Length == 1);

    private readonly SchemaRegistry _registry;

    /// <summary>Creates a sorter.</summary>
    /// <param name="registry">The schemas <c>sortBy</c> paths are resolved against.</param>
    public ScimSorter(SchemaRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
    }

    /// <summary>How strings of attributes that are not caseExact are compared in LINQ orderings.</summary>
    /// <value>Defaults to <see cref="CaseFolding.ToLower"/>.</value>
    public CaseFolding CaseFolding { get; init; } = CaseFolding.ToLower;

    /// <summary>Parses a <c>sortOrder</c> parameter (<c>ascending</c> or <c>descending</c>, any case; absent is ascending).</summary>
    /// <param name="sortOrder">The parameter value, or <see langword="null"/>.</param>
    /// <returns>The order.</returns>
    /// <exception cref="ScimException">400 <c>invalidValue</c> for anything else.</exception>
    public static SortOrder ParseOrder(string? sortOrder)
    {
        if (string.IsNullOrEmpty(sortOrder) || string.Equals(sortOrder, "ascending", StringComparison.OrdinalIgnoreCase))
        {
            return SortOrder.Ascending;
        }

        return string.Equals(sortOrder, "descending", StringComparison.OrdinalIgnoreCase)
            ? SortOrder.Descending
            : throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"sortOrder must be 'ascending' or 'descending'; got '{sortOrder}'.");
    }

    /// <summary>A comparer of resources in canonical JSON form by <paramref name="sortBy"/>.</summary>
    /// <param name="sortBy">The attribute path, e.g. <c>name.familyName</c>, <c>emails</c>, <c>meta.lastModified</c>.</param>
    /// <param name="order">The direction.</param>
    /// <param name="resourceType">The resource type.</param>
    /// <returns>The comparer.</returns>
    /// <exception cref="ScimException">400 <c>invalidPath</c> for an unknown or unsortable path.</exception>
    public IComparer<JsonObject> CreateComparer(string sortBy, SortOrder order, ScimResourceType resourceType)
    {
        var key = Resolve(sortBy, resourceType);
        var comparer = new KeyComparer(key);
        return order == SortOrder.Ascending ? comparer : Comparer<JsonObject>.Create((a, b) => comparer.Compare(b, a));
    }

    /// <summary>Orders a query by <paramref name="sortBy"/> through a mapping (for stores over a database).</summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="source">The query.</param>
    /// <param name="sortBy">The attribute path.</param>
    /// <param name="order">The direction.</param>
    /// <param name="resourceType">The resource type.</param>
    /// <param name="mapping">Where each attribute lives on <typeparamref name="T"/>.</param>
    /// <returns>The ordered query; add a <c>ThenBy</c> on a unique key for stable paging.</returns>
    /// <exception cref="ScimException">400 <c>invalidPath</c> for an unknown, unsortable or unmapped path.</exception>
    public IOrderedQueryable<T> OrderBy<T>(IQueryable<T> source, string sortBy, SortOrder order, ScimResourceType resourceType, AttributeMapping<T> mapping)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(mapping);
        var key = Resolve(sortBy, resourceType);
        var parameter = Expression.Parameter(typeof(T), "resource");
        var value = KeyExpression(parameter, key, mapping, out var folding);
        if (value.Type == typeof(string))
        {
            // "" is unassigned (RFC 7643 §2.5): the same key as null, so missing values tie as in the in-memory comparer.
            value = Expression.Condition(Expression.Equal(value, Expression.Constant(string.Empty)), Expression.Constant(null, typeof(string)), value);
        }

        if (value.Type == typeof(string) && !Filtering.FilterBinder.IsCaseExact(key.Compared))
        {
            value = Expression.Condition(
                Expression.Equal(value, Expression.Constant(null, typeof(string))),
                Expression.Constant(null, typeof(string)),
                (folding ?? CaseFolding).FoldColumn(value));
        }

        // Missing values last when ascending: order first by "has no value", then by the value.
        // An empty string is as unassigned as null (RFC 7643 §2.5), as in the in-memory comparer.
        Expression missing = Expression.Constant(0);
        if (!value.Type.IsValueType || Nullable.GetUnderlyingType(value.Type) is not null)
        {
            Expression isMissing = Expression.Equal(value, Expression.Constant(null, value.Type));
            if (value.Type == typeof(string))
            {
                isMissing = Expression.OrElse(isMissing, Expression.Equal(value, Expression.Constant(string.Empty)));
            }

            missing = Expression.Condition(isMissing, Expression.Constant(1), Expression.Constant(0));
        }

        var ascending = order == SortOrder.Ascending;
        var first = Expression.Call(
            (ascending ? QueryableOrderBy : QueryableOrderByDescending).MakeGenericMethod(typeof(T), typeof(int)),
            source.Expression,
            Expression.Quote(Expression.Lambda(missing, parameter)));
        var second = Expression.Call(
            (ascending ? QueryableThenBy : QueryableThenByDescending).MakeGenericMethod(typeof(T), value.Type),
            first,
            Expression.Quote(Expression.Lambda(value, parameter)));
        return (IOrderedQueryable<T>)source.Provider.CreateQuery<T>(second);
    }

    private SortKey Resolve(string sortBy, ScimResourceType resourceType)
    {
        ArgumentNullException.ThrowIfNull(sortBy);
        ArgumentNullException.ThrowIfNull(resourceType);
        var (resolved, implicitValue, compared) = ResolveKey(_registry, resourceType, sortBy);
        return new SortKey(resolved, implicitValue, compared);
    }

    /// <summary>
    /// What a <c>sortBy</c> sorts on, for every store: the attribute, the sub-attribute a
    /// multi-valued complex attribute sorts by when none is named (its <c>value</c>), and the
    /// attribute whose values are compared. A complex attribute without one is 400 <c>invalidPath</c>.
    /// </summary>
    internal static (ResolvedAttribute Resolved, SchemaAttribute? ImplicitValue, SchemaAttribute Compared) ResolveKey(SchemaRegistry registry, ScimResourceType resourceType, string sortBy)
    {
        var resolved = registry.ResolveAttribute(resourceType, sortBy.Trim());
        var compared = resolved.Target;
        SchemaAttribute? implicitValue = null;
        if (compared.Type == AttributeType.Complex)
        {
            implicitValue = resolved.Attribute.MultiValued ? resolved.Attribute.FindSubAttribute("value") : null;
            compared = implicitValue
                ?? throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Cannot sort by the complex attribute '{resolved.Path}'; name one of its sub-attributes.");
        }

        return (resolved, implicitValue, compared);
    }

    private static Expression KeyExpression(ParameterExpression parameter, SortKey key, AttributeMapping mapping, out CaseFolding? folding)
    {
        var resolved = key.Resolved;
        AttributeMapping.Mapping? Find(ResolvedAttribute r) => mapping.Find(r);
        folding = null;

        if (key.ImplicitValue is null && Find(resolved) is AttributeMapping.MemberMapping member)
        {
            folding = member.Folding;
            return Inline(member.Member, parameter);
        }

        var sub = resolved.SubAttribute ?? key.ImplicitValue;
        if (sub is not null && Find(resolved with { SubAttribute = null }) is AttributeMapping.TypedValuesMapping typed)
        {
            // The values the entity keeps one per type: as for a list, the primary value (the first
            // type's) if it exists, else the next type's that exists (RFC 7644 §3.4.2.3); each read
            // from the member that keeps it as given, so that all compare with one folding.
            var kept = typed.Values.Where(v => v.Sorted.ContainsKey(sub.Name) || v.Elements.Find(sub.Name) is not null).ToList();
            if (kept.Count > 0)
            {
                var values = kept.Select(v => v.Sorted.TryGetValue(sub.Name, out var member) ? Inline(member, parameter) : Inline(((AttributeMapping.MemberMapping)v.Elements.Find(sub.Name)!).Member, parameter)).ToList();
                var type = values.Select(v => v.Type).FirstOrDefault(t => !t.IsValueType || Nullable.GetUnderlyingType(t) is not null)
                    ?? typeof(Nullable<>).MakeGenericType(values[0].Type);
                Expression chain = Expression.Constant(null, type);
                for (var i = kept.Count - 1; i >= 0; i--)
                {
                    var value = values[i].Type == type ? values[i] : Expression.Convert(values[i], type);
                    chain = Expression.Condition(kept[i].ExistsOn(parameter), value, chain);
                }

                return chain;
            }
        }

        if (sub is not null && Find(resolved with { SubAttribute = null }) is AttributeMapping.CollectionMapping collection
            && collection.Elements.Find(sub.Name) is AttributeMapping.MemberMapping subMember)
        {
            // The primary value if there is one, else the first value (RFC 7644 §3.4.2.3).
            var source = Inline(collection.Collection, parameter);
            var element = Expression.Parameter(collection.ElementType, "element");
            var valueLambda = Expression.Lambda(Inline(subMember.Member, element), element);
            var valueType = valueLambda.ReturnType;
            var firstValue = FirstValue(source, collection.ElementType, valueType, valueLambda, filter: null);
            if (collection.Elements.Find("primary") is AttributeMapping.MemberMapping primary && (!valueType.IsValueType || Nullable.GetUnderlyingType(valueType) is not null))
            {
                var isPrimary = Expression.Lambda(IsTrue(Inline(primary.Member, element)), element);
                var primaryValue = FirstValue(source, collection.ElementType, valueType, valueLambda, isPrimary);
                return Expression.Coalesce(primaryValue, firstValue);
            }

            return firstValue;
        }

        throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Sorting by '{resolved.Path}' is not supported by this service provider.");
    }

    private static MethodCallExpression FirstValue(Expression source, Type elementType, Type valueType, LambdaExpression select, LambdaExpression? filter)
    {
        var filtered = filter is null ? source : Expression.Call(EnumerableWhere.MakeGenericMethod(elementType), source, filter);
        var selected = Expression.Call(EnumerableSelect.MakeGenericMethod(elementType, valueType), filtered, select);
        return Expression.Call(EnumerableFirstOrDefault.MakeGenericMethod(valueType), selected);
    }

    private static Expression IsTrue(Expression flag) =>
        flag.Type == typeof(bool) ? flag : Expression.Equal(flag, Expression.Constant(true, flag.Type));

    /// <summary>
    /// Inlines a mapping lambda on <paramref name="target"/>; a member chain such as
    /// <c>u.Name.FamilyName</c> becomes <c>u.Name == null ? null : u.Name.FamilyName</c>, so LINQ to
    /// Objects never dereferences null (EF Core translates the condition as well).
    /// </summary>
    private static Expression Inline(LambdaExpression lambda, Expression target)
    {
        var body = AttributeMapping.Inline(lambda, target);
        var checks = new List<Expression>();
        for (var step = (body as MemberExpression)?.Expression; step is MemberExpression access; step = access.Expression)
        {
            if (!access.Type.IsValueType)
            {
                checks.Add(Expression.Equal(access, Expression.Constant(null, access.Type)));
            }
        }

        if (checks.Count == 0)
        {
            return body;
        }

        checks.Reverse();
        var type = body.Type.IsValueType && Nullable.GetUnderlyingType(body.Type) is null ? typeof(Nullable<>).MakeGenericType(body.Type) : body.Type;
        return Expression.Condition(checks.Aggregate(Expression.OrElse), Expression.Constant(null, type), Expression.Convert(body, type));
    }

    private static MethodInfo QueryableMethod(string name) =>
        typeof(Queryable).GetMethods().Single(m => m.Name == name && m.GetParameters().Length == 2);

    private sealed record SortKey(ResolvedAttribute Resolved, SchemaAttribute? ImplicitValue, SchemaAttribute Compared);

    /// <summary>Compares resources in canonical JSON by one key; missing values last.</summary>
    private sealed class KeyComparer(SortKey key) : IComparer<JsonObject>
    {
        private readonly string? _extension = key.Resolved.IsExtension ? key.Resolved.Schema.Id : null;
        private readonly string _attribute = key.Resolved.Attribute.Name;
        private readonly string? _sub = (key.Resolved.SubAttribute ?? key.ImplicitValue)?.Name;
        private readonly StringComparison _comparison = Filtering.FilterBinder.IsCaseExact(key.Compared) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        private readonly AttributeType _type = key.Compared.Type;

        public int Compare(JsonObject? x, JsonObject? y)
        {
            var a = x is null ? null : Value(x);
            var b = y is null ? null : Value(y);
            if (a is null || b is null)
            {
                return a is null ? (b is null ? 0 : 1) : -1;
            }

            return _type switch
            {
                AttributeType.Integer or AttributeType.Decimal => Number(a).CompareTo(Number(b)),
                AttributeType.Boolean => a.GetValue<bool>().CompareTo(b.GetValue<bool>()),
                AttributeType.DateTime => Instant(a).CompareTo(Instant(b)),
                _ => string.Compare(a.GetValue<string>(), b.GetValue<string>(), _comparison),
            };
        }

        private JsonValue? Value(JsonObject resource)
        {
            var owner = _extension is null ? resource : resource[_extension] as JsonObject;
            var node = owner?[_attribute];
            if (node is not JsonArray array)
            {
                return node is null ? null : Leaf(node);
            }

            // The primary value if it has one, else the first value (as the LINQ ordering does).
            foreach (var item in array)
            {
                if (item is JsonObject element && element["primary"] is JsonValue primary && primary.GetValueKind() == JsonValueKind.True
                    && Leaf(item) is { } primaryValue)
                {
                    return primaryValue;
                }
            }

            return array.Count > 0 && array[0] is { } first ? Leaf(first) : null;
        }

        private JsonValue? Leaf(JsonNode node)
        {
            var value = _sub is null ? node : (node as JsonObject)?[_sub];
            if (value is not JsonValue leaf)
            {
                return null;
            }

            var kind = leaf.GetValueKind();
            return kind == JsonValueKind.Null || (kind == JsonValueKind.String && leaf.GetValue<string>().Length == 0) ? null : leaf;
        }

        private static decimal Number(JsonValue value) =>
            value.TryGetValue<decimal>(out var d) ? d : value.TryGetValue<long>(out var l) ? l : (decimal)value.GetValue<double>();

        private static DateTimeOffset Instant(JsonValue value) =>
            value.TryGetValue<string>(out var text) && ScimDateTime.TryParse(text, out var instant) ? instant : DateTimeOffset.MaxValue;
    }
}
