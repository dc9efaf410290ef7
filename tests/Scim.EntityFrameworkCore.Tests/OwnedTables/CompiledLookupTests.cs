using System.Net;
using System.Text.Json.Nodes;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The first page of a lookup by one attribute (<c>externalId eq</c>, a group's <c>displayName eq</c>,
/// a <c>userName eq</c> read without <c>groups</c>) runs as a compiled query, and answers what the
/// planned query answers: the same resources in the same order, the same <c>totalResults</c>
/// (counted when the page is full), within the tenant, and a later page, planned, continues it
/// without overlap. The planned page always skips its offset (a parameter, 0 on the first page);
/// the compiled lookup has none, which is how its statement is told apart.
/// </summary>
public abstract class CompiledLookupTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task ExternalIdLookup_IsCompiled_AndAnswersAsThePlannedQuery()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        using var other = app.OtherTenant();
        var ids = new List<string>();
        foreach (var name in new[] { "ext.one", "ext.two", "ext.three" })
        {
            ids.Add(await CreateUser(client, app, name, "shared-ext"));
        }

        await CreateUser(client, app, "ext.alone", "Shared-Ext"); // externalId is caseExact: another value
        await CreateUser(other, app, "ext.theirs", "shared-ext");
        ids.Sort(StringComparer.Ordinal);

        foreach (var count in new[] { 1, 2, 3, 10 })
        {
            app.Sql.Clear();
            var compiled = await List(client, app, $"count={count}&filter=" + Uri.EscapeDataString("externalId eq \"shared-ext\""));
            Assert.DoesNotContain(app.Sql.RequestCommands, c => c.Text.Contains("OFFSET", StringComparison.OrdinalIgnoreCase));
            app.Sql.Clear();
            var planned = await List(client, app, $"count={count}&sortBy=id&filter=" + Uri.EscapeDataString("externalId eq \"shared-ext\""));
            Assert.Contains(app.Sql.RequestCommands, c => c.Text.Contains("OFFSET", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(3, (int)compiled["totalResults"]!);
            Assert.Equal(3, (int)planned["totalResults"]!);
            Assert.Equal(ids.Take(count), Ids(compiled));
            Assert.Equal(Ids(planned), Ids(compiled));
        }

        // The planned second page continues the compiled first one.
        var second = await List(client, app, "startIndex=3&count=2&filter=" + Uri.EscapeDataString("externalId eq \"shared-ext\""));
        Assert.Equal([ids[2]], Ids(second));
        Assert.Equal(3, (int)second["totalResults"]!);

        var exact = await List(client, app, "filter=" + Uri.EscapeDataString("externalId eq \"Shared-Ext\""));
        Assert.Equal(1, (int)exact["totalResults"]!);
        var none = await List(client, app, "filter=" + Uri.EscapeDataString("externalId eq \"no-such-ext\""));
        Assert.Equal(0, (int)none["totalResults"]!);
        Assert.Empty(none["Resources"]?.AsArray() ?? []);
        var theirs = await List(other, app, "filter=" + Uri.EscapeDataString("externalId eq \"shared-ext\""));
        Assert.Equal(1, (int)theirs["totalResults"]!);
        Assert.Equal("ext.theirs", (string)Assert.Single(theirs["Resources"]!.AsArray())!["userName"]!);

        // A listing that does not count its total (count=0 asks only for it) is planned and agrees.
        var counted = await List(client, app, "count=0&filter=" + Uri.EscapeDataString("externalId eq \"shared-ext\""));
        Assert.Equal(3, (int)counted["totalResults"]!);
    }

    [Fact]
    public async Task UserNameLookupWithoutGroups_IsCompiled_WithAnyCaseAndUnicode()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var id = await CreateUser(client, app, "Élodie.Zoë@Example.com", null);
        foreach (var asked in new[] { "Élodie.Zoë@Example.com", "élodie.zoë@example.com", "ÉLODIE.ZOË@EXAMPLE.COM" })
        {
            app.Sql.Clear();
            var compiled = await List(client, app, "attributes=userName&filter=" + Uri.EscapeDataString($"userName eq \"{asked}\""));
            Assert.DoesNotContain(app.Sql.RequestCommands, c => c.Text.Contains("OFFSET", StringComparison.OrdinalIgnoreCase));
            var planned = await List(client, app, "attributes=userName&sortBy=id&filter=" + Uri.EscapeDataString($"userName eq \"{asked}\""));
            Assert.Equal([id], Ids(compiled));
            Assert.Equal(Ids(planned), Ids(compiled));
            Assert.Equal(1, (int)compiled["totalResults"]!);
        }
    }

    [Fact]
    public async Task GroupDisplayNameLookup_IsCompiled_WithItsMembers()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var member = await CreateUser(client, app, "member.of.team", null);
        var group = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
            ["displayName"] = "Team Lookup",
            ["members"] = new JsonArray(new JsonObject { ["value"] = member }),
        };
        var groupId = (string)(await client.Post("Groups", group.ToJsonString())).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        app.Sql.Clear();
        var compiled = (await client.Get("Groups?filter=" + Uri.EscapeDataString("displayName eq \"team lookup\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.DoesNotContain(app.Sql.RequestCommands, c => c.Text.Contains("OFFSET", StringComparison.OrdinalIgnoreCase));
        var planned = (await client.Get("Groups?sortBy=id&filter=" + Uri.EscapeDataString("displayName eq \"team lookup\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal([groupId], Ids(compiled));
        Assert.Equal(planned["Resources"]!.ToJsonString(), compiled["Resources"]!.ToJsonString());
        Assert.Equal(member, (string)Assert.Single(compiled["Resources"]![0]!["members"]!.AsArray())!["value"]!);

        // members[value eq ...] (Entra ID's check before it adds a member) is planned: it names the membership rows.
        app.Sql.Clear();
        var byMember = (await client.Get("Groups?filter=" + Uri.EscapeDataString($"members[value eq \"{member}\"]"))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal([groupId], Ids(byMember));
        Assert.Contains(app.Sql.RequestCommands, c => c.Text.Contains("OFFSET", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A create's and a replace's uniqueness check is the compiled query of the attribute's lookup
    /// (its parameters named as the compiled query names them, not as a planned query's), and it
    /// still refuses a taken name in any case, lets a replace keep its own, and sees only the tenant.
    /// </summary>
    [Fact]
    public async Task UniquenessChecks_AreCompiled_AndStillRefuseATakenName()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        using var other = app.OtherTenant();
        app.Sql.Clear();
        var ada = await CreateUser(client, app, "Ada.Unique", null);
        var check = Assert.Single(app.Sql.RequestCommands, c => c.Text.Contains("EXISTS", StringComparison.Ordinal) && c.Text.Contains("\"NormalizedUserName\"", StringComparison.Ordinal));
        Assert.Contains("= @value", check.Text, StringComparison.Ordinal);

        var taken = await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ADA.unique"}""");
        Assert.Equal(HttpStatusCode.Conflict, taken.Status);
        Assert.Equal("uniqueness", (string?)taken.Json["scimType"]);
        await CreateUser(other, app, "ada.unique", null); // another tenant's name

        var grace = await CreateUser(client, app, "Grace.Unique", null);
        (await client.Put($"Users/{ada}", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada.UNIQUE","displayName":"Ada"}""")).Expect(HttpStatusCode.OK, app.Errors);
        var renamed = await client.Put($"Users/{grace}", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Ada.Unique"}""");
        Assert.Equal(HttpStatusCode.Conflict, renamed.Status);
        Assert.Equal("uniqueness", (string?)renamed.Json["scimType"]);
    }

    private static async Task<string> CreateUser(HttpClient client, ScimTablesApp app, string userName, string? externalId)
    {
        var user = new JsonObject { ["schemas"] = new JsonArray(UserSchema), ["userName"] = userName };
        if (externalId is not null)
        {
            user["externalId"] = externalId;
        }

        return (string)(await client.Post("Users", user.ToJsonString())).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
    }

    private static async Task<JsonNode> List(HttpClient client, ScimTablesApp app, string query) =>
        (await client.Get("Users?" + query)).Expect(HttpStatusCode.OK, app.Errors).Json;

    private static List<string> Ids(JsonNode page) => [.. (page["Resources"]?.AsArray() ?? []).Select(r => (string)r!["id"]!)];
}

/// <summary>Compiled lookups on SQLite.</summary>
public sealed class SqliteCompiledLookupTests : CompiledLookupTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Compiled lookups on PostgreSQL.</summary>
public sealed class PostgresCompiledLookupTests : CompiledLookupTests
{
    protected override Provider Provider => Provider.Postgres;
}
