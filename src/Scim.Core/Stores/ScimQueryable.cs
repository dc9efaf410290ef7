using System.Buffers.Text;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;

namespace Scim.Core.Stores;

/// <summary>
/// Runs a <see cref="ScimQuery"/> over any <see cref="IQueryable{T}"/> — an EF Core
/// <c>DbSet</c>, a LINQ provider of the host's, or objects in memory — given an
/// <see cref="AttributeMapping{T}"/> from SCIM attribute paths to the entity's members. The filter
/// becomes a <c>Where</c> (through <see cref="LinqFilterTranslator"/>), the sort an
/// <c>OrderBy</c>, index paging <c>Skip</c>/<c>Take</c> and cursor paging a keyset on <c>id</c>
/// (stable while other requests insert and delete). A store built on it writes no query code.
/// </summary>
public sealed class ScimQueryable
{
    private readonly LinqFilterTranslator _translator;
    private readonly ScimSorter _sorter;

    /// <summary>Creates the helper.</summary>
    /// <param name="registry">The schemas.</param>
    /// <param name="caseFolding">How case-insensitive comparisons are written (see <see cref="CaseFolding"/>).</param>
    /// <param name="filterOptions">Filter limits and the treatment of unknown attributes.</param>
    public ScimQueryable(SchemaRegistry registry, CaseFolding? caseFolding = null, FilterOptions? filterOptions = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        _translator = new LinqFilterTranslator(registry, filterOptions) { CaseFolding = caseFolding ?? CaseFolding.ToLower };
        _sorter = new ScimSorter(registry) { CaseFolding = caseFolding ?? CaseFolding.ToLower };
    }

    /// <summary>The schemas.</summary>
    public SchemaRegistry Registry { get; }

