using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Scim.EntityFrameworkCore.Tests.HostDatabase;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.Resources;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// Strings that are not caseExact compare and sort without case beyond ASCII in every EF Core
/// store, as in the in-memory store: on SQLite, whose own <c>lower()</c> and <c>upper()</c> change
/// ASCII letters only, as on PostgreSQL. Covered: the SCIM-owned tables (reads on kept statements),
/// a host's entities (reads on EF Core's own connection), and the JSON resource store.
/// </summary>
public abstract class UnicodeCaseTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task OwnedTables_FilterAndSort_FoldAllOfUnicode()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var unit = await Create(client, app.Errors, "u1", """ "displayName":"Ünit Élan","title":"ÉLAN","name":{"givenName":"ΩMEGA"} """);
        var zed = await Create(client, app.Errors, "u2", """ "displayName":"Zed","emails":[{"value":"ZOË@EXÄMPLE.COM","type":"work"}] """);
        var eclair = await Create(client, app.Errors, "u3", """ "displayName":"éclair" """);
        var emile = await Create(client, app.Errors, "u4", """ "displayName":"Émile" """);

        async Task<List<string>> Found(string filter) =>
            Ids((await client.Get("Users?sortBy=userName&filter=" + Uri.EscapeDataString(filter))).Expect(HttpStatusCode.OK, app.Errors).Json);

        Assert.Equal([unit], await Found("displayName eq \"ünit élan\""));
        Assert.Equal([unit], await Found("displayName eq \"ÜNIT ÉLAN\""));
        Assert.Equal([unit], await Found("displayName co \"NIT É\""));
        Assert.Equal([eclair], await Found("displayName sw \"ÉC\""));
        Assert.Equal([eclair, emile], await Found("displayName sw \"é\""));
        Assert.Equal([unit], await Found("title eq \"élan\""));
        Assert.Equal([unit], await Found("name.givenName eq \"ωmega\""));
        Assert.Equal([zed], await Found("emails.value eq \"zoë@exämple.com\""));
        Assert.Equal([zed], await Found("emails[type eq \"work\" and value ew \"ë@exÄmple.com\"]"));
        Assert.Equal([unit, zed, eclair, emile], await Found("not (displayName eq \"ÉMILE\") or displayName gt \"ÉM\""));

        // Ordered as .NET orders the upper-cased values: Z (U+005A) before É (U+00C9) before Ü (U+00DC).
        var sorted = Ids((await client.Get("Users?sortBy=displayName")).Expect(HttpStatusCode.OK, app.Errors).Json);
        Assert.Equal([zed, eclair, emile, unit], sorted);
        var descending = Ids((await client.Get("Users?sortBy=displayName&sortOrder=descending")).Expect(HttpStatusCode.OK, app.Errors).Json);
        Assert.Equal([unit, emile, eclair, zed], descending);
        Assert.Equal([eclair, emile], Ids((await client.Get("Users?sortBy=userName&filter=" + Uri.EscapeDataString("displayName ge \"ÉCLAIR\" and displayName lt \"Ü\""))).Expect(HttpStatusCode.OK, app.Errors).Json));
    }

    [Fact]
    public async Task JsonResourceStore_FilterAndSort_FoldAllOfUnicode()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        using var client = app.Client();
        var ids = new List<string>();
        foreach (var name in new[] { "Élan Bot", "zeta", "Ärger" })
        {
            var agent = new JsonObject { ["schemas"] = new JsonArray(Scim.Core.Agents.ScimAgents.AgentSchema), ["name"] = name };
            ids.Add((string)(await client.Post("Agents", agent.ToJsonString())).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!);
        }

        var found = (await client.Get("Agents?filter=" + Uri.EscapeDataString("name co \"élan b\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal([ids[0]], Ids(found));
        found = (await client.Get("Agents?filter=" + Uri.EscapeDataString("name sw \"ä\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal([ids[2]], Ids(found));
        var sorted = (await client.Get("Agents?sortBy=name")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal([ids[1], ids[2], ids[0]], Ids(sorted)); // ZETA, ÄRGER (U+00C4), ÉLAN BOT (U+00C9)
    }

    private static async Task<string> Create(HttpClient client, ErrorLog errors, string userName, string more)
    {
        var body = $$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}",{{more}} }""";
        return (string)(await client.Post("Users", body)).Expect(HttpStatusCode.Created, errors).Json["id"]!;
    }

    private static List<string> Ids(JsonNode page) => [.. (page["Resources"]?.AsArray() ?? []).Select(r => (string)r!["id"]!)];
}

/// <summary>Unicode case folding on SQLite.</summary>
public sealed class SqliteUnicodeCaseTests : UnicodeCaseTests
{
    protected override Provider Provider => Provider.Sqlite;

    /// <summary>
    /// A host's own entities, read on EF Core's own connection (no kept statements): the map folds
    /// with <c>lower()</c>. With a schema that computes with <c>lower()</c> (the accounts' unique
    /// index on <c>lower("Email")</c>), SQLite's own functions stay, and so does their ASCII-only folding.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HostEntities_FilterBeyondAscii_UnlessTheSchemaUsesLower(bool lowerIndex)
    {
        await using var app = await AccountsApp.StartAsync(createSchema: lowerIndex ? AccountsApp.CreateSchemaAsync : db => db.Database.EnsureCreatedAsync());
        using var client = app.Client();
        var body = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ÅSA@EXAMPLE.COM","name":{"givenName":"Åsa","familyName":"Öberg"}}""";
        var id = (string)(await client.Post("Users", body)).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        foreach (var filter in new[] { "userName eq \"åsa@example.com\"", "name.familyName eq \"ÖBERG\"", "name.givenName sw \"å\"" })
        {
            var found = (await client.Get("Users?filter=" + Uri.EscapeDataString(filter))).Expect(HttpStatusCode.OK, app.Errors).Json;
            Assert.Equal(lowerIndex ? [] : [id], Ids(found));
        }

        // Folded as the statement folds: the same name in another case is the same name, or (with SQLite's own) another.
        var again = await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"åsa@example.com"}""");
        Assert.Equal(lowerIndex ? HttpStatusCode.Created : HttpStatusCode.Conflict, again.Status);
    }

    /// <summary>A list of the SCIM-owned tables runs on a kept connection, which has the replacements too.</summary>
    [Fact]
    public async Task KeptStatements_FoldAllOfUnicode()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Sqlite);
        using var client = app.Client();
        var id = await CreateOwned(client, app, "kept.unicode", "Ünit");
        var kept = KeptStatements(app);
        SqliteConnection.ClearAllPools(); // the kept connection opens a native connection no EF Core connection has had
        var before = kept.Executions;
        var found = (await client.Get("Users?filter=" + Uri.EscapeDataString("displayName eq \"ünit\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.True(kept.Executions > before, "the list ran on EF Core's own connection");
        Assert.Empty(app.Errors.Errors);
        Assert.Equal([id], Ids(found));
    }

    /// <summary>
    /// The functions stay with the pooled native connection: a connection object that did not ask
    /// for them and gets the same handle next has a working <c>lower()</c> (removing a replacement
    /// of a built-in, as Microsoft.Data.Sqlite does with functions at close, would leave it none).
    /// </summary>
    [Fact]
    public async Task PooledHandles_KeepAWorkingLower()
    {
        await using var file = SqliteFile.Create();
        await using (var watched = new SqliteConnection(file.ConnectionString))
        {
            SqliteCaseFunctions.Watch(watched);
            await watched.OpenAsync(TestContext.Current.CancellationToken);
            Assert.True(SqliteCaseFunctions.Given(watched));
            Assert.Equal("ünit", Scalar(watched, "SELECT lower('ÜNIT')"));
            Assert.Equal("ÉLAN", Scalar(watched, "SELECT upper('élan')"));
            Assert.Equal(1L, Scalar(watched, "SELECT lower(NULL) IS NULL"));
            Assert.Equal("12", Scalar(watched, "SELECT lower(12)"));
        }

        for (var i = 0; i < 3; i++)
        {
            // Not watched; the pool hands it the same native connection, which still has the functions.
            await using var plain = new SqliteConnection(file.ConnectionString);
            await plain.OpenAsync(TestContext.Current.CancellationToken);
            Assert.Equal("ünit", Scalar(plain, "SELECT lower('ÜNIT')"));
            Assert.Equal("ABC", Scalar(plain, "SELECT upper('abc')"));
        }
    }

    /// <summary>A database whose schema computes with <c>lower()</c> keeps SQLite's own: an index built by one would not find rows written by the other.</summary>
    [Fact]
    public async Task ASchemaThatUsesLower_KeepsSqlitesOwn()
    {
        await using var file = SqliteFile.Create();
        await using (var setup = new SqliteConnection(file.ConnectionString))
        {
            await setup.OpenAsync(TestContext.Current.CancellationToken);
            Scalar(setup, "CREATE TABLE people (name TEXT); CREATE INDEX people_name ON people (LOWER(name))");
        }

        SqliteConnection.ClearAllPools();
        await using var watched = new SqliteConnection(file.ConnectionString);
        SqliteCaseFunctions.Watch(watched);
        await watched.OpenAsync(TestContext.Current.CancellationToken);
        Assert.False(SqliteCaseFunctions.Given(watched));
        Assert.Equal("Ünit", Scalar(watched, "SELECT lower('ÜNIT')"));
    }

    /// <summary>The replacements keep what SQLite's own functions do with what is not text.</summary>
    [Fact]
    public void Replacements_KeepNullAndNumbers()
    {
        Assert.Null(SqliteCaseFunctions.Lower(null));
        Assert.Null(SqliteCaseFunctions.Upper(DBNull.Value));
        Assert.Equal("12", SqliteCaseFunctions.Lower(12L));
        Assert.Equal("1.5", SqliteCaseFunctions.Upper(1.5));
        Assert.Equal("ünit", SqliteCaseFunctions.Lower("ÜNIT"));
        Assert.Equal("ΣΊΣΥΦΟΣ", SqliteCaseFunctions.Upper("σίσυφος"));
    }

    private static async Task<string> CreateOwned(HttpClient client, ScimTablesApp app, string userName, string displayName)
    {
        var user = new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"), ["userName"] = userName, ["displayName"] = displayName };
        return (string)(await client.Post("Users", user.ToJsonString())).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static SqlitePreparedStatements KeptStatements(ScimTablesApp app)
    {
        using var db = app.Database();
        return db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.Interceptors!.OfType<SqlitePreparedStatements>().Single();
    }

    private static List<string> Ids(JsonNode page) => [.. (page["Resources"]?.AsArray() ?? []).Select(r => (string)r!["id"]!)];
}

/// <summary>Unicode case folding on PostgreSQL (its own functions fold Unicode: the two providers agree).</summary>
public sealed class PostgresUnicodeCaseTests : UnicodeCaseTests
{
    protected override Provider Provider => Provider.Postgres;
}
