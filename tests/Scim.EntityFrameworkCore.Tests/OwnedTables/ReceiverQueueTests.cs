using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.Tests.Receivers;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The receivers' queue in the database (<c>ScimEventDeliveries</c>): one row per receiver and
/// event whatever the repeats, leases that two claimers never share, order per resource, dead rows
/// replayed; and SETs pushed from it to a real receiver, across a stop of the process.
/// </summary>
public abstract class ReceiverQueueTests
{
    private const string User = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{0}"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task Queue_RepeatedHandOver_KeepsOneRow_ClaimsNeverOverlap_AndOrderHoldsPerResource()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        var queue = app.Services.GetRequiredService<IScimReceiverQueue>();
        var a1 = Change("u-a");
        var b1 = Change("u-b");
        var a2 = Change("u-a");
        foreach (var change in new[] { a1, b1, a2, a1, b1 })
        {
            await queue.EnqueueAsync("r1", change, Ct);
        }

        await queue.EnqueueAsync("r2", a1, Ct);
        await using (var db = app.Database())
        {
            Assert.Equal(3, await db.Set<ScimEventDeliveryEntity>().CountAsync(e => e.Receiver == "r1", Ct));
        }

        // Two claimers at once share nothing; a2 waits while a1 is held.
        var claims = await Task.WhenAll(queue.ClaimAsync("r1", 2, TimeSpan.FromMinutes(1), Ct), queue.ClaimAsync("r1", 2, TimeSpan.FromMinutes(1), Ct));
        var taken = claims.SelectMany(c => c).Select(e => e.EventId).ToList();
        Assert.Equal(new[] { a1.EventId, b1.EventId }.Order(StringComparer.Ordinal), taken.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(a2.EventId, (await queue.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct)).Select(e => e.EventId));

        // a1 fails and waits for its retry: a2 (same resource) waits too, b1 does not.
        await queue.FailedAsync("r1", a1.EventId, 1, DateTimeOffset.UtcNow.AddMinutes(5), "503", Ct);
        await queue.ReleaseAsync("r1", [a2.EventId, b1.EventId], Ct);
        var next = await queue.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal([b1.EventId], next.Select(e => e.EventId));

