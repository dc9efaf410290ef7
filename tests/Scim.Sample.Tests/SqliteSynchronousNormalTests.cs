using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Scim.Sample.Data;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample's SQLite connections commit without waiting for a disk flush (<c>synchronous =
/// NORMAL</c>, in WAL mode), set once per pooled connection to the file rather than on every open.
/// </summary>
public sealed class SqliteSynchronousNormalTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"scim-sync-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task OpenedConnections_AreNormal_SetOncePerPooledConnection()
    {
        var options = new DbContextOptionsBuilder<SqliteSampleDbContext>()
            .UseSqlite($"Data Source={_path};Pooling=True")
            .AddInterceptors(new SqliteSynchronousNormal())
            .Options;

        Assert.Equal(1L, await SynchronousAsync(options, then: "FULL")); // 1 = NORMAL; SQLite's default is 2 = FULL

        // The same pooled connection again: not set a second time (FULL, as left), so an open costs no statement.
        Assert.Equal(2L, await SynchronousAsync(options));

        // A new connection to the file: set.
        SqliteConnection.ClearAllPools();
        Assert.Equal(1L, await SynchronousAsync(options));
    }

    /// <summary>Opens a context's connection and reads its setting; <paramref name="then"/>: sets it before closing.</summary>
    private static async Task<object?> SynchronousAsync(DbContextOptions<SqliteSampleDbContext> options, string? then = null)
    {
        await using var db = new SqliteSampleDbContext(options);
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        if (then is not null)
        {
            command.CommandText = "PRAGMA synchronous = " + then;
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await db.Database.CloseConnectionAsync();
        return value;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}
