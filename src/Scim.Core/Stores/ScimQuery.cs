using Scim.Core.Filtering;
using Scim.Core.Querying;

namespace Scim.Core.Stores;

/// <summary>
/// A list request as a store receives it (RFC 7644 §3.4.2, RFC 9865): the parsed filter, the sort,
/// either index paging (<see cref="StartIndex"/>) or cursor paging (<see cref="Cursor"/>), the page
/// size and the attributes the response will carry. Stores built on <see cref="System.Linq.IQueryable{T}"/>
/// hand it to <see cref="ScimQueryable"/> and write no query code.
/// </summary>
public sealed class ScimQuery
{
    /// <summary>
    /// The filter, parsed and checked against the schema, with its names and values as the client
    /// wrote them (an attribute in any case, with or without its schema's URN; a value as JSON gave
    /// it); <see cref="ScimQueryable"/> resolves them. <see langword="null"/> matches everything.
    /// </summary>
    public FilterExpression? Filter { get; init; }

    /// <summary>The attribute path to sort by (<c>sortBy</c>), or <see langword="null"/> for the store's stable default order.</summary>
    public string? SortBy { get; init; }

    /// <summary>The sort direction (<c>sortOrder</c>).</summary>
    public SortOrder SortOrder { get; init; }

    /// <summary>The 1-based index of the first result (<c>startIndex</c>); ignored with cursor paging.</summary>
    public int StartIndex { get; init; } = 1;

    /// <summary>The maximum number of resources in the page (<c>count</c>); 0 asks for the total only.</summary>
    public int Count { get; init; } = 100;

    /// <summary>
    /// The RFC 9865 cursor: <see langword="null"/> for index paging, the empty string for the first
    /// page of cursor paging, otherwise a value a previous page returned as its next cursor.
    /// </summary>
    public string? Cursor { get; init; }

    /// <summary>Whether the request uses cursor paging.</summary>
    public bool UsesCursor => Cursor is not null;

    /// <summary>What the service will use of the resources; a store may skip loading the rest (<c>query.Hints.IncludesMembers</c>).</summary>
    public ReadHints Hints { get; init; } = ReadHints.All;

    /// <summary>
    /// Whether the caller reads <see cref="ScimPage{T}.TotalResults"/>. When <see langword="false"/>
    /// (the service checking that members exist), a store may skip counting the matches and report
    /// the number of resources it returns.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool CountsTotal { get; init; } = true;
}

/// <summary>One page of a list result.</summary>
/// <typeparam name="T">The resource type.</typeparam>
public sealed class ScimPage<T>
{
    /// <summary>Creates a page.</summary>
    /// <param name="resources">The resources of this page, in order.</param>
    /// <param name="totalResults">The number of resources matching the filter over all pages.</param>
    /// <param name="nextCursor">With cursor paging, the cursor of the next page, or <see langword="null"/> on the last page.</param>
    public ScimPage(IReadOnlyList<T> resources, int totalResults, string? nextCursor = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentOutOfRangeException.ThrowIfNegative(totalResults);
        Resources = resources;
        TotalResults = totalResults;
        NextCursor = nextCursor;
    }

    /// <summary>The resources of this page.</summary>
    public IReadOnlyList<T> Resources { get; }

    /// <summary>The number of resources matching the filter over all pages.</summary>
    public int TotalResults { get; }

    /// <summary>With cursor paging, the cursor of the next page; <see langword="null"/> on the last page or with index paging.</summary>
    public string? NextCursor { get; }
}