        // Given up, a1 no longer holds a2 back; replayed, it is due again with its attempts reset.
        await queue.FailedAsync("r1", a1.EventId, 2, null, "gone", Ct);
        Assert.Equal(1, await queue.AcknowledgeAsync("r1", [b1.EventId], Ct));
        await queue.ReleaseAsync("r1", [a2.EventId], Ct);
        Assert.Equal([a2.EventId], (await queue.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct)).Select(e => e.EventId));
        var dead = Assert.Single(await queue.ListDeadAsync("r1", 10, Ct));
        Assert.Equal((a1.EventId, 2, "gone"), (dead.EventId, dead.Attempts, dead.LastError));
        Assert.Equal(1, await queue.ReplayAsync("r1", null, Ct));
        var replayed = Assert.Single(await queue.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct));
        Assert.Equal((a1.EventId, 0), (replayed.EventId, replayed.Attempts));
        Assert.Equal(a1.ToJson(), replayed.Json);

        // Delivered rows go when the retention ends; other receivers' rows are their own.
        await queue.PurgeAsync(DateTimeOffset.UtcNow.AddSeconds(1), Ct);
        await using (var db = app.Database())
        {
            Assert.False(await db.Set<ScimEventDeliveryEntity>().AnyAsync(e => e.EventId == b1.EventId, Ct));
            Assert.True(await db.Set<ScimEventDeliveryEntity>().AnyAsync(e => e.Receiver == "r2", Ct));
        }
    }

    [Fact]
    public async Task Queue_RacingClaims_NeverSplitOneResourcesEntriesBetweenTwoClaimers()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        var queue = app.Services.GetRequiredService<IScimReceiverQueue>();
        for (var round = 0; round < 60; round++)
        {
            var resource = "u-" + round;
            var first = Change(resource);
            var second = Change(resource);
            await queue.EnqueueAsync("race", first, Ct);
            await queue.EnqueueAsync("race", second, Ct);

            // One claimer takes one entry while the other asks for more: the second entry must not go to the other.
            var claims = await Task.WhenAll(
                Task.Run(() => queue.ClaimAsync("race", 1, TimeSpan.FromMinutes(1), Ct), Ct),
                Task.Run(() => queue.ClaimAsync("race", 2, TimeSpan.FromMinutes(1), Ct), Ct));
            var holders = claims.Select(c => c.Select(e => e.EventId).ToHashSet()).ToList();
            Assert.False(
                holders.Any(h => h.Contains(second.EventId)) && !holders.Any(h => h.Contains(first.EventId) && h.Contains(second.EventId)) && holders.Any(h => h.Contains(first.EventId)),
                $"Round {round}: one claimer holds the resource's first entry and another its second.");
            await queue.AcknowledgeAsync("race", [first.EventId, second.EventId], Ct);
        }
    }

    [Fact]
    public async Task Push_StreamOfWrites_IsReadFromTheQueue_OncePerClaimInterval()
    {
        // Ten writes right after a quiet spell: the first is read and pushed at once, the nine
        // after it wait for the interval and go out from one read or two (more only if the writes took longer).
        await using var receiver = await SetReceiver.StartAsync();
        var interval = TimeSpan.FromMilliseconds(1500);
        await using var app = await ScimTablesApp.StartAsync(Provider, scim => scim
            .ConfigureService(o =>
            {
                o.EventDelivery.PollInterval = TimeSpan.FromHours(1);
                o.EventDelivery.ClaimInterval = interval;
            })
            .AddEventReceivers(o =>
            {
                o.Issuer = "https://scim.example.com";
                o.AddPushReceiver("hr", receiver.Endpoint, "aud-hr");
            }));
        var (ids, elapsed) = await app.CreateTenAfterAQuietSpellAsync(IsQueueRead, interval);
        await receiver.WaitUntilAsync(sets => sets.Count >= 10, TimeSpan.FromSeconds(20));
        Assert.Equal(ids.Select(id => "/Users/" + id), receiver.Distinct.Select(s => s.SubjectUri)); // each once, in order
        // The queue is filled by the event dispatcher, itself paced: a read of the queue can fall
        // while the dispatcher is still handing a batch over, and take the rest one interval later.
        Assert.InRange(app.Sql.Commands.Count(IsQueueRead), 2, 3 + (int)(elapsed / interval));

        static bool IsQueueRead(SqlCommand c) => c.Text.TrimStart().StartsWith("UPDATE \"ScimEventDeliveries\"", StringComparison.Ordinal) && c.Text.Contains("\"LeaseToken\" = @", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_ReceiverDownAcrossAProcessStop_GetsEveryChangeOnce_InOrderPerResource()
    {
        await using var receiver = await SetReceiver.StartAsync();
        receiver.Mode = SetReceiverMode.Unavailable;
        void Receivers(Scim.Core.ScimBuilder scim) => scim
            .ConfigureService(o =>
            {
                o.EventDelivery.RetryDelay = TimeSpan.FromMilliseconds(50);
                o.EventDelivery.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
                o.EventDelivery.PollInterval = TimeSpan.FromMilliseconds(100);
                o.EventDelivery.LeaseDuration = TimeSpan.FromSeconds(1);
                o.EventDelivery.MaxAttempts = 1000;
            })
            .AddEventReceivers(o =>
            {
                o.Issuer = "https://scim.example.com";
                o.PushTries = 1;
                o.AddPushReceiver("hr", receiver.Endpoint, "aud-hr");
            });

        var app = await ScimTablesApp.StartAsync(Provider, Receivers);
        var ids = new List<string>();
        using (var client = app.Client())
        {
            for (var i = 0; i < 4; i++)
            {
                ids.Add(Id(await client.Post("Users", User.Replace("{0}", "user" + i))));
            }

            foreach (var id in ids)
            {
                (await client.Patch("Users/" + id, Http.PatchOp("""{"op":"replace","path":"title","value":"Engineer"}"""))).Expect(HttpStatusCode.OK);
                (await client.Delete("Users/" + id)).Expect(HttpStatusCode.NoContent);
            }
        }

        await receiver.WaitUntilAsync(_ => receiver.All.Count > 0, TimeSpan.FromSeconds(20));
        await using var next = await app.RestartAsync(Receivers);
        receiver.Mode = SetReceiverMode.Accept;
        await receiver.WaitUntilAsync(sets => sets.DistinctBy(s => s.Jti).Count() >= 12, TimeSpan.FromSeconds(30));

        Assert.Equal(12, receiver.Distinct.Count);
        foreach (var id in ids)
        {
            Assert.Equal(
                ["urn:ietf:params:scim:event:prov:create:notice", "urn:ietf:params:scim:event:prov:patch:notice", "urn:ietf:params:scim:event:prov:delete"],
                receiver.Distinct.Where(s => s.SubjectUri == "/Users/" + id).Select(s => s.EventUris[0]));
        }

        await using var db = next.Database();
        await Eventually.HoldsAsync(() => next.Database().Set<ScimEventDeliveryEntity>().Count(e => e.DeliveredAt != null) == 12);
        Assert.Equal(12, await db.Set<ScimEventDeliveryEntity>().CountAsync(Ct));
    }

    [Fact]
    public async Task Claim_CancelledAfterItsUpdate_LeavesNothingLeased()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        var queue = app.Services.GetRequiredService<IScimReceiverQueue>();
        var change = Change("u-a");
        await queue.EnqueueAsync("r1", change, Ct);

        // A poll's client goes away right after the claim's update ran: it never sees what it took.
        using var gone = new CancellationTokenSource();
        app.Sql.AfterNonQuery = text =>
        {
            if (text.Contains("\"LeaseToken\"", StringComparison.Ordinal))
            {
                gone.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.ClaimAsync("r1", 10, TimeSpan.FromHours(1), gone.Token));
        app.Sql.AfterNonQuery = null;

        Assert.Equal([change.EventId], (await queue.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct)).Select(e => e.EventId));
    }

    [Fact]
    public async Task Push_GracefulStopMidPush_HandsBackWhatItTook_SoTheNextInstancePushesAtOnce()
    {
        // The receiver holds every request; the leases last far longer than the test.
        await using var receiver = await SetReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromHours(1);
        void Receivers(Scim.Core.ScimBuilder scim) => scim
            .ConfigureService(o => o.EventDelivery.LeaseDuration = TimeSpan.FromHours(1))
            .AddEventReceivers(o =>
            {
                o.Issuer = "https://scim.example.com";
                o.PushTimeout = TimeSpan.FromHours(1);
                o.AddPushReceiver("hr", receiver.Endpoint, "aud-hr");
            });

        var app = await ScimTablesApp.StartAsync(Provider, Receivers);
        using (var client = app.Client())
        {
            for (var i = 0; i < 3; i++)
            {
                (await client.Post("Users", User.Replace("{0}", "user" + i))).Expect(HttpStatusCode.Created);
            }
        }

        await Eventually.HoldsAsync(() => receiver.All.Count > 0);
        receiver.Delay = TimeSpan.Zero;
        await using var next = await app.RestartAsync(Receivers);
        await receiver.WaitUntilAsync(sets => sets.DistinctBy(s => s.Jti).Count() >= 3, TimeSpan.FromSeconds(20));

        Assert.Equal(3, receiver.Distinct.Count);
        await using var db = next.Database();
        Assert.All(await db.Set<ScimEventDeliveryEntity>().ToListAsync(Ct), e => Assert.Equal(0, e.Attempts)); // an interrupted push is no failed attempt
    }

    [Fact]
    public async Task AHandBackAfterTheLeaseRanOut_LeavesTheNextHoldersLease()
    {
        // As for the outbox: a late hand-back cleared the lease of the instance that took the
        // entry meanwhile, and a third claim took it too.
        await using var one = await ScimTablesApp.StartAsync(Provider);
        await using var two = await one.StartAnotherInstanceAsync();
        var first = one.Services.GetRequiredService<IScimReceiverQueue>();
        var second = two.Services.GetRequiredService<IScimReceiverQueue>();
        var change = Change("u-late");
        await first.EnqueueAsync("r1", change, Ct);

        Assert.Single(await first.ClaimAsync("r1", 10, TimeSpan.FromMilliseconds(1), Ct));
        await Task.Delay(50, Ct);
        Assert.Equal([change.EventId], (await second.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct)).Select(e => e.EventId)); // the first's lease ran out

        await first.ReleaseAsync("r1", [change.EventId], Ct); // late: it is the second's now
        Assert.Empty(await first.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct));

        await second.ReleaseAsync("r1", [change.EventId], Ct);
        Assert.Equal([change.EventId], (await first.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct)).Select(e => e.EventId));
    }

    [Fact]
    public async Task Push_SlowReceiver_OnTwoInstances_GetsEachSetOnce()
    {
        // A receiver slower than the lease allows for a batch: the sender hands the rest back
        // before half the lease has passed, as the outbox's dispatcher does, so the other instance
        // never pushes what this one is still pushing (before: 4 of 8 SETs pushed twice).
        await using var receiver = await SetReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(300);
        void Receivers(Scim.Core.ScimBuilder scim) => scim
            .ConfigureService(o =>
            {
                o.EventDelivery.LeaseDuration = TimeSpan.FromMilliseconds(1600);
                o.EventDelivery.PollInterval = TimeSpan.FromMilliseconds(50);
            })
            .AddEventReceivers(o =>
            {
                o.Issuer = "https://scim.example.com";
                o.PushTries = 1;
                o.AddPushReceiver("hr", receiver.Endpoint, "aud-hr");
            });

        await using var one = await ScimTablesApp.StartAsync(Provider, Receivers);
        await using var two = await one.StartAnotherInstanceAsync(Receivers);
        using (var client = one.Client())
        {
            for (var i = 0; i < 8; i++)
            {
                (await client.Post("Users", User.Replace("{0}", "slow" + i))).Expect(HttpStatusCode.Created);
            }
        }

        await receiver.WaitUntilAsync(sets => sets.DistinctBy(s => s.Jti).Count() >= 8, TimeSpan.FromSeconds(30));
        await Task.Delay(2000, Ct); // a lease and more: a second push would show by now

        Assert.Equal(8, receiver.All.Count);
        Assert.Equal(8, receiver.All.Select(s => s.Jti).Distinct().Count());
    }

    private static ScimChangeEvent Change(string id) => new()
    {
        ResourceType = "User",
        ResourceId = id,
        Tenant = "default",
        Kind = ScimChangeKind.Patched,
        Time = DateTimeOffset.UtcNow,
        ChangedPaths = ["title"],
    };

    private static string Id(Reply reply) => (string)JsonNode.Parse(reply.Expect(HttpStatusCode.Created).Text)!["id"]!;
}

/// <summary>The receivers' queue on SQLite.</summary>
public sealed class SqliteReceiverQueueTests : ReceiverQueueTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The receivers' queue on PostgreSQL.</summary>
public sealed class PostgresReceiverQueueTests : ReceiverQueueTests
{
    protected override Provider Provider => Provider.Postgres;
}
