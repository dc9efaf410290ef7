using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Stores;

/// <summary>
/// <see cref="ScimQueryable"/> over a host table whose key (the SCIM id) is an int or long column:
/// the default order, index paging and the keyset of cursor paging follow the key's numeric order.
/// </summary>
public sealed class ScimQueryableNumericKeyTests
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();
    private static readonly ScimResourceType UserType = Registry.FindResourceType("User")!;

    private static readonly AttributeMapping<IntRow> IntMapping = new AttributeMapping<IntRow>()
        .Map("id", r => r.Id)
        .Map("userName", r => r.Login)
        .Map("active", r => r.Enabled);

    private static readonly AttributeMapping<LongRow> LongMapping = new AttributeMapping<LongRow>()
        .Map("id", r => r.Id)
        .Map("userName", r => r.Login);

    // Inserted out of order; as text the keys would sort 100, 1000, 2, 33, 41, 5, 7.
    private static readonly List<IntRow> IntRows =
    [
        new(41, "dora", true),
        new(5, "bea", false),
        new(1000, "gus", true),
        new(2, "abe", true),
        new(100, "fay", false),
        new(33, "cal", true),
        new(7, "eve", true),
    ];

    private static readonly List<LongRow> LongRows =
    [
        new(9_000_000_001, "c"),
        new(3, "a"),
        new(9_000_000_000, "b"),
        new(long.MaxValue, "d"),
    ];

    private static ScimPage<IntRow> Run(ScimQuery query) => new ScimQueryable(Registry).Execute(IntRows.AsQueryable(), query, UserType, IntMapping);

    private static int[] Ids(ScimPage<IntRow> page) => [.. page.Resources.Select(r => r.Id)];

    [Fact]
    public void Execute_NoSort_OrdersByTheKeyNumerically()
    {
        var page = Run(new ScimQuery());

        Assert.Equal([2, 5, 7, 33, 41, 100, 1000], Ids(page));
        Assert.Equal(7, page.TotalResults);
    }

    [Theory]
    [InlineData(1, 3, new[] { 2, 5, 7 })]
    [InlineData(3, 2, new[] { 7, 33 })]
    [InlineData(6, 5, new[] { 100, 1000 })]
    [InlineData(8, 5, new int[0])]
    [InlineData(1, 0, new int[0])]
    public void Execute_IndexPaging_CutsTheKeyOrder(int startIndex, int count, int[] expected)
    {
        var page = Run(new ScimQuery { StartIndex = startIndex, Count = count });

        Assert.Equal(expected, Ids(page));
        Assert.Equal(7, page.TotalResults);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public void Execute_SortByWithTies_BreaksThemByTheKeyNumerically()
    {
        var page = Run(new ScimQuery { SortBy = "active" });

        // false before true; within each, the key's numeric order.
        Assert.Equal([5, 100, 2, 7, 33, 41, 1000], Ids(page));
    }

    [Fact]
    public void Execute_SortByWithIndexPaging_PagesTheSortedOrder()
    {
        var page = Run(new ScimQuery { SortBy = "userName", SortOrder = SortOrder.Descending, StartIndex = 2, Count = 3 });

        Assert.Equal([100, 7, 41], Ids(page));
    }

    [Theory]
    [InlineData("id eq \"33\"", new[] { 33 })]
    [InlineData("id gt \"40\"", new[] { 41, 100, 1000 })]
    [InlineData("id lt \"40\" and active eq true", new[] { 2, 7, 33 })]
    [InlineData("id eq \"abc\"", new int[0])]
    public void Execute_FilterOnTheKey_ComparesNumbers(string filter, int[] expected)
    {
        var page = Run(new ScimQuery { Filter = ScimFilterParser.Parse(filter) });

        Assert.Equal(expected, Ids(page));
        Assert.Equal(expected.Length, page.TotalResults);
    }

    [Fact]
    public void Execute_CursorPaging_WalksTheKeyOrderOnceAndEnds()
    {
        var seen = new List<int>();
        var cursors = new List<string>();
        string? cursor = string.Empty;
        while (cursor is not null)
        {
            var page = Run(new ScimQuery { Cursor = cursor, Count = 3 });
            Assert.Equal(7, page.TotalResults);
            seen.AddRange(Ids(page));
            cursor = page.NextCursor;
            if (cursor is not null)
            {
                cursors.Add(cursor);
            }
        }

        Assert.Equal([2, 5, 7, 33, 41, 100, 1000], seen);
        Assert.Equal(["7", "100"], cursors.Select(ScimQueryable.DecodeCursor));
    }

    [Fact]
    public void Execute_CursorPagingWithAFilter_KeepsTheFilter()
    {
        var first = Run(new ScimQuery { Filter = ScimFilterParser.Parse("active eq true"), Cursor = string.Empty, Count = 2 });
        var second = Run(new ScimQuery { Filter = ScimFilterParser.Parse("active eq true"), Cursor = first.NextCursor, Count = 2 });
        var third = Run(new ScimQuery { Filter = ScimFilterParser.Parse("active eq true"), Cursor = second.NextCursor, Count = 2 });

        Assert.Equal([2, 7], Ids(first));
        Assert.Equal([33, 41], Ids(second));
        Assert.Equal([1000], Ids(third));
        Assert.Null(third.NextCursor);
        Assert.Equal(5, third.TotalResults);
    }

    [Theory]
    [InlineData("33", new[] { 41, 100, 1000 })]
    [InlineData("35", new[] { 41, 100, 1000 })]
    [InlineData("0", new[] { 2, 5, 7, 33, 41, 100, 1000 })]
    [InlineData("1000", new int[0])]
    [InlineData("2147483647", new int[0])]
    public void Execute_CursorOfAKey_ResumesAfterItInNumericOrder(string key, int[] expected)
    {
        var page = Run(new ScimQuery { Cursor = ScimQueryable.EncodeCursor(key), Count = 10 });

        Assert.Equal(expected, Ids(page));
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("u05")]
    [InlineData("1.5")]
    [InlineData("+7")]
    [InlineData("--7")]
    [InlineData(" 7")]
    [InlineData("2147483648")]
    public void Execute_CursorWhoseKeyIsNotAnInt_Is400InvalidCursor(string key)
    {
        var error = Assert.Throws<ScimException>(() => Run(new ScimQuery { Cursor = ScimQueryable.EncodeCursor(key) }));

        Assert.Equal((400, ScimErrorType.InvalidCursor), (error.Status, error.ScimType));
    }

    [Fact]
    public void Plan_CursorWhoseKeyIsNotAnInt_Is400InvalidCursorBeforeAnyQueryRuns()
    {
        var error = Assert.Throws<ScimException>(() => new ScimQueryable(Registry).Plan(IntRows.AsQueryable(), new ScimQuery { Cursor = ScimQueryable.EncodeCursor("abc") }, UserType, IntMapping));

        Assert.Equal(ScimErrorType.InvalidCursor, error.ScimType);
    }

    [Fact]
    public void Plan_CursorPaging_FetchesOneRowMoreThanTheCount()
    {
        var plan = new ScimQueryable(Registry).Plan(IntRows.AsQueryable(), new ScimQuery { Cursor = ScimQueryable.EncodeCursor("5"), Count = 2 }, UserType, IntMapping);

        Assert.Equal([7, 33, 41], plan.Page.Select(r => r.Id));
        var page = plan.CreatePage([.. plan.Page], plan.Matches.Count());
        Assert.Equal([7, 33], Ids(page));
        Assert.Equal("33", ScimQueryable.DecodeCursor(page.NextCursor!));
    }

    [Fact]
    public void Execute_NegativeKeys_AreOrderedFilteredAndPagedByCursorLikeAnyOther()
    {
        // Seeded rows of a host table sometimes have negative keys: the cursor made from one must be accepted back.
        var rows = new List<IntRow> { new(4, "d", true), new(-1, "b", true), new(-20, "a", true), new(0, "c", true) };
        var queryable = new ScimQueryable(Registry);

        var first = queryable.Execute(rows.AsQueryable(), new ScimQuery { Cursor = string.Empty, Count = 2 }, UserType, IntMapping);
        var second = queryable.Execute(rows.AsQueryable(), new ScimQuery { Cursor = first.NextCursor, Count = 2 }, UserType, IntMapping);
        var found = queryable.Execute(rows.AsQueryable(), new ScimQuery { Filter = ScimFilterParser.Parse("id eq \"-20\"") }, UserType, IntMapping);

        Assert.Equal([-20, -1], Ids(first));
        Assert.Equal("-1", ScimQueryable.DecodeCursor(first.NextCursor!));
        Assert.Equal([0, 4], Ids(second));
        Assert.Equal([-20], Ids(found));
    }

    [Fact]
    public void Execute_LongKey_OrdersAndPagesByCursorNumerically()
    {
        var queryable = new ScimQueryable(Registry);
        var first = queryable.Execute(LongRows.AsQueryable(), new ScimQuery { Cursor = string.Empty, Count = 2 }, UserType, LongMapping);
        var second = queryable.Execute(LongRows.AsQueryable(), new ScimQuery { Cursor = first.NextCursor, Count = 2 }, UserType, LongMapping);

        Assert.Equal([3L, 9_000_000_000L], first.Resources.Select(r => r.Id));
        Assert.Equal("9000000000", ScimQueryable.DecodeCursor(first.NextCursor!));
        Assert.Equal([9_000_000_001L, long.MaxValue], second.Resources.Select(r => r.Id));
        Assert.Null(second.NextCursor);
    }

    [Theory]
    [InlineData("9000000000", new[] { "c", "d" })]
    [InlineData("9223372036854775807", new string[0])]
    public void Execute_LongKeyCursor_ResumesAfterIt(string key, string[] expected)
    {
        var page = new ScimQueryable(Registry).Execute(LongRows.AsQueryable(), new ScimQuery { Cursor = ScimQueryable.EncodeCursor(key) }, UserType, LongMapping);

        Assert.Equal(expected, page.Resources.Select(r => r.Login));
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("nine")]
    public void Execute_LongKeyCursorThatIsNoLong_Is400InvalidCursor(string key)
    {
        var error = Assert.Throws<ScimException>(() => new ScimQueryable(Registry).Execute(LongRows.AsQueryable(), new ScimQuery { Cursor = ScimQueryable.EncodeCursor(key) }, UserType, LongMapping));

        Assert.Equal(ScimErrorType.InvalidCursor, error.ScimType);
    }

    [Fact]
    public void Execute_LongKey_IndexPagingOrdersNumerically()
    {
        var page = new ScimQueryable(Registry).Execute(LongRows.AsQueryable(), new ScimQuery { StartIndex = 2, Count = 2 }, UserType, LongMapping);

        Assert.Equal(["b", "c"], page.Resources.Select(r => r.Login));
    }

    /// <summary>A Guid key pages (as ASP.NET Core Identity's keys): by index and by cursor, every row once, in key order.</summary>
    [Fact]
    public void Execute_GuidKey_PagesByIndexAndByCursor()
    {
        var rows = Enumerable.Range(1, 5).Select(i => new GuidRow(Guid.Parse($"00000000-0000-0000-0000-00000000000{i}"))).Reverse().ToList();
        var mapping = new AttributeMapping<GuidRow>().Map("id", r => r.Id);
        var queryable = new ScimQueryable(Registry);

        var second = queryable.Execute(rows.AsQueryable(), new ScimQuery { StartIndex = 3, Count = 2 }, UserType, mapping);
        Assert.Equal(rows.Select(r => r.Id).Order().Skip(2).Take(2), second.Resources.Select(r => r.Id));

        var walked = new List<Guid>();
        for (var cursor = string.Empty; cursor is not null;)
        {
            var page = queryable.Execute(rows.AsQueryable(), new ScimQuery { Cursor = cursor, Count = 2 }, UserType, mapping);
            walked.AddRange(page.Resources.Select(r => r.Id));
            cursor = page.NextCursor;
        }

        Assert.Equal(rows.Select(r => r.Id).Order(), walked);
    }

    [Fact]
    public void Plan_IdMappedToADateTime_ThrowsInvalidOperationNamingTheKeyTypes()
    {
        var mapping = new AttributeMapping<TimeRow>().Map("id", r => r.Id);

        var error = Assert.Throws<InvalidOperationException>(() => new ScimQueryable(Registry).Plan(new List<TimeRow>().AsQueryable(), new ScimQuery(), UserType, mapping));

        Assert.Contains("'id'", error.Message, StringComparison.Ordinal);
        Assert.Contains("int, long or Guid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_IdMappedToANullableInt_ThrowsInvalidOperation()
    {
        var mapping = new AttributeMapping<NullableRow>().Map("id", r => r.Id);

        Assert.Throws<InvalidOperationException>(() => new ScimQueryable(Registry).Plan(new List<NullableRow>().AsQueryable(), new ScimQuery(), UserType, mapping));
    }

    [Fact]
    public void Plan_MappingWithoutIdThenGivenOne_IsPagedOnceItHasIt()
    {
        // A mapping's key is worked out once; a mapping that could not be paged yet is not remembered as such.
        var mapping = new AttributeMapping<IntRow>().Map("userName", r => r.Login);
        var queryable = new ScimQueryable(Registry);
        Assert.Throws<InvalidOperationException>(() => queryable.Plan(IntRows.AsQueryable(), new ScimQuery(), UserType, mapping));

        mapping.Map("id", r => r.Id);
        var page = queryable.Execute(IntRows.AsQueryable(), new ScimQuery { Count = 2 }, UserType, mapping);

        Assert.Equal([2, 5], Ids(page));
    }

    [Fact]
    public void Execute_SameMappingOverOtherSourcesAndHelpers_GivesEachItsOwnAnswer()
    {
        var few = new List<IntRow> { new(9, "x", true), new(3, "y", true) };

        var all = new ScimQueryable(Registry).Execute(IntRows.AsQueryable(), new ScimQuery { Cursor = string.Empty, Count = 1 }, UserType, IntMapping);
        var some = new ScimQueryable(Registry).Execute(few.AsQueryable(), new ScimQuery { Cursor = string.Empty, Count = 1 }, UserType, IntMapping);

        Assert.Equal([2], Ids(all));
        Assert.Equal([3], Ids(some));
        Assert.Equal("3", ScimQueryable.DecodeCursor(some.NextCursor!));
    }

    private sealed record IntRow(int Id, string Login, bool Enabled);

    private sealed record LongRow(long Id, string Login);

    private sealed record GuidRow(Guid Id);

    private sealed record TimeRow(DateTime Id);

    private sealed record NullableRow(int? Id);
}
