using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>A new, empty database of a provider for one test: a SQLite file, or a PostgreSQL database of its own.</summary>
public static class TestDatabase
{
    /// <summary>Creates the database.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>Its connection string, and what drops it when disposed.</returns>
    public static async Task<(IAsyncDisposable Database, string ConnectionString)> CreateAsync(Provider provider)
    {
        if (provider == Provider.Sqlite)
        {
            var file = SqliteFile.Create();
            return (file, file.ConnectionString);
        }

        var pg = await Postgres.CreateDatabaseAsync();
        return (pg, pg.ConnectionString);
    }
}

/// <summary>Waits for what a background worker does.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds, failing the test after 20 seconds.</summary>
    /// <param name="condition">The condition, tested every 20 ms.</param>
    /// <returns>A task that completes when it holds.</returns>
    public static async Task HoldsAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 20 seconds.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
