using Microsoft.EntityFrameworkCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The writers of one process take turns on a SQLite file (<c>EntityContexts.InTurnAsync</c>)
/// rather than meeting SQLite's lock, whose busy retries block a thread: a second writer of the
/// same file waits for the first without starting; a writer of another file, or a write nested in
/// the turn its flow holds, does not wait; a wait given up passes the turn on.
/// </summary>
public sealed class SqliteWriterTurnTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecondWriterOfAFile_WaitsForTheFirst_WithoutStarting()
    {
        await using var file = SqliteFile.Create();
        await using var first = Context(file.ConnectionString);
        await using var second = Context(file.ConnectionString);
        var (holding, release) = await HoldTurnAsync(first);

        var started = false;
        var waiting = EntityContexts.InTurnAsync(second, _ =>
        {
            started = true;
            return Task.FromResult(2);
        }, Ct);
        Assert.False(started);
        Assert.False(waiting.IsCompleted);

        release.SetResult();
        Assert.Equal(1, await holding);
        Assert.Equal(2, await waiting);
        Assert.True(started);
    }

    [Fact]
    public async Task WriterOfAnotherFile_AndAWriteNestedInTheTurn_DoNotWait()
    {
        await using var file = SqliteFile.Create();
        await using var other = SqliteFile.Create();
        await using var first = Context(file.ConnectionString);
        await using var nested = Context(file.ConnectionString);
        await using var elsewhere = Context(other.ConnectionString);
        var release = new TaskCompletionSource();
        var nestedRan = false;
        var firstRunning = new TaskCompletionSource();

        var holding = EntityContexts.InTurnAsync(first, async ct =>
        {
            // The same flow writes again (another context, the same file): it holds the turn already.
            await EntityContexts.InTurnAsync(nested, _ => Task.FromResult(nestedRan = true), ct);
            firstRunning.SetResult();
            await release.Task;
            return 1;
        }, Ct);
        await firstRunning.Task;
        Assert.True(nestedRan);

        var elsewhereRan = false;
        var other1 = EntityContexts.InTurnAsync(elsewhere, _ => Task.FromResult(elsewhereRan = true), Ct);
        Assert.True(elsewhereRan);
        Assert.True(other1.IsCompletedSuccessfully);

        release.SetResult();
        await holding;
    }

    [Fact]
    public async Task WaitForTheTurn_IsCancellable_AndTheTurnPassesOn()
    {
        await using var file = SqliteFile.Create();
        await using var first = Context(file.ConnectionString);
        await using var second = Context(file.ConnectionString);
        await using var third = Context(file.ConnectionString);
        var (holding, release) = await HoldTurnAsync(first);

        using var gone = new CancellationTokenSource();
        var cancelled = EntityContexts.InTurnAsync(second, _ => Task.FromResult(2), gone.Token);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        release.SetResult();
        await holding;
        Assert.Equal(3, await EntityContexts.InTurnAsync(third, _ => Task.FromResult(3), Ct));
    }

    /// <summary>A write of <paramref name="db"/> that has its turn and holds it until released.</summary>
    private static async Task<(Task<int> Holding, TaskCompletionSource Release)> HoldTurnAsync(ScimTablesDbContext db)
    {
        var release = new TaskCompletionSource();
        var running = new TaskCompletionSource();
        var holding = EntityContexts.InTurnAsync(db, async _ =>
        {
            running.SetResult();
            await release.Task;
            return 1;
        }, Ct);
        await running.Task;
        return (holding, release);
    }

    private static ScimTablesDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<ScimTablesDbContext>().UseSqlite(connectionString).Options);
}
