using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.Resources;

// Queries of a host type over its JSON run in SQL: every filter operator, sub-attributes,
// multi-valued attributes and value paths, extension attributes, sorting and paging, on SQLite,
// on PostgreSQL with the Json column as text, and with it as jsonb. The expected answers are the
// in-memory store's over the same resources, so both stores keep one semantics; a few tests name
// the expected resources outright so that agreement cannot be agreement on nothing.

public sealed class SqliteJsonQueryTests : JsonQueryTests
{
    protected override Provider Provider => Provider.Sqlite;
}

public sealed class PostgresJsonQueryTests : JsonQueryTests
{
    protected override Provider Provider => Provider.Postgres;
}

public sealed class PostgresJsonbJsonQueryTests : JsonQueryTests
{
    protected override Provider Provider => Provider.Postgres;

    protected override bool Jsonb => true;
}

/// <summary>A host context whose Json column is <c>jsonb</c> (PostgreSQL).</summary>
public sealed class JsonbResourcesDbContext(DbContextOptions<JsonbResourcesDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyScimResources();
        modelBuilder.Entity<ScimResourceEntity>().Property(r => r.Json).HasColumnType("jsonb");
    }
}

public abstract class JsonQueryTests : IAsyncLifetime
{
    private const string Core = "urn:example:params:scim:schemas:core:2.0:Printer";
    private const string Site = "urn:example:params:scim:schemas:extension:site:2.0:Printer";

    private static readonly ScimResourceType Type = new("Printer", "/Printers", Core, "Printers");

    private static readonly ScimSchema CoreSchema = new(Core, "Printer", "A printer",
    [
        new SchemaAttribute("name", AttributeType.String) { Required = true, Uniqueness = Uniqueness.Server },
        new SchemaAttribute("model", AttributeType.String) { CaseExact = true },
        new SchemaAttribute("displayName", AttributeType.String),
        new SchemaAttribute("active", AttributeType.Boolean),
        new SchemaAttribute("pages", AttributeType.Integer),
        new SchemaAttribute("ratio", AttributeType.Decimal),
        new SchemaAttribute("installed", AttributeType.DateTime),
        new SchemaAttribute("tags", AttributeType.String) { MultiValued = true },
        new SchemaAttribute("location", AttributeType.Complex)
        {
            SubAttributes = [new SchemaAttribute("building", AttributeType.String), new SchemaAttribute("floor", AttributeType.Integer)],
        },
        new SchemaAttribute("owner", AttributeType.Complex)
        {
            SubAttributes =
            [
                new SchemaAttribute("value", AttributeType.String),
                new SchemaAttribute("$ref", AttributeType.Reference) { ReferenceTypes = ["User"] },
                new SchemaAttribute("display", AttributeType.String),
            ],
        },
        new SchemaAttribute("ports", AttributeType.Complex)
        {
            MultiValued = true,
            SubAttributes =
            [
                new SchemaAttribute("value", AttributeType.String),
                new SchemaAttribute("type", AttributeType.String),
                new SchemaAttribute("primary", AttributeType.Boolean),
            ],
        },
    ]);

    private static readonly ScimSchema SiteSchema = new(Site, "Site", "Where a printer stands",
    [
        new SchemaAttribute("site", AttributeType.String),
        new SchemaAttribute("rack", AttributeType.Integer),
        new SchemaAttribute("contacts", AttributeType.Complex)
        {
            MultiValued = true,
            SubAttributes = [new SchemaAttribute("value", AttributeType.String), new SchemaAttribute("type", AttributeType.String)],
        },
    ]);

    private readonly string _tenant = "printers-" + Guid.NewGuid().ToString("N")[..8];
    private readonly SqlLog _log = new();
    private ServiceProvider? _sql;
    private ServiceProvider? _memory;
    private IAsyncDisposable? _database;

    protected abstract Provider Provider { get; }

    protected virtual bool Jsonb => false;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ScimContext Context => new(_tenant, "json-query-tests");

    private IResourceStore<JsonResource> SqlStore => _sql!.GetRequiredKeyedService<IResourceStore<JsonResource>>("Printer");

