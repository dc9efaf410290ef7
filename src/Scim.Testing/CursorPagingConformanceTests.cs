using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// RFC 9865 cursor paging, for stores that implement <see cref="ICursorPagingStore"/> (the tests
/// are skipped for others): a walk sees every resource that existed for the whole walk exactly
/// once, even while other resources are inserted and deleted, and a cursor the store did not
/// issue is rejected with 400 <c>invalidCursor</c>.
/// </summary>
public abstract class CursorPagingConformanceTests : StoreConformanceTests
{
    private const int PageSize = 7;
    private const int MaxPages = 500;

    /// <summary>Walking by cursor while another task inserts and deletes other users neither skips nor repeats a user.</summary>
    [Fact]
    public async Task QueryAsync_CursorWalkDuringInsertsAndDeletes_SeesEveryStableUserOnce()
    {
        SkipUnlessCursorPaging(Users);
        var stable = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            stable.Add(await CreateAsync(NewUser($"stable{i}", id: RandomId())));
        }

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() => ChurnAsync("bg", stop.Token), Cancellation);
        var seen = new List<string>();
        var churned = new Queue<string>();
        try
        {
            string? cursor = string.Empty;
            for (var pages = 0; cursor is not null; pages++)
            {
                Assert.True(pages < MaxPages, "The cursor walk did not end.");
                var page = await Users.QueryAsync(Context, new ScimQuery { Cursor = cursor, Count = PageSize }, Cancellation);
                Assert.True(page.Resources.Count <= PageSize, $"A page of count {PageSize} held {page.Resources.Count} resources.");
                seen.AddRange(page.Resources.Select(u => u.Id!));
                cursor = page.NextCursor;

                // Changes between the pages too, on both sides of the cursor, whatever the background task manages.
                for (var i = 0; i < 3; i++)
                {
                    var id = RandomId();
                    churned.Enqueue(await CreateAsync(NewUser("between" + id, id: id)));
                }

                AssertSucceeded(await Users.DeleteAsync(Context, churned.Dequeue(), null, Cancellation), "delete during the walk");
            }
        }
        finally
        {
            await stop.CancelAsync();
        }

        var background = await churn;
        Assert.True(background > 0, "The background task made no change during the walk.");
        var repeated = seen.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"Seen more than once: {string.Join(", ", repeated)}");
        var missing = stable.Except(seen, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"Never seen: {string.Join(", ", missing)}");
    }

    /// <summary>A filtered cursor walk returns exactly the matches, in pages of at most count, and ends with no next cursor.</summary>
    /// <param name="text">The filter.</param>
    [Theory]
    [InlineData("active eq true or emails pr")]
    [InlineData("active eq false or userName sw \"c\"")]
    public async Task QueryAsync_FilteredCursorWalk_ReturnsEveryMatchOnce(string text)
    {
        SkipUnlessCursorPaging(Users);
        var filter = ScimFilterParser.Parse(text);
        SkipUnlessKept(Claims.UserType, filter);
        await SeedPopulationAsync();

        var expected = await Users.QueryAsync(Context, new ScimQuery { Filter = filter, Count = 1000 }, Cancellation);
        var seen = new List<string>();
        string? cursor = string.Empty;
        for (var pages = 0; cursor is not null; pages++)
        {
            Assert.True(pages < MaxPages, "The cursor walk did not end.");
            var page = await Users.QueryAsync(Context, new ScimQuery { Filter = filter, Cursor = cursor, Count = PageSize }, Cancellation);
            Assert.True(page.Resources.Count <= PageSize);
            Assert.True(page.NextCursor is null || page.Resources.Count > 0, "A page with a next cursor was empty.");
            seen.AddRange(page.Resources.Select(u => u.Id!));
            cursor = page.NextCursor;
        }

        Assert.True(expected.TotalResults > PageSize, "The filter should need several pages.");
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Sorted(expected.Resources.Select(u => u.Id)), Sorted(seen));
    }

    /// <summary>Groups page by cursor as well.</summary>
    [Fact]
    public async Task QueryAsync_GroupCursorWalk_ReturnsEveryGroupOnce()
    {
        SkipUnlessCursorPaging(Groups);
        var ids = new List<string>();
        for (var i = 0; i < 17; i++)
        {
            ids.Add(await CreateAsync(NewGroup($"group{i}", id: RandomId())));
        }

        var seen = new List<string>();
        string? cursor = string.Empty;
        for (var pages = 0; cursor is not null; pages++)
        {
            Assert.True(pages < MaxPages, "The cursor walk did not end.");
            var page = await Groups.QueryAsync(Context, new ScimQuery { Cursor = cursor, Count = PageSize }, Cancellation);
            seen.AddRange(page.Resources.Select(g => g.Id!));
            cursor = page.NextCursor;
        }

        Assert.Equal(Sorted(ids), Sorted(seen));
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>A cursor the store never issued is 400 <c>invalidCursor</c>.</summary>
    /// <param name="cursor">A made-up cursor.</param>
    [Theory]
    [InlineData("not a cursor")]
    [InlineData("bm90LWEtY3Vyc29y")]
    [InlineData("%%%")]
    [InlineData("aWQ6YQBi")] // the library's own form, resuming after an id with a NUL, which no store holds
    public async Task QueryAsync_InvalidCursor_Throws400InvalidCursor(string cursor)
    {
        SkipUnlessCursorPaging(Users);
        await CreateUsersAsync(3);

        var error = await Assert.ThrowsAsync<ScimException>(() => Users.QueryAsync(Context, new ScimQuery { Cursor = cursor, Count = PageSize }, Cancellation));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidCursor, error.ScimType);
    }

    /// <summary>A cursor the store never issued is rejected even when the tenant has no users yet.</summary>
    [Fact]
    public async Task QueryAsync_InvalidCursorOnEmptyTenant_Throws400InvalidCursor()
    {
        SkipUnlessCursorPaging(Users);

        var error = await Assert.ThrowsAsync<ScimException>(() => Users.QueryAsync(Context, new ScimQuery { Cursor = "not a cursor", Count = PageSize }, Cancellation));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidCursor, error.ScimType);
    }

    private static void SkipUnlessCursorPaging(object store) =>
        Assert.SkipUnless(store is ICursorPagingStore, $"{store.GetType().Name} does not implement ICursorPagingStore");

    private static string RandomId() => Guid.NewGuid().ToString("N");

    private async Task<int> ChurnAsync(string label, CancellationToken stop)
    {
        var live = new Queue<string>();
        var changes = 0;
        do
        {
            var id = RandomId();
            var created = await Users.CreateAsync(Context, NewUser(label + id, id: id), CancellationToken.None).ConfigureAwait(false);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Background create failed: {created.Status}.");
            }

            live.Enqueue(Claims.AssignsIds ? created.Resource?.Id ?? throw new InvalidOperationException("Background create returned no id.") : id);
            changes++;
            if (live.Count > 5)
            {
                var deleted = await Users.DeleteAsync(Context, live.Dequeue(), null, CancellationToken.None).ConfigureAwait(false);
                if (!deleted.Succeeded)
                {
                    throw new InvalidOperationException($"Background delete failed: {deleted.Status}.");
                }

                changes++;
            }

            await Task.Yield();
        }
        while (!stop.IsCancellationRequested);

        return changes;
    }
}
