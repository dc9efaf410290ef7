using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// A page of users or groups over the SCIM-owned tables on SQLite, planned as SQLite plans it
/// (<c>EXPLAIN QUERY PLAN</c> of every statement the read sent, with its parameters): the page is
/// read from the <c>(Tenant, Id)</c> index in order, and neither it, its count nor its users'
/// groups scans a table or sorts the tenant's rows. Before that index a page of 100 sorted every
/// user of the tenant, and the groups of a page's users walked every group for every user.
/// </summary>
public sealed class PagePlanTests
{
    [Fact]
    public async Task PageOfUsers_WithTheirGroups_ScansNoTableAndSortsNothing()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Sqlite);
        using var client = app.Client();
        var users = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            users.Add((string)(await client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u{{i}}","emails":[{"value":"u{{i}}@example.com"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!);
        }

        for (var g = 0; g < 5; g++)
        {
            var members = new JsonArray([.. users.Where((_, i) => i % (g + 2) == 0).Select(id => (JsonNode)new JsonObject { ["value"] = id })]);
            (await client.Post("Groups", new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["displayName"] = $"g{g}", ["members"] = members }.ToJsonString())).Expect(HttpStatusCode.Created, app.Errors);
        }

        foreach (var path in new[] { "Users?startIndex=1&count=20", "Users?startIndex=11&count=10", "Groups?startIndex=1&count=3&excludedAttributes=members" })
        {
            app.Sql.Clear();
            var page = (await client.Get(path)).Expect(HttpStatusCode.OK, app.Errors).Json;
            Assert.NotEmpty(page["Resources"]!.AsArray());
            var commands = app.Sql.RequestCommands;
            Assert.NotEmpty(commands);
            foreach (var command in commands)
            {
                await using var db = app.Database();
                var plan = await SqlitePlan.OfAsync(db, command);
                Assert.False(plan.Any(step => step.StartsWith("SCAN ", StringComparison.Ordinal) && !step.StartsWith("SCAN CONSTANT ROW", StringComparison.Ordinal)), $"{path}: a table scan in\n{command.Text}\n{string.Join("\n", plan)}");
                Assert.False(plan.Any(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal)), $"{path}: a sort in\n{command.Text}\n{string.Join("\n", plan)}");
            }
        }

        // And the groups are right: each user's groups are those it was put in.
        var all = (await client.Get("Users?startIndex=1&count=30")).Expect(HttpStatusCode.OK, app.Errors).Json["Resources"]!.AsArray();
        foreach (var user in all)
        {
            var index = users.IndexOf((string)user!["id"]!);
            var expected = Enumerable.Range(0, 5).Where(g => index % (g + 2) == 0).Select(g => $"g{g}").Order(StringComparer.Ordinal);
            var actual = (user["groups"]?.AsArray() ?? []).Select(x => (string)x!["display"]!).Order(StringComparer.Ordinal);
            Assert.Equal(expected, actual);
        }
    }
}
