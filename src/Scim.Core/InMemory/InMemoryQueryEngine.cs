using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.InMemory;

/// <summary>
/// Runs store queries over a <see cref="TenantTable{T}"/>: the filter through
/// <see cref="LinqFilterTranslator"/> (compiled once per distinct filter), equality on id,
/// externalId and the type's lookup attribute answered from the indexes, rows visited in id order
/// so pages and cursors are stable.
/// </summary>
internal sealed class InMemoryQueryEngine<T>
    where T : ScimResource
{
    private const int MaxCompiled = 2048;

    private readonly SchemaRegistry _registry;
    private readonly ScimResourceType _resourceType;
    private readonly AttributeMapping<T> _mapping;
    private readonly LinqFilterTranslator _translator;
    private readonly ScimSorter _sorter;
    private readonly string _secondaryAttribute;
    private readonly Caching.BoundedCache<FilterExpression, Func<T, bool>> _compiled = new(MaxCompiled);

    public InMemoryQueryEngine(SchemaRegistry registry, string resourceTypeName, AttributeMapping<T> mapping, string secondaryAttribute)
    {
        _registry = registry;
        _resourceType = registry.FindResourceType(resourceTypeName) ?? throw new InvalidOperationException($"The schema registry has no {resourceTypeName} resource type.");
        _mapping = mapping;
        _translator = new LinqFilterTranslator(registry) { CaseFolding = CaseFolding.ToLower, OrdinalIgnoreCase = true };
        _sorter = new ScimSorter(registry) { CaseFolding = CaseFolding.ToLower };
        _secondaryAttribute = secondaryAttribute;
    }

    /// <summary>Runs the query (call under the table's read lock). <paramref name="view"/> gives the object the filter sees; <paramref name="output"/> the object returned.</summary>
    public ScimPage<T> Run(TenantTable<T> table, ScimQuery query, Func<T, T> view, Func<T, T> output)
    {
        // The lookup IdPs make on every sync (userName eq, externalId eq, id eq) names one row at
        // most: answered from the index entry, with no candidate list, enumerator or predicate.
        if (query is { Filter: ComparisonFilter { Value: StringValue value } lookup, SortBy: null, UsesCursor: false }
            && IndexFor(lookup) is var index and not Indexed.None
            && Entry(table, index, value.Value) is var entry and not string[])
        {
            var row = entry is string id ? table.ById.GetValueOrDefault(id) : null;
            return row is null
                ? new ScimPage<T>([], 0)
                : new ScimPage<T>(query.StartIndex == 1 && query.Count > 0 ? [output(row)] : [], 1);
        }

        return RunAny(table, query, view, output);
    }

    // Apart from the lookup above: its lambdas capture the parameters, which would cost the lookup a closure.
    private ScimPage<T> RunAny(TenantTable<T> table, ScimQuery query, Func<T, T> view, Func<T, T> output)
    {
        var candidates = query.Filter is null ? null : Candidates(table, query.Filter);

        // When the index answers the filter exactly (userName eq, or an OR of id eq), no predicate is
        // needed; that also spares compiling one for every distinct value an IdP looks up.
        var predicate = query.Filter is null || (candidates is not null && AnsweredByIndex(query.Filter)) ? null : Compile(query.Filter);
        IEnumerable<T> rows = candidates switch
        {
            null => table.Order,
            IReadOnlyList<string> { Count: 0 } => [],
            IReadOnlyList<string> { Count: 1 } one => table.ById.TryGetValue(one[0], out var only) ? [only] : [],
            _ => candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(id => table.ById.GetValueOrDefault(id)).OfType<T>(),
        };

        if (query.UsesCursor)
        {
            if (query.SortBy is not null)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, "sortBy cannot be combined with cursor paging; page by cursor in the default order, or sort with startIndex.");
            }

            var after = ScimQueryable.DecodeCursor(query.Cursor!);
            if (predicate is null && candidates is null)
            {
                // Everything matches: the page is a slice after the cursor's id.
                var start = after is null ? 0 : table.IndexAfter(after);
                var slice = table.Order.GetRange(start, Math.Min(query.Count, Math.Max(0, table.Order.Count - start)));
                var more = start + slice.Count < table.Order.Count && slice.Count > 0;
                return new ScimPage<T>([.. slice.Select(output)], table.Order.Count, more ? ScimQueryable.EncodeCursor(slice[^1].Id!) : null);
            }

            var page = new List<T>();
            var total = 0;
            string? next = null;
            foreach (var row in rows)
            {
                if (predicate is not null && !predicate(view(row)))
                {
                    continue;
                }

                total++;
                if (after is not null && string.CompareOrdinal(row.Id, after) <= 0)
                {
                    continue;
                }

                if (page.Count < query.Count)
                {
                    page.Add(output(row));
                }
                else if (next is null && page.Count > 0)
                {
                    next = ScimQueryable.EncodeCursor(page[^1].Id!);
                }
            }

            return new ScimPage<T>(page, total, next);
        }

        if (query.SortBy is not null)
        {
            var matches = predicate is null ? rows.ToList() : rows.Where(r => predicate(view(r))).ToList();
            var sorted = _sorter.OrderBy(matches.AsQueryable(), query.SortBy, query.SortOrder, _resourceType, _mapping);
            var window = sorted.Skip(query.StartIndex - 1).Take(query.Count).AsEnumerable().Select(output).ToList();
            return new ScimPage<T>(window, matches.Count);
        }

        var first = query.StartIndex - 1;
        if (predicate is null && candidates is null)
        {
            // Everything matches: the page is a slice of the ordered rows.
            var start = Math.Min(first, table.Order.Count);
            var slice = table.Order.GetRange(start, Math.Min(query.Count, table.Order.Count - start));
            return new ScimPage<T>([.. slice.Select(output)], table.Order.Count);
        }

        // An index lookup (the IdPs' userName eq) usually finds one row: no room for a hundred.
        var result = new List<T>(Math.Min(query.Count, candidates is IReadOnlyCollection<string> few ? few.Count : 128));
        var count = 0;
        foreach (var row in rows)
        {
            if (predicate is not null && !predicate(view(row)))
            {
                continue;
            }

            if (count >= first && result.Count < query.Count)
            {
                result.Add(output(row));
            }

            count++;
        }

        return new ScimPage<T>(result, count);
    }

    /// <summary>Whether the filter reads an attribute (used to know if a group's members must be visible to it).</summary>
    public static bool Mentions(FilterExpression filter, string attribute) => filter switch
    {
        AndFilter and => Mentions(and.Left, attribute) || Mentions(and.Right, attribute),
        OrFilter or => Mentions(or.Left, attribute) || Mentions(or.Right, attribute),
        NotFilter not => Mentions(not.Inner, attribute),
        ComparisonFilter comparison => string.Equals(comparison.Path.Name, attribute, StringComparison.OrdinalIgnoreCase),
        PresentFilter present => string.Equals(present.Path.Name, attribute, StringComparison.OrdinalIgnoreCase),
        ValuePathFilter valuePath => string.Equals(valuePath.Path.Name, attribute, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private bool AnsweredByIndex(FilterExpression filter) => filter switch
    {
        OrFilter or => AnsweredByIndex(or.Left) && AnsweredByIndex(or.Right),
        _ => IndexFor(filter) != Indexed.None,
    };

    /// <summary>The index that answers a filter exactly, when it is an equality on id, externalId or the lookup attribute.</summary>
    private Indexed IndexFor(FilterExpression filter)
    {
        if (filter is not ComparisonFilter { Operator: ComparisonOperator.Equal, Value: StringValue, Path: { SubAttribute: null } path }
            || (path.SchemaUri is not null && !string.Equals(path.SchemaUri, _resourceType.Schema, StringComparison.OrdinalIgnoreCase)))
        {
            return Indexed.None;
        }

        return path.Name.Equals("id", StringComparison.OrdinalIgnoreCase) ? Indexed.Id
            : path.Name.Equals("externalId", StringComparison.OrdinalIgnoreCase) ? Indexed.ExternalId
            : path.Name.Equals(_secondaryAttribute, StringComparison.OrdinalIgnoreCase) ? Indexed.Secondary
            : Indexed.None;
    }

    /// <summary>The index entry for a value: <see langword="null"/>, one id or an array of ids (see <see cref="TenantTable{T}.Ids"/>).</summary>
    private static object? Entry(TenantTable<T> table, Indexed index, string value) => index switch
    {
        Indexed.Id => value,
        Indexed.ExternalId => table.ExternalIdEntry(value),
        Indexed.Secondary => table.SecondaryEntry(value),
        _ => null,
    };

    private enum Indexed
    {
        None,
        Id,
        ExternalId,
        Secondary,
    }

    private Func<T, bool> Compile(FilterExpression filter) =>
        _compiled.GetOrAdd(filter, static (filter, engine) => engine._translator.Translate(filter, engine._resourceType, engine._mapping).Compile(), this);

    /// <summary>The ids an indexed equality in the filter's top-level AND chain narrows the search to; <see langword="null"/> when none does.</summary>
    private IEnumerable<string>? Candidates(TenantTable<T> table, FilterExpression filter)
    {
        switch (filter)
        {
            case AndFilter and:
                return Candidates(table, and.Left) ?? Candidates(table, and.Right);
            case OrFilter or:
                var left = Candidates(table, or.Left);
                var right = left is null ? null : Candidates(table, or.Right);
                return left is null || right is null ? null : left.Concat(right);
            case ComparisonFilter { Value: StringValue value } comparison when IndexFor(comparison) is var index and not Indexed.None:
                return TenantTable<T>.Ids(Entry(table, index, value.Value));
            default:
                return null;
        }
    }
}
