using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Scim.Sample.Data;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample's migrations, for each provider, make the database its model describes (a model
/// change without its migration fails here). On SQLite each migration is applied in one
/// transaction, without EF Core's warning that one could be left half done, and the database
/// they make has the tables, columns, keys and indexes <c>EnsureCreated</c> makes from the model.
/// </summary>
public sealed class SampleMigrationsTests
{
    private const string BeforeResourceMembers = "20261203223422_ScimResources";

    [Fact]
    public void Migrations_EachProvider_NoPendingModelChanges()
    {
        using var sqlite = new SqliteSampleDbContextFactory().CreateDbContext([]);
        using var postgres = new PostgresSampleDbContextFactory().CreateDbContext([]);

        Assert.False(sqlite.Database.HasPendingModelChanges());
        Assert.False(postgres.Database.HasPendingModelChanges());
    }

    [Fact]
    public async Task Sqlite_FreshFile_MigratesWithoutWarnings_ToTheModelsSchema()
    {
        using var folder = new TempFolder();
        var warnings = new Warnings();
        await using (var migrated = Context(folder.File("migrated.db"), warnings))
        {
            await migrated.Database.MigrateAsync(TestContext.Current.CancellationToken);
        }

        await using (var created = Context(folder.File("created.db"), null))
        {
            await created.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        }

        Assert.Empty(warnings.Messages);
        Assert.Equal(Schema(folder.File("created.db")), Schema(folder.File("migrated.db")));
    }