    /// <summary>
    /// Builds the two queries a page needs: all matches (to count) and the page itself (sorted
    /// and cut). Execute them with the provider's own methods (EF Core: <c>CountAsync</c>,
    /// <c>ToListAsync</c>), then finish with <see cref="ScimQueryPlan{T}.CreatePage"/>.
    /// </summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="source">All entities of the tenant.</param>
    /// <param name="query">The query.</param>
    /// <param name="resourceType">The resource type queried.</param>
    /// <param name="mapping">The attribute mapping; it must map <c>id</c> for cursor paging and for the default order.</param>
    /// <returns>The queries.</returns>
    /// <exception cref="ScimException">400 for a filter or sort the mapping cannot express, or a cursor this helper did not issue.</exception>
    public ScimQueryPlan<T> Plan<T>(IQueryable<T> source, ScimQuery query, ScimResourceType resourceType, AttributeMapping<T> mapping)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(mapping);
        var filtered = query.Filter is null ? source : source.Where(_translator.Translate(query.Filter, resourceType, mapping));
        var id = IdKey<T>.Of(mapping);
        IQueryable<T> page;
        if (query.UsesCursor)
        {
            if (query.SortBy is not null)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, "sortBy cannot be combined with cursor paging here; page by cursor in the default order, or sort with startIndex.");
            }

            var after = DecodeCursor(query.Cursor!);
            var keyed = after is null ? filtered : filtered.Where(id.After(after));
            page = Take(id.OrderBy(keyed), query.Count + 1);
        }
        else
        {
            var ordered = query.SortBy is null
                ? id.OrderBy(filtered)
                : id.ThenBy(_sorter.OrderBy(filtered, query.SortBy, query.SortOrder, resourceType, mapping));
            page = Take(Skip(ordered, Math.Max(0, query.StartIndex - 1)), query.Count);
        }

        return new ScimQueryPlan<T>(filtered, page, query, id.Text);
    }

    /// <summary>The filter as the <c>Where</c> condition <see cref="Plan{T}"/> gives its queries (its values read through <see cref="QueryParameter"/>).</summary>
    internal Expression<Func<T, bool>> Condition<T>(FilterExpression filter, ScimResourceType resourceType, AttributeMapping<T> mapping) =>
        _translator.Translate(filter, resourceType, mapping);

    /// <summary>The key the default order of <see cref="Plan{T}"/> sorts by (see <see cref="IdKey{T}"/>).</summary>
    internal static LambdaExpression IdOrder<T>(AttributeMapping<T> mapping) => IdKey<T>.Of(mapping).Selector;

    /// <summary>Runs a plan synchronously (for in-memory sources and synchronous providers) and returns the page.</summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="source">All entities of the tenant.</param>
    /// <param name="query">The query.</param>
    /// <param name="resourceType">The resource type queried.</param>
    /// <param name="mapping">The attribute mapping.</param>
    /// <returns>The page of entities.</returns>
    public ScimPage<T> Execute<T>(IQueryable<T> source, ScimQuery query, ScimResourceType resourceType, AttributeMapping<T> mapping)
    {
        var plan = Plan(source, query, resourceType, mapping);
        var total = plan.Matches.Count();
        var rows = query.Count == 0 ? [] : plan.Page.ToList();
        return plan.CreatePage(rows, total);
    }

    /// <summary>Makes the opaque cursor that resumes after the resource with this id.</summary>
    /// <param name="lastId">The id of the last resource of the page.</param>
    /// <returns>The cursor.</returns>
    public static string EncodeCursor(string lastId)
    {
        ArgumentNullException.ThrowIfNull(lastId);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes("id:" + lastId));
    }

    /// <summary>Reads a cursor made by <see cref="EncodeCursor"/>: <see langword="null"/> for the first page (the empty cursor).</summary>
    /// <param name="cursor">The cursor from the request.</param>
    /// <returns>The id to resume after, or <see langword="null"/>.</returns>
    /// <exception cref="ScimException">400 <c>invalidCursor</c>.</exception>
    public static string? DecodeCursor(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        if (cursor.Length == 0)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            // An id no store holds (a NUL, a lone surrogate) is no cursor this service issued.
            if (text.StartsWith("id:", StringComparison.Ordinal) && text.Length > 3 && Serialization.StoredText.IsAccepted(text))
            {
                return text[3..];
            }
        }
        catch (FormatException)
        {
        }

        throw ScimException.BadRequest(ScimErrorType.InvalidCursor, "The cursor is not one this service issued.");
    }

    // Skip and Take with their counts as parameters: one compiled query serves every page.
    private static IQueryable<T> Skip<T>(IQueryable<T> source, int count) =>
        source.Provider.CreateQuery<T>(Expression.Call(null, SkipMethod.MakeGenericMethod(typeof(T)), source.Expression, QueryParameter.Of(count)));

    private static IQueryable<T> Take<T>(IQueryable<T> source, int count) =>
        source.Provider.CreateQuery<T>(Expression.Call(null, TakeMethod.MakeGenericMethod(typeof(T)), source.Expression, QueryParameter.Of(count)));

    private static readonly System.Reflection.MethodInfo SkipMethod = new Func<IQueryable<object>, int, IQueryable<object>>(Queryable.Skip).Method.GetGenericMethodDefinition();

    private static readonly System.Reflection.MethodInfo TakeMethod = new Func<IQueryable<object>, int, IQueryable<object>>(Queryable.Take).Method.GetGenericMethodDefinition();

    /// <summary>
    /// The key the default order and cursors use: the member <c>id</c> is mapped to, a string or a
    /// host's numeric key. Its text is what a cursor carries; the keyset condition compares it in
    /// the column's own type, so it agrees with the order.
    /// </summary>
    private sealed class IdKey<T>
    {
        private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

        private readonly LambdaExpression _selector;

        // One per mapping: a mapping lives as long as its store, and compiling is not per query.
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AttributeMapping<T>, IdKey<T>> Cache = [];

        private readonly MethodInfo _orderBy;
        private readonly MethodInfo _thenBy;

        private IdKey(LambdaExpression selector)
        {
            _selector = selector;
            _orderBy = Method(nameof(Queryable.OrderBy), selector.ReturnType);
            _thenBy = Method(nameof(Queryable.ThenBy), selector.ReturnType);
            if (selector is Expression<Func<T, string>> text)
            {
                Text = text.Compile();
            }
            else
            {
                var boxed = Expression.Lambda<Func<T, object>>(Expression.Convert(selector.Body, typeof(object)), selector.Parameters).Compile();
                Text = row => System.Convert.ToString(boxed(row), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }
        }

        public Func<T, string> Text { get; }

        /// <summary>The key, as the lambda the order sorts by.</summary>
        public LambdaExpression Selector => _selector;

        public static IdKey<T> Of(AttributeMapping<T> mapping) => Cache.GetValue(mapping, Create);

        private static IdKey<T> Create(AttributeMapping<T> mapping)
        {
            if (mapping.Find("id") is AttributeMapping.MemberMapping member && (member.Member.ReturnType == typeof(string) || member.Member.ReturnType == typeof(int) || member.Member.ReturnType == typeof(long) || member.Member.ReturnType == typeof(Guid)))
            {
                return new IdKey<T>(member.Member.ReturnType == typeof(string) && member.Member is not Expression<Func<T, string>>
                    ? Expression.Lambda<Func<T, string>>(member.Member.Body, member.Member.Parameters)
                    : member.Member);
            }

            throw new InvalidOperationException($"The attribute mapping for {typeof(T).Name} must map 'id' to a string, int, long or Guid member to be paged.");
        }

        public IOrderedQueryable<T> OrderBy(IQueryable<T> source) =>
            (IOrderedQueryable<T>)source.Provider.CreateQuery<T>(Expression.Call(null, _orderBy, source.Expression, Expression.Quote(_selector)));

        public IOrderedQueryable<T> ThenBy(IOrderedQueryable<T> source) =>
            (IOrderedQueryable<T>)source.Provider.CreateQuery<T>(Expression.Call(null, _thenBy, source.Expression, Expression.Quote(_selector)));

        /// <summary>Rows after the one whose key a cursor carries.</summary>
        public Expression<Func<T, bool>> After(string text)
        {
            var parameter = _selector.Parameters[0];
            Expression condition;
            if (_selector.ReturnType == typeof(string))
            {
                // string.Compare is what LINQ providers translate to the column's own ordering, which
                // is also the order OrderBy uses: the keyset and the sort agree.
                condition = Expression.GreaterThan(Expression.Call(StringCompare, _selector.Body, QueryParameter.Of(text)), Expression.Constant(0));
            }
            else
            {
                var key = LinqFilterTranslator.ParseKey(text, _selector.ReturnType)
                    ?? throw ScimException.BadRequest(ScimErrorType.InvalidCursor, "The cursor is not one this service issued.");
                condition = Expression.GreaterThan(_selector.Body, QueryParameter.Of(key, _selector.ReturnType));
            }

            return Expression.Lambda<Func<T, bool>>(condition, parameter);
        }

        private static MethodInfo Method(string name, Type key) =>
            typeof(Queryable).GetMethods().Single(m => m.Name == name && m.GetParameters().Length == 2).MakeGenericMethod(typeof(T), key);
    }
}

