using Scim.Core.Filtering;
using Scim.Core.InMemory;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Tests.Querying;

namespace Scim.Core.Tests.InMemory;

/// <summary>How the in-memory user store runs filters over the rows it holds.</summary>
public sealed class InMemoryQueryTests
{
    private static readonly ScimContext Context = new("tenant", "client");

    private static InMemoryUserStore StoreWith(int count, Func<int, User> make)
    {
        var store = new InMemoryUserStore(SchemaRegistry.CreateDefault());
        for (var i = 0; i < count; i++)
        {
            store.CreateAsync(Context, make(i), CancellationToken.None).GetAwaiter().GetResult();
        }

        return store;
    }

    private static User Plain(int i) => new() { Id = $"u{i:D5}", UserName = $"user{i}" };

    private static User WithWorkEmail(int i) => new()
    {
        Id = $"u{i:D5}",
        UserName = $"user{i}",
        Active = i % 2 == 0,
        Emails = [new Email { Type = i % 3 == 0 ? "home" : "WORK", Value = $"user{i}@Example.com" }],
    };

    [Fact]
    public async Task Query_ValuePathOnUsersWithoutTheAttribute_LeavesTheStoredRowsUnchanged()
    {
        var store = StoreWith(3, Plain);

        var page = await store.QueryAsync(Context, new ScimQuery { Filter = ScimFilterParser.Parse("emails[type eq \"work\"] or phoneNumbers pr or addresses[country eq \"DE\"]") }, CancellationToken.None);

        Assert.Equal(0, page.TotalResults);
        var stored = await store.GetAsync(Context, "u00001", ReadHints.All, CancellationToken.None);
        Assert.All(User.RawCollections.Values, raw => Assert.Null(raw(stored!)));
    }

    [Fact]
    public async Task Query_ValuePathWithCaseInsensitiveValues_MatchesAndCountsEveryRow()
    {
        var store = StoreWith(30, WithWorkEmail);

        var page = await store.QueryAsync(Context, new ScimQuery { Filter = ScimFilterParser.Parse("emails[type eq \"work\" and value co \"EXAMPLE.COM\"] and active eq true"), Count = 3 }, CancellationToken.None);

        var expected = Enumerable.Range(0, 30).Where(i => i % 2 == 0 && i % 3 != 0).ToList();
        Assert.Equal(expected.Count, page.TotalResults);
        Assert.Equal(expected.Take(3).Select(i => $"u{i:D5}"), page.Resources.Select(u => u.Id));
    }

    [Fact]
    public async Task Query_ValuePathScan_AllocatesTheSameForTenTimesTheRows()
    {
        var small = StoreWith(200, WithWorkEmail);
        var large = StoreWith(2_000, WithWorkEmail);
        var query = new ScimQuery { Filter = ScimFilterParser.Parse("emails[type eq \"work\" and value co \"example\"] and active eq true"), Count = 5 };

        var smallBytes = await AllocatedBy(() => small.QueryAsync(Context, query, CancellationToken.None));
        var largeBytes = await AllocatedBy(() => large.QueryAsync(Context, query, CancellationToken.None));

        // A delegate made per row (the nested lambda of a compiled value path) would add about
        // 64 bytes for each of the 1,800 extra rows.
        Assert.InRange(largeBytes - smallBytes, -1_024, 1_024);
    }

    [Fact]
    public async Task Query_ScanOverManyReadAheadBatches_CutsEveryWindowAsOnePassWould()
    {
        const int rows = 1_000;
        var store = StoreWith(rows, WithWorkEmail);
        var filter = ScimFilterParser.Parse("emails[type eq \"work\" and value co \"example\"] and active eq true");
        var matching = Enumerable.Range(0, rows).Where(i => i % 2 == 0 && i % 3 != 0).Select(i => $"u{i:D5}").ToList();

        foreach (var (startIndex, count) in new[] { (1, 100), (2, 7), (40, 200), (matching.Count - 5, 100), (matching.Count + 1, 10), (1, 0), (1, 1_000) })
        {
            var page = await store.QueryAsync(Context, new ScimQuery { Filter = filter, StartIndex = startIndex, Count = count }, CancellationToken.None);

            Assert.Equal(matching.Count, page.TotalResults);
            Assert.Equal(matching.Skip(startIndex - 1).Take(count), page.Resources.Select(u => u.Id));
        }
    }

    [Theory]
    [InlineData("userName eq \"USER7\"")]
    [InlineData("id eq \"u00007\"")]
    [InlineData("externalId eq \"ext-7\"")]
    [InlineData("externalId eq \"shared\"")]
    [InlineData("userName eq \"nobody\"")]
    [InlineData("id eq \"U00007\"")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"user7\"")]
    public async Task Query_IndexedLookup_PagesAndCountsAsTheSameFilterTakenTheGeneralWay(string lookup)
    {
        // A single indexed equality is answered from the index entry alone; "X or X" means the same
        // and goes through the candidate list. Every window of the two must agree.
        var store = StoreWith(20, i => new User { Id = $"u{i:D5}", UserName = $"user{i}", ExternalId = i is 3 or 11 ? "shared" : $"ext-{i}" });
        var fast = ScimFilterParser.Parse(lookup);
        var general = ScimFilterParser.Parse($"{lookup} or {lookup}");
        Assert.IsType<ComparisonFilter>(fast);

        foreach (var (startIndex, count) in new[] { (1, 100), (1, 1), (2, 10), (3, 10), (1, 0) })
        {
            var expected = await store.QueryAsync(Context, new ScimQuery { Filter = general, StartIndex = startIndex, Count = count }, CancellationToken.None);
            var actual = await store.QueryAsync(Context, new ScimQuery { Filter = fast, StartIndex = startIndex, Count = count }, CancellationToken.None);

            Assert.Equal(expected.TotalResults, actual.TotalResults);
            Assert.Equal(expected.Resources.Select(u => u.Id), actual.Resources.Select(u => u.Id));
        }

        var all = await store.QueryAsync(Context, new ScimQuery { Filter = fast }, CancellationToken.None);
        var expectedIds = lookup switch
        {
            _ when lookup.Contains("nobody", StringComparison.Ordinal) || lookup.Contains("U00007", StringComparison.Ordinal) => [],
            _ when lookup.Contains("shared", StringComparison.Ordinal) => new[] { "u00003", "u00011" },
            _ => ["u00007"],
        };
        Assert.Equal(expectedIds, all.Resources.Select(u => u.Id));
    }

    private static async Task<long> AllocatedBy(Func<Task<ScimPage<User>>> query)
    {
        await query(); // compile and warm up first
        var before = GC.GetAllocatedBytesForCurrentThread();
        var page = query().GetAwaiter().GetResult();
        var after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(page.TotalResults > 0);
        return after - before;
    }
}
