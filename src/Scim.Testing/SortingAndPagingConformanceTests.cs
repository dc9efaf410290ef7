using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// <c>sortBy</c>/<c>sortOrder</c> (RFC 7644 §3.4.2.3: strings compare case-insensitively, resources
/// without a value last when ascending, the exact reverse when descending) and index paging
/// (<c>startIndex</c>/<c>count</c>, §3.4.2.4) over <see cref="ConformanceUsers"/>, as the stores
/// should hold them (<see cref="StoreUnderTest"/>); a sort key or filter on an attribute the stores
/// do not keep is skipped.
/// </summary>
public abstract class SortingAndPagingConformanceTests : StoreConformanceTests
{
    /// <summary>The sort keys checked, in both directions.</summary>
    public static TheoryData<string, SortOrder> SortCases
    {
        get
        {
            var data = new TheoryData<string, SortOrder>();
            foreach (var path in new[] { "userName", "displayName", "name.familyName" })
            {
                data.Add(path, SortOrder.Ascending);
                data.Add(path, SortOrder.Descending);
            }

            return data;
        }
    }

    /// <summary>The store's order has the same sequence of keys as a sort computed here (ties in any order).</summary>
    /// <param name="sortBy">The attribute.</param>
    /// <param name="order">The direction.</param>
    [Theory]
    [MemberData(nameof(SortCases), MemberType = typeof(SortingAndPagingConformanceTests))]
    public async Task QueryAsync_SortBy_OrdersByTheKey(string sortBy, SortOrder order)
    {
        SkipUnlessKept(Claims.UserType, sortBy);
        var expected = ExpectedOrder(await SeedPopulationAsync(), sortBy, order);

        var page = await Users.QueryAsync(Context, new ScimQuery { SortBy = sortBy, SortOrder = order, Count = 1000 }, Cancellation);

        Assert.Equal(ConformanceUsers.Count, page.TotalResults);
        Assert.Equal(Sorted(expected.Select(u => u.Id)), Sorted(page.Resources.Select(u => u.Id)));
        Assert.Equal(expected.Select(u => Key(u, sortBy)), page.Resources.Select(u => Key(u, sortBy)));
    }

    /// <summary>Sorted pages of 7 put together give the whole sorted result (userName is unique, so the order is total).</summary>
    /// <param name="order">The direction.</param>
    [Theory]
    [InlineData(SortOrder.Ascending)]
    [InlineData(SortOrder.Descending)]
    public async Task QueryAsync_SortedWindows_ConcatenateToTheSortedResult(SortOrder order)
    {
        var expected = ExpectedOrder(await SeedPopulationAsync(), "userName", order).Select(u => u.Id).ToList();

        var walked = new List<string?>();
        for (var start = 1; start <= ConformanceUsers.Count; start += 7)
        {
            var page = await Users.QueryAsync(Context, new ScimQuery { SortBy = "userName", SortOrder = order, StartIndex = start, Count = 7 }, Cancellation);
            Assert.Equal(ConformanceUsers.Count, page.TotalResults);
            walked.AddRange(page.Resources.Select(u => u.Id));
        }

        Assert.Equal(expected, walked);
    }

    /// <summary>A filtered, sorted query sorts only the matches.</summary>
    [Fact]
    public async Task QueryAsync_FilterAndSort_SortsTheMatches()
    {
        SkipUnlessKept(Claims.UserType, "active");
        var expected = ExpectedOrder([.. (await SeedPopulationAsync()).Where(u => u.Active == true)], "userName", SortOrder.Descending);

        var page = await Users.QueryAsync(Context, new ScimQuery { Filter = ScimFilterParser.Parse("active eq true"), SortBy = "userName", SortOrder = SortOrder.Descending, Count = 1000 }, Cancellation);

        Assert.Equal(expected.Count, page.TotalResults);
        Assert.Equal(expected.Select(u => u.Id), page.Resources.Select(u => u.Id));
    }

