using System.Text.Json.Nodes;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// The conformance suite of a store of a host-registered resource type
/// (<see cref="IResourceStore{T}"/> of <see cref="JsonResource"/>: a <c>Device</c>, an
/// <c>Agent</c>): create, get, replace and delete read back what was written, versions condition
/// writes, tenants do not see each other, the type's unique attribute is unique, and queries
/// filter, sort, page (by index, and by cursor when the store pages by cursor) and look resources
/// up by id the way the service does when it checks references. The subclass names the type and
/// the one string attribute the suite varies (<see cref="KeyAttribute"/>); each test uses its own
/// random tenant.
/// </summary>
public abstract class ResourceStoreConformanceTests : IAsyncLifetime
{
    private IResourceStore<JsonResource>? _store;

    /// <summary>Gives the test its own tenant and run id.</summary>
    protected ResourceStoreConformanceTests()
    {
        RunId = Guid.NewGuid().ToString("N")[..12];
        Context = new ScimContext("resources-" + RunId, "scim-testing");
    }

    /// <summary>The schemas the resource type is registered in.</summary>
    protected abstract SchemaRegistry Registry { get; }

    /// <summary>The resource type the store keeps.</summary>
    protected abstract ScimResourceType ResourceType { get; }

    /// <summary>
    /// A single-valued string attribute of the core schema that the suite sets to a distinct value
    /// on each resource it makes, filters and sorts on (the agent's <c>name</c>, a device's serial
    /// number). When the schema marks it unique, the suite checks that it is.
    /// </summary>
    protected abstract string KeyAttribute { get; }

    /// <summary>The test's own tenant (fresh and empty when the test starts).</summary>
    protected ScimContext Context { get; }

    /// <summary>Twelve lower-case hex digits unique to this test, part of every id it makes.</summary>
    protected string RunId { get; }

    /// <summary>The store under test.</summary>
    protected IResourceStore<JsonResource> Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync().ConfigureAwait(false) ?? throw new InvalidOperationException("CreateStoreAsync returned null.");

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Makes the store for one test (new, or shared: each test uses its own tenant).</summary>
    /// <returns>The store.</returns>
    protected abstract ValueTask<IResourceStore<JsonResource>> CreateStoreAsync();

    /// <summary>
    /// Adds what every resource of the type needs beyond <see cref="KeyAttribute"/> (its other
    /// required attributes, an extension's values to see them kept). Nothing by default.
    /// </summary>
    /// <param name="resource">A resource the suite is making.</param>
    protected virtual void Fill(JsonResource resource)
    {
    }

    /// <summary>A created resource reads back with its attributes, extensions, id and meta.</summary>
    [Fact]
    public async Task Create_ThenGet_ReturnsWhatWasStored()
    {
        var resource = Make(1, "alpha");

        var created = await Store.CreateAsync(Context, resource, Cancellation);
        var read = await Store.GetAsync(Context, resource.Id!, ReadHints.All, Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, created.Status);
        Assert.NotNull(read);
        AssertSame(Make(1, "alpha"), read);
    }

    /// <summary>A second create with an id the tenant has is a conflict on <c>id</c>, and the first stays.</summary>
    [Fact]
    public async Task Create_IdTaken_ConflictOnId()
    {
        await CreateAsync(1, "alpha");

        var again = await Store.CreateAsync(Context, Make(1, "beta"), Cancellation);

        Assert.Equal(StoreWriteStatus.Conflict, again.Status);
        Assert.Equal("id", again.ConflictAttribute);
        AssertSame(Make(1, "alpha"), await Store.GetAsync(Context, IdOf(1), ReadHints.All, Cancellation));
    }

    /// <summary>When the schema makes the key attribute unique, a second resource with the same value is a conflict on it.</summary>
    [Fact]
    public async Task Create_UniqueKeyTaken_ConflictOnKey()
    {
        var attribute = Registry.FindSchema(ResourceType.Schema)?.FindAttribute(KeyAttribute);
        Assert.SkipWhen(attribute is null || attribute.Uniqueness == Uniqueness.None, $"'{KeyAttribute}' is not unique in the schema.");
        await CreateAsync(1, "alpha");

        var again = await Store.CreateAsync(Context, Make(2, attribute!.CaseExact ? "alpha" : "ALPHA"), Cancellation);

        Assert.Equal(StoreWriteStatus.Conflict, again.Status);
        Assert.Equal(KeyAttribute, again.ConflictAttribute, ignoreCase: true);
        Assert.Null(await Store.GetAsync(Context, IdOf(2), ReadHints.All, Cancellation));
    }

