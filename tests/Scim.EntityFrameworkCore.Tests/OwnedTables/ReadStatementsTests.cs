using System.Net;
using System.Text.Json.Nodes;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The statements of the reads an IdP repeats most, over the SCIM-owned tables: a GET by id of a
/// user in groups is one statement (its row with its groups' ids and names aggregated into one value);
/// a lookup by <c>userName</c> is the page's statement and one for the groups; a page is
/// its rows, its count (when the page itself does not tell it), and two statements for the groups
/// of all its users (the membership rows by member, then the groups' names by key), never more
/// with more users. Each statement more is a round trip. The groups' names come right.
/// </summary>
public abstract class ReadStatementsTests
{
    protected abstract Provider Provider { get; }

    [Fact]
    public async Task UserInGroups_ByIdIsOneStatement_ByLookupTwo_AndAPageThreeOrFour()
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
        Assert.Equal(2, Statements(app));
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
