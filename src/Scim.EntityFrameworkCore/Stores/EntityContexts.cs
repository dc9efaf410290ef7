using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Scim.EntityFrameworkCore;

/// <summary>Contexts for the dispatcher's and senders' own short units of work, outside any request.</summary>
internal static class EntityContexts
{
    /// <summary>A context of its own: from the factory when there is one, else from a new scope.</summary>
    public static IAsyncDisposable Open<TContext>(IServiceProvider services, out TContext db)
        where TContext : DbContext
    {
        if (services.GetService<IDbContextFactory<TContext>>() is { } factory)
        {
            db = factory.CreateDbContext();
            return new Lease(null, db);
        }

        var scope = services.CreateAsyncScope();
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
    public static async Task<IReadOnlyList<T>> ClaimInTurnAsync<T>(DbContext db, long lockKey, Func<CancellationToken, Task<int>> claim, Func<CancellationToken, Task<List<T>>> read, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockKey})", cancellationToken).ConfigureAwait(false);
        }

        if (await claim(cancellationToken).ConfigureAwait(false) == 0)
        {
            return [];
        }

        var taken = await read(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return taken;
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
