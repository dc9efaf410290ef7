using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Events;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The transactional outbox: each change's event is a row written in the change's transaction,
/// delivered from there by the dispatcher, and still delivered after the process stopped between
/// the commit and the delivery.
/// </summary>
public abstract class OutboxTests
{
    private const string User = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{0}","active":true}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task Change_WritesItsEventRow_InItsTransaction_AndTheDispatcherDeliversIt()
    {
        var subscriber = new Subscriber();
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s.Services.AddSingleton<IScimEventSubscriber>(subscriber));
        using var client = app.Client();

        var id = Id(await client.Post("Users", User.Replace("{0}", "alice")));
        (await client.Patch("Users/" + id, Http.PatchOp("""{"op":"replace","path":"active","value":false}"""))).Expect(HttpStatusCode.OK);
        var groupId = Id(await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team","members":[{"value":"{{id}}"}]}"""));
        (await client.Delete("Users/" + id)).Expect(HttpStatusCode.NoContent);

        await Eventually.HoldsAsync(() => subscriber.Delivered.Count == 5);
        Assert.Equal(
            [(ScimChangeKind.Created, id), (ScimChangeKind.Deactivated, id), (ScimChangeKind.Created, groupId), (ScimChangeKind.Deleted, id), (ScimChangeKind.MembersRemoved, groupId)],
            subscriber.Delivered.Select(e => (e.Kind, e.ResourceId)));

        await using var db = app.Database();
        var rows = await db.Set<ScimEventEntity>().OrderBy(e => e.Sequence).ToListAsync(Ct);
        Assert.Equal(subscriber.Delivered.Select(e => e.EventId), rows.Select(r => r.EventId));
        await Eventually.HoldsAsync(() => app.Database().Set<ScimEventEntity>().Count(e => e.DeliveredAt != null) == 5);
        Assert.All(rows, r => Assert.Equal(0, r.Attempts));
    }

    [Fact]
    public async Task RefusedWrite_LeavesNoEventRow()
    {
        var subscriber = new Subscriber();
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s.Services.AddSingleton<IScimEventSubscriber>(subscriber));
        using var client = app.Client();

        (await client.Post("Users", User.Replace("{0}", "alice"))).Expect(HttpStatusCode.Created);
        (await client.Post("Users", User.Replace("{0}", "ALICE"))).Expect(HttpStatusCode.Conflict);
        (await client.Post("Users", User.Replace("{0}", new string('x', 300)))).Expect(HttpStatusCode.BadRequest);

        await using var db = app.Database();
        Assert.Equal(1, await db.Set<ScimEventEntity>().CountAsync(Ct));
    }

    [Fact]
    public async Task WithoutSubscribers_NoEventRowIsWritten()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        (await client.Post("Users", User.Replace("{0}", "alice"))).Expect(HttpStatusCode.Created);

        await using var db = app.Database();
        Assert.Equal(0, await db.Set<ScimEventEntity>().CountAsync(Ct));
    }

    [Fact]
    public async Task WithoutSubscribers_RecordingForOthers_KeepsTheRows_TakesNone_AndAnInstanceWithSubscribersDeliversThem()
    {
        // A web instance that serves SCIM while a worker delivers: it records, and never takes
        // what it cannot deliver (before, a dispatcher without subscribers marked events delivered).
        var web = await ScimTablesApp.StartAsync(Provider, s => s.ConfigureService(o =>
        {
            o.EventDelivery.RecordWithoutSubscribers = true;
            o.EventDelivery.PollInterval = TimeSpan.FromMilliseconds(50);
        }));
        var ids = new List<string>();
        using (var client = web.Client())
        {
            for (var i = 0; i < 3; i++)
            {
                ids.Add(Id(await client.Post("Users", User.Replace("{0}", "user" + i))));
            }
        }

        await Task.Delay(500, Ct); // ten of the web instance's polls, had it any
        await using (var db = web.Database())
        {
            var rows = await db.Set<ScimEventEntity>().AsNoTracking().ToListAsync(Ct);
            Assert.Equal(ids.Order(StringComparer.Ordinal), rows.Select(r => r.ResourceId).Order(StringComparer.Ordinal));
            Assert.All(rows, r => Assert.True(r.DeliveredAt is null && r.LeaseToken is null, "an instance without subscribers took an event"));
        }

        Assert.DoesNotContain(web.Sql.Commands, c => c.Text.TrimStart().StartsWith("UPDATE \"ScimEvents\"", StringComparison.Ordinal));
        var subscriber = new Subscriber();
        await using var worker = await web.RestartAsync(s => s.Services.AddSingleton<IScimEventSubscriber>(subscriber));
        await Eventually.HoldsAsync(() => subscriber.Delivered.Count == 3);
        Assert.Equal(ids, subscriber.Delivered.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task SlowSubscribers_OnTwoInstances_DeliverEachEventOnce()
    {
        // A batch that takes longer than the lease: the rest is handed back before half the lease
        // has passed, so the other instance never takes what this one is still delivering (before:
        // 34 of 140 events delivered twice with 2-second subscribers and the default lease). The
        // other half is the margin for marking the batch, on a database the whole test run shares.
        var first = new Subscriber { Delay = TimeSpan.FromMilliseconds(100) };
        var second = new Subscriber { Delay = TimeSpan.FromMilliseconds(100) };
        void Options(ScimBuilder s) => s.ConfigureService(o =>
        {
            o.EventDelivery.LeaseDuration = TimeSpan.FromSeconds(2);
            o.EventDelivery.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        await using var one = await ScimTablesApp.StartAsync(Provider, s =>
        {
            Options(s);
            s.Services.AddSingleton<IScimEventSubscriber>(first);
        });
        await using var two = await one.StartAnotherInstanceAsync(s =>
        {
            Options(s);
            s.Services.AddSingleton<IScimEventSubscriber>(second);
        });

        var ids = new List<string>();
        using (var client = one.Client())
        {
            for (var i = 0; i < 30; i++)
            {
                ids.Add(Id(await client.Post("Users", User.Replace("{0}", "slow" + i))));
            }
        }

        await Eventually.HoldsAsync(() => first.Delivered.Count + second.Delivered.Count >= 30);
        await Task.Delay(2500, Ct); // a lease and more: a duplicate would show by now
        var all = first.Delivered.Concat(second.Delivered).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Select(e => e.ResourceId).Order(StringComparer.Ordinal));
        Assert.Equal(30, all.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task AHandBackAfterTheLeaseRanOut_LeavesTheNextHoldersLease()
    {
        // An instance that gives back an event after its lease ran out, when another instance
        // had taken it meanwhile, cleared that one's lease: a third claim took it too.
        static void Options(ScimBuilder s) => s.ConfigureService(o => o.EventDelivery.RecordWithoutSubscribers = true);
        await using var one = await ScimTablesApp.StartAsync(Provider, Options);
        await using var two = await one.StartAnotherInstanceAsync(Options);
        using (var client = one.Client())
        {
            Id(await client.Post("Users", User.Replace("{0}", "held")));
        }

        var first = one.Services.GetRequiredService<IScimEventOutbox>();
        var second = two.Services.GetRequiredService<IScimEventOutbox>();
        var sequence = Assert.Single(await first.ClaimAsync(10, TimeSpan.FromMilliseconds(1), Ct)).Sequence;
        await Task.Delay(50, Ct);
        Assert.Equal([sequence], (await second.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct)).Select(e => e.Sequence)); // the first's lease ran out

        await first.ReleaseAsync([sequence], Ct); // late: it is the second's now
        Assert.Empty(await first.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct));

        await second.ReleaseAsync([sequence], Ct);
        Assert.Equal([sequence], (await first.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task GracefulStop_HandsBackWhatItTook_SoTheNextInstanceDeliversAtOnce()
    {
        // A lease far longer than the test: only a hand-back at the stop lets the next one deliver.
        var stuck = new Subscriber { Gate = new TaskCompletionSource() };
        var app = await ScimTablesApp.StartAsync(Provider, s => s.ConfigureService(o => o.EventDelivery.LeaseDuration = TimeSpan.FromHours(1)).Services.AddSingleton<IScimEventSubscriber>(stuck));
        var ids = new List<string>();
        using (var client = app.Client())
        {
            for (var i = 0; i < 5; i++)
            {
                ids.Add(Id(await client.Post("Users", User.Replace("{0}", "user" + i))));
            }
        }

        await Eventually.HoldsAsync(() => !stuck.Offered.IsEmpty);
        var subscriber = new Subscriber();
        await using var next = await app.RestartAsync(s => s.Services.AddSingleton<IScimEventSubscriber>(subscriber));

        await Eventually.HoldsAsync(() => subscriber.Delivered.Count == 5);
        Assert.Equal(ids.Order(StringComparer.Ordinal), subscriber.Delivered.Select(e => e.ResourceId).Order(StringComparer.Ordinal));
        Assert.Empty(stuck.Delivered);
        await Eventually.HoldsAsync(() => next.Database().Set<ScimEventEntity>().Count(e => e.DeliveredAt != null) == 5);
        Assert.Equal(5, subscriber.Delivered.Count); // each once
        await using var db = next.Database();
        Assert.All(await db.Set<ScimEventEntity>().ToListAsync(Ct), r => Assert.Equal(0, r.Attempts)); // an interrupted delivery is no failed attempt
    }

    [Fact]
    public async Task DeliveredEvents_AreMarkedPerBatch_NotPerEvent()
    {
        // The first event holds the dispatcher while four more are written: they are then taken,
        // delivered and marked together.
        var subscriber = new Subscriber { Gate = new TaskCompletionSource() };
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s.Services.AddSingleton<IScimEventSubscriber>(subscriber));
        using var client = app.Client();
        Id(await client.Post("Users", User.Replace("{0}", "user0")));
        await Eventually.HoldsAsync(() => !subscriber.Offered.IsEmpty);
        for (var i = 1; i < 5; i++)
        {
            Id(await client.Post("Users", User.Replace("{0}", "user" + i)));
        }

        app.Sql.Clear();
        subscriber.Gate.SetResult();
        await Eventually.HoldsAsync(() => app.Database().Set<ScimEventEntity>().Count(e => e.DeliveredAt != null) == 5);

        Assert.Equal(5, subscriber.Delivered.Count);
        var marks = app.Sql.Commands.Count(c => c.Text.TrimStart().StartsWith("UPDATE \"ScimEvents\"", StringComparison.Ordinal) && c.Text.Contains("\"DeliveredAt\" =", StringComparison.Ordinal));
        Assert.Equal(2, marks); // the first event's batch, then the four's
        await using var db = app.Database();
        Assert.All(await db.Set<ScimEventEntity>().ToListAsync(Ct), r => Assert.Null(r.LeaseToken));
    }

    [Fact]
    public async Task StreamOfWrites_IsReadFromTheOutbox_OncePerClaimInterval()
    {
        // The first write after a quiet spell is read at once; the nine written right after it
        // wait for the interval and are taken by one read (more only if the writes took longer).
        var interval = TimeSpan.FromMilliseconds(1500);
        var (reads, elapsed) = await ReadsOfTenWritesAsync(interval, waitForEachDelivery: false);
        Assert.InRange(reads, 2, 2 + (int)(elapsed / interval));
    }

    [Fact]
    public async Task StreamOfWrites_WithoutClaimInterval_IsReadOncePerWrite()
    {
        var (reads, _) = await ReadsOfTenWritesAsync(TimeSpan.Zero, waitForEachDelivery: true);
        Assert.Equal(10, reads);
    }

    [Fact]
    public async Task DeliveredAsync_OfManyEvents_MarksExactlyThose()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        await using (var db = app.Database())
        {
            // Never due, so the running dispatcher leaves them alone; more than one statement's list.
            db.Set<ScimEventEntity>().AddRange(Enumerable.Range(0, SqlLists.Chunk + 20).Select(i => new ScimEventEntity
            {
                EventId = "e" + i, Tenant = "t", ResourceType = "User", ResourceId = "u" + i, Kind = "Created", Json = "{}", AvailableAt = long.MaxValue, LeaseToken = "held",
            }));
            await db.SaveChangesAsync(Ct);
        }

        long[] sequences;
        await using (var db = app.Database())
        {
            sequences = [.. db.Set<ScimEventEntity>().OrderBy(e => e.Sequence).Select(e => e.Sequence)];
        }

        var outbox = app.Services.GetRequiredService<IScimEventOutbox>();
        await outbox.DeliveredAsync([.. sequences.SkipLast(3)], Ct);
        await outbox.DeliveredAsync(sequences[^2], Ct);

        await using (var db = app.Database())
        {
            var rows = await db.Set<ScimEventEntity>().OrderBy(e => e.Sequence).ToListAsync(Ct);
            Assert.All(rows.SkipLast(3).Append(rows[^2]), r => Assert.True(r.DeliveredAt is not null && r.LeaseToken is null));
            Assert.All([rows[^3], rows[^1]], r => Assert.True(r.DeliveredAt is null && r.LeaseToken == "held"));
        }
    }

    [Fact]
    public async Task Claim_CancelledAfterItsUpdate_LeavesNothingLeased()
    {
        await using var app = await ScimTablesApp.StartWithIdleDispatcherAsync(Provider);
        var outbox = app.Services.GetRequiredService<IScimEventOutbox>();
        Assert.Empty(await outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct));
        var change = new ScimChangeEvent { ResourceType = "User", ResourceId = "u-1", Tenant = "default", Kind = ScimChangeKind.Created, Time = DateTimeOffset.UtcNow };
        await using (var db = app.Database())
        {
            db.Add(new ScimEventEntity { EventId = change.EventId, Tenant = "default", ResourceType = "User", ResourceId = "u-1", Kind = "Created", Json = change.ToJson() });
            await db.SaveChangesAsync(Ct);
        }

        // The host stops right after the claim's update ran: the caller never sees the rows it took.
        using var stopping = new CancellationTokenSource();
        app.Sql.AfterNonQuery = text =>
        {
            if (text.Contains("\"LeaseToken\"", StringComparison.Ordinal))
            {
                stopping.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => outbox.ClaimAsync(10, TimeSpan.FromHours(1), stopping.Token));
        app.Sql.AfterNonQuery = null;

        Assert.Equal([change.EventId], (await outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct)).Select(e => ScimChangeEvent.FromJson(e.Json).EventId));
    }

    [Fact]
    public async Task FailingSubscriber_IsRetried_AndLaterEventsOfTheSameResourceWait()
    {
        var subscriber = new Subscriber { FailuresLeft = 2 };
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s.ConfigureService(o => o.EventDelivery.RetryDelay = TimeSpan.FromMilliseconds(50)).Services.AddSingleton<IScimEventSubscriber>(subscriber));
        using var client = app.Client();

        var id = Id(await client.Post("Users", User.Replace("{0}", "alice")));
        (await client.Patch("Users/" + id, Http.PatchOp("""{"op":"replace","path":"title","value":"Engineer"}"""))).Expect(HttpStatusCode.OK);

        await Eventually.HoldsAsync(() => subscriber.Delivered.Count == 2);
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Patched], subscriber.Delivered.Select(e => e.Kind));
        await using var db = app.Database();
        var first = await db.Set<ScimEventEntity>().OrderBy(e => e.Sequence).FirstAsync(Ct);
        Assert.Equal(2, first.Attempts);
        Assert.Contains("The receiver is down", first.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscriberThatNeverSucceeds_LeavesTheEventDead_WithItsError()
    {
        var subscriber = new Subscriber { FailuresLeft = int.MaxValue };
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s.ConfigureService(o =>
        {
            o.EventDelivery.RetryDelay = TimeSpan.FromMilliseconds(20);
            o.EventDelivery.MaxAttempts = 3;
        }).Services.AddSingleton<IScimEventSubscriber>(subscriber));
        using var client = app.Client();
        (await client.Post("Users", User.Replace("{0}", "alice"))).Expect(HttpStatusCode.Created);

        await Eventually.HoldsAsync(() => app.Database().Set<ScimEventEntity>().Any(e => e.Dead));
        await using var db = app.Database();
        var row = await db.Set<ScimEventEntity>().SingleAsync(Ct);
        Assert.Equal(3, row.Attempts);
        Assert.Null(row.DeliveredAt);
        Assert.Equal(3, subscriber.Offered.Count);
    }

    /// <summary>Ten users written one after another, with the claim interval given and no polls: how many reads of the outbox took their events, and how long the writes took.</summary>
    private async Task<(int Reads, TimeSpan Elapsed)> ReadsOfTenWritesAsync(TimeSpan interval, bool waitForEachDelivery)
    {
        var subscriber = new Subscriber();
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s
            .ConfigureService(o =>
            {
                o.EventDelivery.PollInterval = TimeSpan.FromHours(1);
                o.EventDelivery.ClaimInterval = interval;
            })
            .Services.AddSingleton<IScimEventSubscriber>(subscriber));
        var (ids, elapsed) = await app.CreateTenAfterAQuietSpellAsync(
            IsRead,
            interval,
            waitForEachDelivery ? count => Eventually.HoldsAsync(() => subscriber.Delivered.Count == count) : null);
        await Eventually.HoldsAsync(() => subscriber.Delivered.Count == 10);
        Assert.Equal(ids, subscriber.Delivered.Select(e => e.ResourceId)); // in order, each once
        return (app.Sql.Commands.Count(IsRead), elapsed);

        static bool IsRead(SqlCommand c) => c.Text.TrimStart().StartsWith("UPDATE \"ScimEvents\"", StringComparison.Ordinal) && c.Text.Contains("\"LeaseToken\" = @", StringComparison.Ordinal);
    }

    private static string Id(Reply reply) => (string)JsonNode.Parse(reply.Expect(HttpStatusCode.Created).Text)!["id"]!;

    private sealed class Subscriber : IScimEventSubscriber
    {
        public TaskCompletionSource? Gate { get; init; }

        public int FailuresLeft { get; set; }

        public TimeSpan Delay { get; init; }

        public ConcurrentQueue<ScimChangeEvent> Offered { get; } = new();

        public List<ScimChangeEvent> Delivered { get; } = [];

        public async Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
        {
            Offered.Enqueue(change);
            if (Gate is not null)
            {
                await Gate.Task.WaitAsync(cancellationToken);
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException("The receiver is down.");
            }

            lock (Delivered)
            {
                Delivered.Add(change);
            }
        }
    }
}

/// <summary>The outbox on SQLite.</summary>
public sealed class SqliteOutboxTests : OutboxTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The outbox on PostgreSQL.</summary>
public sealed class PostgresOutboxTests : OutboxTests
{
    protected override Provider Provider => Provider.Postgres;
}
