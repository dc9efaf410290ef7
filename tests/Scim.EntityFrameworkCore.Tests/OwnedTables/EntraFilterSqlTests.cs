using System.Net;
using System.Text.Json.Nodes;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// Entra ID's match on a work email, <c>emails[type eq "work"].value eq "..."</c>, over the
/// SCIM-owned tables: it becomes one <c>EXISTS</c> over the value rows in the statement that reads
/// the page (the type and the value tested on the same row, the address a parameter), and it
/// selects the user whose work email it is, not one who has that address as another type.
/// </summary>
public abstract class EntraFilterSqlTests
{
    private const string Address = "b.jensen@contoso.com";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task WorkEmailMatch_RunsAsSqlOverTheValueRows_AndFindsTheWorkEmailsUser()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var bjensen = await CreateAsync(client, "bjensen", $$"""[{"type":"home","value":"babs@example.org"},{"type":"work","value":"{{Address}}"}]""");
        await CreateAsync(client, "homebody", $$"""[{"type":"home","value":"{{Address}}"},{"type":"work","value":"homebody@contoso.com"}]""");
        await CreateAsync(client, "nomail", null);
        app.Sql.Clear();

        // As Entra sends it: URL-encoded, the address in another casing than stored.
        var found = (await client.Get("Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22B.Jensen%40Contoso.com%22")).Expect(HttpStatusCode.OK, app.Errors).Json;

        Assert.Equal(1, (int)found["totalResults"]!);
        Assert.Equal(bjensen, (string?)found["Resources"]![0]!["id"]);

        // The page's statement filters: an EXISTS over the value rows, not every user read and sorted out here.
        var page = app.Sql.Commands.Single(c => c.Text.Contains("FROM \"ScimUsers\"", StringComparison.Ordinal) && c.Text.Contains("LIMIT", StringComparison.Ordinal));
        var where = page.Text[page.Text.IndexOf("WHERE", StringComparison.Ordinal)..];
        Assert.Contains("EXISTS", where, StringComparison.Ordinal);
        Assert.Contains("FROM \"ScimUserValues\"", where, StringComparison.Ordinal);
        Assert.Contains("\"Type\"", where, StringComparison.Ordinal);
        Assert.Contains("\"Value\"", where, StringComparison.Ordinal);
        Assert.DoesNotContain("contoso", page.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(page.Parameters, p => p.Value is string s && s.Equals(Address, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(page.Parameters, p => p.Value is string s && s.Equals("work", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ValuePathThenSubAttribute_EveryOperator_SelectsAsTheBracketedFilter()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var ids = new Dictionary<string, string>
        {
            ["bjensen"] = await CreateAsync(client, "bjensen", $$"""[{"type":"work","value":"{{Address}}","primary":true}]"""),
            ["homebody"] = await CreateAsync(client, "homebody", $$"""[{"type":"home","value":"{{Address}}"}]"""),
            ["mpepper"] = await CreateAsync(client, "mpepper", """[{"type":"work","value":"m.pepper@example.org"},{"type":"home","value":"mandy@contoso.com"}]"""),
            ["nomail"] = await CreateAsync(client, "nomail", null),
        };

        (string Filter, string Expected)[] cases =
        [
            ("emails[type eq \"work\"].value co \"CONTOSO\"", "bjensen"),
            ("emails[type eq \"work\"].value sw \"m.\"", "mpepper"),
            ("emails[type eq \"home\"].value ew \"contoso.com\"", "homebody,mpepper"),
            ("emails[type eq \"work\"].value ne \"" + Address + "\"", "mpepper"),
            ("emails[type eq \"work\"].value pr", "bjensen,mpepper"),
            ("emails[type eq \"work\"].primary eq true", "bjensen"),
            ("not (emails[type eq \"work\"].value pr)", "homebody,nomail"),
        ];
        foreach (var (filter, expected) in cases)
        {
            foreach (var text in new[] { filter, Bracketed(filter) })
            {
                var found = (await client.Get("Users?filter=" + Uri.EscapeDataString(text))).Expect(HttpStatusCode.OK, app.Errors).Json;
                var names = ids.Where(p => found["Resources"]!.AsArray().Any(r => (string?)r!["id"] == p.Value)).Select(p => p.Key).Order(StringComparer.Ordinal);
                Assert.True(expected == string.Join(",", names), $"{text}: expected {expected}, got {string.Join(",", names)}");
            }
        }
    }

    /// <summary>The RFC 7644 form of <c>attr[filter].sub op value</c>: <c>attr[(filter) and sub op value]</c>.</summary>
    private static string Bracketed(string filter)
    {
        var close = filter.IndexOf("].", StringComparison.Ordinal);
        var open = filter.LastIndexOf('[', close);
        var end = filter.EndsWith(')') ? filter.Length - 1 : filter.Length;
        return filter[..(open + 1)] + "(" + filter[(open + 1)..close] + ") and " + filter[(close + 2)..end] + "]" + filter[end..];
    }

    private static async Task<string> CreateAsync(HttpClient client, string userName, string? emails)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = userName,
        };
        if (emails is not null)
        {
            body["emails"] = JsonNode.Parse(emails);
        }

        return (string)(await client.Post("Users", body.ToJsonString())).Expect(HttpStatusCode.Created).Json["id"]!;
    }
}

/// <summary>Entra's work-email match, over the SCIM-owned tables on SQLite.</summary>
public sealed class SqliteEntraFilterSqlTests : EntraFilterSqlTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Entra's work-email match, over the SCIM-owned tables on PostgreSQL.</summary>
public sealed class PostgresEntraFilterSqlTests : EntraFilterSqlTests
{
    protected override Provider Provider => Provider.Postgres;
}
