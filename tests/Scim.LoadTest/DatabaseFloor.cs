// The database floor: the least any SCIM server over the sample's tables must do for a GET by id
// and a `userName eq` lookup, with nothing between ASP.NET Core and the database driver. It answers
// from a database the sample has created and seeded (the EF Core stores' SCIM-owned tables), so the
// yardstick's W1 and W2 can be measured against it exactly as against the sample, beside the same
// bare endpoint:
//
//   dotnet run -c Release --project tests/Scim.LoadTest -- --serve-floor sqlite|postgres "<connection string>" --urls http://127.0.0.1:5903
//
// and then the yardstick's workloads with the base `http://127.0.0.1:5903/<variant>`, where the
// variant is one of:
//
//   row     the user's row by key (W1) or by normalized userName (W2), one statement kept prepared;
//   store   the statements the EF Core user store sends for the request (W1: the row with its groups
//           folded into one text; W2: the row, then the user's groups), kept prepared;
//   fresh   the same statements as `store`, prepared again for every request, as EF Core executes
//           them (a new command each time; on PostgreSQL, without automatic preparation).
//
// Each writes a JSON document of the row's non-null columns, its values and its groups. Nothing is
// validated or shaped to SCIM beyond that: this is a lower bound for a request's cost on this
// machine, not a server.
using System.Buffers;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

internal static class DatabaseFloor
{
    private const string Tenant = "default";

    private static readonly string[] Columns =
    [
        "Id", "Active", "CostCenter", "Created", "Department", "DisplayName", "Division", "EmployeeNumber",
        "Extensions", "ExternalId", "FamilyName", "GivenName", "HonorificPrefix", "HonorificSuffix",
        "LastModified", "Locale", "ManagerDisplayName", "ManagerId", "ManagerRef", "MiddleName",
        "NameFormatted", "NickName", "NormalizedUserName", "Organization", "PreferredLanguage",
        "ProfileUrl", "Tenant", "Timezone", "Title", "UserName", "UserType", "ValuesJson", "Version",
    ];

    public static int Run(string[] args)
    {
        if (args.Length < 2 || args[0] is not ("sqlite" or "postgres"))
        {
            Console.Error.WriteLine("usage: --serve-floor sqlite|postgres \"<connection string>\" [--urls ...]");
            return 2;
        }

        var sqlite = args[0] == "sqlite";
        var statements = new Statements(sqlite);
        IDatabase database = sqlite ? new SqliteDatabase(args[1], statements) : new PostgresDatabase(args[1], statements);

        var builder = WebApplication.CreateSlimBuilder(args[2..]);
        builder.Logging.ClearProviders(); // as the bare endpoint: no per-request console lines
        var app = builder.Build();
        var token = "Bearer " + (app.Configuration["Floor:Token"] ?? "tok");
        foreach (var variant in Enum.GetValues<Variant>())
        {
            var prefix = "/" + variant.ToString().ToLowerInvariant();
            app.MapGet(prefix + "/Users/{id}", async (HttpContext context, string id) =>
            {
                if (context.Request.Headers.Authorization != token)
                {
                    context.Response.StatusCode = 401;
                    return;
                }

                var body = await database.ByIdAsync(variant, id);
                await Write(context, body);
            });
            app.MapGet(prefix + "/Users", async (HttpContext context) =>
            {
                if (context.Request.Headers.Authorization != token)
                {
                    context.Response.StatusCode = 401;
                    return;
                }

                // Only the yardstick's shape: filter=userName eq "<value>".
                var filter = context.Request.Query["filter"].ToString();
                var start = filter.IndexOf('"');
                var userName = start < 0 ? string.Empty : filter[(start + 1)..filter.LastIndexOf('"')];
                var body = await database.ByUserNameAsync(variant, userName.ToUpperInvariant());
                await Write(context, body);
            });
        }

        app.Run();
        return 0;
    }

    private static Task Write(HttpContext context, byte[]? body)
    {
        if (body is null)
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }

        context.Response.ContentType = "application/scim+json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>The row's columns, read before the reader moves on or closes.</summary>
    private static object[] Row(DbDataReader reader)
    {
        var values = new object[Columns.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.GetValue(i);
        }

        return values;
    }

    /// <summary>A row and its groups as one JSON document.</summary>
    private static byte[] Document(object[] row, string? groups)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (var i = 0; i < Columns.Length; i++)
            {
                if (row[i] is DBNull)
                {
                    continue;
                }

                if (Columns[i] is "ValuesJson" or "Extensions")
                {
                    json.WritePropertyName(Columns[i]);
                    json.WriteRawValue((string)row[i], skipInputValidation: true);
                }
                else
                {
                    json.WriteString(Columns[i], Convert.ToString(row[i], CultureInfo.InvariantCulture));
                }
            }

