using System.Net;
using System.Text.Json.Nodes;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The statements of the reads an IdP repeats most, over the SCIM-owned tables: a GET by id of a
/// user in groups is one statement (its row with its groups' ids and names aggregated into one value),
/// and so is a lookup by <c>userName</c> (the same statement searching the name's unique index); a page is
/// its rows, its count (when the page itself does not tell it), and two statements for the groups
/// of all its users (the membership rows by member, then the groups' names by key), never more
/// with more users. Each statement more is a round trip. The groups' names come right.
/// </summary>
public abstract class ReadStatementsTests
{
    protected abstract Provider Provider { get; }

    [Fact]
    public async Task UserInGroups_ByIdIsOneStatement_ByLookupOne_AndAPageThreeOrFour()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var users = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            users.Add((string)(await client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"r{{i}}"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!);
        }

        (await client.Post("Groups", Group("Readers", users[0], users[1], users[2]))).Expect(HttpStatusCode.Created, app.Errors);
        (await client.Post("Groups", Group("Writers", users[0], users[3]))).Expect(HttpStatusCode.Created, app.Errors);

        app.Sql.Clear();
        var byId = (await client.Get($"Users/{users[0]}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(1, Statements(app));
        Assert.Equal(["Readers", "Writers"], Names(byId));

        app.Sql.Clear();
        var lookup = (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"R0\""))).Expect(HttpStatusCode.OK, app.Errors).Json["Resources"]!.AsArray();
        Assert.Equal(1, Statements(app));
        Assert.Contains("\"NormalizedUserName\" = @", app.Sql.RequestCommands[0].Text, StringComparison.Ordinal);
        Assert.Equal(["Readers", "Writers"], Names(Assert.Single(lookup)!));

        app.Sql.Clear();
        var alone = (await client.Get($"Users/{users[3]}?attributes=userName")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(1, Statements(app));
        Assert.Null(alone["groups"]);

        // The whole list in one page: its length is the total, so no count.
        app.Sql.Clear();
        var page = (await client.Get("Users?startIndex=1&count=10&sortBy=userName")).Expect(HttpStatusCode.OK, app.Errors).Json["Resources"]!.AsArray();
        Assert.Equal(3, Statements(app));
        Assert.Equal([["Readers", "Writers"], ["Readers"], ["Readers"], ["Writers"]], page.Select(u => Names(u!)));

        app.Sql.Clear();
        var second = (await client.Get("Users?startIndex=2&count=2&sortBy=userName")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(4, Statements(app));
        Assert.Equal(4, (int)second["totalResults"]!);
        Assert.Equal([["Readers"], ["Readers"]], second["Resources"]!.AsArray().Select(u => Names(u!)));
    }

    /// <summary>
    /// The lookup's one statement answers exactly what the planned query answers: the name compared
    /// case-insensitively, within the tenant, with or without the core schema's URN, an unknown name
    /// as an empty page whose total is 0. A page past the first, a cursor, and a read that leaves out
    /// <c>groups</c> are planned as before, and agree with it.
    /// </summary>
    [Fact]
    public async Task LookupByUserName_AnswersAsThePlannedQuery_InItsTenant()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        using var other = app.OtherTenant();
        var alice = (string)(await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Alice.Lookup"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        (await client.Post("Groups", Group("Lookups", alice))).Expect(HttpStatusCode.Created, app.Errors);
        var bob = (string)(await other.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob.lookup"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        foreach (var filter in new[] { "userName eq \"alice.LOOKUP\"", "urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"Alice.Lookup\"", "USERNAME eq \"ALICE.LOOKUP\"" })
        {
            app.Sql.Clear();
            var found = (await client.Get("Users?filter=" + Uri.EscapeDataString(filter))).Expect(HttpStatusCode.OK, app.Errors).Json;
            Assert.Equal(1, Statements(app));
            Assert.Equal(1, (int)found["totalResults"]!);
            var user = Assert.Single(found["Resources"]!.AsArray())!;
            Assert.Equal(alice, (string)user["id"]!);
            Assert.Equal("Alice.Lookup", (string)user["userName"]!);
            Assert.Equal(["Lookups"], Names(user));
        }

        // Another tenant's name, and a name no one has: an empty page, total 0, one statement.
        foreach (var name in new[] { "bob.lookup", "nobody" })
        {
            app.Sql.Clear();
            var none = (await client.Get("Users?filter=" + Uri.EscapeDataString($"userName eq \"{name}\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
            Assert.Equal(1, Statements(app));
            Assert.Equal(0, (int)none["totalResults"]!);
            Assert.Empty(none["Resources"]?.AsArray() ?? []);
        }

        var theirs = (await other.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"BOB.lookup\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(bob, (string)Assert.Single(theirs["Resources"]!.AsArray())!["id"]!);

        // Planned as before: past the first page (counted), without groups, and by cursor.
        var past = (await client.Get("Users?startIndex=2&filter=" + Uri.EscapeDataString("userName eq \"alice.lookup\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(1, (int)past["totalResults"]!);
        Assert.Empty(past["Resources"]?.AsArray() ?? []);
        app.Sql.Clear();
        var bare = (await client.Get("Users?attributes=userName&filter=" + Uri.EscapeDataString("userName eq \"alice.lookup\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.DoesNotContain(app.Sql.RequestCommands, c => c.Text.Contains("group_concat", StringComparison.Ordinal) || c.Text.Contains("string_agg", StringComparison.Ordinal));
        var named = Assert.Single(bare["Resources"]!.AsArray())!;
        Assert.Equal("Alice.Lookup", (string)named["userName"]!);
        Assert.Null(named["groups"]);
        var cursor = (await client.Get("Users?cursor&count=5&filter=" + Uri.EscapeDataString("userName eq \"alice.lookup\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(alice, (string)Assert.Single(cursor["Resources"]!.AsArray())!["id"]!);
    }

    private static string Group(string name, params string[] members) =>
        new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
            ["displayName"] = name,
            ["members"] = new JsonArray([.. members.Select(id => (JsonNode)new JsonObject { ["value"] = id })]),
        }.ToJsonString();

    private static List<string> Names(JsonNode user) =>
        [.. (user["groups"]?.AsArray() ?? []).Select(g => (string)g!["display"]!).Order(StringComparer.Ordinal)];

    private static int Statements(ScimTablesApp app) => app.Sql.RequestCommands.Count;
}

/// <summary>The reads' statements on SQLite.</summary>
public sealed class SqliteReadStatementsTests : ReadStatementsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The reads' statements on PostgreSQL.</summary>
public sealed class PostgresReadStatementsTests : ReadStatementsTests
{
    protected override Provider Provider => Provider.Postgres;
}
