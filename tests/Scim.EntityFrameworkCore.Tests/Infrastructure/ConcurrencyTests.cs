using System.Net;
using System.Text.Json.Nodes;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// Requests that race on one database: whatever the interleaving, the outcome is one that some
/// order of the requests would give, every loser gets the right SCIM error, and nothing answers 500.
/// </summary>
public abstract class ConcurrencyTests
{
    protected abstract Task<IScimApp> StartAsync();

    [Fact]
    public async Task FiftyParallelMemberAdditions_AllMembersPresent()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var users = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            users.Add(await CreateUserAsync(client, app, $"member{i}@example.com"));
        }

        var group = (string)(await client.Post("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Racers"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        var replies = await Task.WhenAll(users.Select(user => client.Patch("Groups/" + group, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{user}}"}]}"""))));

        Assert.All(replies, r => r.Expect(HttpStatusCode.NoContent, app.Errors));
        var members = (await client.Get("Groups/" + group)).Expect(HttpStatusCode.OK, app.Errors).Json["members"]!.AsArray().Select(m => (string)m!["value"]!);
        Assert.Equal(users.Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TwentyRacingCreatesOfOneUserName_OneWinsTheRestAre409()
    {
        await using var app = await StartAsync();
        using var client = app.Client();

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{(i % 2 == 0 ? "Racer@Example.com" : "racer@example.com")}}"}""")));

        Assert.Single(replies, r => r.Status == HttpStatusCode.Created);
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.Created), r =>
        {
            r.Expect(HttpStatusCode.Conflict, app.Errors);
            Assert.Equal("uniqueness", (string?)r.Json["scimType"]);
        });
        var list = (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"RACER@example.com\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(1, (int)list["totalResults"]!);
    }

    [Fact]
    public async Task TenRacingPatchesWithOneIfMatch_OneSucceedsTheRestAre412()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var created = await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"target@example.com","active":true}""");
        var id = (string)created.Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var version = created.ETag!;

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => client.Send(
            HttpMethod.Patch,
            "Users/" + id,
            Http.PatchOp($$"""{"op":"replace","path":"name.givenName","value":"Racer {{i}}"}"""),
            ("If-Match", version))));

        var winner = Assert.Single(replies, r => r.Status == HttpStatusCode.OK);
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.OK), r => r.Expect(HttpStatusCode.PreconditionFailed, app.Errors));
        var now = (await client.Get("Users/" + id)).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal((string?)winner.Json["name"]!["givenName"], (string?)now.Json["name"]!["givenName"]);
        Assert.Equal(winner.ETag, now.ETag);
    }

    [Fact]
    public async Task ConcurrentPatchesOfOneUser_AllSucceedAndTheLastStateIsOneOfThem()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var id = await CreateUserAsync(client, app, "busy@example.com");

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.Patch(
            "Users/" + id,
            Http.PatchOp($$"""{"op":"replace","path":"active","value":{{(i % 2 == 0 ? "true" : "false")}}},{"op":"replace","path":"name.familyName","value":"Patch {{i}}"}"""))));

        Assert.All(replies, r => r.Expect(HttpStatusCode.OK, app.Errors));
        var now = (await client.Get("Users/" + id)).Expect(HttpStatusCode.OK, app.Errors).Json;
        var family = (string)now["name"]!["familyName"]!;
        var i = int.Parse(family["Patch ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(i % 2 == 0, (bool)now["active"]!);
    }

    [Fact]
    public async Task DeletingAUserWhileItIsAddedToGroups_LeavesNoStaleMember()
    {
        await using var app = await StartAsync();
        using var client = app.Client();
        var groups = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            groups.Add((string)(await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Group {{i}}"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!);
        }

        for (var round = 0; round < 3; round++)
        {
            var user = await CreateUserAsync(client, app, $"leaver{round}@example.com");
            var adds = groups.Select(g => client.Patch("Groups/" + g, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{user}}"}]}"""))).ToList();
            var delete = client.Delete("Users/" + user);
            var replies = await Task.WhenAll(adds);
            (await delete).Expect(HttpStatusCode.NoContent, app.Errors);

            // An add that ran after the delete is refused (the member no longer exists), never a 500.
            Assert.All(replies, r => Assert.True(r.Status is HttpStatusCode.NoContent or HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{(int)r.Status}: {r.Text}\n{string.Join("\n", app.Errors.Errors)}"));
            foreach (var group in groups)
            {
                var members = (await client.Get("Groups/" + group)).Expect(HttpStatusCode.OK, app.Errors).Json["members"] as JsonArray ?? [];
                Assert.DoesNotContain(members, m => (string?)m!["value"] == user);
            }
        }
    }

    private static async Task<string> CreateUserAsync(HttpClient client, IScimApp app, string userName) =>
        (string)(await client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
}
