using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The claims of the event tables as SQLite plans them. A claim asks, for each due event, whether
/// an earlier event of the same resource is still pending (per-resource order); delivered rows stay
/// for the retention period, so that question must search an index of pending rows only. When it
/// searched an index of every row, a group changed 9,000 times cost each claim 28 ms, with the
/// file's write turn held, and member changes of that group fell from about 580 to 280 requests/s
/// within 18 seconds (see docs/performance.md).
/// </summary>
public sealed class EventClaimPlanTests
{
    private const int Delivered = 40;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OutboxClaim_SearchesPendingRowsOnly_ForItsOrderCheck()
    {
        // Only this test takes the rows it writes: the dispatcher has done its first poll and sleeps.
        await using var app = await ScimTablesApp.StartWithIdleDispatcherAsync(Provider.Sqlite);
        long pending;
        await using (var db = app.Database())
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (var i = 0; i <= Delivered; i++)
            {
                db.Add(new ScimEventEntity { EventId = "e" + i, Tenant = "default", ResourceType = "Group", ResourceId = "g1", Kind = "Patched", Time = now, Json = "{}", DeliveredAt = i < Delivered ? now : null });
            }

            await db.SaveChangesAsync(Ct);
            pending = await db.Set<ScimEventEntity>().Where(e => e.DeliveredAt == null).Select(e => e.Sequence).SingleAsync(Ct);
        }

        app.Sql.Clear();
        var taken = await app.Services.GetRequiredService<IScimEventOutbox>().ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal([pending], taken.Select(e => e.Sequence));
        await AssertOrderCheckSearchesPendingRowsOnlyAsync(app, "ScimEvents");
    }

    [Fact]
    public async Task ReceiverQueueClaim_SearchesPendingRowsOnly_ForItsOrderCheck()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Sqlite);
        var queue = app.Services.GetRequiredService<IScimReceiverQueue>();
        for (var i = 0; i < Delivered; i++)
        {
            var change = Change();
            await queue.EnqueueAsync("r1", change, Ct);
            Assert.Single(await queue.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct));
            Assert.Equal(1, await queue.AcknowledgeAsync("r1", [change.EventId], Ct));
        }

        var last = Change();
        await queue.EnqueueAsync("r1", last, Ct);
        app.Sql.Clear();
        var taken = await queue.ClaimAsync("r1", 10, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal([last.EventId], taken.Select(e => e.EventId));
        await AssertOrderCheckSearchesPendingRowsOnlyAsync(app, "ScimEventDeliveries");
    }

    /// <summary>
    /// The claim's conditional update searches the table of <paramref name="table"/> for earlier
    /// rows of a resource through an index whose condition keeps delivered rows out, and scans no table.
    /// </summary>
    private static async Task AssertOrderCheckSearchesPendingRowsOnlyAsync(ScimTablesApp app, string table)
    {
        var claim = Assert.Single(app.Sql.Commands, c => c.Text.TrimStart().StartsWith($"UPDATE \"{table}\"", StringComparison.Ordinal) && c.Text.Contains("\"LeaseToken\" = @", StringComparison.Ordinal) && c.Text.Contains("EXISTS", StringComparison.Ordinal));
        await using var db = app.Database();
        var plan = await SqlitePlan.OfAsync(db, claim);
        var described = $"{claim.Text}\n{string.Join("\n", plan)}";
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal));
        var orderCheck = Assert.Single(plan, step => step.Contains("ResourceId=?", StringComparison.Ordinal) && step.Contains("Sequence<?", StringComparison.Ordinal));
        var index = orderCheck.Split(" USING INDEX ")[1].Split(' ')[0];
        var definition = await SqlitePlan.IndexSqlAsync(db, index);
        Assert.True(definition?.EndsWith("WHERE \"DeliveredAt\" IS NULL", StringComparison.Ordinal), $"{index}: {definition}\n{described}");
    }

    private static ScimChangeEvent Change() => new()
    {
        ResourceType = "Group",
        ResourceId = "g1",
        Tenant = "default",
        Kind = ScimChangeKind.Patched,
        Time = DateTimeOffset.UtcNow,
        ChangedPaths = ["members"],
    };
}
