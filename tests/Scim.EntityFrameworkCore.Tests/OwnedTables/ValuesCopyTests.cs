using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The JSON copy of a user's multi-valued attributes in its row (<c>ScimUsers.ValuesJson</c>):
/// reads take it and send no statement for the value rows; every write keeps it equal to the rows,
/// which filters still query; and a row without it (written before the column existed) is read
/// from its rows, by id and in a page.
/// </summary>
public abstract class ValuesCopyTests
{
    private const string Values = """
        "emails":[{"value":"ada@example.com","type":"work","primary":true},{"value":"ada@home.example","type":"home"}],
        "phoneNumbers":[{"value":"+1 555 0100","type":"mobile"}],
        "addresses":[{"type":"work","streetAddress":"1 Analytical Way","locality":"London","postalCode":"N1","country":"GB","primary":true}],
        "roles":[{"value":"engineer","display":"Engineer"}]
        """;

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task Reads_TakeTheCopy_AndSendNoStatementForTheValueRows()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var created = (await client.Post("Users", User("ada"))).Expect(HttpStatusCode.Created, app.Errors).Json;
        var id = (string)created["id"]!;

        app.Sql.Clear();
        var byId = (await client.Get($"Users/{id}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        var byName = (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ada\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        var page = (await client.Get("Users?startIndex=1&count=10")).Expect(HttpStatusCode.OK, app.Errors).Json;

        Assert.DoesNotContain(app.Sql.Commands, c => c.Text.Contains("\"ScimUserValues\"", StringComparison.Ordinal));
        foreach (var read in new[] { byId, byName["Resources"]![0]!, page["Resources"]![0]! })
        {
            AssertValues(created, read);
        }

        // A filter on a value still runs over the rows.
        app.Sql.Clear();
        var found = (await client.Get("Users?filter=" + Uri.EscapeDataString("phoneNumbers.value eq \"+1 555 0100\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(id, (string?)found["Resources"]![0]!["id"]);
        Assert.Contains(app.Sql.Commands, c => c.Text.Contains("\"ScimUserValues\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryWrite_KeepsTheCopyEqualToTheRows()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var id = (string)(await client.Post("Users", User("grace"))).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        string[] patches =
        [
            """{"op":"add","path":"emails","value":[{"value":"grace@navy.example","type":"other"}]}""",
            """{"op":"remove","path":"phoneNumbers"}""",
            """{"op":"replace","path":"emails[type eq \"work\"].value","value":"hopper@example.com"}""",
            """{"op":"remove","path":"addresses[type eq \"work\"]"}""",
            """{"op":"add","path":"ims","value":[{"value":"ghopper","type":"xmpp"}]}""",
        ];
        foreach (var operation in patches)
        {
            (await client.Patch($"Users/{id}", Http.PatchOp(operation))).Expect(HttpStatusCode.OK, app.Errors);
            await AssertCopyMatchesRowsAsync(app, client, id);
        }

        (await client.Put($"Users/{id}", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace","x509Certificates":[{"value":"MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw"}]}""")).Expect(HttpStatusCode.OK, app.Errors);
        await AssertCopyMatchesRowsAsync(app, client, id);
        var after = (await client.Get($"Users/{id}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Null(after["emails"]);
        Assert.Single(after["x509Certificates"]!.AsArray());
    }

    [Fact]
    public Task RowsWithoutTheCopy_AreReadFromTheirRows_ByIdAndInAPage_AndAWriteRestoresIt() => ReadFromRowsAsync(null);

    // Text in the column that is not a JSON object, or whose lists the typed model does not read,
    // written by code outside the store: read as if there were no copy (never a 400 or a 500), and
    // replaced by the next write.
    [Theory]
    [InlineData("not json")]
    [InlineData("{\"emails\":[{\"value\":")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"emails\":\"ada@example.com\"}")]
    [InlineData("{\"emails\":[{\"value\":\"x@example.com\",\"primary\":\"yes\"}]}")]
    public Task UnreadableCopies_AreReadFromTheirRows_ByIdAndInAPage_AndAWriteRestoresThem(string copy) => ReadFromRowsAsync(copy);

    private async Task ReadFromRowsAsync(string? copy)
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var created = new List<JsonObject>();
        foreach (var name in new[] { "alan", "barbara", "claude" })
        {
            created.Add((await client.Post("Users", User(name))).Expect(HttpStatusCode.Created, app.Errors).Json.AsObject());
        }

        // Two of the three as a row written before the column existed, or changed by other code.
        var legacy = new[] { (string)created[0]["id"]!, (string)created[2]["id"]! };
        await using (var db = app.Database())
        {
            Assert.Equal(2, await db.Set<ScimUserEntity>().Where(u => legacy.Contains(u.Id)).ExecuteUpdateAsync(s => s.SetProperty(u => u.ValuesJson, copy), TestContext.Current.CancellationToken));
        }

        app.Sql.Clear();
        var page = (await client.Get("Users?startIndex=1&count=10&sortBy=userName")).Expect(HttpStatusCode.OK, app.Errors).Json["Resources"]!.AsArray();
        Assert.Equal(3, page.Count);
        for (var i = 0; i < 3; i++)
        {
            AssertValues(created[i], page[i]!);
        }

        // The page's rows without the copy in one more statement, not one each.
        Assert.Single(app.Sql.Commands, c => c.Text.Contains("FROM \"ScimUserValues\"", StringComparison.Ordinal));

        AssertValues(created[0], (await client.Get($"Users/{legacy[0]}")).Expect(HttpStatusCode.OK, app.Errors).Json);

        (await client.Patch($"Users/{legacy[0]}", Http.PatchOp("""{"op":"replace","path":"displayName","value":"Alan"}"""))).Expect(HttpStatusCode.OK, app.Errors);
        await using (var db = app.Database())
        {
            var written = await db.Set<ScimUserEntity>().Where(u => u.Id == legacy[0]).Select(u => u.ValuesJson).SingleAsync(TestContext.Current.CancellationToken);
            Assert.True(JsonNode.Parse(written!) is JsonObject, written);
        }

        AssertValues(created[0], (await client.Get($"Users/{legacy[0]}")).Expect(HttpStatusCode.OK, app.Errors).Json);
    }

    private static string User(string userName) =>
        $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}",{{Values}}}""";

    private static void AssertValues(JsonNode expected, JsonNode actual)
    {
        foreach (var name in new[] { "emails", "phoneNumbers", "addresses", "roles", "ims", "x509Certificates" })
        {
            Assert.True(JsonNode.DeepEquals(expected[name], actual[name]), $"{name}: expected {expected[name]?.ToJsonString()}, read {actual[name]?.ToJsonString()}");
        }
    }

    /// <summary>The user read with its copy equals the user read from its rows (the copy cleared for the second read).</summary>
    private static async Task AssertCopyMatchesRowsAsync(ScimTablesApp app, HttpClient client, string id)
    {
        var fromCopy = (await client.Get($"Users/{id}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        await using var db = app.Database();
        var copy = await db.Set<ScimUserEntity>().Where(u => u.Id == id).Select(u => u.ValuesJson).SingleAsync();
        Assert.NotNull(copy);
        await db.Set<ScimUserEntity>().Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.ValuesJson, (string?)null));
        var fromRows = (await client.Get($"Users/{id}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        await db.Set<ScimUserEntity>().Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.ValuesJson, copy));
        AssertValues(fromRows, fromCopy);
    }
}

/// <summary>The values' JSON copy on SQLite.</summary>
public sealed class SqliteValuesCopyTests : ValuesCopyTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The values' JSON copy on PostgreSQL.</summary>
public sealed class PostgresValuesCopyTests : ValuesCopyTests
{
    protected override Provider Provider => Provider.Postgres;
}
