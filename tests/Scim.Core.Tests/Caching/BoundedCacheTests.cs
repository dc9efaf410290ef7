using Scim.Core.Caching;

namespace Scim.Core.Tests.Caching;

/// <summary>
/// The library's one cache: two generations of at most <c>capacity</c> entries each. A full
/// current generation becomes the previous one (the one before is dropped); an entry found in the
/// previous generation moves back to the current one.
/// </summary>
public sealed class BoundedCacheTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Constructor_CapacityBelowOne_Throws(int capacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedCache<string, int>(capacity));
    }

    [Fact]
    public void Constructor_CapacityOne_HoldsAnEntry()
    {
        var cache = new BoundedCache<string, int>(1);

        cache.Add("a", 1);

        Assert.True(cache.TryGetValue("a", out var value));
        Assert.Equal(1, value);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void TryGetValue_EmptyCache_MissesWithDefault()
    {
        var cache = new BoundedCache<string, string>(4);

        Assert.False(cache.TryGetValue("a", out var value));
        Assert.Null(value);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Add_UpToCapacity_KeepsEveryEntryInOneGeneration()
    {
        var cache = new BoundedCache<int, string>(3);

        cache.Add(1, "one");
        cache.Add(2, "two");
        cache.Add(3, "three");

        Assert.Equal(3, cache.Count);
        Assert.Equal(["one", "two", "three"], new[] { 1, 2, 3 }.Select(k => Find(cache, k)));
        Assert.Equal(3, cache.Count); // hits in the current generation move nothing
    }

    [Fact]
    public void Add_SameKeyAgain_ReplacesTheValueWithoutGrowing()
    {
        var cache = new BoundedCache<int, string>(3);
        cache.Add(1, "old");

        cache.Add(1, "new");

        Assert.Equal(1, cache.Count);
        Assert.Equal("new", Find(cache, 1));
    }

    [Fact]
    public void Add_OnePastCapacity_TurnsOverButKeepsTheFullGenerationReadable()
    {
        var cache = new BoundedCache<int, string>(3);
        AddAll(cache, 1, 2, 3);

        cache.Add(4, "4");

        Assert.Equal(4, cache.Count); // previous {1,2,3}, current {4}
        Assert.Equal("4", Find(cache, 4));
        Assert.Equal("1", Find(cache, 1));
    }

    [Fact]
    public void Entry_NotUsedForTwoTurnovers_IsEvicted()
    {
        var cache = new BoundedCache<int, string>(2);
        AddAll(cache, 1, 2);      // current {1,2}
        AddAll(cache, 3, 4);      // turnover: previous {1,2}, current {3,4}

        cache.Add(5, "5");        // turnover: previous {3,4}, current {5}; {1,2} dropped

        Assert.False(cache.TryGetValue(1, out _));
        Assert.False(cache.TryGetValue(2, out _));
        Assert.Equal("3", Find(cache, 3));
        Assert.Equal("5", Find(cache, 5));
    }

    [Fact]
    public void Entry_FoundInThePreviousGeneration_MovesBackAndSurvivesTheNextTurnover()
    {
        var cache = new BoundedCache<int, string>(2);
        AddAll(cache, 1, 2);      // current {1,2}
        cache.Add(3, "3");        // turnover: previous {1,2}, current {3}

        Assert.Equal("1", Find(cache, 1)); // promoted: current {3,1}
        Assert.Equal(4, cache.Count);      // 1 is in both generations until the previous one is dropped
        cache.Add(4, "4");        // turnover: previous {3,1}, current {4}; {1,2} dropped

        Assert.Equal("1", Find(cache, 1));
        Assert.False(cache.TryGetValue(2, out _));
    }

    [Fact]
    public void Entry_PromotedByGetOrAdd_IsNotComputedAgain()
    {
        var cache = new BoundedCache<int, string>(2);
        var computed = new List<int>();
        string Get(int key) => cache.GetOrAdd(key, (k, log) =>
        {
            log.Add(k);
            return "v" + k;
        }, computed);

        Get(1);
        Get(2);
        Get(3);           // turnover: previous {1,2}, current {3}
        Get(1);           // hit in the previous generation, promoted
        Get(4);           // turnover: previous {3,1}, current {4}
        Assert.Equal("v1", Get(1));

        Assert.Equal([1, 2, 3, 4], computed);
    }

    [Fact]
    public void GetOrAdd_Miss_ComputesOnceWithTheState_ThenHits()
    {
        var cache = new BoundedCache<string, string>(4);
        var calls = 0;
        string Create(string key, string suffix)
        {
            calls++;
            return key + suffix;
        }

        Assert.Equal("a!", cache.GetOrAdd("a", Create, "!"));
        Assert.Equal("a!", cache.GetOrAdd("a", Create, "?"));

        Assert.Equal(1, calls);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void GetOrAdd_CreateThrows_NothingIsKept()
    {
        var cache = new BoundedCache<string, string>(4);

        Assert.Throws<FormatException>(() => cache.GetOrAdd<int>("bad", (_, _) => throw new FormatException(), 0));

        Assert.False(cache.TryGetValue("bad", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Comparer_IsUsedInEveryGeneration()
    {
        var cache = new BoundedCache<string, int>(2, StringComparer.OrdinalIgnoreCase);
        cache.Add("Members", 1);
        Assert.True(cache.TryGetValue("MEMBERS", out var first));
        cache.Add("a", 2);
        cache.Add("b", 3); // turnover: the new current generation must use the comparer too
        cache.Add("DisplayName", 4);

        Assert.Equal(1, first);
        Assert.True(cache.TryGetValue("displayname", out var second));
        Assert.Equal(4, second);
        Assert.True(cache.TryGetValue("B", out var third));
        Assert.Equal(3, third);
    }

    [Fact]
    public void WithoutComparer_KeysDifferingInCaseAreDistinct()
    {
        var cache = new BoundedCache<string, int>(4);
        cache.Add("members", 1);

        Assert.False(cache.TryGetValue("MEMBERS", out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    public void ManyDistinctKeys_OneThread_NeverHoldMoreThanTwiceTheCapacity(int capacity)
    {
        var cache = new BoundedCache<int, int>(capacity);
        var most = 0;
        for (var key = 0; key < capacity * 20; key++)
        {
            cache.GetOrAdd(key, static (k, _) => k * 2, 0);
            if (key % 3 == 0)
            {
                cache.TryGetValue(key / 2, out _); // promotions on the way
            }

            most = Math.Max(most, cache.Count);
        }

        Assert.InRange(most, capacity, 2 * capacity);
        var recent = capacity * 20 - 1;
        Assert.Equal(recent * 2, cache.GetOrAdd(recent, static (_, _) => -1, 0)); // the newest entry is still there
    }

    [Fact]
    public async Task ConcurrentUse_NeverReturnsAnotherKeysValue_AndStaysBounded()
    {
        const int capacity = 64;
        const int threads = 8;
        var cache = new BoundedCache<int, string>(capacity);
        var most = 0;
        var wrong = 0;
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(seed => Task.Factory.StartNew(() =>
        {
            var random = new Random(seed);
            start.SignalAndWait();
            for (var i = 0; i < 50_000; i++)
            {
                var key = random.Next(capacity * 4);
                var value = i % 2 == 0
                    ? cache.GetOrAdd(key, static (k, _) => "v" + k, 0)
                    : cache.TryGetValue(key, out var found) ? found : "v" + key;
                if (value != "v" + key)
                {
                    Interlocked.Increment(ref wrong);
                }

                RaiseTo(ref most, cache.Count);
            }
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(0, wrong);

        // Each of the threads may slip one entry past a generation's check while another turns it over;
        // a cache without a bound would have grown towards the 256 distinct keys.
        Assert.InRange(most, capacity, (2 * capacity) + (2 * threads));
        Assert.InRange(cache.Count, 1, (2 * capacity) + (2 * threads));
    }

    private static string Find(BoundedCache<int, string> cache, int key)
    {
        Assert.True(cache.TryGetValue(key, out var value), $"{key} should be cached");
        return value;
    }

    private static void AddAll(BoundedCache<int, string> cache, params int[] keys)
    {
        foreach (var key in keys)
        {
            cache.Add(key, key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static void RaiseTo(ref int most, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, value, seen) != seen)
        {
        }
    }
}