    /// <summary>Windows of 7 from startIndex 1, 8, 15, ... cover every match exactly once, each page reporting the full total.</summary>
    /// <param name="filter">A filter, or <see langword="null"/> for all users.</param>
    [Theory]
    [InlineData(null)]
    [InlineData("active eq true or emails pr")]
    [InlineData("active eq false or userName sw \"c\"")]
    public async Task QueryAsync_IndexWindows_CoverEveryMatchOnce(string? filter)
    {
        var parsed = filter is null ? null : ScimFilterParser.Parse(filter);
        if (parsed is not null)
        {
            SkipUnlessKept(Claims.UserType, parsed);
        }

        await SeedPopulationAsync();
        var all = await Users.QueryAsync(Context, new ScimQuery { Filter = parsed, Count = 1000 }, Cancellation);
        var total = all.TotalResults;
        Assert.Equal(total, all.Resources.Count);

        var walked = new List<string?>();
        for (var start = 1; start <= total; start += 7)
        {
            var page = await Users.QueryAsync(Context, new ScimQuery { Filter = parsed, StartIndex = start, Count = 7 }, Cancellation);
            Assert.Equal(total, page.TotalResults);
            Assert.Equal(Math.Min(7, total - start + 1), page.Resources.Count);
            walked.AddRange(page.Resources.Select(u => u.Id));
        }

        Assert.Equal(walked.Count, walked.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Sorted(all.Resources.Select(u => u.Id)), Sorted(walked));
        Assert.Equal(all.Resources.Select(u => u.Id), walked);
    }

    /// <summary><c>count=0</c> returns no resources but the total.</summary>
    [Fact]
    public async Task QueryAsync_CountZero_ReturnsTotalOnly()
    {
        SkipUnlessKept(Claims.UserType, "active");
        var stored = await SeedPopulationAsync();

        var all = await Users.QueryAsync(Context, new ScimQuery { Count = 0 }, Cancellation);
        var active = await Users.QueryAsync(Context, new ScimQuery { Filter = ScimFilterParser.Parse("active eq true"), Count = 0 }, Cancellation);

        Assert.Empty(all.Resources);
        Assert.Equal(ConformanceUsers.Count, all.TotalResults);
        Assert.Empty(active.Resources);
        Assert.Equal(stored.Count(u => u.Active == true), active.TotalResults);
    }

    /// <summary>A startIndex past the end returns no resources and the total.</summary>
    [Fact]
    public async Task QueryAsync_StartIndexPastTheEnd_ReturnsEmptyPageWithTotal()
    {
        await SeedPopulationAsync();

        var page = await Users.QueryAsync(Context, new ScimQuery { StartIndex = ConformanceUsers.Count + 1, Count = 10 }, Cancellation);

        Assert.Empty(page.Resources);
        Assert.Equal(ConformanceUsers.Count, page.TotalResults);
    }

    /// <summary>The default order (no sortBy) is the same on every call.</summary>
    [Fact]
    public async Task QueryAsync_NoSortBy_OrderIsStable()
    {
        await SeedPopulationAsync();

        var first = await Users.QueryAsync(Context, new ScimQuery { Count = 1000 }, Cancellation);
        var second = await Users.QueryAsync(Context, new ScimQuery { Count = 1000 }, Cancellation);

        Assert.Equal(ConformanceUsers.Count, first.Resources.Count);
        Assert.Equal(first.Resources.Select(u => u.Id), second.Resources.Select(u => u.Id));
    }

    /// <summary>Groups sort by displayName too.</summary>
    [Fact]
    public async Task QueryAsync_GroupsSortedByDisplayName_AreInOrder()
    {
        foreach (var name in new[] { "delta", "Alpha", "charlie", "BRAVO" })
        {
            await CreateAsync(NewGroup(name));
        }

        var page = await Groups.QueryAsync(Context, new ScimQuery { SortBy = "displayName", Count = 10 }, Cancellation);

        Assert.Equal(["Alpha", "BRAVO", "charlie", "delta"], page.Resources.Select(g => g.DisplayName));
    }

    private static List<User> ExpectedOrder(IReadOnlyList<User> users, string sortBy, SortOrder order)
    {
        // Case-insensitive, missing values last; descending is the exact reverse. The keys are
        // ASCII letters and digits, where ordinal order and collations agree.
        var ascending = users
            .OrderBy(u => Key(u, sortBy) is null ? 1 : 0)
            .ThenBy(u => Key(u, sortBy), StringComparer.Ordinal)
            .ToList();
        if (order == SortOrder.Descending)
        {
            ascending.Reverse();
        }

        return ascending;
    }

    private static string? Key(User user, string sortBy) => (sortBy switch
    {
        "userName" => user.UserName,
        "displayName" => user.DisplayName,
        "name.familyName" => user.Name?.FamilyName,
        _ => throw new ArgumentOutOfRangeException(nameof(sortBy), sortBy, "No key for this path."),
    })?.ToUpperInvariant();
}