            json.WriteString("groups", groups);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The rows of the one-member groups statement, folded as the one-statement read folds them (SQLite: read synchronously).</summary>
    private static string Groups(DbDataReader reader)
    {
        var joined = new StringBuilder();
        while (reader.Read())
        {
            joined.Append(reader.GetString(0)).Append('\u001f').Append(reader.IsDBNull(1) ? string.Empty : reader.GetString(1)).Append('\u001e');
        }

        return joined.ToString();
    }

    private enum Variant
    {
        Row,
        Store,
        Fresh,
    }

    /// <summary>The SQL texts, as the EF Core stores send them on each provider.</summary>
    private sealed class Statements(bool sqlite)
    {
        private readonly string _columns = string.Join(", ", Columns.Select(c => $"s.\"{c}\""));

        private string Concat => sqlite ? "group_concat" : "string_agg";

        public string Row => $"SELECT {_columns} FROM \"ScimUsers\" AS s WHERE s.\"Id\" = @id AND s.\"Tenant\" = @tenant LIMIT 1";

        public string RowByUserName =>
            $"SELECT {_columns} FROM \"ScimUsers\" AS s WHERE s.\"Tenant\" = @tenant AND s.\"NormalizedUserName\" = @name ORDER BY s.\"Id\" LIMIT 2 OFFSET 0";

        public string RowWithGroups => $"""
            SELECT {_columns}, (
                SELECT COALESCE({Concat}(COALESCE((
                    SELECT replace(replace(replace(s1."Id", '\', '\\'), '{'\u001e'}', '\r'), '{'\u001f'}', '\u') || '{'\u001f'}' || replace(replace(replace(s1."DisplayName", '\', '\\'), '{'\u001e'}', '\r'), '{'\u001f'}', '\u')
                    FROM "ScimGroups" AS s1
                    WHERE s1."Id" = s0."GroupId" AND s1."Tenant" = @tenant
                    LIMIT 1), ''), '{'\u001e'}'), '')
                FROM "ScimGroupMembers" AS s0
                WHERE s0."MemberId" = s."Id"
                GROUP BY s0."MemberId"
                LIMIT 1) AS "Groups", (
                SELECT s2."NestedGroupId"
                FROM "ScimGroupMembers" AS s2
                WHERE s2."NestedGroupId" IS NOT NULL
                ORDER BY s2."NestedGroupId"
                LIMIT 1) IS NOT NULL AS "Nested"
            FROM "ScimUsers" AS s
            WHERE s."Id" = @id AND s."Tenant" = @tenant
            LIMIT 1
            """;

        public string GroupsOfMember { get; } = """
            SELECT s."GroupId" AS "Id", (
                SELECT s1."DisplayName"
                FROM "ScimGroups" AS s1
                WHERE s1."Id" = s."GroupId"
                LIMIT 1) AS "Name", (
                SELECT s2."NestedGroupId"
                FROM "ScimGroupMembers" AS s2
                WHERE s2."NestedGroupId" IS NOT NULL
                ORDER BY s2."NestedGroupId"
                LIMIT 1) IS NOT NULL AS "Nested"
            FROM "ScimGroupMembers" AS s
            WHERE s."MemberId" = @id AND EXISTS (
                SELECT 1
                FROM "ScimGroups" AS s0
                WHERE s0."Id" = s."GroupId" AND s0."Tenant" = @tenant)
            """;
    }

    private interface IDatabase
    {
        ValueTask<byte[]?> ByIdAsync(Variant variant, string id);

        ValueTask<byte[]?> ByUserNameAsync(Variant variant, string normalizedUserName);
    }

    /// <summary>
    /// SQLite in the process. `row` and `store` keep a connection and its prepared commands per
    /// concurrent request (a small pool of sessions); `fresh` opens a pooled connection and makes
    /// new commands each time, which is what EF Core does.
    /// </summary>
    private sealed class SqliteDatabase(string connectionString, Statements sql) : IDatabase
    {
        private readonly ConcurrentBag<Session> _sessions = [];

        public ValueTask<byte[]?> ByIdAsync(Variant variant, string id)
        {
            if (variant == Variant.Fresh)
            {
                using var connection = new SqliteConnection(connectionString);
                connection.Open();
                using var command = Command(connection, sql.RowWithGroups);
                return new(Read(command, id, groupsColumn: true));
            }

            var session = Rent();
            try
            {
                return new(variant == Variant.Row
                    ? Read(session.Row, id, groupsColumn: false)
                    : Read(session.RowWithGroups, id, groupsColumn: true));
            }
            finally
            {
                _sessions.Add(session);
            }
        }