/// <summary>The queries of one page, from <see cref="ScimQueryable.Plan{T}"/>.</summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class ScimQueryPlan<T>
{
    private readonly ScimQuery _query;
    private readonly Func<T, string> _id;

    internal ScimQueryPlan(IQueryable<T> matches, IQueryable<T> page, ScimQuery query, Func<T, string> id)
    {
        Matches = matches;
        Page = page;
        _query = query;
        _id = id;
    }

    /// <summary>Every entity matching the filter: count it for <c>totalResults</c>.</summary>
    public IQueryable<T> Matches { get; }

    /// <summary>The page, sorted and cut (with cursor paging it fetches one row more than <c>count</c>, to know whether a next page exists).</summary>
    public IQueryable<T> Page { get; }

    /// <summary>Makes the page from the rows <see cref="Page"/> returned and the count of <see cref="Matches"/>.</summary>
    /// <param name="rows">The rows of <see cref="Page"/>.</param>
    /// <param name="totalResults">The count of <see cref="Matches"/>.</param>
    /// <returns>The page, with the next cursor when paging by cursor.</returns>
    public ScimPage<T> CreatePage(IReadOnlyList<T> rows, int totalResults)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!_query.UsesCursor)
        {
            return new ScimPage<T>(rows, totalResults);
        }

        if (rows.Count <= _query.Count)
        {
            return new ScimPage<T>(rows, totalResults);
        }

        var kept = rows.Take(_query.Count).ToList();
        return new ScimPage<T>(kept, totalResults, kept.Count == 0 ? null : ScimQueryable.EncodeCursor(_id(kept[^1])));
    }
}