    private IResourceStore<JsonResource> MemoryStore => _memory!.GetRequiredKeyedService<IResourceStore<JsonResource>>("Printer");

    /// <summary>The resources every test reads: each row varies what the filters look at, some leave it out.</summary>
    private static IEnumerable<(int N, string Json)> Seed() =>
    [
        (1, """{"name":"Alpha","model":"HP-1","displayName":"Front desk","active":true,"pages":10,"ratio":1.5,"installed":"2024-01-01T00:00:00Z","tags":["lab","color"],"location":{"building":"B1","floor":2},"ports":[{"value":"usb0","type":"usb","primary":true},{"value":"eth0","type":"ethernet"}],"owner":{"value":"u1","$ref":"https://example.com/v2/Users/u1","display":"Ann"},"urn:example:params:scim:schemas:extension:site:2.0:Printer":{"site":"Oslo","rack":4,"contacts":[{"value":"ops@example.com","type":"admin"},{"value":"ann@example.com","type":"owner"}]}}"""),
        (2, """{"name":"bravo","model":"hp-1","displayName":"50%_off sale","active":false,"pages":200,"ratio":0.25,"installed":"2024-06-01T12:30:00.5Z","tags":["loaner"],"location":{"building":"b1","floor":3},"ports":[{"value":"ETH1","type":"Ethernet","primary":false},{"value":"usb9","type":"usb","primary":true}],"urn:example:params:scim:schemas:extension:site:2.0:Printer":{"site":"oslo"}}"""),
        (3, """{"name":"Charlie","model":"Canon","displayName":"50 percent","pages":3,"installed":"2023-12-31T23:59:59Z","tags":[],"ports":[],"urn:example:params:scim:schemas:extension:site:2.0:Printer":{"rack":12}}"""),
        (4, """{"name":"delta","displayName":"","location":{"building":""},"ports":[{"type":"usb"}]}"""),
        (5, """{"name":"Echo_1","model":"C\\1","displayName":"back\\slash O'Brien","active":true,"pages":-5,"ratio":10,"installed":"2025-03-03T03:03:03.123Z","tags":["LAB"],"location":{"floor":1},"ports":[{"value":"x%y","type":"serial"}]}"""),
        (6, """{"name":"foxtrot","displayName":"Zulu","ratio":2,"tags":["lab","lab2"],"owner":{"value":"u2"},"urn:example:params:scim:schemas:extension:site:2.0:Printer":{"site":"Bergen","rack":4,"contacts":[{"value":"OPS@example.com","type":"Admin"}]}}"""),
        (7, """{"name":"golf"}"""),
        (8, """{"name":"hotel","model":"hp-1","displayName":"[bracket]","pages":10,"ports":[{"value":"_","type":"usb","primary":true}]}"""),
    ];

