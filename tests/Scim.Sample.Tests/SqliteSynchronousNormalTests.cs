using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Scim.Sample.Data;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample's SQLite connections commit without waiting for a disk flush (<c>synchronous =
/// NORMAL</c>, in WAL mode), set once per pooled connection to the file, as its first transaction
/// begins, rather than on every open.
/// </summary>
public sealed class SqliteSynchronousNormalTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"scim-sync-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Transactions_AreNormal_SetOncePerPooledConnection()
    {
        var options = Options();

        Assert.Equal(1L, await SynchronousAsync(options, then: "FULL")); // 1 = NORMAL; SQLite's default is 2 = FULL

        // The same pooled connection again: not set a second time (FULL, as left), so a transaction costs no statement.
        Assert.Equal(2L, await SynchronousAsync(options));

        // A new connection to the file: set.
        SqliteConnection.ClearAllPools();
        Assert.Equal(1L, await SynchronousAsync(options));
    }

    [Fact]
    public async Task AStatementThatCommitsItself_IsNormal()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = Options();
        await using (var db = new SqliteSampleDbContext(options))
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE Written (X INTEGER)", ct);
        }

        Assert.Equal(1L, await SynchronousAsync(options, inTransaction: false));
    }

    [Fact]
    public async Task AConnectionOnlyReadFrom_IsLeftAsItWas()
    {
        var options = Options();

        Assert.Equal(2L, await SynchronousAsync(options, inTransaction: false));
    }

    /// <summary>
    /// Opens a context's connection and reads its setting in a transaction (or, with
    /// <paramref name="inTransaction"/> false, outside one); <paramref name="then"/>: sets it before closing.
    /// </summary>
    private static async Task<object?> SynchronousAsync(DbContextOptions<SqliteSampleDbContext> options, string? then = null, bool inTransaction = true)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = new SqliteSampleDbContext(options);
        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        object? value;
        if (inTransaction)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            command.Transaction = transaction.GetDbTransaction();
            value = await command.ExecuteScalarAsync(ct);
            await transaction.CommitAsync(ct);
            command.Transaction = null;
        }
        else
        {
            value = await command.ExecuteScalarAsync(ct);
        }

        if (then is not null)
        {
            command.CommandText = "PRAGMA synchronous = " + then;
            await command.ExecuteNonQueryAsync(ct);
        }

        await db.Database.CloseConnectionAsync();
        return value;
    }

    /// <summary>The sample's options over this test's file, pooled, with the interceptor.</summary>
    private DbContextOptions<SqliteSampleDbContext> Options() =>
        new DbContextOptionsBuilder<SqliteSampleDbContext>()
            .UseSqlite($"Data Source={_path};Pooling=True")
            .AddInterceptors(new SqliteSynchronousNormal())
            .Options;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}
