using System.Net;
using System.Text.Json.Nodes;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// A user's derived <c>groups</c> over the SCIM-owned tables, whose user store reads them with the
/// user: direct and indirect (a group in a group), the same by id, by lookup and in a page, none
/// for a user in no group, and up to date after the nesting is undone.
/// </summary>
public abstract class UserGroupsTests
{
    protected abstract Provider Provider { get; }

    [Fact]
    public async Task DirectAndIndirectGroups_AreTheSameByIdByLookupAndInAPage()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var users = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            users.Add((string)(await client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"g{{i}}"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!);
        }

        var inner = (string)(await client.Post("Groups", Group("Inner", (users[0], "User")))).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var outer = (string)(await client.Post("Groups", Group("Outer", (inner, "Group"), (users[1], "User")))).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        string[] first = [$"{inner} Inner direct", $"{outer} Outer indirect"];
        string[] second = [$"{outer} Outer direct"];
        Assert.Equal(first, Entries((await client.Get($"Users/{users[0]}")).Expect(HttpStatusCode.OK, app.Errors).Json));
        Assert.Equal(second, Entries((await client.Get($"Users/{users[1]}")).Expect(HttpStatusCode.OK, app.Errors).Json));
        var none = (await client.Get($"Users/{users[2]}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Null(none["groups"]);

        var lookup = (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"G0\""))).Expect(HttpStatusCode.OK, app.Errors).Json["Resources"]!.AsArray();
        Assert.Equal(first, Entries(Assert.Single(lookup)!));

        var page = (await client.Get("Users?sortBy=userName")).Expect(HttpStatusCode.OK, app.Errors).Json["Resources"]!.AsArray();
        Assert.Equal([first, second, []], page.Select(u => Entries(u!)));

        var reference = (string)(await client.Get($"Users/{users[1]}")).Json["groups"]![0]!["$ref"]!;
        Assert.EndsWith($"/Groups/{outer}", reference, StringComparison.Ordinal);

        // Inner leaves Outer: the first user's indirect group goes.
        (await client.Patch($"Groups/{outer}", Http.PatchOp($$"""{"op":"remove","path":"members[value eq \"{{inner}}\"]"}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Equal([$"{inner} Inner direct"], Entries((await client.Get($"Users/{users[0]}")).Expect(HttpStatusCode.OK, app.Errors).Json));
    }

    [Fact]
    public async Task GroupNames_WithTheSeparatorsAndBackslashesOfTheAggregatedRead_ComeBackExactly()
    {
        // A GET by id reads a user's groups as one text: groups apart by U+001E, id and name by
        // U+001F, a backslash escaping. Names holding those characters must survive it.
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var user = (string)(await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"sep"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        string[] names = ["a\u001eb", "c\u001fd", "back\\slash\\r", "\\u\u001f\u001e\\", "plain"];
        var expected = new List<string>();
        foreach (var name in names)
        {
            var id = (string)(await client.Post("Groups", Group(name, (user, "User")))).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
            expected.Add($"{id} {name} direct");
        }

        expected.Sort(StringComparer.Ordinal);
        Assert.Equal(expected, Entries((await client.Get($"Users/{user}")).Expect(HttpStatusCode.OK, app.Errors).Json));
        var lookup = (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"sep\""))).Expect(HttpStatusCode.OK, app.Errors).Json["Resources"]!.AsArray();
        Assert.Equal(expected, Entries(Assert.Single(lookup)!));
    }

    private static string Group(string name, params (string Id, string Type)[] members) =>
        new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
            ["displayName"] = name,
            ["members"] = new JsonArray([.. members.Select(m => (JsonNode)new JsonObject { ["value"] = m.Id, ["type"] = m.Type })]),
        }.ToJsonString();

    private static string[] Entries(JsonNode user) =>
        [.. (user["groups"]?.AsArray() ?? []).Select(g => $"{g!["value"]} {g["display"]} {g["type"]}").Order(StringComparer.Ordinal)];
}

/// <summary>Derived groups over the SCIM-owned tables on SQLite.</summary>
public sealed class SqliteUserGroupsTests : UserGroupsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Derived groups over the SCIM-owned tables on PostgreSQL.</summary>
public sealed class PostgresUserGroupsTests : UserGroupsTests
{
    protected override Provider Provider => Provider.Postgres;
}
