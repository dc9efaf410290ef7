using Npgsql;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use, named by <c>SCIM_TEST_POSTGRES</c> (a connection string to
/// a database the user may create databases from; <c>.ci/run</c> starts a server and sets it). Each
/// test gets a database of its own, dropped afterwards. Without the variable the tests are skipped
/// on a developer machine, and fail in CI (<c>CI</c> set), where they must run.
/// </summary>
public static class Postgres
{
    public const string Variable = "SCIM_TEST_POSTGRES";

    private static string? Server => Environment.GetEnvironmentVariable(Variable);

    /// <summary>A new database; skips (or fails in CI) when no server is configured.</summary>
    public static async Task<PostgresDatabase> CreateDatabaseAsync()
    {
        if (string.IsNullOrWhiteSpace(Server))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                throw new InvalidOperationException($"{Variable} is not set: CI must run the PostgreSQL tests (.ci/run starts a server and sets it).");
            }

            Assert.Skip($"No PostgreSQL server: set {Variable} to a connection string (e.g. \"Host=localhost;Port=5432;Username=postgres;Password=...\"), or run .ci/run, which starts one.");
        }

        var name = "scim_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return new PostgresDatabase(Server!, name);
    }
}

/// <summary>One test's database.</summary>
public sealed class PostgresDatabase(string server, string name) : IAsyncDisposable
{
    /// <summary>The connection string to it.</summary>
    public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 60 }.ToString();

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