    /// <summary>When the key attribute is unique, a replace that takes another resource's value is a conflict; values given up by a rename or a delete are free again.</summary>
    [Fact]
    public async Task UniqueKey_TakenByReplace_Conflict_FreedByRenameAndDelete()
    {
        var attribute = Registry.FindSchema(ResourceType.Schema)?.FindAttribute(KeyAttribute);
        Assert.SkipWhen(attribute is null || attribute.Uniqueness == Uniqueness.None, $"'{KeyAttribute}' is not unique in the schema.");
        await CreateAsync(1, "alpha");
        await CreateAsync(2, "bravo");

        var taken = await Store.ReplaceAsync(Context, Make(2, "alpha", "W/\"2\""), null, Cancellation);
        Assert.Equal(StoreWriteStatus.Conflict, taken.Status);
        Assert.Equal(KeyAttribute, taken.ConflictAttribute, ignoreCase: true);

        Assert.Equal(StoreWriteStatus.Succeeded, (await Store.ReplaceAsync(Context, Make(1, "charlie", "W/\"2\""), null, Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.Succeeded, (await Store.CreateAsync(Context, Make(3, "alpha"), Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.Succeeded, (await Store.DeleteAsync(Context, IdOf(2), null, Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.Succeeded, (await Store.CreateAsync(Context, Make(4, "bravo"), Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.Succeeded, (await Store.ReplaceAsync(Context, Make(1, "charlie", "W/\"3\""), null, Cancellation)).Status); // its own value is no conflict
    }

    /// <summary>A replace conditioned on the stored version succeeds and reads back.</summary>
    [Fact]
    public async Task Replace_CurrentVersion_Succeeds()
    {
        await CreateAsync(1, "alpha");
        var replacement = Make(1, "beta", "W/\"2\"");

        var replaced = await Store.ReplaceAsync(Context, replacement, "W/\"1\"", Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, replaced.Status);
        AssertSame(Make(1, "beta", "W/\"2\""), await Store.GetAsync(Context, IdOf(1), ReadHints.All, Cancellation));
    }

    /// <summary>A replace conditioned on an old version is a version mismatch and changes nothing.</summary>
    [Fact]
    public async Task Replace_StaleVersion_VersionMismatchAndUnchanged()
    {
        await CreateAsync(1, "alpha");

        var replaced = await Store.ReplaceAsync(Context, Make(1, "beta", "W/\"3\""), "W/\"0\"", Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, replaced.Status);
        AssertSame(Make(1, "alpha"), await Store.GetAsync(Context, IdOf(1), ReadHints.All, Cancellation));
    }

    /// <summary>Replacing or deleting what the tenant does not have is not found.</summary>
    [Fact]
    public async Task ReplaceOrDelete_Missing_NotFound()
    {
        Assert.Equal(StoreWriteStatus.NotFound, (await Store.ReplaceAsync(Context, Make(9, "x"), null, Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.NotFound, (await Store.DeleteAsync(Context, IdOf(9), null, Cancellation)).Status);
    }

    /// <summary>A delete on the current version removes the resource; on an old one it keeps it.</summary>
    [Fact]
    public async Task Delete_ConditionedOnVersion_RemovesOnlyWhenCurrent()
    {
        await CreateAsync(1, "alpha");

        var stale = await Store.DeleteAsync(Context, IdOf(1), "W/\"0\"", Cancellation);
        Assert.Equal(StoreWriteStatus.VersionMismatch, stale.Status);
        Assert.NotNull(await Store.GetAsync(Context, IdOf(1), ReadHints.All, Cancellation));

        var deleted = await Store.DeleteAsync(Context, IdOf(1), "W/\"1\"", Cancellation);
        Assert.Equal(StoreWriteStatus.Succeeded, deleted.Status);
        Assert.Null(await Store.GetAsync(Context, IdOf(1), ReadHints.All, Cancellation));
    }

    /// <summary>Another tenant neither reads, lists, replaces nor deletes the tenant's resources.</summary>
    [Fact]
    public async Task OtherTenant_SeesNothing()
    {
        await CreateAsync(1, "alpha");
        var other = new ScimContext("resources-other-" + RunId, "scim-testing");

        Assert.Null(await Store.GetAsync(other, IdOf(1), ReadHints.All, Cancellation));
        Assert.Equal(0, (await Store.QueryAsync(other, new ScimQuery { Count = 10 }, Cancellation)).TotalResults);
        Assert.Equal(StoreWriteStatus.NotFound, (await Store.ReplaceAsync(other, Make(1, "beta"), null, Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.NotFound, (await Store.DeleteAsync(other, IdOf(1), null, Cancellation)).Status);
        Assert.NotNull(await Store.GetAsync(Context, IdOf(1), ReadHints.All, Cancellation));
    }

    /// <summary>An equality filter on the key finds the one resource with it; a case-insensitive one too when the attribute is not case-exact.</summary>
    [Fact]
    public async Task Query_KeyEquals_FindsTheOne()
    {
        await SeedAsync();
        var caseExact = Registry.FindSchema(ResourceType.Schema)?.FindAttribute(KeyAttribute)?.CaseExact ?? false;

        var page = await Store.QueryAsync(Context, Query($"{KeyAttribute} eq \"{(caseExact ? "charlie" : "CHARLIE")}\""), Cancellation);

        Assert.Equal(1, page.TotalResults);
        Assert.Equal(IdOf(3), Assert.Single(page.Resources).Id);
    }

    /// <summary>The lookup the service makes when it checks references (<c>id eq a or id eq b</c>) finds exactly the ids that exist.</summary>
    [Fact]
    public async Task Query_IdsOr_FindsThoseThatExist()
    {
        await SeedAsync();

        var page = await Store.QueryAsync(Context, Query($"id eq \"{IdOf(2)}\" or id eq \"{IdOf(4)}\" or id eq \"{IdOf(99)}\""), Cancellation);

        Assert.Equal([IdOf(2), IdOf(4)], page.Resources.Select(r => r.Id!).Order(StringComparer.Ordinal));
    }

    /// <summary>A filter with <c>sw</c>, <c>and</c>, <c>not</c> and <c>pr</c> matches as RFC 7644 §3.4.2.2 says.</summary>
    [Fact]
    public async Task Query_CompoundFilter_MatchesAsSpecified()
    {
        await SeedAsync();

        var page = await Store.QueryAsync(Context, Query($"{KeyAttribute} pr and not ({KeyAttribute} sw \"a\" or {KeyAttribute} sw \"e\")"), Cancellation);

        Assert.Equal([IdOf(2), IdOf(3), IdOf(4)], page.Resources.Select(r => r.Id!).Order(StringComparer.Ordinal));
        Assert.Equal(3, page.TotalResults);
    }

    /// <summary><c>co</c>, <c>ew</c>, <c>gt</c>, <c>le</c>, <c>ne</c> and <c>not</c> on the key match as RFC 7644 §3.4.2.2 says, the total with them.</summary>
    [Fact]
    public async Task Query_KeyOperators_MatchAsSpecified()
    {
        await SeedAsync();

        (string Filter, int[] Expected)[] cases =
        [
            ($"{KeyAttribute} co \"ha\"", [1, 3]),
            ($"{KeyAttribute} ew \"o\"", [2, 5]),
            ($"{KeyAttribute} gt \"charlie\"", [4, 5]),
            ($"{KeyAttribute} le \"bravo\"", [1, 2]),
            ($"{KeyAttribute} ne \"delta\"", [1, 2, 3, 5]),
            ($"not ({KeyAttribute} ge \"c\")", [1, 2]),
        ];
        foreach (var (filter, expected) in cases)
        {
            var page = await Store.QueryAsync(Context, Query(filter), Cancellation);
            Assert.True(
                expected.Select(IdOf).SequenceEqual(page.Resources.Select(r => r.Id!).Order(StringComparer.Ordinal)),
                $"{filter}: got [{string.Join(", ", page.Resources.Select(r => r.Id))}]");
            Assert.Equal(expected.Length, page.TotalResults);
        }
    }

    /// <summary><c>%</c>, <c>_</c> and <c>\</c> in a <c>co</c>, <c>sw</c> or <c>ew</c> value are plain characters, not wildcards.</summary>
    [Fact]
    public async Task Query_WildcardCharacters_MatchThemselves()
    {
        await CreateAsync(1, "50%_off");
        await CreateAsync(2, "50xyoff");
        await CreateAsync(3, "back\\slash");
        await CreateAsync(4, "backslash");

        Assert.Equal([IdOf(1)], await IdsAsync($"{KeyAttribute} co \"%_\""));
        Assert.Equal([IdOf(1)], await IdsAsync($"{KeyAttribute} sw \"50%\""));
        Assert.Equal([IdOf(1)], await IdsAsync($"{KeyAttribute} ew \"_off\""));
        Assert.Equal([IdOf(3)], await IdsAsync($"{KeyAttribute} co \"k\\\\s\""));
    }

    /// <summary>Sorting by the key ascending orders every resource by it, case aside unless the key is caseExact.</summary>
    [Fact]
    public async Task Query_SortedAscending_OrderOfTheKey()
    {
        await CreateAsync(1, "delta");
        await CreateAsync(2, "Bravo");
        await CreateAsync(3, "echo");
        await CreateAsync(4, "alpha");
        var caseExact = Registry.FindSchema(ResourceType.Schema)?.FindAttribute(KeyAttribute)?.CaseExact ?? false;

        var page = await Store.QueryAsync(Context, new ScimQuery { SortBy = KeyAttribute, Count = 10 }, Cancellation);

        Assert.Equal(caseExact ? ["Bravo", "alpha", "delta", "echo"] : ["alpha", "Bravo", "delta", "echo"], page.Resources.Select(r => (string?)r.Attributes[KeyAttribute]));
    }

    /// <summary>Sorting by the key, descending, with startIndex and count gives the right window and the total.</summary>
    [Fact]
    public async Task Query_SortedWindow_RightOrderAndTotal()
    {
        await SeedAsync();

        var page = await Store.QueryAsync(Context, new ScimQuery { SortBy = KeyAttribute, SortOrder = SortOrder.Descending, StartIndex = 2, Count = 2 }, Cancellation);

        Assert.Equal(5, page.TotalResults);
        Assert.Equal(["delta", "charlie"], page.Resources.Select(r => (string?)r.Attributes[KeyAttribute]));
    }

    /// <summary>Count 0 answers the total alone.</summary>
    [Fact]
    public async Task Query_CountZero_TotalOnly()
    {
        await SeedAsync();

        var page = await Store.QueryAsync(Context, new ScimQuery { Count = 0 }, Cancellation);

        Assert.Empty(page.Resources);
        Assert.Equal(5, page.TotalResults);
    }

    /// <summary>A store that pages by cursor walks every resource once, in pages of the size asked, and ends with no cursor.</summary>
    [Fact]
    public async Task Query_Cursor_WalksEveryResourceOnce()
    {
        Assert.SkipUnless(Store is ICursorPagingStore, "The store does not page by cursor.");
        await SeedAsync();

        var seen = new List<string>();
        string? cursor = string.Empty;
        while (cursor is not null)
        {
            var page = await Store.QueryAsync(Context, new ScimQuery { Cursor = cursor, Count = 2 }, Cancellation);
            Assert.True(page.Resources.Count <= 2);
            seen.AddRange(page.Resources.Select(r => r.Id!));
            cursor = page.NextCursor;
            Assert.True(seen.Count <= 5, "The cursor walk does not end.");
        }

        Assert.Equal(Enumerable.Range(1, 5).Select(IdOf).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    /// <summary>The id of the suite's resource number <paramref name="n"/> in this test.</summary>
    /// <param name="n">The number.</param>
    /// <returns>The id.</returns>
    protected string IdOf(int n) => $"{RunId}-{n:D4}";

    private static ScimQuery Query(string filter) => new() { Filter = ScimFilterParser.Parse(filter), Count = 50 };

    private async Task<List<string>> IdsAsync(string filter) =>
        [.. (await Store.QueryAsync(Context, Query(filter), Cancellation)).Resources.Select(r => r.Id!).Order(StringComparer.Ordinal)];

    private async Task SeedAsync()
    {
        string[] keys = ["alpha", "bravo", "charlie", "delta", "echo"];
        for (var i = 0; i < keys.Length; i++)
        {
            await CreateAsync(i + 1, keys[i]);
        }
    }

    private async Task CreateAsync(int n, string key)
    {
        var created = await Store.CreateAsync(Context, Make(n, key), Cancellation);
        Assert.Equal(StoreWriteStatus.Succeeded, created.Status);
    }

    private JsonResource Make(int n, string key, string version = "W/\"1\"")
    {
        var stamp = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(n);
        var resource = new JsonResource(ResourceType.Schema)
        {
            Id = IdOf(n),
            ExternalId = $"ext-{RunId}-{n}",
            Meta = new ResourceMeta { ResourceType = ResourceType.Name, Created = stamp, LastModified = stamp, Version = version },
        };
        Fill(resource);
        resource.Attributes[KeyAttribute] = key;
        return resource;
    }

    private static void AssertSame(JsonResource expected, JsonResource? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.ExternalId, actual.ExternalId);
        Assert.Equal(expected.Meta?.Version, actual.Meta?.Version);
        Assert.Equal(expected.Meta?.Created, actual.Meta?.Created);
        Assert.Equal(expected.Meta?.LastModified, actual.Meta?.LastModified);
        Assert.True(
            JsonNode.DeepEquals(Without(expected.ToJson()), Without(actual.ToJson())),
            $"Read back: {actual.ToJson().ToJsonString()}{Environment.NewLine}expected:  {expected.ToJson().ToJsonString()}");
    }

    private static JsonObject Without(JsonObject tree)
    {
        // meta.location and meta.resourceType are the service's to write in responses, not the store's to keep.
        tree.Remove("meta");
        return tree;
    }
}