    /// <summary>Filters over every operator and shape; each must select in SQL what the in-memory store selects.</summary>
    public static readonly string[] Filters =
    [
        "name eq \"alpha\"", "name eq \"ALPHA\"", "name ne \"alpha\"", "name co \"A\"", "name sw \"b\"", "name ew \"O\"",
        "name gt \"c\"", "name ge \"Charlie\"", "name lt \"d\"", "name le \"delta\"", "name lt \"_\"", "name gt \"echo\"",
        "model eq \"hp-1\"", "model eq \"HP-1\"", "model ne \"hp-1\"", "model co \"p-\"", "model sw \"H\"", "model ew \"1\"", "model gt \"Z\"", "model co \"\\\\\"",
        "displayName co \"50%_off\"", "displayName co \"%\"", "displayName co \"_\"", "displayName sw \"50%\"", "displayName co \"\\\\\"",
        "displayName co \"[\"", "displayName co \"o'brien\"", "displayName eq \"x' OR 1=1 --\"", "displayName co \"\"", "displayName ew \"SALE\"",
        "displayName pr", "displayName eq null", "displayName ne null", "not (displayName pr)",
        "active eq true", "active eq false", "active ne true", "not (active eq true)",
        "pages gt 5", "pages le 10", "pages eq 10", "pages lt 0", "pages ne 10", "not (pages gt 5)",
        "ratio ge 1.5", "ratio lt 1", "ratio eq 2", "ratio gt 1.75",
        "installed gt \"2024-01-01T00:00:00Z\"", "installed lt \"2024-06-01T12:30:00.6Z\"", "installed eq \"2024-06-01T14:30:00.5+02:00\"",
        "installed ge \"2023-12-31T23:59:59Z\"", "installed le \"2024-01-01T01:00:00+01:00\"", "installed pr",
        "tags eq \"lab\"", "tags co \"lab\"", "tags ne \"lab\"", "tags pr", "not (tags pr)", "tags sw \"LO\"",
        "location.building eq \"b1\"", "location.floor gt 1", "location pr", "location.building pr", "location.floor eq null", "not (location.floor ge 2)",
        "ports[type eq \"usb\" and primary eq true]", "ports[type eq \"usb\" and value co \"9\"]", "ports.value eq \"eth0\"", "ports.value eq \"ETH1\"",
        "ports eq \"usb0\"", "ports.type eq \"usb\"", "ports pr", "ports.value pr", "ports[value pr]", "ports[not (primary eq true)]",
        "ports[primary eq false or type eq \"serial\"]", "ports.primary eq true", "ports.value co \"%\"", "ports.value eq \"_\"", "not (ports[type eq \"usb\"])",
        "ports[type eq \"usb\"] and ports[type eq \"ethernet\"]", "ports[value ne \"usb0\"]",
        $"{Site}:site eq \"oslo\"", $"{Site}:rack eq 4", "site sw \"O\"", "rack pr", $"{Site}:site pr and not ({Site}:rack pr)", "rack ge 5",
        "(name sw \"a\" or name sw \"b\") and not (active eq false)", "not (pages gt 5 or ratio lt 1)", "name pr and not (name sw \"a\" or name sw \"e\")",
        "meta.resourceType eq \"Printer\"", "meta.created gt \"2026-12-01T08:04:00Z\"", "meta.lastModified pr", "meta.version eq \"W/\\\"1\\\"\"",
        $"schemas eq \"{Core}\"", $"schemas eq \"{Site}\"", "schemas pr",
        "location[building eq \"b1\"]", "location[floor gt 1 and building pr]", "location[not (floor eq 2)]",
        $"{Site}:contacts[type eq \"admin\" and value sw \"ops@\"]", "contacts.value ew \"@EXAMPLE.com\"", "contacts eq \"ann@example.com\"", "contacts pr",
        "owner.$ref co \"/Users/\"", "owner.display pr", "owner.value eq \"U1\"", "not (owner pr)",
        "tags gt \"l\"", "tags lt \"c\"", "ports ne \"usb0\"", "ratio eq 1.50", "displayName eq \"\"", "name eq \"alpha\" and name eq \"ALPHA\"",
        "externalId eq \"ext-6\"", "externalId gt \"ext-5\"", "externalId pr", "id sw \"printers-\"", "meta.location pr", "meta.lastModified le \"2026-12-01T08:03:00Z\"",
    ];

    public static readonly string[] SortKeys =
    [
        "name", "model", "displayName", "active", "pages", "ratio", "installed", "tags", "location.building", "location.floor",
        "ports", "ports.type", "ports.primary", $"{Site}:site", "rack", "meta.created", "id", "externalId",
        "contacts", $"{Site}:contacts.type", "owner.display", "owner.$ref", "meta.lastModified", "meta.version",
    ];

