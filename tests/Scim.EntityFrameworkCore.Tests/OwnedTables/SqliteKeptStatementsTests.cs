using System.Data;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// <c>KeepSqliteStatementsPrepared()</c>: queries outside a transaction run on kept connections
/// where each text is compiled once, and what they read is what the context's own connection
/// would read. (Every other SQLite test of the SCIM-owned tables runs with the option too.)
/// </summary>
public sealed class SqliteKeptStatementsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetById_CompilesItsStatementOnce_AndRunsItOnAKeptConnection()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Sqlite);
        var kept = KeptStatements(app);
        var client = app.Client();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateUserAsync(client, $"kept{i}@example.com"));
        }

        var before = kept.Executions;
        var (deferredBefore, lateBefore) = (kept.DeferredOpens, kept.LateOpens);
        for (var round = 0; round < 4; round++)
        {
            foreach (var id in ids)
            {
                var user = await client.GetFromJsonAsync<JsonObject>($"Users/{id}", Ct);
                Assert.Equal(id, (string?)user!["id"]);
            }
        }

        // One text reads a user by id (with its groups); twenty GETs, one after another, compiled it once.
        var byId = Assert.Single(kept.Compilations, c => c.Key.Contains("FROM \"ScimUsers\"", StringComparison.Ordinal) && c.Key.Contains("AS \"Groups\"", StringComparison.Ordinal));
        Assert.Equal(1, byId.Value);
        Assert.True(kept.Executions - before >= 20, $"{kept.Executions - before} queries ran on kept connections");
        Assert.InRange(kept.OpenConnections, 1, 2);

        // And none of them opened the context's own connection.
        Assert.True(kept.DeferredOpens - deferredBefore >= 20, $"{kept.DeferredOpens - deferredBefore} opens were left");
        Assert.Equal(lateBefore, kept.LateOpens);
    }

    [Fact]
    public async Task AUnitOfReads_NeverOpensTheContextsConnection_OutsideOneItOpensAsBefore()
    {
        await using var file = SqliteFile.Create();
        var kept = new SqlitePreparedStatements();
        var options = new DbContextOptionsBuilder<ScimTablesDbContext>().UseSqlite(file.ConnectionString).AddInterceptors(kept).Options;
        await SeedAsync(options, "a@example.com", "b@example.com");

        await using var db = new ScimTablesDbContext(options);
        var changes = StateChanges(db);
        await EntityContexts.OpenForReads(db, Ct);
        try
        {
            Assert.Equal(["a@example.com", "b@example.com"], await db.Set<ScimUserEntity>().AsNoTracking().OrderBy(u => u.UserName).Select(u => u.UserName).ToListAsync(Ct));
            Assert.Equal(1, await db.Set<ScimUserEntity>().CountAsync(u => u.UserName == "b@example.com", Ct));
        }
        finally
        {
            await EntityContexts.CloseAfterReads(db);
        }

        Assert.Empty(changes);
        Assert.Equal(2, kept.Executions);

        // The same query after the unit: EF Core opens and closes the connection around it, and it still runs on a kept one.
        Assert.Equal(2, await db.Set<ScimUserEntity>().CountAsync(Ct));
        Assert.Equal([ConnectionState.Open, ConnectionState.Closed], changes);
        Assert.Equal(3, kept.Executions);
    }

    [Fact]
    public async Task AStatementOfAUnitThatNeedsTheContextsConnection_OpensIt_AndTheUnitClosesIt()
    {
        await using var file = SqliteFile.Create();
        var kept = new SqlitePreparedStatements();

        // A function the host registered on the connection it gave EF Core: the kept connections do not have it.
        await using var connection = new SqliteConnection(file.ConnectionString);
        connection.CreateFunction("twice", (long x) => x * 2);
        var options = new DbContextOptionsBuilder<ScimTablesDbContext>().UseSqlite(connection).AddInterceptors(kept).Options;
        await SeedAsync(options, "a@example.com");

        await using var db = new ScimTablesDbContext(options);
        var changes = StateChanges(db);
        await EntityContexts.OpenForReads(db, Ct);
        try
        {
            Assert.Equal(["a@example.com"], await db.Set<ScimUserEntity>().AsNoTracking().Select(u => u.UserName).ToListAsync(Ct));
            Assert.Empty(changes);
            Assert.Equal([42L], await db.Database.SqlQueryRaw<long>("SELECT twice(21) AS \"Value\"").ToListAsync(Ct));
            Assert.Equal([ConnectionState.Open], changes);

            // Open from then on, for the rest of the unit.
            Assert.Equal(["a@example.com"], await db.Set<ScimUserEntity>().AsNoTracking().Select(u => u.UserName).ToListAsync(Ct));
            Assert.Equal([ConnectionState.Open], changes);
        }
        finally
        {
            await EntityContexts.CloseAfterReads(db);
        }

        Assert.Equal([ConnectionState.Open, ConnectionState.Closed], changes);
        Assert.Equal(1, kept.LateOpens);
    }

    [Fact]
    public async Task AWriteOrATransactionInAUnit_OpensTheConnectionFirst()
    {
        await using var file = SqliteFile.Create();
        var kept = new SqlitePreparedStatements();
        var options = new DbContextOptionsBuilder<ScimTablesDbContext>().UseSqlite(file.ConnectionString).AddInterceptors(kept).Options;
        await SeedAsync(options, "a@example.com");

        await using var db = new ScimTablesDbContext(options);
        var changes = StateChanges(db);
        await EntityContexts.OpenForReads(db, Ct);
        try
        {
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("UPDATE \"ScimUsers\" SET \"DisplayName\" = 'Ann'", Ct));
        }
        finally
        {
            await EntityContexts.CloseAfterReads(db);
        }

        Assert.Equal([ConnectionState.Open, ConnectionState.Closed], changes);
        changes.Clear();

        await EntityContexts.OpenForReads(db, Ct);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            Assert.Equal([ConnectionState.Open], changes);
            var user = await db.Set<ScimUserEntity>().SingleAsync(Ct);
            user.DisplayName = "Bea";
            await db.SaveChangesAsync(Ct);
            await transaction.CommitAsync(Ct);
        }
        finally
        {
            await EntityContexts.CloseAfterReads(db);
        }

        Assert.Equal([ConnectionState.Open, ConnectionState.Closed], changes);
        Assert.Equal("Bea", await db.Set<ScimUserEntity>().Select(u => u.DisplayName).SingleAsync(Ct));
    }

    [Fact]
    public async Task WithAnotherConnectionInterceptor_EveryOpenHappens()
    {
        await using var file = SqliteFile.Create();
        var kept = new SqlitePreparedStatements();
        var opened = new OpenStates();
        var options = new DbContextOptionsBuilder<ScimTablesDbContext>().UseSqlite(file.ConnectionString).AddInterceptors(opened, kept).Options;
        await SeedAsync(options, "a@example.com");
        opened.States.Clear();

        await using var db = new ScimTablesDbContext(options);
        await EntityContexts.OpenForReads(db, Ct);
        try
        {
            Assert.Equal(["a@example.com"], await db.Set<ScimUserEntity>().AsNoTracking().Select(u => u.UserName).ToListAsync(Ct));
        }
        finally
        {
            await EntityContexts.CloseAfterReads(db);
        }

        // The host's interceptor was told of an open that happened; the query still ran on a kept connection.
        Assert.Equal([ConnectionState.Open], opened.States);
        Assert.Equal(0, kept.DeferredOpens);
        Assert.Equal(1, kept.Executions);
    }

    [Fact]
    public async Task LookupAndFilteredPage_RunTheirStatementsOnKeptConnections()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Sqlite);
        var kept = KeptStatements(app);
        var client = app.Client();
        for (var i = 0; i < 3; i++)
        {
            await CreateUserAsync(client, $"look{i}@example.com");
        }

        var before = kept.Executions;
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                var page = await client.GetFromJsonAsync<JsonObject>("Users?filter=" + Uri.EscapeDataString($"userName eq \"look{i}@example.com\""), Ct);
                Assert.Equal($"look{i}@example.com", (string?)page!["Resources"]![0]!["userName"]);
            }
        }

        // Twelve lookups by userName, one statement each.
        Assert.True(kept.Executions - before >= 12, $"{kept.Executions - before} queries ran on kept connections");
        before = kept.Executions;
        for (var round = 0; round < 4; round++)
        {
            var page = await client.GetFromJsonAsync<JsonObject>("Users?filter=" + Uri.EscapeDataString("userName sw \"look\""), Ct);
            Assert.Equal(3, page!["Resources"]!.AsArray().Count);
        }

        // Four planned pages, each its rows and its users' groups: every statement on a kept connection, each text compiled once.
        Assert.True(kept.Executions - before >= 8, $"{kept.Executions - before} queries ran on kept connections");
        Assert.All(kept.Compilations, c => Assert.Equal(1, c.Value));
    }

    [Fact]
    public async Task Reads_SeeEachWrite_AsSoonAsItIsAnswered()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Sqlite);
        var client = app.Client();
        var id = await CreateUserAsync(client, "fresh@example.com");
        Assert.Equal("fresh@example.com", (string?)(await client.GetFromJsonAsync<JsonObject>($"Users/{id}", Ct))!["userName"]);

        for (var i = 0; i < 5; i++)
        {
            using var patch = await client.PatchAsJsonAsync($"Users/{id}", new JsonObject
            {
                ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "displayName", ["value"] = $"Name {i}" }),
            }, Ct);
            Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync(Ct));
            Assert.Equal($"Name {i}", (string?)(await client.GetFromJsonAsync<JsonObject>($"Users/{id}", Ct))!["displayName"]);
            var found = await client.GetFromJsonAsync<JsonObject>("Users?filter=" + Uri.EscapeDataString("userName eq \"fresh@example.com\""), Ct);
            Assert.Equal($"Name {i}", (string?)found!["Resources"]![0]!["displayName"]);
        }

        using var delete = await client.DeleteAsync($"Users/{id}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await client.GetAsync($"Users/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var none = await client.GetFromJsonAsync<JsonObject>("Users?filter=" + Uri.EscapeDataString("userName eq \"fresh@example.com\""), Ct);
        Assert.Equal(0, (int)none!["totalResults"]!);
    }

    [Fact]
    public async Task AQueryInATransaction_RunsOnItsConnection_AndSeesItsUncommittedRows()
    {
        await using var file = SqliteFile.Create();
        var kept = new SqlitePreparedStatements();
        var options = new DbContextOptionsBuilder<ScimTablesDbContext>().UseSqlite(file.ConnectionString).AddInterceptors(kept).Options;
        await using (var setup = new ScimTablesDbContext(options))
        {
            await setup.Database.EnsureCreatedAsync(Ct);
        }

        await using var db = new ScimTablesDbContext(options);
        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            db.Add(NewUser("u1", "inside@example.com"));
            await db.SaveChangesAsync(Ct);

            // Only the transaction's own connection has the row yet.
            Assert.Equal(["inside@example.com"], await db.Set<ScimUserEntity>().AsNoTracking().Select(u => u.UserName).ToListAsync(Ct));
            Assert.Equal(0, kept.Executions);
            await transaction.RollbackAsync(Ct);
        }

        // Outside the transaction the same query runs on a kept connection, and the row was never committed.
        Assert.Empty(await db.Set<ScimUserEntity>().AsNoTracking().Select(u => u.UserName).ToListAsync(Ct));
        Assert.Equal(1, kept.Executions);
    }

    [Fact]
    public async Task AFunctionOnlyTheContextsConnectionsHave_RunsThere_EveryTime()
    {
        await using var file = SqliteFile.Create();
        var kept = new SqlitePreparedStatements();
        var options = new DbContextOptionsBuilder<ScimTablesDbContext>()
            .UseSqlite(file.ConnectionString)
            .AddInterceptors(new TwiceFunction(), kept)
            .Options;
        await using var db = new ScimTablesDbContext(options);
        await db.Database.EnsureCreatedAsync(Ct);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal([42L], await db.Database.SqlQueryRaw<long>("SELECT twice(21) AS \"Value\"").ToListAsync(Ct));
        }

        // The kept connection could not compile it (it has no such function): it was tried once, then left to EF Core.
        Assert.Equal(0, kept.Executions);
        Assert.Equal(1, Assert.Single(kept.Compilations, c => c.Key.Contains("twice", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public async Task APrivateInMemoryDatabase_IsLeftToTheContextsConnection()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync(Ct);
        var kept = new SqlitePreparedStatements();
        var options = new DbContextOptionsBuilder<ScimTablesDbContext>().UseSqlite(connection).AddInterceptors(kept).Options;
        await using var db = new ScimTablesDbContext(options);
        await db.Database.EnsureCreatedAsync(Ct);
        db.Add(NewUser("u1", "memory@example.com"));
        await db.SaveChangesAsync(Ct);

        Assert.Equal(["memory@example.com"], await db.Set<ScimUserEntity>().AsNoTracking().Select(u => u.UserName).ToListAsync(Ct));
        Assert.Equal(0, kept.Executions);
        Assert.Equal(0, kept.OpenConnections);
    }

    [Fact]
    public async Task OtherProviders_AreNotTouched()
    {
        // The option on a context of another provider: its queries run as EF Core made them.
        var kept = new SqlitePreparedStatements();
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync(Ct);
        await using var command = new OtherCommand(connection.CreateCommand()) { CommandText = "SELECT 1" };
        var result = kept.ReaderExecuting(command, null!, default);
        Assert.False(result.HasResult);
        Assert.Equal(0, kept.OpenConnections);
    }

    private static async Task SeedAsync(DbContextOptions<ScimTablesDbContext> options, params string[] userNames)
    {
        await using var setup = new ScimTablesDbContext(options);
        await setup.Database.EnsureCreatedAsync(Ct);
        for (var i = 0; i < userNames.Length; i++)
        {
            setup.Add(NewUser($"u{i}", userNames[i]));
        }

        await setup.SaveChangesAsync(Ct);
    }

    /// <summary>Every state the context's connection goes to from now on.</summary>
    private static List<ConnectionState> StateChanges(DbContext db)
    {
        var changes = new List<ConnectionState>();
        db.Database.GetDbConnection().StateChange += (_, e) => changes.Add(e.CurrentState);
        return changes;
    }

    private static SqlitePreparedStatements KeptStatements(ScimTablesApp app)
    {
        using var db = app.Database();
        var core = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!;
        return core.Interceptors!.OfType<SqlitePreparedStatements>().Single();
    }

    private static async Task<string> CreateUserAsync(HttpClient client, string userName)
    {
        using var response = await client.PostAsJsonAsync("Users", new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = userName,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!;
    }

    private static ScimUserEntity NewUser(string id, string userName) => new()
    {
        Id = id,
        Tenant = "default",
        UserName = userName,
        NormalizedUserName = userName.ToUpperInvariant(),
        Version = "v1",
        Created = DateTime.UtcNow,
        LastModified = DateTime.UtcNow,
    };

    /// <summary>Registers <c>twice(x)</c> on each connection EF Core opens for the context, as a host might.</summary>
    private sealed class TwiceFunction : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            ((SqliteConnection)connection).CreateFunction("twice", (long x) => x * 2);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            ConnectionOpened(connection, eventData);
            return Task.CompletedTask;
        }
    }

    /// <summary>A host's connection interceptor: the state of each connection it is told was opened.</summary>
    private sealed class OpenStates : DbConnectionInterceptor
    {
        public List<ConnectionState> States { get; } = [];

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => States.Add(connection.State);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            ConnectionOpened(connection, eventData);
            return Task.CompletedTask;
        }
    }

    /// <summary>A command whose connection is not Microsoft.Data.Sqlite's, as another provider's would be.</summary>
    private sealed class OtherCommand(DbCommand inner) : DbCommand
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string CommandText { get => inner.CommandText; set => inner.CommandText = value; }

        public override int CommandTimeout { get; set; }

        public override System.Data.CommandType CommandType { get; set; } = System.Data.CommandType.Text;

        public override bool DesignTimeVisible { get; set; }

        public override System.Data.UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection { get; set; } = new OtherConnection();

        protected override DbParameterCollection DbParameterCollection => inner.Parameters;

        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel() => throw new NotSupportedException();

        public override int ExecuteNonQuery() => throw new NotSupportedException();

        public override object? ExecuteScalar() => throw new NotSupportedException();

        public override void Prepare() => throw new NotSupportedException();

        protected override DbParameter CreateDbParameter() => inner.CreateParameter();

        protected override DbDataReader ExecuteDbDataReader(System.Data.CommandBehavior behavior) => throw new NotSupportedException();
    }

    private sealed class OtherConnection : DbConnection
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string ConnectionString { get; set; } = "Data Source=other.db";

        public override string Database => "other";

        public override string DataSource => "other.db";

        public override string ServerVersion => "1";

        public override System.Data.ConnectionState State => System.Data.ConnectionState.Open;

        public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

        public override void Close()
        {
        }

        public override void Open()
        {
        }

        protected override DbTransaction BeginDbTransaction(System.Data.IsolationLevel isolationLevel) => throw new NotSupportedException();

        protected override DbCommand CreateDbCommand() => throw new NotSupportedException();
    }
}
