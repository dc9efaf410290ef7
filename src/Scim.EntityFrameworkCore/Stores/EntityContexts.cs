using System.Collections.Concurrent;
using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// How the EF Core stores use a context for a unit of work: contexts of their own for the
/// dispatcher's and senders' work outside any request, and the one way every transaction of the
/// stores runs (inside the context's execution strategy, in the process's turn on SQLite).
/// </summary>
internal static class EntityContexts
{
    internal const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    // One writer at a time per SQLite database file, in this process (see InTurnAsync).
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> SqliteWriters = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<SemaphoreSlim?> HeldSqliteWriter = new();

    /// <summary>A context of its own: from the factory when there is one, else from a new scope.</summary>
    public static IAsyncDisposable Open<TContext>(IServiceProvider services, out TContext db)
        where TContext : DbContext
    {
        // In a scope of its own: a factory may be registered scoped (a context with scoped
        // dependencies), and the root provider must not hand out scoped services.
        var scope = services.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<IDbContextFactory<TContext>>() is { } factory)
        {
            db = factory.CreateDbContext();
            return new Lease(scope, db);
        }

        db = scope.ServiceProvider.GetRequiredService<TContext>();
        return new Lease(scope, null);
    }

    /// <summary>The model of <typeparamref name="TContext"/> (a context from the factory, or the scope's), read without opening a connection.</summary>
    public static Microsoft.EntityFrameworkCore.Metadata.IModel ModelOf<TContext>(IServiceProvider services)
        where TContext : DbContext
    {
        if (services.GetService<IDbContextFactory<TContext>>() is { } factory)
        {
            using var db = factory.CreateDbContext();
            return db.Model;
        }

        return services.GetRequiredService<TContext>().Model;
    }

    /// <summary>
    /// Opens <paramref name="db"/>'s connection for a unit of reads outside a transaction, closed
    /// by <see cref="CloseAfterReads"/> in the same flow. With SQLite statements kept compiled
    /// (<see cref="SqlitePreparedStatements"/>) the connection is opened only when a statement of
    /// the unit needs it; elsewhere this is <c>OpenConnectionAsync</c>.
    /// </summary>
    /// <remarks>Not an async method: the unit's mark must stay in the caller's flow.</remarks>
    public static Task OpenForReads(DbContext db, CancellationToken cancellationToken)
    {
        SqlitePreparedStatements.Reading.Value = db;
        return db.Database.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Ends a unit of reads begun by <see cref="OpenForReads"/>: closes the connection if it was opened, and clears the unit's mark.</summary>
    public static Task CloseAfterReads(DbContext db)
    {
        var closed = db.Database.CloseConnectionAsync();
        if (ReferenceEquals(SqlitePreparedStatements.Reading.Value, db))
        {
            SqlitePreparedStatements.Reading.Value = null;
        }

        return closed;
    }

    /// <summary>
    /// Runs a claim (a conditional update that takes due rows under a lease) and reads what it took,
    /// in one transaction.
    /// <list type="bullet">
    /// <item>Claims of all instances take turns: the per-resource order rule reads rows another claim
    /// may be taking at the same moment. SQLite runs one write at a time anyway; on PostgreSQL (read
    /// committed) two claims could otherwise each take one event of the same resource, so the claim
    /// holds a transaction-scoped advisory lock, released at its commit. Other providers take no lock.</item>
    /// <item>A cancellation (the host stopping, a poll's client gone) before the commit rolls the claim
    /// back, and the commit itself is not cancelled: rows are never left leased to a caller that did
    /// not get them, which would hold them back from every instance until the lease ends.</item>
    /// </list>
    /// </summary>
    public static Task<IReadOnlyList<T>> ClaimInTurnAsync<T>(DbContext db, long lockKey, Func<CancellationToken, Task<int>> claim, Func<CancellationToken, Task<List<T>>> read, CancellationToken cancellationToken) =>
        InTransactionAsync<IReadOnlyList<T>>(
            db,
            IsolationLevel.Unspecified,
            async ct =>
            {
                if (db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true)
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockKey})", ct).ConfigureAwait(false);
                }

                return await claim(ct).ConfigureAwait(false) == 0 ? [] : await read(ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own, committed when it returns, inside
    /// the context's execution strategy. A host's retrying strategy (<c>EnableRetryOnFailure()</c>)
    /// refuses a transaction begun outside it, and runs the whole unit again after a transient
    /// failure; the context's tracked entities are forgotten before each run, so a run starts from
    /// the database. A cancellation before the commit rolls the unit back; the commit itself is not
    /// cancelled, so a unit that ran is never left half-known to its caller.
    /// <para>
    /// EF Core's automatic savepoints are off for the unit (and restored after it): by default
    /// every <c>SaveChanges</c> in a transaction it did not begin is wrapped in a <c>SAVEPOINT</c>
    /// and a <c>RELEASE</c>, two more statements (on PostgreSQL, two more round trips) per write,
    /// there to keep the transaction usable after a failed save. No unit goes on after one: a
    /// failed save ends the unit, its transaction is rolled back whole, and a retry starts again.
    /// </para>
    /// </summary>
    /// <param name="db">The context, used by nothing else meanwhile.</param>
    /// <param name="isolation">The transaction's isolation level (<see cref="IsolationLevel.Unspecified"/>: the provider's default).</param>
    /// <param name="work">The unit's statements.</param>
    /// <param name="cancellationToken">Cancels the unit before its commit.</param>
    /// <param name="prepare">
    /// Work of each run that needs no transaction (adding a new row to the context), done before
    /// the transaction begins: on SQLite, before the run waits for the database's one write turn,
    /// which the unit then holds for less time.
    /// </param>
    /// <returns>What the last run of <paramref name="work"/> returned.</returns>
    public static Task<T> InTransactionAsync<T>(DbContext db, IsolationLevel isolation, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken, Action? prepare = null) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(
            (Db: db, Isolation: isolation, Work: work, Prepare: prepare),
            static (state, ct) =>
            {
                state.Db.ChangeTracker.Clear();
                state.Prepare?.Invoke();
                return InTurnAsync(
                    state.Db,
                    async ct =>
                    {
                        var database = state.Db.Database;
                        var savepoints = database.AutoSavepointsEnabled;
                        database.AutoSavepointsEnabled = false;
                        try
                        {
                            await using var transaction = await database.BeginTransactionAsync(state.Isolation, ct).ConfigureAwait(false);
                            var result = await state.Work(ct).ConfigureAwait(false);
                            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                            return result;
                        }
                        finally
                        {
                            database.AutoSavepointsEnabled = savepoints;
                        }
                    },
                    ct);
            },
            cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> in this process's turn to write the context's database, on
    /// SQLite; elsewhere (and within a turn this flow holds already) it just runs it. SQLite lets
    /// one transaction write at a time: a second one's <c>BEGIN IMMEDIATE</c>, or a statement that
    /// writes outside a transaction, fails as busy, and Microsoft.Data.Sqlite retries it after a
    /// pause that blocks its thread for far longer than a write takes (W5 on SQLite: 800 → 1,280
    /// requests/s with writers queued here). Writers of one process queue here instead, without
    /// blocking a thread; other processes on the same file still meet SQLite's own lock.
    /// </summary>
    /// <param name="db">The context.</param>
    /// <param name="write">The writes, as one transaction or one statement that commits itself.</param>
    /// <param name="cancellationToken">Cancels the wait for the turn, and is passed to <paramref name="write"/>.</param>
    /// <returns>What <paramref name="write"/> returned.</returns>
    public static async Task<T> InTurnAsync<T>(DbContext db, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        if (db.Database.ProviderName != SqliteProvider || db.Database.GetDbConnection().DataSource is not { Length: > 0 } file)
        {
            return await write(cancellationToken).ConfigureAwait(false);
        }

        // An open connection names its file in full; a closed one as its connection string does.
        var key = file.StartsWith(':') || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? file : Path.GetFullPath(file);
        var turn = SqliteWriters.GetOrAdd(key, static _ => new SemaphoreSlim(1, 1));
        if (HeldSqliteWriter.Value == turn)
        {
            return await write(cancellationToken).ConfigureAwait(false);
        }

        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        HeldSqliteWriter.Value = turn; // seen by what write awaits, not by this method's caller
        try
        {
            return await write(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            HeldSqliteWriter.Value = null;
            turn.Release();
        }
    }

    private sealed class Lease(AsyncServiceScope? scope, DbContext? owned) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (owned is not null)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }

            if (scope is { } s)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