    public async ValueTask InitializeAsync()
    {
        string connectionString;
        if (Provider == Provider.Sqlite)
        {
            var file = SqliteFile.Create();
            (_database, connectionString) = (file, file.ConnectionString);
        }
        else
        {
            var pg = await Postgres.CreateDatabaseAsync();
            (_database, connectionString) = (pg, pg.ConnectionString);
        }

        var services = new ServiceCollection();
        var scim = services.AddScimCore();
        if (Jsonb)
        {
            services.AddDbContextFactory<JsonbResourcesDbContext>(o => ScimTablesApp.Use(o.AddInterceptors(_log), Provider, connectionString));
            AddPrinters(scim).AddEntityFrameworkCoreResourceStore<JsonbResourcesDbContext>("Printer");
        }
        else
        {
            services.AddDbContextFactory<ResourcesDbContext>(o => ScimTablesApp.Use(o.AddInterceptors(_log), Provider, connectionString));
            AddPrinters(scim).AddEntityFrameworkCoreResourceStore<ResourcesDbContext>("Printer");
        }

        _sql = services.BuildServiceProvider();
        DbContext db = Jsonb
            ? await _sql.GetRequiredService<IDbContextFactory<JsonbResourcesDbContext>>().CreateDbContextAsync(Ct)
            : await _sql.GetRequiredService<IDbContextFactory<ResourcesDbContext>>().CreateDbContextAsync(Ct);
        await using (db)
        {
            await db.Database.EnsureCreatedAsync(Ct);
        }

        var memory = new ServiceCollection();
        AddPrinters(memory.AddScimCore()).AddInMemoryStore("Printer");
        _memory = memory.BuildServiceProvider();

        foreach (var (n, json) in Seed())
        {
            Assert.Equal(StoreWriteStatus.Succeeded, (await SqlStore.CreateAsync(Context, Make(n, json), Ct)).Status);
            Assert.Equal(StoreWriteStatus.Succeeded, (await MemoryStore.CreateAsync(Context, Make(n, json), Ct)).Status);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sql is not null)
        {
            await _sql.DisposeAsync();
        }

        if (_memory is not null)
        {
            await _memory.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Query_EveryFilter_SelectsWhatTheInMemoryStoreSelects()
    {
        var mismatches = new List<string>();
        foreach (var filter in Filters)
        {
            var expected = await IdsAsync(MemoryStore, Query(filter));
            var actual = await IdsAsync(SqlStore, Query(filter));
            if (!expected.SequenceEqual(actual))
            {
                mismatches.Add($"{filter}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Theory]
    [InlineData("name eq \"ALPHA\"", new[] { 1 })]
    [InlineData("displayName co \"50%_off\"", new[] { 2 })]
    [InlineData("displayName co \"_\"", new[] { 2 })]
    [InlineData("model eq \"hp-1\"", new[] { 2, 8 })]
    [InlineData("model co \"\\\\\"", new[] { 5 })]
    [InlineData("tags eq \"lab\"", new[] { 1, 5, 6 })]
    [InlineData("ports[type eq \"usb\" and value co \"9\"]", new[] { 2 })]
    [InlineData("ports[type eq \"usb\" and primary eq true]", new[] { 1, 2, 8 })]
    [InlineData("ports.value eq \"ETH0\"", new[] { 1 })]
    [InlineData("location.building eq \"B1\"", new[] { 1, 2 })]
    [InlineData("not (pages gt 5)", new[] { 3, 4, 5, 6, 7 })]
    [InlineData("displayName pr", new[] { 1, 2, 3, 5, 6, 8 })]
    [InlineData("location pr", new[] { 1, 2, 5 })]
    [InlineData("urn:example:params:scim:schemas:extension:site:2.0:Printer:site eq \"OSLO\"", new[] { 1, 2 })]
    [InlineData("rack eq 4 and not (site eq \"oslo\")", new[] { 6 })]
    [InlineData("installed eq \"2024-06-01T14:30:00.5+02:00\"", new[] { 2 })]
    [InlineData("ratio gt 1.75", new[] { 5, 6 })]
    [InlineData("name lt \"_\"", new[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData("contacts[type eq \"ADMIN\" and value sw \"ops@\"]", new[] { 1, 6 })]
    [InlineData("location[floor gt 1 and building pr]", new[] { 1, 2 })]
    public async Task Query_Filter_SelectsTheseResources(string filter, int[] expected)
    {
        Assert.Equal(expected.Select(IdOf), await IdsAsync(SqlStore, Query(filter)));
        Assert.Equal(expected.Select(IdOf), await IdsAsync(MemoryStore, Query(filter)));
    }

    [Fact]
    public async Task Query_EverySortKey_OrdersAsTheInMemoryStore()
    {
        var mismatches = new List<string>();
        foreach (var key in SortKeys)
        {
            foreach (var order in new[] { SortOrder.Ascending, SortOrder.Descending })
            {
                var query = new ScimQuery { SortBy = key, SortOrder = order, Count = 50 };
                var expected = await OrderAsync(MemoryStore, query);
                var actual = await OrderAsync(SqlStore, query);
                if (!expected.SequenceEqual(actual))
                {
                    mismatches.Add($"{key} {order}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Fact]
    public async Task Query_ValuesOfOtherShapesThanTheSchemas_NoDatabaseError()
    {
        // A host may write a store's rows itself: values of the wrong JSON type, impossible dates,
        // scalars where objects or arrays belong. No filter or sort may fail the statement on them.
        var odd = new ScimContext(_tenant + "-odd", "json-query-tests");
        string[] rows =
        [
            """{"name":"odd1","location":"nowhere","ports":["usb",5,null],"tags":"solo","installed":"2024-02-30T00:00:00Z","pages":"ten","active":"yes","ratio":"1.5","owner":[1,2],"urn:example:params:scim:schemas:extension:site:2.0:Printer":{"site":5,"rack":"four","contacts":{"value":"x"}}}""",
            """{"name":"odd2","installed":"0000-01-01T00:00:00Z","displayName":5,"location":{"building":["a"],"floor":"2"},"ports":{"value":"usb0"},"tags":[["lab"]]}""",
            """{"name":"odd3","installed":"2024-01-01T00:00:00+99:00","model":null,"ports":[[{"value":"usb0"}]]}""",
            """{"name":"odd4","installed":"12345","displayName":{"a":"b"}}""",
            """{"name":"odd5","installed":"2023-02-29T10:00:00Z","pages":1e400}""",
        ];
        for (var i = 0; i < rows.Length; i++)
        {
            var resource = Make(50 + i, rows[i]);
            Assert.Equal(StoreWriteStatus.Succeeded, (await SqlStore.CreateAsync(odd, resource, Ct)).Status);
        }

        foreach (var filter in Filters)
        {
            await SqlStore.QueryAsync(odd, Query(filter), Ct);
        }

        foreach (var key in SortKeys)
        {
            Assert.Equal(rows.Length, (await SqlStore.QueryAsync(odd, new ScimQuery { SortBy = key, Count = 50 }, Ct)).Resources.Count);
        }

        Assert.Empty((await SqlStore.QueryAsync(odd, Query("installed lt \"9999-01-01T00:00:00Z\" and not (name eq \"odd4\")"), Ct)).Resources);
    }

    [Fact]
    public async Task Query_SortByPages_NumericMissingLastThenById()
    {
        var ascending = await OrderAsync(SqlStore, new ScimQuery { SortBy = "pages", Count = 50 });
        var descending = await OrderAsync(SqlStore, new ScimQuery { SortBy = "pages", SortOrder = SortOrder.Descending, Count = 50 });

        Assert.Equal(new[] { 5, 3, 1, 8, 2, 4, 6, 7 }.Select(IdOf), ascending);
        Assert.Equal(new[] { 4, 6, 7, 2, 1, 8, 3, 5 }.Select(IdOf), descending);
    }

    [Fact]
    public async Task Query_FilteredSortedWindow_PageAndTotalFromSql()
    {
        var query = new ScimQuery { Filter = ScimFilterParser.Parse("name pr and not (name eq \"golf\")"), SortBy = "name", SortOrder = SortOrder.Descending, StartIndex = 2, Count = 3 };

        _log.Clear();
        var page = await SqlStore.QueryAsync(Context, query, Ct);

        Assert.Equal(7, page.TotalResults);
        Assert.Equal(["foxtrot", "Echo_1", "delta"], page.Resources.Select(r => (string?)r.Attributes["name"]));
        Assert.Equal(2, _log.Commands.Count); // the page, then its count: nothing else is read
        Assert.Contains("LIMIT", _log.Commands[0].Text, StringComparison.Ordinal);
        Assert.Contains("COUNT(*)", _log.Commands[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_CursorWithFilter_WalksTheMatchesOnce()
    {
        var filter = ScimFilterParser.Parse("ports pr or tags pr");
        var seen = new List<string>();
        string? cursor = string.Empty;
        var totals = new HashSet<int>();
        while (cursor is not null)
        {
            var page = await SqlStore.QueryAsync(Context, new ScimQuery { Filter = filter, Cursor = cursor, Count = 2 }, Ct);
            seen.AddRange(page.Resources.Select(r => r.Id!));
            totals.Add(page.TotalResults);
            cursor = page.NextCursor;
            Assert.True(seen.Count <= 8, "The cursor walk does not end.");
        }

        Assert.Equal(await IdsAsync(MemoryStore, Query("ports pr or tags pr")), seen);
        Assert.Equal(seen.Count, Assert.Single(totals));
    }

    [Fact]
    public async Task Query_Values_AreParametersNotSqlText()
    {
        _log.Clear();

        await IdsAsync(SqlStore, Query("displayName eq \"x' OR 1=1 --\" or ports[type eq \"serial-port-type\"] or pages gt 31415"));

        var command = _log.Commands[0];
        Assert.DoesNotContain("OR 1=1", command.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("serial-port-type", command.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("31415", command.Text, StringComparison.Ordinal);
        Assert.Contains(Provider == Provider.Sqlite ? "json_each" : "jsonb_array_elements", command.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("active gt true")]
    [InlineData("pages co \"1\"")]
    [InlineData("installed gt \"yesterday\"")]
    [InlineData("nosuch eq \"x\"")]
    [InlineData("name[value eq \"x\"]")]
    public async Task Query_BadFilter_InvalidFilterBeforeTheDatabase(string filter)
    {
        FilterExpression parsed;
        try
        {
            parsed = ScimFilterParser.Parse(filter);
        }
        catch (ScimException parse)
        {
            Assert.Equal(400, parse.Status);
            return;
        }

        _log.Clear();
        var error = await Assert.ThrowsAsync<ScimException>(() => SqlStore.QueryAsync(Context, new ScimQuery { Filter = parsed, Count = 10 }, Ct));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Empty(_log.Commands);
    }

    [Fact]
    public async Task Query_SortByUnknownAttribute_InvalidPath()
    {
        var error = await Assert.ThrowsAsync<ScimException>(() => SqlStore.QueryAsync(Context, new ScimQuery { SortBy = "nosuch", Count = 0 }, Ct));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidPath, error.ScimType);
    }

    private static ScimBuilder AddPrinters(ScimBuilder scim) => scim.AddResourceType(Type, CoreSchema).AddSchemaExtension("Printer", SiteSchema);

    private static ScimQuery Query(string filter) => new() { Filter = ScimFilterParser.Parse(filter), Count = 50 };

    private string IdOf(int n) => $"{_tenant}-{n:D2}";

    private async Task<List<string>> IdsAsync(IResourceStore<JsonResource> store, ScimQuery query)
    {
        var page = await store.QueryAsync(Context, query, Ct);
        Assert.Equal(page.Resources.Count, page.TotalResults);
        return [.. page.Resources.Select(r => r.Id!).Order(StringComparer.Ordinal)];
    }

    private async Task<List<string>> OrderAsync(IResourceStore<JsonResource> store, ScimQuery query) =>
        [.. (await store.QueryAsync(Context, query, Ct)).Resources.Select(r => r.Id!)];

    private JsonResource Make(int n, string json)
    {
        var stamp = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(n);
        var resource = JsonResource.FromJson((JsonObject)JsonNode.Parse(json)!, Core);
        resource.Id = IdOf(n);
        resource.ExternalId = $"ext-{9 - n}";
        resource.Meta = new ResourceMeta { ResourceType = "Printer", Created = stamp, LastModified = stamp, Version = n % 2 == 0 ? "W/\"1\"" : "W/\"2\"" };
        return resource;
    }
}
