// Everything of the sample that touches EF Core, SQLite or Npgsql, in one class whose methods run
// only for --Sample:Store=sqlite or postgres. The runtime loads an assembly when it first compiles a
// method that names one of its types; kept out of Program's own methods, the database assemblies
// (and their types' method stubs) are not loaded at all under --Sample:Store=memory.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Scim.AspNetCore;
using Scim.Core;
using Scim.EntityFrameworkCore;
using Scim.Sample.Data;

namespace Scim.Sample;

/// <summary>The sample's SQLite and PostgreSQL databases: connection strings, registration, migration.</summary>
internal static class SampleDatabase
{
    /// <summary>
    /// The EF Core stores over the sample's context, and a readiness check (/health/ready) that asks
    /// the database for a row of the SCIM tables, so an instance whose database is down or not
    /// migrated is taken out of a load balancer's rotation. /health/live only says the process answers.
    /// </summary>
    public static void Add(IServiceCollection services, ScimBuilder scim, IHealthChecksBuilder health, SampleOptions options)
    {
        if (options.Store == SampleStore.Sqlite)
        {
            Add<SqliteSampleDbContext>(o => o.UseSqlite(options.ConnectionString).AddInterceptors(new SqliteSynchronousNormal()).KeepSqliteStatementsPrepared());
        }
        else
        {
            Add<PostgresSampleDbContext>(o => o.UseNpgsql(options.ConnectionString));
        }

        if (options.ReplicaConnectionString is { } replica)
        {
            scim.AddEntityFrameworkCoreReadReplica(replica);

            // Plain reads go there: an instance whose replica does not answer is not ready either.
            health.AddCheck("replica", new ReplicaCheck(options.Store, replica), tags: ["ready"]);
        }

        void Add<TContext>(Action<DbContextOptionsBuilder> use)
            where TContext : DbContext
        {
            services.AddPooledDbContextFactory<TContext>(use);
            services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext()); // for the health check
            scim.AddEntityFrameworkCoreStores<TContext>();
            health.AddDbContextCheck<TContext>("database", tags: ["ready"], customTestQuery: async (db, cancellationToken) =>
            {
                await db.Set<ScimUserEntity>().AnyAsync(cancellationToken); // the table is there and answers
                return true;
            });
        }
    }

    /// <summary>Keeps the resources of one more type (an agent's) in the database's resources table.</summary>
    public static void AddResourceStore(ScimBuilder scim, SampleStore store, string resourceType) =>
        _ = store == SampleStore.Sqlite
            ? scim.AddEntityFrameworkCoreResourceStore<SqliteSampleDbContext>(resourceType)
            : scim.AddEntityFrameworkCoreResourceStore<PostgresSampleDbContext>(resourceType);

    /// <summary>Sample:ConnectionString for SQLite, or the default file in the content root; the file's full path for the startup message.</summary>
    public static string SqliteConnectionString(string? given, string contentRoot, out string description)
    {
        var connectionString = given ?? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = Path.Combine(contentRoot, "scim-sample.db") }.ToString();
        Microsoft.Data.Sqlite.SqliteConnectionStringBuilder parsed;
        try
        {
            parsed = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException error)
        {
            throw new InvalidOperationException($"Sample:ConnectionString is not a SQLite connection string: {error.Message}", error);
        }

        // Each connection to ":memory:" (or to an unnamed file) is a database of its own, which the
        // migration's tables would not outlive: every request would find no tables.
        if (parsed.DataSource is "" or ":memory:" || parsed.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory)
        {
            throw new InvalidOperationException("Sample:ConnectionString names a SQLite database in memory, which lives only as long as one connection; for data kept in memory use --Sample:Store=memory, else name a file.");
        }

        description = Path.GetFullPath(parsed.DataSource);
        return connectionString;
    }

    /// <summary>Sample:ConnectionString for PostgreSQL, with the defaults of <see cref="WithPostgresDefaults"/>; host, port and database (no password) for the startup message.</summary>
    public static string PostgresConnectionString(string? given, out string description)
    {
        if (string.IsNullOrWhiteSpace(given))
        {
            throw new InvalidOperationException("Sample:Store=postgres needs Sample:ConnectionString, e.g. \"Host=localhost;Database=scim;Username=scim;Password=...\".");
        }

        try
        {
            var pg = new Npgsql.NpgsqlConnectionStringBuilder(given);
            description = $"{pg.Host}:{pg.Port}/{pg.Database}";
            return WithPostgresDefaults(given);
        }
        catch (ArgumentException error)
        {
            throw new InvalidOperationException($"Sample:ConnectionString is not a PostgreSQL connection string: {error.Message}", error);
        }
    }

    /// <summary>Sample:ReplicaConnectionString: a read replica of the database, checked like Sample:ConnectionString.</summary>
    public static string ReplicaConnectionString(string replica, SampleStore store)
    {
        try
        {
            _ = store == SampleStore.Sqlite
                ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(replica).DataSource
                : new Npgsql.NpgsqlConnectionStringBuilder(replica).Database;
        }
        catch (ArgumentException error)
        {
            throw new InvalidOperationException($"Sample:ReplicaConnectionString is not a {store.ToString().ToLowerInvariant()} connection string: {error.Message}", error);
        }

        return string.IsNullOrWhiteSpace(replica) ? throw new InvalidOperationException("Sample:ReplicaConnectionString is empty.")
            : store == SampleStore.Postgres ? WithPostgresDefaults(replica) : replica;
    }

    /// <summary>
    /// A PostgreSQL connection string with two defaults for a server under load, each unless the
    /// string sets it itself:
    /// <list type="bullet">
    /// <item><c>Max Auto Prepare=64;Auto Prepare Min Usages=2</c> prepares the statements a connection
    /// sends repeatedly: the server parses and plans each of the store's few statement shapes once
    /// per connection rather than on every request (GET by id measured 1,300 → 2,350 requests/s side by side).</item>
    /// <item><c>No Reset On Close=true</c> keeps a pooled connection's session as it is when it goes back
    /// to the pool: without it the next use first runs <c>RESET ALL</c>, <c>UNLISTEN *</c>,
    /// <c>pg_advisory_unlock_all()</c> and more on the server, each of the two or three times a
    /// request takes a connection from the pool. The stores leave no session state behind (their
    /// locks are transaction-scoped); GET by id measured 2,140 → 2,620 requests/s side by side.</item>
    /// </list>
    /// </summary>
    public static string WithPostgresDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Sets(string key) => given.Keys.Cast<string>().Any(k => k.Replace(" ", string.Empty, StringComparison.Ordinal).Equals(key, StringComparison.OrdinalIgnoreCase));
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!Sets("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ToString();
    }

    /// <summary>Creates the database on first start and brings it to the latest migration.</summary>
    public static async Task MigrateAsync(IServiceProvider services, SampleStore store, string description)
    {
        try
        {
            await MigrateAsync(services, store);
        }
        catch (Exception error) when (error is System.Data.Common.DbException or InvalidOperationException or IOException or TimeoutException)
        {
            throw new InvalidOperationException($"The {store.ToString().ToLowerInvariant()} database ({description}) could not be opened and migrated.", error);
        }
    }

    private static async Task MigrateAsync(IServiceProvider services, SampleStore store)
    {
        await using DbContext db = store == SampleStore.Sqlite
            ? await services.GetRequiredService<IDbContextFactory<SqliteSampleDbContext>>().CreateDbContextAsync()
            : await services.GetRequiredService<IDbContextFactory<PostgresSampleDbContext>>().CreateDbContextAsync();
        if (store == SampleStore.Postgres)
        {
            // Instances started together over one new database would each apply the migrations, and all
            // but one fail on a table that already exists: they take turns on a session lock instead.
            // (The lock is the connection's: it is released explicitly, as a pooled connection keeps it.)
            var creator = db.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync())
            {
                await creator.CreateAsync();
            }

            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(7243101)");
            try
            {
                // EF Core reads the migrations history on a new PostgreSQL database before it creates
                // the table, and logs that read's failure as an error ("Failed executing DbCommand ...
                // __EFMigrationsHistory"): made first, the table is there to read, and a first start
                // logs no error.
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync();
                await db.Database.MigrateAsync();
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(7243101)");
            }

            return;
        }

        // Not the history table first here: opening a connection would make the file, and MigrateAsync,
        // finding it made, would not create the database in WAL mode (EF Core sets that as it creates
        // the file). SQLite's history read logs no error anyway.
        await ReleaseStaleMigrationLockAsync(db);
        await db.Database.MigrateAsync();
    }

    /// <summary>How long a SQLite migration lock may be held before it is taken for one a stopped start left.</summary>
    internal static readonly TimeSpan StaleMigrationLock = TimeSpan.FromSeconds(30);

    /// <summary>
    /// EF Core marks a SQLite database as being migrated with a row in <c>__EFMigrationsLock</c>,
    /// and deletes it when done. A start stopped while migrating (killed, or its container
    /// stopped) leaves the row, and every later start would wait for it forever, printing nothing.
    /// The sample's migrations take a second or two: a row older than <see cref="StaleMigrationLock"/>
    /// is released, with a message; a younger one (another instance migrating the same file now)
    /// is waited for until it goes or grows that old.
    /// </summary>
    private static async Task ReleaseStaleMigrationLockAsync(DbContext db)
    {
        var file = db.Database.GetDbConnection().DataSource;
        if (!File.Exists(file))
        {
            return; // a new database: MigrateAsync creates it
        }

        await db.Database.OpenConnectionAsync();
        try
        {
            var connection = db.Database.GetDbConnection();
            async Task<object?> Scalar(string sql)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                return await command.ExecuteScalarAsync();
            }

            if (await Scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'") is not (long and > 0))
            {
                return;
            }

            var announced = false;
            while (await Scalar("SELECT \"Timestamp\" FROM \"__EFMigrationsLock\" WHERE \"Id\" = 1") is string taken)
            {
                var since = DateTimeOffset.TryParse(taken, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                    ? DateTimeOffset.UtcNow - at
                    : TimeSpan.MaxValue;
                if (since >= StaleMigrationLock)
                {
                    Console.WriteLine($"The database's migration lock was taken at {taken} by a start that stopped while migrating; releasing it.");
                    await Scalar("DELETE FROM \"__EFMigrationsLock\" WHERE \"Id\" = 1");
                    return;
                }

                if (!announced)
                {
                    Console.WriteLine($"The database is being migrated (its migration lock was taken at {taken}); waiting for it to be released, at most until it is {StaleMigrationLock.TotalSeconds:0} seconds old.");
                    announced = true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Whether the read replica answers and has the SCIM tables. A SQLite replica is opened read-only,
    /// so a check never creates the file it looks for.
    /// </summary>
    private sealed class ReplicaCheck(SampleStore store, string connectionString) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
    {
        public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using System.Data.Common.DbConnection connection = store == SampleStore.Sqlite
                    ? new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString) { Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly }.ToString())
                    : new Npgsql.NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1 FROM \"ScimUsers\" LIMIT 1";
                await command.ExecuteScalarAsync(cancellationToken);
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy();
            }
            catch (System.Data.Common.DbException error)
            {
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("The read replica does not answer.", error);
            }
        }
    }
}
