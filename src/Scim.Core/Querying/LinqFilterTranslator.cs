using System.Buffers;
using System.Linq.Expressions;
using System.Reflection;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Schema;

namespace Scim.Core.Querying;

/// <summary>
/// Translates SCIM filters into <see cref="Expression{TDelegate}"/> predicates over a store's own
/// entity type, through an <see cref="AttributeMapping{T}"/>. The expressions use only what EF Core
/// translates to SQL (member access, comparisons, <c>string.Contains/StartsWith/EndsWith</c>,
/// <c>string.Compare</c>, the <see cref="CaseFolding"/> function, <c>Enumerable.Any</c>), and they
/// follow the same binding rules as <see cref="ScimFilterEvaluator"/>. Thread-safe.
/// </summary>
internal sealed class LinqFilterTranslator
{
    private static readonly MethodInfo StringContains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StringStartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo StringEndsWith = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!;
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo StringEqualsIgnoreCase = typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo StringContainsIgnoreCase = typeof(string).GetMethod(nameof(string.Contains), [typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo StringStartsWithIgnoreCase = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo StringEndsWithIgnoreCase = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo StringCompareIgnoreCase = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo ContainsAnyIgnoreCase = typeof(LinqFilterTranslator).GetMethod(nameof(ContainsIgnoringCase), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AnyWithPredicate = typeof(Enumerable).GetMethods().Single(m => m.Name == nameof(Enumerable.Any) && m.GetParameters().Length == 2);
    private static readonly MethodInfo AnyWithoutPredicate = typeof(Enumerable).GetMethods().Single(m => m.Name == nameof(Enumerable.Any) && m.GetParameters().Length == 1);

    private readonly FilterBinder _binder;

    /// <summary>Creates a translator.</summary>
    /// <param name="registry">The schemas filters are bound to.</param>
    /// <param name="options">Parsing and binding options; <see langword="null"/> for the defaults.</param>
    public LinqFilterTranslator(SchemaRegistry registry, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Options = options ?? new FilterOptions();
        _binder = new FilterBinder(registry, Options);
    }

    /// <summary>The parsing and binding options.</summary>
    public FilterOptions Options { get; }

    /// <summary>How strings of attributes that are not caseExact are compared.</summary>
    /// <value>Defaults to <see cref="CaseFolding.ToLower"/>.</value>
    public CaseFolding CaseFolding { get; init; } = CaseFolding.ToLower;

    /// <summary>
    /// For objects in memory (never a database): case-insensitive comparisons call the
    /// <see cref="StringComparison.OrdinalIgnoreCase"/> overloads instead of folding both sides,
    /// so no lowered copy of each value is allocated, and the predicate inside a value path is
    /// compiled once and embedded, so evaluating a row allocates no delegate.
    /// </summary>
    internal bool OrdinalIgnoreCase { get; init; }

    /// <summary>
    /// Whether member chains such as <c>u.Profile.FirstName</c> are guarded with
    /// <c>u.Profile != null</c>. Needed for LINQ to Objects; harmless for EF Core.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool GuardNulls { get; init; } = true;

    /// <summary>Parses, binds and translates a filter.</summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="filter">The filter text.</param>
    /// <param name="resourceType">The resource type the filter is written for.</param>
    /// <param name="mapping">Where each attribute lives on <typeparamref name="T"/>.</param>
    /// <returns>The predicate, for <c>Where</c>.</returns>
    /// <exception cref="ScimException">400 <c>invalidFilter</c>: malformed, not valid for the schema, or naming an attribute the mapping does not have.</exception>
    public Expression<Func<T, bool>> Translate<T>(string filter, ScimResourceType resourceType, AttributeMapping<T> mapping)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Translate(ScimFilterParser.Parse(filter, Options), resourceType, mapping);
    }

    /// <summary>Binds and translates a parsed filter.</summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="filter">The filter tree.</param>
    /// <param name="resourceType">The resource type the filter is written for.</param>
    /// <param name="mapping">Where each attribute lives on <typeparamref name="T"/>.</param>
    /// <returns>The predicate, for <c>Where</c>.</returns>
    /// <exception cref="ScimException">400 <c>invalidFilter</c>.</exception>
    public Expression<Func<T, bool>> Translate<T>(FilterExpression filter, ScimResourceType resourceType, AttributeMapping<T> mapping)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(mapping);
        var parameter = Expression.Parameter(typeof(T), "resource");
        var body = Translate(_binder.Bind(filter, resourceType), new Scope(parameter, mapping, null));
        return Expression.Lambda<Func<T, bool>>(body, parameter);
    }

    /// <summary>
    /// The expression the translation reads from, the mapping that applies, and (inside a value
    /// path) the element attribute. Inside brackets on a singular complex attribute
    /// (<c>name[givenName eq "x"]</c>) there is no element: <paramref name="Owner"/> is that
    /// attribute, and its sub-attributes are looked up in the root mapping.
    /// </summary>
    private sealed record Scope(Expression Target, AttributeMapping Mapping, SchemaAttribute? Element, ResolvedAttribute? Owner = null);

    private Expression Translate(BoundFilter filter, Scope scope) => filter switch
    {
        BoundAnd and => And(Translate(and.Left, scope), Translate(and.Right, scope)),
        BoundOr or => Expression.OrElse(Translate(or.Left, scope), Translate(or.Right, scope)),
        BoundNot not => Expression.Not(Translate(not.Inner, scope)),
        BoundConstant constant => Expression.Constant(constant.Value),
        BoundPresent present => Present(present.Path, scope),
        BoundComparison comparison => Comparison(comparison, scope),
        BoundValuePath valuePath => ValuePath(valuePath, scope),
        BoundSchemas => throw Unsupported("schemas"),
        _ => throw new ArgumentException($"Unknown bound filter {filter.GetType().Name}.", nameof(filter)),
    };

    /// <summary>
    /// Both sides; in memory, a side that walks a collection is tested after one that does not
    /// (<c>emails[...] and active eq true</c> reads <c>active</c> first), since a row the cheap side
    /// rules out is then never walked. The sides have no effects, so the order changes no result.
    /// </summary>
    private BinaryExpression And(Expression left, Expression right) =>
        OrdinalIgnoreCase && Walks(left) && !Walks(right) ? Expression.AndAlso(right, left) : Expression.AndAlso(left, right);

    private static bool Walks(Expression expression)
    {
        var finder = new WalkFinder();
        finder.Visit(expression);
        return finder.Found;
    }

    /// <summary>Finds a loop or a call of <c>Enumerable.Any</c>.</summary>
    private sealed class WalkFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }

        public override Expression? Visit(Expression? node) => Found ? node : base.Visit(node);

        protected override Expression VisitLoop(LoopExpression node)
        {
            Found = true;
            return node;
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            Found |= node.Method.DeclaringType == typeof(Enumerable);
            return Found ? node : base.VisitMethodCall(node);
        }
    }

    private Expression ValuePath(BoundValuePath valuePath, Scope scope)
    {
        if (FindCollection(scope.Mapping, valuePath.Collection) is { } collection)
        {
            return Any(scope.Target, collection, element => Translate(valuePath.Inner, new Scope(element, collection.Elements, valuePath.Collection.Attribute)));
        }

        if (FindTypedValues(scope.Mapping, valuePath.Collection) is { } typed)
        {
            // emails[type eq "work" and value co "x"]: one of the values the entity keeps has it.
            return AnyTyped(scope.Target, typed, value => Translate(valuePath.Inner, new Scope(scope.Target, value.Elements, valuePath.Collection.Attribute)));
        }

        if (!valuePath.Collection.Attribute.MultiValued)
        {
            // name[givenName eq "x" and familyName eq "y"]: one value, so the brackets are just grouping.
            return Translate(valuePath.Inner, scope with { Element = valuePath.Collection.Attribute, Owner = valuePath.Collection });
        }

        throw Unsupported(valuePath.Collection.Path);
    }

    private Expression Present(BoundPath path, Scope scope) =>
        Locate(path, scope, useImplicitValue: false, (member, _) => IsPresent(member), collectionOnly: collection => AnyPresent(scope.Target, collection));

    /// <summary>A collection "has a value" when one of its elements has a value in a mapped sub-attribute, as <c>[{}]</c> is unassigned.</summary>
    private Expression AnyPresent(Expression target, AttributeMapping.CollectionMapping collection)
    {
        var members = collection.Elements.Paths.Select(collection.Elements.Find).OfType<AttributeMapping.MemberMapping>().ToList();
        if (members.Count == 0)
        {
            return Expression.Call(AnyWithoutPredicate.MakeGenericMethod(collection.ElementType), Access(target, collection.Collection, out _));
        }

        return Any(target, collection, element => members.Select(m => OnMember(element, m, (value, _) => IsPresent(value))).Aggregate(Expression.OrElse));
    }

    private Expression Comparison(BoundComparison comparison, Scope scope)
    {
        if (comparison.Value is null)
        {
            var present = Present(comparison.Path, scope);
            return comparison.Operator == ComparisonOperator.Equal ? Expression.Not(present) : present;
        }

        if (comparison.Operator == ComparisonOperator.NotEqual)
        {
            return Expression.Not(Comparison(comparison with { Operator = ComparisonOperator.Equal }, scope));
        }

        return Locate(comparison.Path, scope, useImplicitValue: true, (member, folding) => Compare(member, comparison.Path.Compared, comparison.Operator, comparison.Value, comparison.Path.ToString(), folding), collectionOnly: null);
    }

    /// <summary>
    /// Finds where a path lives (a member, or a sub-attribute of a collection's elements) and builds
    /// <paramref name="onMember"/> on it, wrapped in <c>Any</c> for collections and in null guards.
    /// </summary>
    private Expression Locate(BoundPath path, Scope scope, bool useImplicitValue, Func<Expression, CaseFolding?, Expression> onMember, Func<AttributeMapping.CollectionMapping, Expression>? collectionOnly)
    {
        if (path.Relative is { } relative)
        {
            if (scope.Owner is { } owner)
            {
                return FindMember(scope.Mapping, owner with { SubAttribute = relative }) is { } ownerMember
                    ? OnMember(scope.Target, ownerMember, onMember)
                    : throw Unsupported((owner with { SubAttribute = relative }).Path);
            }

            if (scope.Mapping.Find(relative.Name) is AttributeMapping.MemberMapping elementMember)
            {
                return OnMember(scope.Target, elementMember, onMember);
            }

            // A sub-attribute another type's value keeps but this one's does not: absent here.
            return scope.Mapping is AttributeMapping.TypedValueElements elements && elements.Owner.Values.Any(v => v.Elements.Find(relative.Name) is not null)
                ? Expression.Constant(false)
                : throw Unsupported($"{scope.Element?.Name}.{relative.Name}");
        }

        var resolved = path.Absolute!;
        var sub = resolved.SubAttribute ?? (useImplicitValue ? path.ImplicitValue : null);
        if (FindMember(scope.Mapping, resolved) is { } member && (resolved.SubAttribute is not null || !useImplicitValue || path.ImplicitValue is null))
        {
            return OnMember(scope.Target, member, onMember);
        }

        var attributeOnly = resolved with { SubAttribute = null };
        if (FindCollection(scope.Mapping, attributeOnly) is { } collection)
        {
            if (sub is null)
            {
                return collectionOnly is not null ? collectionOnly(collection) : throw Unsupported(resolved.Path);
            }

            return collection.Elements.Find(sub.Name) is AttributeMapping.MemberMapping subMember
                ? Any(scope.Target, collection, element => OnMember(element, subMember, onMember))
                : throw Unsupported($"{attributeOnly.Path}.{sub.Name}");
        }

        if (FindTypedValues(scope.Mapping, attributeOnly) is { } typed)
        {
            if (sub is null)
            {
                return collectionOnly is not null ? AnyTyped(scope.Target, typed, _ => Expression.Constant(true)) : throw Unsupported(resolved.Path);
            }

            // emails.value eq "x": one of the values the entity keeps matches.
            var kept = typed.Values.Where(v => v.Elements.Find(sub.Name) is AttributeMapping.MemberMapping).ToList();
            return kept.Count > 0
                ? kept.Select(v => Expression.AndAlso(Exists(scope.Target, v), OnMember(scope.Target, (AttributeMapping.MemberMapping)v.Elements.Find(sub.Name)!, onMember))).Aggregate(Expression.OrElse)
                : throw Unsupported($"{attributeOnly.Path}.{sub.Name}");
        }

        if (sub is not null && resolved.SubAttribute is null && FindMember(scope.Mapping, resolved with { SubAttribute = sub }) is { } implicitMember)
        {
            // manager eq "x" on a singular complex attribute compares manager.value (RFC 7644 §3.4.2.2).
            return OnMember(scope.Target, implicitMember, onMember);
        }

        if (resolved.SubAttribute is null && resolved.Attribute.Type == AttributeType.Complex && !useImplicitValue)
        {
            // "name pr": present when any mapped sub-attribute is.
            var parts = resolved.Attribute.SubAttributes
                .Select(s => FindMember(scope.Mapping, resolved with { SubAttribute = s }))
                .OfType<AttributeMapping.MemberMapping>()
                .Select(m => OnMember(scope.Target, m, onMember))
                .ToList();
            if (parts.Count > 0)
            {
                return parts.Aggregate(Expression.OrElse);
            }
        }

        throw Unsupported(resolved.Path);
    }

    private Expression OnMember(Expression target, AttributeMapping.MemberMapping member, Func<Expression, CaseFolding?, Expression> build)
    {
        var value = Access(target, member.Member, out var guards);
        var body = build(value, member.Folding);
        return GuardNulls && guards.Count > 0 ? guards.Append(body).Aggregate(Expression.AndAlso) : body;
    }

    /// <summary>One of the typed values the entity keeps exists and matches <paramref name="predicate"/>.</summary>
    private static Expression AnyTyped(Expression target, AttributeMapping.TypedValuesMapping typed, Func<AttributeMapping.TypedValue, Expression> predicate) =>
        typed.Values.Count == 0
            ? Expression.Constant(false)
            : typed.Values.Select(v => (Expression)Expression.AndAlso(Exists(target, v), predicate(v))).Aggregate(Expression.OrElse);

    private static Expression Exists(Expression target, AttributeMapping.TypedValue value) => value.ExistsOn(target);

    private Expression Any(Expression target, AttributeMapping.CollectionMapping collection, Func<ParameterExpression, Expression> predicate)
    {
        var source = Access(target, collection.Collection, out var guards);
        var element = Expression.Parameter(collection.ElementType, "element");
        var lambda = Expression.Lambda(predicate(element), element);

        // A nested lambda in a compiled tree becomes a new delegate on every call; for objects in
        // memory the element predicate (which reads only the element) is compiled once instead.
        var argument = OrdinalIgnoreCase && ReadsOnly(lambda.Body, element) ? Expression.Constant(lambda.Compile(), lambda.Type) : (Expression)lambda;
        var any = OrdinalIgnoreCase
            ? InlineAny(source, element, lambda.Body, argument)
            : Expression.Call(AnyWithPredicate.MakeGenericMethod(collection.ElementType), source, argument);

        return GuardNulls && guards.Count > 0 ? guards.Append(any).Aggregate(Expression.AndAlso) : any;
    }

    /// <summary>
    /// For objects in memory: <c>Any</c> over a list as a loop in the predicate itself, so a row's
    /// elements are tested with no call to <c>Enumerable.Any</c> and no delegate per element (the
    /// scan of a filter such as <c>emails[type eq "work" and value co "x"]</c> spends most of its
    /// time there). A <see cref="List{T}"/> or an array is walked directly, null is no match, and
    /// any other collection goes through <c>Enumerable.Any</c> with <paramref name="predicate"/>.
    /// </summary>
    private static Expression InlineAny(Expression source, ParameterExpression element, Expression body, Expression predicate)
    {
        var listType = typeof(List<>).MakeGenericType(element.Type);
        var arrayType = element.Type.MakeArrayType();
        var found = Expression.Label(typeof(bool), "found");

        Expression Loop(ParameterExpression items, Expression count, Func<ParameterExpression, Expression> item)
        {
            var index = Expression.Variable(typeof(int), "index");
            var end = Expression.Label("end");
            return Expression.Block(
                [index],
                Expression.Assign(index, Expression.Constant(0)),
                Expression.Loop(
                    Expression.Block(
                        Expression.IfThen(Expression.GreaterThanOrEqual(index, count), Expression.Break(end)),
                        Expression.Assign(element, item(index)),
                        Expression.IfThen(body, Expression.Return(found, Expression.Constant(true))),
                        Expression.PreIncrementAssign(index)),
                    end));
        }

        var list = Expression.Variable(listType, "list");
        var array = Expression.Variable(arrayType, "array");
        var overList = Loop(list, Expression.Property(list, "Count"), index => Expression.Property(list, "Item", index));
        var overArray = Loop(array, Expression.ArrayLength(array), index => Expression.ArrayIndex(array, index));
        if (source.Type == listType || source.Type == arrayType)
        {
            var only = source.Type == listType ? list : array;
            return Expression.Block(
                typeof(bool),
                [only, element],
                Expression.Assign(only, source),
                Expression.IfThen(Expression.Equal(only, Expression.Constant(null, only.Type)), Expression.Return(found, Expression.Constant(false))),
                source.Type == listType ? overList : overArray,
                Expression.Label(found, Expression.Constant(false)));
        }

        var anyOfElement = AnyWithPredicate.MakeGenericMethod(element.Type);
        if (!source.Type.IsAssignableFrom(listType) && !source.Type.IsAssignableFrom(arrayType))
        {
            return Expression.Call(anyOfElement, source, predicate);
        }

        var collection = Expression.Variable(source.Type, "collection");
        return Expression.Block(
            typeof(bool),
            [collection, list, array, element],
            Expression.Assign(collection, source),
            Expression.IfThen(Expression.Equal(collection, Expression.Constant(null, source.Type)), Expression.Return(found, Expression.Constant(false))),
            Expression.Assign(list, Expression.TypeAs(collection, listType)),
            Expression.IfThen(Expression.NotEqual(list, Expression.Constant(null, listType)), Expression.Block(overList, Expression.Return(found, Expression.Constant(false)))),
            Expression.Assign(array, Expression.TypeAs(collection, arrayType)),
            Expression.IfThen(Expression.NotEqual(array, Expression.Constant(null, arrayType)), Expression.Block(overArray, Expression.Return(found, Expression.Constant(false)))),
            Expression.Return(found, Expression.Call(anyOfElement, collection, predicate)),
            Expression.Label(found, Expression.Constant(false)));
    }

    /// <summary>Whether <paramref name="body"/> uses no parameter but <paramref name="parameter"/> and its own lambdas' (so it can be compiled on its own).</summary>
    private static bool ReadsOnly(Expression body, ParameterExpression parameter)
    {
        var finder = new FreeParameterFinder([parameter]);
        finder.Visit(body);
        return !finder.Found;
    }

    /// <summary>Finds a parameter that is neither one of the given ones nor bound by a lambda inside.</summary>
    private sealed class FreeParameterFinder(IEnumerable<ParameterExpression> bound) : ExpressionVisitor
    {
        private readonly HashSet<ParameterExpression> _bound = [.. bound];

        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found |= !_bound.Contains(node);
            return node;
        }

        protected override Expression VisitLambda<TDelegate>(Expression<TDelegate> node)
        {
            var added = node.Parameters.Where(_bound.Add).ToList();
            Visit(node.Body);
            _bound.ExceptWith(added);
            return node;
        }
    }

    /// <summary>Inlines a mapping lambda on <paramref name="target"/>, collecting null checks for the reference-typed steps before the last.</summary>
    private static Expression Access(Expression target, LambdaExpression member, out List<Expression> guards)
    {
        var body = AttributeMapping.Inline(member, target);
        guards = [];
        var step = body is MemberExpression last ? last.Expression : null;
        var chain = new List<Expression>();
        while (step is MemberExpression access)
        {
            if (!access.Type.IsValueType)
            {
                chain.Add(access);
            }

            step = access.Expression;
        }

        chain.Reverse();
        guards.AddRange(chain.Select(e => (Expression)Expression.NotEqual(e, Expression.Constant(null, e.Type))));
        return body;
    }

    /// <summary>Whether a member has a value: not null, and for a string not empty ("" is unassigned, RFC 7643 §2.5).</summary>
    internal static Expression IsPresent(Expression value)
    {
        if (value.Type == typeof(string))
        {
            return Expression.AndAlso(
                Expression.NotEqual(value, Expression.Constant(null, typeof(string))),
                Expression.NotEqual(value, Expression.Constant(string.Empty)));
        }

        return !value.Type.IsValueType || Nullable.GetUnderlyingType(value.Type) is not null
            ? Expression.NotEqual(value, Expression.Constant(null, value.Type))
            : Expression.Constant(true);
    }

    private Expression Compare(Expression member, SchemaAttribute attribute, ComparisonOperator op, object value, string name, CaseFolding? folding)
    {
        if (value is string text)
        {
            if (member.Type != typeof(string))
            {
                // An id or a reference's value kept in a key column of another type (an int identity
                // as the id, a membership's user key): the value is that type's text, or it names no row.
                if (attribute.Name is not ("id" or "value"))
                {
                    throw MappingMismatch(name, member.Type, "string");
                }

                if (op is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith && KeyTypes.Contains(Nullable.GetUnderlyingType(member.Type) ?? member.Type))
                {
                    // A key is compared whole: "co" would otherwise become an equality.
                    throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"Filtering on '{name}' with co, sw or ew is not supported by this service provider: it is kept as a key and compared whole.");
                }

                return ParseKey(text, member.Type) is { } key
                    ? (op == ComparisonOperator.Equal ? Expression.Equal(member, QueryParameter.Of(key, member.Type)) : Order(member, QueryParameter.Of(key, member.Type), op))
                    : KeyTypes.Contains(Nullable.GetUnderlyingType(member.Type) ?? member.Type) ? Expression.Constant(false) : throw MappingMismatch(name, member.Type, "string");
            }

            Expression left = member;
            if (OrdinalIgnoreCase && !FilterBinder.IsCaseExact(attribute))
            {
                var right = Expression.Constant(text, typeof(string));
                var ignoreCase = Expression.Constant(StringComparison.OrdinalIgnoreCase);
                Expression inMemory = op switch
                {
                    ComparisonOperator.Equal => Expression.Call(StringEqualsIgnoreCase, left, right, ignoreCase),
                    ComparisonOperator.Contains when text.Length > 0 => Expression.Call(ContainsAnyIgnoreCase, left, Expression.Constant(SearchValues.Create([text], StringComparison.OrdinalIgnoreCase))),
                    ComparisonOperator.Contains => Expression.Call(left, StringContainsIgnoreCase, right, ignoreCase),
                    ComparisonOperator.StartsWith => Expression.Call(left, StringStartsWithIgnoreCase, right, ignoreCase),
                    ComparisonOperator.EndsWith => Expression.Call(left, StringEndsWithIgnoreCase, right, ignoreCase),
                    _ => Order(Expression.Call(StringCompareIgnoreCase, left, right, ignoreCase), Expression.Constant(0), op),
                };
                return Expression.AndAlso(Expression.NotEqual(member, Expression.Constant(null, typeof(string))), inMemory);
            }

            Expression compared;
            if (FilterBinder.IsCaseExact(attribute))
            {
                compared = Value(text);
            }
            else
            {
                left = (folding ?? CaseFolding).FoldColumn(left);
                compared = (folding ?? CaseFolding).FoldValue(text, Value);
            }

            var notNull = Expression.NotEqual(member, Expression.Constant(null, typeof(string)));
            Expression test = op switch
            {
                ComparisonOperator.Equal => Expression.Equal(left, compared),
                ComparisonOperator.Contains => Expression.Call(left, StringContains, compared),
                ComparisonOperator.StartsWith => Expression.Call(left, StringStartsWith, compared),
                ComparisonOperator.EndsWith => Expression.Call(left, StringEndsWith, compared),
                _ => Order(Expression.Call(StringCompare, left, compared), Expression.Constant(0), op),
            };
            return Expression.AndAlso(notNull, test);
        }

        var underlying = Nullable.GetUnderlyingType(member.Type) ?? member.Type;
        object converted;
        try
        {
            converted = value switch
            {
                decimal number when IsNumeric(underlying) => System.Convert.ChangeType(number, underlying, System.Globalization.CultureInfo.InvariantCulture),
                bool flag when underlying == typeof(bool) => flag,
                DateTimeOffset instant when underlying == typeof(DateTimeOffset) => instant,
                DateTimeOffset instant when underlying == typeof(DateTime) => instant.UtcDateTime,
                _ => throw MappingMismatch(name, member.Type, value.GetType().Name),
            };
        }
        catch (OverflowException)
        {
            // The literal does not fit the column's type: no stored value can equal or be ordered against it meaningfully.
            throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"The value {value} is out of range for '{name}'.");
        }

        var constant = OrdinalIgnoreCase ? Expression.Constant(converted, member.Type) : QueryParameter.Of(converted, member.Type);
        return op == ComparisonOperator.Equal ? Expression.Equal(member, constant) : Order(member, constant, op);
    }

    /// <summary>
    /// A filter's value, as a query parameter: a database compiles one query for a filter's shape
    /// and binds each value to it (a literal would make a new query, and a new plan, per value).
    /// Objects in memory take the value as a constant, which the compiled predicate reads directly.
    /// </summary>
    private Expression Value(string text) => OrdinalIgnoreCase ? Expression.Constant(text, typeof(string)) : QueryParameter.Of(text);

    private static readonly Type[] KeyTypes = [typeof(int), typeof(long), typeof(Guid)];

    /// <summary>
    /// The key a string names, for the key types a store may keep ids in; <see langword="null"/> when
    /// it names none. A key must be written as the id is: a number as <c>-5</c>, never <c>+5</c> or
    /// <c>05</c>; a Guid in lower case with hyphens, never upper case, bare or in braces (each
    /// resource has one id, and events, members and filters compare ids as text).
    /// </summary>
    internal static object? ParseKey(string text, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        const System.Globalization.NumberStyles Integer = System.Globalization.NumberStyles.AllowLeadingSign;
        return underlying == typeof(int) && int.TryParse(text, Integer, invariant, out var i) && i.ToString(invariant) == text ? i
            : underlying == typeof(long) && long.TryParse(text, Integer, invariant, out var l) && l.ToString(invariant) == text ? l
            : underlying == typeof(Guid) && Guid.TryParse(text, out var g) && g.ToString() == text ? g
            : null;
    }

    /// <summary>
    /// <c>co</c> on objects in memory: the value's text searched for the one string of
    /// <paramref name="needle"/>, case-insensitively, by the runtime's vectorized search (several
    /// times faster than <c>string.Contains</c> with <see cref="StringComparison.OrdinalIgnoreCase"/>).
    /// </summary>
    private static bool ContainsIgnoringCase(string value, SearchValues<string> needle) => value.AsSpan().ContainsAny(needle);

    private static BinaryExpression Order(Expression left, Expression right, ComparisonOperator op) => op switch
    {
        ComparisonOperator.GreaterThan => Expression.GreaterThan(left, right),
        ComparisonOperator.GreaterThanOrEqual => Expression.GreaterThanOrEqual(left, right),
        ComparisonOperator.LessThan => Expression.LessThan(left, right),
        ComparisonOperator.LessThanOrEqual => Expression.LessThanOrEqual(left, right),
        _ => Expression.Equal(left, right),
    };

    private static bool IsNumeric(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
        || type == typeof(decimal) || type == typeof(double) || type == typeof(float);

    private static AttributeMapping.MemberMapping? FindMember(AttributeMapping mapping, ResolvedAttribute resolved) =>
        mapping.Find(resolved) as AttributeMapping.MemberMapping;

    private static AttributeMapping.TypedValuesMapping? FindTypedValues(AttributeMapping mapping, ResolvedAttribute resolved) =>
        mapping.Find(resolved with { SubAttribute = null }) as AttributeMapping.TypedValuesMapping;

    private static AttributeMapping.CollectionMapping? FindCollection(AttributeMapping mapping, ResolvedAttribute resolved) =>
        mapping.Find(resolved) as AttributeMapping.CollectionMapping;

    private static ScimException Unsupported(string path) =>
        ScimException.BadRequest(ScimErrorType.InvalidFilter, $"Filtering on '{path}' is not supported by this service provider.");

    private static InvalidOperationException MappingMismatch(string path, Type memberType, string valueType) =>
        new($"The mapping of '{path}' points at a member of type {memberType.Name}, which cannot be compared with a {valueType}; map it to a member of the attribute's type.");

}
