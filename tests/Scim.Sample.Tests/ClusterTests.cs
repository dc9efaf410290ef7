using System.Text;
using System.Text.Json.Nodes;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample as a cluster: two processes over one PostgreSQL database, requests alternating
/// between them, racing where an IdP's requests race. The database settles every race: nothing is
/// lost, nothing is doubled, no race ends in a 500.
/// </summary>
public sealed class ClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task ThreeInstances_StartedAtOnceOverANewDatabase_AllStartAndServeIt()
    {
        ClusterDatabase.Require();
        await using var database = (await ClusterDatabase.CreateAsync())!;
        var instances = await ClusterFixture.StartAsync(3, ClusterFixture.Options(database.ConnectionString, ClusterFixture.Token));
        try
        {
            using var first = ClusterFixture.Client(instances[0]);
            var user = await first.SendAsync(HttpMethod.Post, "Users", ClusterHttp.NewUser("first@example.com")).Expect(201);
            foreach (var instance in instances.Skip(1))
            {
                using var other = ClusterFixture.Client(instance);
                await other.SendAsync(HttpMethod.Get, "Users/" + user.Id).Expect(200);
            }
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task MemberAdditions_50InParallelOnBothInstances_AllPresent()
    {
        var group = await cluster.Instance(0).SendAsync(HttpMethod.Post, "Groups", ClusterHttp.NewGroup("parallel-adds")).Expect(201);
        var users = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => cluster.Instance(i).SendAsync(HttpMethod.Post, "Users", ClusterHttp.NewUser($"member-{i}@example.com")).Expect(201)));

        var start = new TaskCompletionSource();
        var adds = users.Select((user, i) => Task.Run(async () =>
        {
            await start.Task;
            return await cluster.Instance(i).SendAsync(HttpMethod.Patch, "Groups/" + group.Id, ClusterHttp.AddMember(user.Id));
        })).ToList();
        start.SetResult();
        var replies = await Task.WhenAll(adds);

        Assert.All(replies, r => Assert.True(r.Status == 200, $"{r.Status}: {r.Body?.ToJsonString()}"));
        foreach (var n in new[] { 0, 1 })
        {
            var read = await cluster.Instance(n).SendAsync(HttpMethod.Get, "Groups/" + group.Id).Expect(200);
            var members = read.Body!["members"]!.AsArray().Select(m => (string)m!["value"]!).ToList();
            Assert.Equal(users.Select(u => u.Id).Order(), members.Order());
        }
    }

    [Fact]
    public async Task RacingCreates_OfOneUserName_OneCreated_RestConflictOnUniqueness()
    {
        var start = new TaskCompletionSource();
        var creates = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await cluster.Instance(i).SendAsync(HttpMethod.Post, "Users", ClusterHttp.NewUser(i % 3 == 0 ? "RACE@example.com" : "race@example.com"));
        })).ToList();
        start.SetResult();
        var replies = await Task.WhenAll(creates);

        Assert.Single(replies, r => r.Status == 201);
        Assert.All(replies.Where(r => r.Status != 201), r =>
        {
            Assert.True(r.Status == 409, $"{r.Status}: {r.Body?.ToJsonString()}");
            Assert.Equal("uniqueness", r.ScimType);
        });
        var found = await cluster.Instance(1).SendAsync(HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString("userName eq \"race@example.com\"")).Expect(200);
        Assert.Equal(1, (int)found.Body!["totalResults"]!);
    }

    [Fact]
    public async Task RacingPatches_WithTheSameIfMatch_OneWins_RestPreconditionFailed()
    {
        var user = await cluster.Instance(0).SendAsync(HttpMethod.Post, "Users", ClusterHttp.NewUser("if-match@example.com")).Expect(201);
        var etag = (await cluster.Instance(1).SendAsync(HttpMethod.Get, "Users/" + user.Id).Expect(200)).ETag;
        Assert.NotNull(etag);

        var start = new TaskCompletionSource();
        var patches = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await cluster.Instance(i).SendAsync(HttpMethod.Patch, "Users/" + user.Id, ClusterHttp.PatchOp($$"""{"op":"replace","path":"title","value":"Title {{i}}"}"""), etag);
        })).ToList();
        start.SetResult();
        var replies = await Task.WhenAll(patches);

        var winner = Assert.Single(replies, r => r.Status == 200);
        Assert.All(replies.Where(r => r != winner), r => Assert.True(r.Status == 412, $"{r.Status}: {r.Body?.ToJsonString()}"));
        var now = await cluster.Instance(0).SendAsync(HttpMethod.Get, "Users/" + user.Id).Expect(200);
        Assert.Equal((string?)winner.Body!["title"], (string?)now.Body!["title"]);
        Assert.Equal(winner.ETag, now.ETag);
        Assert.NotEqual(etag, now.ETag);
    }

    [Fact]
    public async Task DeletingAUser_WhileItIsAddedToGroupsOnTheOtherInstance_LeavesNoStaleMember()
    {
        var groups = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => cluster.Instance(i).SendAsync(HttpMethod.Post, "Groups", ClusterHttp.NewGroup($"delete-race-{i}")).Expect(201)));
        for (var round = 0; round < 6; round++)
        {
            var user = await cluster.Instance(round).SendAsync(HttpMethod.Post, "Users", ClusterHttp.NewUser($"deleted-{round}@example.com")).Expect(201);

            // The additions on one instance, two at a time; the delete on the other once a few are
            // answered, so that it lands among the rest.
            var adding = cluster.Instance(round + 1);
            var answered = 0;
            var adds = groups.Chunk(groups.Length / 2).Select(half => Task.Run(async () =>
            {
                var replies = new List<ClusterReply>();
                foreach (var group in half)
                {
                    replies.Add(await adding.SendAsync(HttpMethod.Patch, "Groups/" + group.Id, ClusterHttp.AddMember(user.Id)));
                    Interlocked.Increment(ref answered);
                }

                return replies;
            })).ToList();
            while (Volatile.Read(ref answered) < 3)
            {
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }

            var deleted = await cluster.Instance(round).SendAsync(HttpMethod.Delete, "Users/" + user.Id);
            var added = (await Task.WhenAll(adds)).SelectMany(r => r).ToList();

            Assert.Equal(204, deleted.Status);
            Assert.All(added, r => Assert.True(r.Status == 200 || (r.Status == 400 && r.ScimType == "invalidValue"), $"{r.Status}: {r.Body?.ToJsonString()}"));
            foreach (var n in new[] { 0, 1 })
            {
                var listed = await cluster.Instance(n).SendAsync(HttpMethod.Get, "Groups?filter=" + Uri.EscapeDataString($"members.value eq \"{user.Id}\"")).Expect(200);
                Assert.Equal(0, (int)listed.Body!["totalResults"]!);
            }

            foreach (var group in groups)
            {
                var read = await cluster.Instance(round).SendAsync(HttpMethod.Get, "Groups/" + group.Id).Expect(200);
                Assert.DoesNotContain(user.Id, read.Body!["members"]?.AsArray().Select(m => (string?)m!["value"]) ?? []);
            }
        }
    }

    [Fact]
    public async Task CursorWalk_Over1000Users_PagesAlternatingInstances_EveryUserOnce()
    {
        // Seeded through /Bulk, 250 users a request, two requests at a time on the two instances.
        var names = Enumerable.Range(0, 1000).Select(i => $"walk-{i:D4}@example.com").ToList();
        var bulks = names.Chunk(250).Select((chunk, n) => Task.Run(async () =>
        {
            var operations = string.Join(",", chunk.Select((name, i) => $$"""{"method":"POST","path":"/Users","bulkId":"u{{i}}","data":{{ClusterHttp.NewUser(name)}}}"""));
            var reply = await cluster.Instance(n).SendAsync(HttpMethod.Post, "Bulk", $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{operations}}]}""").Expect(200);
            Assert.All(reply.Body!["Operations"]!.AsArray(), o => Assert.Equal("201", (string?)o!["status"]));
        })).ToList();
        await Task.WhenAll(bulks);

        var seen = new List<string>();
        var filter = "&filter=" + Uri.EscapeDataString("userName sw \"walk-\"");
        string? cursor = string.Empty;
        for (var page = 0; cursor is not null; page++)
        {
            Assert.True(page < 100, "The walk does not end.");
            var reply = await cluster.Instance(page).SendAsync(HttpMethod.Get, $"Users?count=37&attributes=userName&cursor={Uri.EscapeDataString(cursor)}{filter}").Expect(200);
            seen.AddRange(reply.Body!["Resources"]!.AsArray().Select(u => (string)u!["userName"]!));
            cursor = (string?)reply.Body["nextCursor"];
        }

        Assert.Equal(names.Count, seen.Count);
        Assert.Equal(names, seen.Order(StringComparer.Ordinal));
    }
}
