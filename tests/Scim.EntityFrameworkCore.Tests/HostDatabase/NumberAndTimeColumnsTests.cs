using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

public class RatedUser
{
    public int Id { get; set; }

    public string UserName { get; set; } = string.Empty;

    public decimal? Rate { get; set; }

    public DateTime? Hired { get; set; }

    public DateTime Since { get; set; }

    public int? Level { get; set; }

    public string? Stamp { get; set; }
}

public class RatedUsersDbContext(DbContextOptions<RatedUsersDbContext> options) : DbContext(options)
{
    public DbSet<RatedUser> Users => Set<RatedUser>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<RatedUser>().Property(u => u.Rate).HasPrecision(5, 2);
}

/// <summary>
/// Numbers and times in the host's own columns: a column that keeps less than .NET holds (a
/// <c>numeric(5, 2)</c>, PostgreSQL's microseconds), a number past its column's range, and a
/// non-nullable time that holds its default.
/// </summary>
public abstract class NumberAndTimeColumnsTests
{
    private const string Token = "number-time-token-51d0";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string Extension = "urn:example:params:scim:schemas:extension:rated:2.0:User";

    protected abstract Provider Provider { get; }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AWriteToRoundingColumns_AnswersAndReportsWhatAGetReads(bool versionColumn)
    {
        // A version computed from the row: its ETag was not the next GET's, and If-Match with it
        // was 412. With a version column the ETag held, but the body did not: a POST, PUT or
        // PATCH answered (and its event reported) 1.005 where a GET then read 1.01.
        var subscriber = new RecordingSubscriber();
        await using var app = await StartAsync(stamped: versionColumn, subscriber: subscriber);
        var client = app.Client(Token);

        // PostgreSQL keeps 1.005 as 1.01 and .1234567 as .123456 (SQLite keeps both as sent).
        var created = (await client.Post("Users", Body("ada", "\"rate\":1.005,\"hired\":\"2024-02-29T12:00:00.1234567Z\""))).Expect(HttpStatusCode.Created, app.Errors);
        var id = (string)created.Json["id"]!;
        var read = (await client.Get($"Users/{id}")).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(read.ETag, created.ETag);
        Assert.Equal(read.Json[Extension]!.ToJsonString(), created.Json[Extension]!.ToJsonString());
        Assert.Equal(Provider == Provider.Postgres ? 1.01m : 1.005m, (decimal)read.Json[Extension]!["rate"]!);

        var patched = (await client.Send(HttpMethod.Patch, $"Users/{id}", Http.PatchOp($$"""{"op":"replace","path":"{{Extension}}:rate","value":2.345}"""), ("If-Match", created.ETag!))).Expect(HttpStatusCode.OK, app.Errors);
        read = (await client.Get($"Users/{id}")).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(read.ETag, patched.ETag);
        Assert.Equal(read.Json[Extension]!.ToJsonString(), patched.Json[Extension]!.ToJsonString());
        var events = await subscriber.OfAsync(id, 2);
        Assert.Equal((decimal)read.Json[Extension]!["rate"]!, (decimal)events[^1].After![Extension + ":rate"]!);

        (await client.Send(HttpMethod.Patch, $"Users/{id}", Http.PatchOp("""{"op":"replace","path":"userName","value":"ada2"}"""), ("If-Match", patched.ETag!))).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public async Task ANumberPastItsColumnsRange_IsRefused_NotA500()
    {
        await using var app = await StartAsync();
        var client = app.Client(Token);
        var reply = await client.Post("Users", Body("big", "\"rate\":12345.678"));
        if (Provider == Provider.Postgres)
        {
            // numeric(5, 2) keeps at most 999.99.
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
            Assert.Equal("invalidValue", (string?)reply.Json["scimType"]);
            await using var db = app.Database();
            Assert.Equal(0, await db.Users.CountAsync(TestContext.Current.CancellationToken));
        }
        else
        {
            reply.Expect(HttpStatusCode.Created, app.Errors); // SQLite keeps any number
        }
    }

    [Fact]
    public async Task AnIntegerPastItsMembersType_IsRefused_NotA500()
    {
        // 3,000,000,000 is a SCIM integer, but no int: the member could not hold it (it was an
        // OverflowException in the store, a 500, before any statement).
        await using var app = await StartAsync();
        var client = app.Client(Token);
        var reply = await client.Post("Users", Body("big", "\"level\":3000000000"));
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalidValue", (string?)reply.Json["scimType"]);
        Assert.Contains(":level' is outside the range", (string?)reply.Json["detail"], StringComparison.Ordinal);
        (await client.Post("Users", Body("small", "\"level\":3"))).Expect(HttpStatusCode.Created, app.Errors);
        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public async Task ATimeColumnHoldingItsDefault_IsServedWithoutTheAttribute()
    {
        // A row the app seeded without the time, beside one with it: a GET, a list and a create
        // without the attribute were a 500 ("A DateTime cannot hold the SCIM attribute").
        await using var app = await StartAsync(async db =>
        {
            db.Users.Add(new RatedUser { UserName = "legacy" });
            db.Users.Add(new RatedUser { UserName = "dated", Since = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc) });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var client = app.Client(Token);

        var legacy = (await client.Get("Users/1")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Null(legacy[Extension]?["since"]);
        Assert.Equal("2020-01-02T03:04:05Z", (string?)(await client.Get("Users/2")).Expect(HttpStatusCode.OK, app.Errors).Json[Extension]!["since"]);
        Assert.Equal(2, (int)(await client.Get("Users")).Expect(HttpStatusCode.OK, app.Errors).Json["totalResults"]!);

        var created = (await client.Post("Users", Body("new", "\"rate\":3"))).Expect(HttpStatusCode.Created, app.Errors).Json;
        Assert.Null(created[Extension]!["since"]);
        Assert.Equal(DateTimeOffset.Parse("2021-06-01T00:00:00Z", CultureInfo.InvariantCulture), DateTimeOffset.Parse((string)(await client.Post("Users", Body("newer", "\"since\":\"2021-06-01T00:00:00Z\""))).Expect(HttpStatusCode.Created, app.Errors).Json[Extension]!["since"]!, CultureInfo.InvariantCulture));
        Assert.Empty(app.Errors.Errors);
    }

    private static string Body(string userName, string extension) =>
        $$"""{"schemas":["{{UserSchema}}","{{Extension}}"],"userName":"{{userName}}","{{Extension}}":{ {{extension}} } }""";

    private Task<HostApp<RatedUsersDbContext>> StartAsync(Func<RatedUsersDbContext, Task>? seed = null, bool stamped = false, RecordingSubscriber? subscriber = null) =>
        HostApp.StartAsync<RatedUsersDbContext>(
            Provider,
            scim =>
            {
                if (subscriber is not null)
                {
                    scim.Services.AddSingleton<Scim.Core.Events.IScimEventSubscriber>(subscriber);
                    scim.ConfigureService(o => o.EventValues = true);
                }

                scim.AddSchemaExtension("User", new ScimSchema(Extension, "Rated", "Rated users", [new SchemaAttribute("rate", AttributeType.Decimal), new SchemaAttribute("hired", AttributeType.DateTime), new SchemaAttribute("since", AttributeType.DateTime), new SchemaAttribute("level", AttributeType.Integer)]));
                scim.AddEntityFrameworkCoreStores<RatedUsersDbContext>(stores => stores.Users<RatedUser>(users =>
                {
                    users.Id(u => u.Id)
                        .Map("userName", u => u.UserName)
                        .Map(Extension + ":rate", u => u.Rate)
                        .Map(Extension + ":hired", u => u.Hired)
                        .Map(Extension + ":since", u => u.Since)
                        .Map(Extension + ":level", u => u.Level);
                    if (stamped)
                    {
                        users.Version(u => u.Stamp);
                    }
                }));
            },
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token),
            seed);
}

/// <summary>Numbers and times on SQLite.</summary>
public sealed class SqliteNumberAndTimeColumnsTests : NumberAndTimeColumnsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Numbers and times on PostgreSQL.</summary>
public sealed class PostgresNumberAndTimeColumnsTests : NumberAndTimeColumnsTests
{
    protected override Provider Provider => Provider.Postgres;
}