        public ValueTask<byte[]?> ByUserNameAsync(Variant variant, string normalizedUserName)
        {
            if (variant == Variant.Fresh)
            {
                using var connection = new SqliteConnection(connectionString);
                connection.Open();
                using var row = Command(connection, sql.RowByUserName);
                using var groups = Command(connection, sql.GroupsOfMember);
                return new(Lookup(row, groups, normalizedUserName));
            }

            var session = Rent();
            try
            {
                return new(Lookup(session.RowByUserName, variant == Variant.Row ? null : session.GroupsOfMember, normalizedUserName));
            }
            finally
            {
                _sessions.Add(session);
            }
        }

        private static SqliteCommand Command(SqliteConnection connection, string text)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            command.Parameters.Add(text.Contains("@id", StringComparison.Ordinal) ? "@id" : "@name", SqliteType.Text);
            command.Parameters.AddWithValue("@tenant", Tenant);
            return command;
        }

        private static byte[]? Read(SqliteCommand command, string id, bool groupsColumn)
        {
            command.Parameters[0].Value = id;
            using var reader = command.ExecuteReader();
            return reader.Read() ? Document(Row(reader), groupsColumn && !reader.IsDBNull(Columns.Length) ? reader.GetString(Columns.Length) : null) : null;
        }

        private static byte[]? Lookup(SqliteCommand row, SqliteCommand? groups, string normalizedUserName)
        {
            row.Parameters[0].Value = normalizedUserName;
            object[] values;
            using (var reader = row.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                values = Row(reader);
            }

            if (groups is null)
            {
                return Document(values, null);
            }

            groups.Parameters[0].Value = values[0];
            using var groupReader = groups.ExecuteReader();
            return Document(values, Groups(groupReader));
        }

        private Session Rent()
        {
            if (_sessions.TryTake(out var session))
            {
                return session;
            }

            var connection = new SqliteConnection(connectionString);
            connection.Open();
            return new Session(connection, Prepared(connection, sql.Row), Prepared(connection, sql.RowWithGroups),
                Prepared(connection, sql.RowByUserName), Prepared(connection, sql.GroupsOfMember));
        }

        private static SqliteCommand Prepared(SqliteConnection connection, string text)
        {
            var command = Command(connection, text);
            command.Prepare();
            return command;
        }

        private sealed record Session(SqliteConnection Connection, SqliteCommand Row, SqliteCommand RowWithGroups, SqliteCommand RowByUserName, SqliteCommand GroupsOfMember);
    }

    /// <summary>
    /// PostgreSQL through Npgsql's pool, as a server would use it: `row` and `store` on a data source
    /// that prepares statements automatically, `fresh` on one that does not. Neither resets the
    /// session when a connection returns to the pool (the sample's setting).
    /// </summary>
    private sealed class PostgresDatabase : IDatabase
    {
        private readonly NpgsqlDataSource _prepared;
        private readonly NpgsqlDataSource _unprepared;
        private readonly Statements _sql;

        public PostgresDatabase(string connectionString, Statements sql)
        {
            _sql = sql;
            _prepared = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 20, AutoPrepareMinUsages = 2 });
            _unprepared = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 0 });
        }

        public async ValueTask<byte[]?> ByIdAsync(Variant variant, string id)
        {
            var source = variant == Variant.Fresh ? _unprepared : _prepared;
            await using var connection = await source.OpenConnectionAsync();
            await using var command = Command(connection, variant == Variant.Row ? _sql.Row : _sql.RowWithGroups, id);
            await using var reader = await command.ExecuteReaderAsync();
            return await reader.ReadAsync()
                ? Document(Row(reader), variant != Variant.Row && !reader.IsDBNull(Columns.Length) ? reader.GetString(Columns.Length) : null)
                : null;
        }

        public async ValueTask<byte[]?> ByUserNameAsync(Variant variant, string normalizedUserName)
        {
            var source = variant == Variant.Fresh ? _unprepared : _prepared;
            await using var connection = await source.OpenConnectionAsync();
            object[] values;
            await using (var row = Command(connection, _sql.RowByUserName, normalizedUserName))
            await using (var reader = await row.ExecuteReaderAsync())
            {
                if (!await reader.ReadAsync())
                {
                    return null;
                }

                values = Row(reader);
            }

            if (variant == Variant.Row)
            {
                return Document(values, null);
            }

            await using var groups = Command(connection, _sql.GroupsOfMember, (string)values[0]);
            await using var groupReader = await groups.ExecuteReaderAsync();
            var joined = new StringBuilder();
            while (await groupReader.ReadAsync())
            {
                joined.Append(groupReader.GetString(0)).Append('\u001f').Append(groupReader.IsDBNull(1) ? string.Empty : groupReader.GetString(1)).Append('\u001e');
            }

            return Document(values, joined.ToString());
        }

        private static NpgsqlCommand Command(NpgsqlConnection connection, string text, string key)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            command.Parameters.AddWithValue(text.Contains("@id", StringComparison.Ordinal) ? "id" : "name", key);
            command.Parameters.AddWithValue("tenant", Tenant);
            return command;
        }
    }
}
