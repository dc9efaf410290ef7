using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Scim.Tests.Receivers;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample's SETs from a cluster: two processes over one PostgreSQL database push to one
/// receiver while changes go to both; one is killed (SIGKILL) with SETs waiting and started again.
/// The outbox and the receiver's queue are in the database, so the survivor takes over what the
/// killed one had leased, and the receiver ends up with every committed change exactly once after
/// de-duplication by <c>jti</c>, in order per resource.
/// </summary>
public sealed class ClusterEventTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kill9_OfOneInstance_WhileChangesAreInFlight_ReceiverGetsEveryCommittedChangeOnce()
    {
        ClusterDatabase.Require();
        await using var database = (await ClusterDatabase.CreateAsync())!;
        await using var receiver = await SetReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(30); // a slow receiver: SETs pile up behind it
        var options = ClusterFixture.Options(
            database.ConnectionString,
            EventDeliveryProcessTests.Token,
            "--Sample:Receivers:audit=" + receiver.Endpoint,
            "--Sample:EventDelivery:LeaseDuration=00:00:02",
            "--Sample:EventDelivery:RetryDelay=00:00:00.200",
            "--Sample:EventDelivery:PollInterval=00:00:00.200");

        // Committed changes, as the clients saw them answered: (user id, version after the change, event).
        var committed = new ConcurrentBag<(string Id, string? Version, string Event)>();
        var running = new List<SampleProcess>(await ClusterFixture.StartAsync(2, options));
        try
        {
            var (killed, survivor) = (running[0], running[1]);
            using var stop = new CancellationTokenSource();
            var workers = new List<Task>();
            void Work(SampleProcess instance, int worker) =>
                workers.Add(Task.Run(() => EventDeliveryProcessTests.ChangeUntilStoppedAsync(instance.BaseUrl, worker, committed, stop.Token), Ct));

            Work(killed, 0);
            Work(killed, 1);
            Work(survivor, 2);
            Work(survivor, 3);
            await UntilAsync(() => committed.Count >= 60);

            Assert.True(receiver.All.Count < committed.Count, "SETs are still waiting when the instance is killed.");
            running.Remove(killed);
            await killed.DisposeAsync(); // SIGKILL, mid-request
            var atKill = committed.Count;
            await UntilAsync(() => committed.Count >= atKill + 30); // the survivor goes on alone

            var restarted = await SampleProcess.StartAsync(options);
            running.Add(restarted);
            restarted.DrainOutput();
            Work(restarted, 4);
            var atRestart = committed.Count;
            await UntilAsync(() => committed.Count >= atRestart + 30);
            await stop.CancelAsync();
            await Task.WhenAll(workers);

            using var client = EventDeliveryProcessTests.Client(restarted.BaseUrl);
            var users = JsonNode.Parse(await client.GetStringAsync("Users?count=1000&attributes=id", Ct))!["Resources"]!.AsArray().Select(u => (string)u!["id"]!).ToList();

            // Every user that exists was created once; every answered change was sent; nothing twice.
            await receiver.WaitUntilAsync(
                sets =>
                {
                    var distinct = sets.DistinctBy(s => s.Jti).ToList();
                    return users.All(id => distinct.Any(s => s.SubjectUri == "/Users/" + id && s.EventUris[0] == EventDeliveryProcessTests.CreateNotice))
                        && committed.All(c => distinct.Any(s => EventDeliveryProcessTests.Matches(s, c)));
                },
                TimeSpan.FromSeconds(60));

            var sets = receiver.Distinct;
            foreach (var change in committed)
            {
                Assert.Single(sets, s => EventDeliveryProcessTests.Matches(s, change));
            }

            foreach (var id in users)
            {
                var own = sets.Where(s => s.SubjectUri == "/Users/" + id).ToList();
                Assert.Single(own, s => s.EventUris[0] == EventDeliveryProcessTests.CreateNotice);
                Assert.Equal(EventDeliveryProcessTests.CreateNotice, own[0].EventUris[0]); // the create came first
            }
        }
        finally
        {
            foreach (var instance in running)
            {
                await instance.DisposeAsync();
            }
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
