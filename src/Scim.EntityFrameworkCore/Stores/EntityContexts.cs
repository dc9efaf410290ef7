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