    [Fact]
    public async Task Sqlite_ResourceMembers_KeepsTheRowsItFinds_AndItsKeyCascades()
    {
        using var folder = new TempFolder();
        var file = folder.File("upgraded.db");
        var ct = TestContext.Current.CancellationToken;
        await using (var db = Context(file, null))
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforeResourceMembers, cancellationToken: ct);
        }

        // A user and a group with the user as member, and a group nested in it, as the tables stood then.
        using (var connection = Open(file))
        {
            Insert(connection, "ScimUsers", new() { ["Id"] = "u1" });
            Insert(connection, "ScimGroups", new() { ["Id"] = "g1" });
            Insert(connection, "ScimGroups", new() { ["Id"] = "g2" });
            Insert(connection, "ScimGroupMembers", new() { ["GroupId"] = "g1", ["MemberId"] = "u1", ["UserId"] = "u1" });
            Insert(connection, "ScimGroupMembers", new() { ["GroupId"] = "g1", ["MemberId"] = "g2", ["NestedGroupId"] = "g2" });
        }

        var warnings = new Warnings();
        await using (var db = Context(file, warnings))
        {
            await db.Database.MigrateAsync(ct);
        }

        Assert.Empty(warnings.Messages);
        using (var connection = Open(file))
        {
            Assert.Equal(["g1|g2|g2|||", "g1|u1||||u1"], Rows(connection, """SELECT "GroupId", "MemberId", "NestedGroupId", "ResourceId", "ResourceType", "UserId" FROM "ScimGroupMembers" ORDER BY "MemberId" """));

            // A member kept in ScimResources, deleted with its resource; deleting a user still deletes its rows.
            Insert(connection, "ScimResources", new() { ["ResourceType"] = "Agent", ["Id"] = "a1" });
            Insert(connection, "ScimGroupMembers", new() { ["GroupId"] = "g1", ["MemberId"] = "a1", ["ResourceType"] = "Agent", ["ResourceId"] = "a1" });
            Assert.Equal(3, Rows(connection, """SELECT "MemberId" FROM "ScimGroupMembers" """).Count);
            Execute(connection, """DELETE FROM "ScimResources" WHERE "Id" = 'a1'""");
            Execute(connection, """DELETE FROM "ScimUsers" WHERE "Id" = 'u1'""");
            Assert.Equal(["g2"], Rows(connection, """SELECT "MemberId" FROM "ScimGroupMembers" """));
            Assert.Throws<SqliteException>(() => Insert(connection, "ScimGroupMembers", new() { ["GroupId"] = "g1", ["MemberId"] = "a2", ["ResourceType"] = "Agent", ["ResourceId"] = "a2" }));
        }

        // And back: the resource columns go, with the rows that need them; the others stay.
        await using (var db = Context(file, null))
        {
            using (var connection = Open(file))
            {
                Insert(connection, "ScimResources", new() { ["ResourceType"] = "Agent", ["Id"] = "a3" });
                Insert(connection, "ScimGroupMembers", new() { ["GroupId"] = "g1", ["MemberId"] = "a3", ["ResourceType"] = "Agent", ["ResourceId"] = "a3" });
            }

            await db.GetService<IMigrator>().MigrateAsync(BeforeResourceMembers, cancellationToken: ct);
        }

        using (var connection = Open(file))
        {
            Assert.Equal(["g1|g2|g2|"], Rows(connection, """SELECT "GroupId", "MemberId", "NestedGroupId", "UserId" FROM "ScimGroupMembers" """));
            Assert.DoesNotContain("ResourceId", Rows(connection, """SELECT "name" FROM pragma_table_info('ScimGroupMembers')"""));
        }
    }

    private static SqliteSampleDbContext Context(string file, Warnings? warnings)
    {
        var options = new DbContextOptionsBuilder<SqliteSampleDbContext>().UseSqlite($"Data Source={file};Pooling=False");
        if (warnings is not null)
        {
            options.UseLoggerFactory(LoggerFactory.Create(b => b.AddProvider(warnings)));
        }

        return new SqliteSampleDbContext(options.Options);
    }

    private static SqliteConnection Open(string file)
    {
        var connection = new SqliteConnection($"Data Source={file};Pooling=False;Foreign Keys=True");
        connection.Open();
        return connection;
    }

    /// <summary>Every table's columns, foreign keys and indexes, in a stable order (columns by name: an added column comes last).</summary>
    private static List<string> Schema(string file)
    {
        using var connection = Open(file);
        var schema = new List<string>();
        foreach (var table in Rows(connection, """SELECT "name" FROM sqlite_master WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite_%' AND "name" NOT LIKE '\_\_EF%' ESCAPE '\' ORDER BY "name" """))
        {
            schema.AddRange(Rows(connection, $"""SELECT '{table} column ' || "name" || ' ' || "type" || ' ' || "notnull" || ' ' || "pk" || ' ' || ifnull("dflt_value", '') FROM pragma_table_info('{table}') ORDER BY "name" """));
            schema.AddRange(Rows(connection, $"""SELECT '{table} key ' || "id" || ' ' || "seq" || ' ' || "table" || ' ' || "from" || ' ' || "to" || ' ' || "on_delete" FROM pragma_foreign_key_list('{table}') ORDER BY "table", "from" """).Order(StringComparer.Ordinal));
            foreach (var index in Rows(connection, $"""SELECT "name" || ' ' || "unique" || ' ' || "partial" FROM pragma_index_list('{table}') ORDER BY "name" """))
            {
                var name = index.Split(' ')[0];
                schema.Add($"{table} index {index} " + string.Join(",", Rows(connection, $"""SELECT ifnull("name", '?') FROM pragma_index_info('{name}') ORDER BY "seqno" """)));
            }
        }

        // Foreign keys are numbered in declaration order, which differs between a made and a remade table: compare without the numbers.
        return [.. schema.Select(line => System.Text.RegularExpressions.Regex.Replace(line, @" key \d+ ", " key ")).Order(StringComparer.Ordinal)];
    }

    private static List<string> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? string.Empty : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A row with the given values and, for every other column that takes no NULL and has no default, a value of its type.</summary>
    private static void Insert(SqliteConnection connection, string table, Dictionary<string, string> values)
    {
        foreach (var column in Rows(connection, $"""SELECT "name" || '|' || "type" FROM pragma_table_info('{table}') WHERE "notnull" = 1 AND "dflt_value" IS NULL"""))
        {
            var (name, type) = (column.Split('|')[0], column.Split('|')[1]);
            values.TryAdd(name, type.Equals("TEXT", StringComparison.OrdinalIgnoreCase) ? "x" : "0");
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"""INSERT INTO "{table}" ({string.Join(", ", values.Keys.Select(k => $"\"{k}\""))}) VALUES ({string.Join(", ", values.Keys.Select((_, i) => $"$p{i}"))})""";
        foreach (var (value, i) in values.Values.Select((v, i) => (v, i)))
        {
            command.Parameters.AddWithValue($"$p{i}", value);
        }

        command.ExecuteNonQuery();
    }

    /// <summary>The warnings EF Core logs.</summary>
    private sealed class Warnings : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Warnings warnings, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    warnings.Messages.Enqueue($"{category} {eventId.Id}: {formatter(state, exception)}");
                }
            }
        }
    }

    /// <summary>A folder of its own, deleted after the test.</summary>
    private sealed class TempFolder : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("scim-sample-migrations-").FullName;

        public string File(string name) => Path.Combine(_path, name);

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_path, recursive: true);
        }
    }
}
