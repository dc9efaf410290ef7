using System.Net;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// Text no attribute holds: a NUL (<c>\u0000</c>, which PostgreSQL's text refuses) or a lone
/// surrogate, written as JSON or filter escapes (Kestrel itself refuses a NUL in a URL's path). Each
/// request is a 400 on both databases, writes nothing (a BulkRequest with one is refused whole), and leaves the server's connections usable: on
/// PostgreSQL with statements auto-prepared (<c>Max Auto Prepare</c>, as the sample and the docs
/// set it), a NUL that reached the server used to break the connection it failed on, so later,
/// valid requests on it failed with "Received unexpected backend message".
/// </summary>
public abstract class StoredTextTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task NulsAndLoneSurrogates_AreRefused_WriteNothing_AndLeaveTheConnectionsUsable()
    {
        await using var app = await ScimTablesApp.StartAsync(
            Provider,
            connection: text => Provider == Provider.Postgres ? text + ";Max Auto Prepare=64;Auto Prepare Min Usages=2" : text);
        using var client = app.Client();
        var ada = (string)(await client.Post("Users", User("ada"))).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var team = (string)(await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"team","members":[{"value":"{{ada}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        // Valid traffic first, so that its statements are prepared on the pooled connections.
        await ValidTrafficAsync(client, app, ada, "before");

        var refused = new (HttpMethod Method, string Path, string? Body, HttpStatusCode Status, string ScimType)[]
        {
            (HttpMethod.Post, "Users", User("nul\\u0000name"), HttpStatusCode.BadRequest, "invalidValue"),
            (HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"mail","emails":[{"value":"a\u0000@example.com"}]}""", HttpStatusCode.BadRequest, "invalidValue"),
            (HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}","{{Enterprise}}"],"userName":"ext","{{Enterprise}}":{"department":"\u0000"} }""", HttpStatusCode.BadRequest, "invalidValue"),
            (HttpMethod.Patch, $"Users/{ada}", Http.PatchOp("""{"op":"replace","path":"displayName","value":"x\u0000y"}"""), HttpStatusCode.BadRequest, "invalidValue"),
            (HttpMethod.Put, $"Users/{ada}", User("ada\\u0000"), HttpStatusCode.BadRequest, "invalidValue"),
            (HttpMethod.Post, "Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"nul","members":[{"value":"a\u0000b"}]}""", HttpStatusCode.BadRequest, "invalidValue"),
            (HttpMethod.Patch, $"Groups/{team}", Http.PatchOp("""{"op":"add","path":"members","value":[{"value":"\u0000"}]}"""), HttpStatusCode.BadRequest, "invalidValue"),
            (HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString("userName eq \"a\\u0000b\""), null, HttpStatusCode.BadRequest, "invalidFilter"),
            (HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString("userName eq \"\\ud800\""), null, HttpStatusCode.BadRequest, "invalidFilter"),
            (HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString("userName eq \"a\0b\""), null, HttpStatusCode.BadRequest, "invalidFilter"),
            (HttpMethod.Get, "Groups?filter=" + Uri.EscapeDataString("members[value eq \"\\u0000\"]"), null, HttpStatusCode.BadRequest, "invalidFilter"),
            (HttpMethod.Post, "Users/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"externalId eq \"\\u0000\""}""", HttpStatusCode.BadRequest, "invalidFilter"),
            (HttpMethod.Patch, $"Groups/{team}", Http.PatchOp("""{"op":"remove","path":"members[value eq \"\\ud800\"]"}"""), HttpStatusCode.BadRequest, "invalidPath"),
            (HttpMethod.Get, "Users?count=2&cursor=" + System.Buffers.Text.Base64Url.EncodeToString("id:a\0b"u8), null, HttpStatusCode.BadRequest, "invalidCursor"),
        };

        // Twice, so that a statement the first round got prepared meets the bad input prepared.
        for (var round = 0; round < 2; round++)
        {
            foreach (var (method, path, body, status, scimType) in refused)
            {
                var reply = (await client.Send(method, path, body)).Expect(status, app.Errors);
                Assert.Equal(scimType, (string?)reply.Json["scimType"]);
            }

            await ValidTrafficAsync(client, app, ada, $"after{round}");
        }

        // A bulk request with one in any operation is refused whole, as any body is: nothing is done.
        var bulk = (await client.Post("Bulk", $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["{{UserSchema}}"],"userName":"bulk.one"} },
              {"method":"PATCH","path":"/Users/{{ada}}","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"\u0000"}]} }]}
            """)).Expect(HttpStatusCode.BadRequest, app.Errors);
        Assert.Equal("invalidValue", (string?)bulk.Json["scimType"]);

        var names = (await client.Get("Users?count=100&attributes=userName")).Expect(HttpStatusCode.OK).Json["Resources"]!.AsArray().Select(u => (string)u!["userName"]!).Order(StringComparer.Ordinal);
        Assert.Equal(["ada", "user.after0", "user.after1", "user.before"], names);
        Assert.Equal("ada", (string)(await client.Get($"Users/{ada}")).Expect(HttpStatusCode.OK).Json["userName"]!);
        Assert.Empty(app.Errors.Errors);
    }

    /// <summary>An empty string is no value (RFC 7643 §2.5), here as in the in-memory store: the same body comes back the same.</summary>
    [Fact]
    public async Task EmptyStrings_AreUnassigned_BlanksAreKept()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();

        var created = (await client.Post("Users", $$"""
            {"schemas":["{{UserSchema}}"],"userName":"ada","title":"","nickName":" ","name":{"givenName":""},"emails":[{"value":"","type":"work"}],"externalId":""}
            """)).Expect(HttpStatusCode.Created, app.Errors).Json;
        var read = (await client.Get($"Users/{(string)created["id"]!}")).Expect(HttpStatusCode.OK).Json;

        foreach (var user in new[] { created, read })
        {
            Assert.Null(user["title"]);
            Assert.Null(user["name"]);
            Assert.Null(user["externalId"]);
            Assert.Equal(" ", (string?)user["nickName"]);
            Assert.Equal("""[{"type":"work"}]""", user["emails"]!.ToJsonString());
        }
    }

    private static string User(string name) => $$"""{"schemas":["{{UserSchema}}"],"userName":"{{name}}"}""";

    /// <summary>Reads and writes of every kind the store prepares, each answered as it should be.</summary>
    private static async Task ValidTrafficAsync(HttpClient client, ScimTablesApp app, string ada, string round)
    {
        for (var i = 0; i < 4; i++)
        {
            (await client.Get($"Users/{ada}")).Expect(HttpStatusCode.OK, app.Errors);
            (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ADA\""))).Expect(HttpStatusCode.OK, app.Errors);
            (await client.Get("Users?filter=" + Uri.EscapeDataString("externalId eq \"none\""))).Expect(HttpStatusCode.OK, app.Errors);
            (await client.Patch($"Users/{ada}", Http.PatchOp($$"""{"op":"replace","path":"displayName","value":"Ada {{round}} {{i}}"}"""))).Expect(HttpStatusCode.OK, app.Errors);
        }

        (await client.Post("Users", User($"user.{round}"))).Expect(HttpStatusCode.Created, app.Errors);
    }
}

/// <summary>Text no attribute holds, on SQLite.</summary>
public sealed class SqliteStoredTextTests : StoredTextTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Text no attribute holds, on PostgreSQL with statements auto-prepared.</summary>
public sealed class PostgresStoredTextTests : StoredTextTests
{
    protected override Provider Provider => Provider.Postgres;
}
