// The database floor: the least any SCIM server over the sample's tables must do for a GET by id,
// a `userName eq` lookup, a page of users and a new user (the yardstick's W1 to W4), with nothing between ASP.NET Core and the database driver. It answers
// from a database the sample has created and seeded (the EF Core stores' SCIM-owned tables), so the
// yardstick's W1 to W4 can be measured against it exactly as against the sample, beside the same
// bare endpoint:
//
//   dotnet run -c Release --project tests/Scim.LoadTest -- --serve-floor sqlite|postgres "<connection string>" --urls http://127.0.0.1:5903
//
// and then the yardstick's workloads with the base `http://127.0.0.1:5903/<variant>`, where the
// variant is one of:
//
//   row     the user's row by key (W1) or by normalized userName (W2), one statement kept prepared;
//   store   the statements the EF Core user store sends for the request (W1: the row with its groups
//           folded into one text; W2: the row, then the user's groups; W3: the page's rows, their
//           count, their membership rows, the names of those groups; W4: in one transaction the
//           check that the userName is free, the user's row, the event's row), kept prepared;
//   fresh   the same statements as `store`, prepared again for every request, as EF Core executes
//           them (a new command each time; on PostgreSQL, without automatic preparation).
//
// `row` of a page is its rows alone, of a new user its row alone. Each writes a JSON document of the row's non-null columns, its
// values and its groups (a page: `totalResults` and an array of them). Nothing is
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

    // A page's most users, and so the membership and group-name statements' fixed number of parameters.
    private const int PageMax = 100;

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

                // Only the yardstick's shapes: a page (startIndex, count), or filter=userName eq "<value>".
                if (!context.Request.Query.ContainsKey("filter"))
                {
                    var startIndex = int.TryParse(context.Request.Query["startIndex"], out var i) ? Math.Max(1, i) : 1;
                    var count = int.TryParse(context.Request.Query["count"], out var c) ? Math.Clamp(c, 0, PageMax) : PageMax;
                    await Write(context, await database.PageAsync(variant, startIndex - 1, count));
                    return;
                }

                var filter = context.Request.Query["filter"].ToString();
                var start = filter.IndexOf('"');
                var userName = start < 0 ? string.Empty : filter[(start + 1)..filter.LastIndexOf('"')];
                var body = await database.ByUserNameAsync(variant, userName.ToUpperInvariant());
                await Write(context, body);
            });
        }

        foreach (var variant in Enum.GetValues<Variant>())
        {
            app.MapPost("/" + variant.ToString().ToLowerInvariant() + "/Users", async (HttpContext context) =>
            {
                if (context.Request.Headers.Authorization != token)
                {
                    context.Response.StatusCode = 401;
                    return;
                }

                // Only the yardstick's shape: a user with userName, active, name and one email.
                using var body = await JsonDocument.ParseAsync(context.Request.Body);
                var created = await database.CreateAsync(variant, body.RootElement);
                context.Response.StatusCode = created is null ? 409 : 201;
                await Write(context, created ?? "{}"u8.ToArray());
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

    /// <summary>
    /// A page as the store reads it: its rows; unless <paramref name="rowsOnly"/>, their count, their
    /// membership rows and the names of those groups. Each statement's parameters are named in its
    /// text, and the membership and name statements always take <see cref="PageMax"/> values (the
    /// unused ones empty), so each is one text.
    /// </summary>
    private static async ValueTask<byte[]> PageAsync(DbCommand page, DbCommand count, DbCommand memberships, DbCommand names, int skip, int take, bool rowsOnly)
    {
        page.Parameters["@skip"].Value = skip;
        page.Parameters["@take"].Value = take;
        var rows = new List<object[]>(take);
        await using (var reader = await page.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(Row(reader));
            }
        }

        long total = -1;
        var groupsOf = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        if (!rowsOnly)
        {
            total = Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            for (var i = 0; i < PageMax; i++)
            {
                memberships.Parameters[$"@m{i}"].Value = i < rows.Count ? rows[i][0] : string.Empty;
            }

            var links = new List<(string Member, string Group)>();
            await using (var reader = await memberships.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    links.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            var groupIds = links.Select(l => l.Group).Distinct(StringComparer.Ordinal).Take(PageMax).ToList();
            for (var i = 0; i < PageMax; i++)
            {
                names.Parameters[$"@g{i}"].Value = i < groupIds.Count ? groupIds[i] : string.Empty;
            }

            var nameOf = new Dictionary<string, string>(StringComparer.Ordinal);
            await using (var reader = await names.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    nameOf[reader.GetString(0)] = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
                }
            }

            foreach (var (member, group) in links)
            {
                if (!groupsOf.TryGetValue(member, out var text))
                {
                    groupsOf[member] = text = new StringBuilder();
                }

                text.Append(group).Append('\u001f').Append(nameOf.GetValueOrDefault(group)).Append('\u001e');
            }
        }

        var body = new List<byte>(rows.Count * 1024);
        body.AddRange(Encoding.UTF8.GetBytes($"{{\"totalResults\":{total},\"Resources\":["));
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0)
            {
                body.Add((byte)',');
            }

            body.AddRange(Document(rows[i], groupsOf.GetValueOrDefault((string)rows[i][0])?.ToString()));
        }

        body.AddRange("]}"u8.ToArray());
        return [.. body];
    }

    /// <summary>
    /// A new user as the store writes it, in the transaction the commands are in: unless
    /// <paramref name="rowOnly"/>, the check that its userName is free and its event's row, around
    /// its row. Returns its document, or null when the userName is taken.
    /// </summary>
    private static async ValueTask<byte[]?> CreateAsync(DbCommand taken, DbCommand user, DbCommand change, JsonElement body, bool rowOnly)
    {
        var userName = body.GetProperty("userName").GetString()!;
        var id = Guid.CreateVersion7().ToString();
        var now = DateTime.UtcNow;
        var name = body.GetProperty("name");
        var values = $"{{\"emails\":{body.GetProperty("emails").GetRawText()}}}";
        var version = $"W/\"{Guid.NewGuid():N}\"";
        if (!rowOnly)
        {
            taken.Parameters["@name"].Value = userName.ToUpperInvariant();
            if (Convert.ToBoolean(await taken.ExecuteScalarAsync(), CultureInfo.InvariantCulture))
            {
                return null;
            }
        }

        user.Parameters["@id"].Value = id;
        user.Parameters["@active"].Value = body.GetProperty("active").GetBoolean();
        user.Parameters["@created"].Value = now;
        user.Parameters["@name"].Value = userName.ToUpperInvariant();
        user.Parameters["@username"].Value = userName;
        user.Parameters["@given"].Value = name.GetProperty("givenName").GetString();
        user.Parameters["@family"].Value = name.GetProperty("familyName").GetString();
        user.Parameters["@values"].Value = values;
        user.Parameters["@version"].Value = version;
        await user.ExecuteNonQueryAsync();
        if (!rowOnly)
        {
            change.Parameters["@event"].Value = Guid.CreateVersion7().ToString();
            change.Parameters["@id"].Value = id;
            change.Parameters["@time"].Value = new DateTimeOffset(now).ToUnixTimeMilliseconds();
            change.Parameters["@json"].Value = $"{{\"resourceType\":\"User\",\"resourceId\":\"{id}\",\"kind\":\"Created\",\"version\":{JsonSerializer.Serialize(version)}}}";
            change.Parameters["@dead"].Value = false;
            await change.ExecuteNonQueryAsync();
        }

        var row = Enumerable.Repeat<object>(DBNull.Value, Columns.Length).ToArray();
        void Set(string column, object value) => row[Array.IndexOf(Columns, column)] = value;
        Set("Id", id);
        Set("Active", body.GetProperty("active").GetBoolean());
        Set("Created", now);
        Set("LastModified", now);
        Set("NormalizedUserName", userName.ToUpperInvariant());
        Set("Tenant", Tenant);
        Set("UserName", userName);
        Set("GivenName", name.GetProperty("givenName").GetString()!);
        Set("FamilyName", name.GetProperty("familyName").GetString()!);
        Set("ValuesJson", values);
        Set("Version", version);
        return Document(row, null);
    }

    /// <summary>A command for <paramref name="text"/> with a parameter for each name it uses.</summary>
    private static DbCommand Command(DbConnection connection, string text)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(text, "@[a-z][a-z0-9]*").Select(m => m.Value).Distinct(StringComparer.Ordinal))
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = name == "@tenant" ? Tenant : DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
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

        public string Page => $"SELECT {_columns} FROM \"ScimUsers\" AS s WHERE s.\"Tenant\" = @tenant ORDER BY s.\"Id\" LIMIT @take OFFSET @skip";

        public string Count { get; } = "SELECT COUNT(*) FROM \"ScimUsers\" AS s WHERE s.\"Tenant\" = @tenant";

        public string MembershipsOf { get; } =
            $"SELECT s.\"MemberId\", s.\"GroupId\" FROM \"ScimGroupMembers\" AS s WHERE s.\"MemberId\" IN ({string.Join(", ", Enumerable.Range(0, PageMax).Select(i => $"@m{i}"))})";

        public string GroupNames { get; } =
            $"SELECT s.\"Id\", s.\"DisplayName\" FROM \"ScimGroups\" AS s WHERE s.\"Tenant\" = @tenant AND s.\"Id\" IN ({string.Join(", ", Enumerable.Range(0, PageMax).Select(i => $"@g{i}"))})";

        public string UserNameTaken { get; } =
            "SELECT EXISTS (SELECT 1 FROM \"ScimUsers\" AS s WHERE s.\"Tenant\" = @tenant AND s.\"NormalizedUserName\" = @name)";

        public string InsertUser { get; } = """
            INSERT INTO "ScimUsers" ("Id", "Active", "Created", "LastModified", "NormalizedUserName", "Tenant", "UserName", "GivenName", "FamilyName", "ValuesJson", "Version")
            VALUES (@id, @active, @created, @created, @name, @tenant, @username, @given, @family, @values, @version)
            """;

        public string InsertEvent { get; } = """
            INSERT INTO "ScimEvents" ("EventId", "Tenant", "ResourceType", "ResourceId", "Kind", "Time", "Json", "AvailableAt", "Attempts", "Dead")
            VALUES (@event, @tenant, 'User', @id, 'Created', @time, @json, @time, 0, @dead)
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

        ValueTask<byte[]?> PageAsync(Variant variant, int skip, int take);

        /// <summary>The new user's document; null when its userName is taken.</summary>
        ValueTask<byte[]?> CreateAsync(Variant variant, JsonElement user);
    }

    /// <summary>
    /// SQLite in the process. `row` and `store` keep a connection and its prepared commands per
    /// concurrent request (a small pool of sessions); `fresh` opens a pooled connection and makes
    /// new commands each time, which is what EF Core does.
    /// </summary>
    private sealed class SqliteDatabase(string connectionString, Statements sql) : IDatabase
    {
        private readonly ConcurrentBag<Session> _sessions = [];
        private static readonly SemaphoreSlim Writer = new(1, 1); // one SQLite database per process here
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _normal = [];

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

        public async ValueTask<byte[]?> PageAsync(Variant variant, int skip, int take)
        {
            if (variant == Variant.Fresh)
            {
                await using var connection = new SqliteConnection(connectionString);
                connection.Open();
                await using var page = DatabaseFloor.Command(connection, sql.Page);
                await using var count = DatabaseFloor.Command(connection, sql.Count);
                await using var memberships = DatabaseFloor.Command(connection, sql.MembershipsOf);
                await using var names = DatabaseFloor.Command(connection, sql.GroupNames);
                return await DatabaseFloor.PageAsync(page, count, memberships, names, skip, take, rowsOnly: false);
            }

            var session = Rent();
            try
            {
                return await DatabaseFloor.PageAsync(session.Page, session.Count, session.MembershipsOf, session.GroupNames, skip, take, rowsOnly: variant == Variant.Row);
            }
            finally
            {
                _sessions.Add(session);
            }
        }

        public async ValueTask<byte[]?> CreateAsync(Variant variant, JsonElement user)
        {
            // One writer at a time, as the EF Core stores take turns on SQLite (a second BEGIN
            // IMMEDIATE would meet the file's lock and Microsoft.Data.Sqlite's blocking retry).
            await Writer.WaitAsync();
            try
            {
                if (variant == Variant.Fresh)
                {
                    await using var connection = new SqliteConnection(connectionString);
                    connection.Open();
                    SynchronousNormal(connection);
                    await using var transaction = connection.BeginTransaction();
                    await using var taken = DatabaseFloor.Command(connection, sql.UserNameTaken);
                    await using var row = DatabaseFloor.Command(connection, sql.InsertUser);
                    await using var change = DatabaseFloor.Command(connection, sql.InsertEvent);
                    (taken.Transaction, row.Transaction, change.Transaction) = (transaction, transaction, transaction);
                    var created = await DatabaseFloor.CreateAsync(taken, row, change, user, rowOnly: false);
                    transaction.Commit();
                    return created;
                }

                var session = Rent();
                try
                {
                    await using var transaction = session.Connection.BeginTransaction();
                    (session.UserNameTaken.Transaction, session.InsertUser.Transaction, session.InsertEvent.Transaction) = (transaction, transaction, transaction);
                    var created = await DatabaseFloor.CreateAsync(session.UserNameTaken, session.InsertUser, session.InsertEvent, user, rowOnly: variant == Variant.Row);
                    transaction.Commit();
                    return created;
                }
                finally
                {
                    _sessions.Add(session);
                }
            }
            finally
            {
                Writer.Release();
            }
        }

        // PRAGMA synchronous = NORMAL once per connection to the file, as the sample sets it (WAL mode).
        private void SynchronousNormal(SqliteConnection connection)
        {
            if (connection.Handle is { } handle && _normal.TryAdd(handle, handle))
            {
                using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA synchronous = NORMAL";
                pragma.ExecuteNonQuery();
            }
        }

        private Session Rent()
        {
            if (_sessions.TryTake(out var session))
            {
                return session;
            }

            var connection = new SqliteConnection(connectionString);
            connection.Open();
            SynchronousNormal(connection);
            return new Session(connection, Prepared(connection, sql.Row), Prepared(connection, sql.RowWithGroups),
                Prepared(connection, sql.RowByUserName), Prepared(connection, sql.GroupsOfMember),
                Kept(connection, sql.Page), Kept(connection, sql.Count), Kept(connection, sql.MembershipsOf), Kept(connection, sql.GroupNames),
                Kept(connection, sql.UserNameTaken), Kept(connection, sql.InsertUser), Kept(connection, sql.InsertEvent));
        }

        private static SqliteCommand Prepared(SqliteConnection connection, string text)
        {
            var command = Command(connection, text);
            command.Prepare();
            return command;
        }

        // Compiled at its first execution and kept so, as long as the command and its connection live.
        private static DbCommand Kept(SqliteConnection connection, string text) => DatabaseFloor.Command(connection, text);

        private sealed record Session(SqliteConnection Connection, SqliteCommand Row, SqliteCommand RowWithGroups, SqliteCommand RowByUserName, SqliteCommand GroupsOfMember,
            DbCommand Page, DbCommand Count, DbCommand MembershipsOf, DbCommand GroupNames,
            DbCommand UserNameTaken, DbCommand InsertUser, DbCommand InsertEvent);
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

        public async ValueTask<byte[]?> PageAsync(Variant variant, int skip, int take)
        {
            await using var connection = await (variant == Variant.Fresh ? _unprepared : _prepared).OpenConnectionAsync();
            await using var page = DatabaseFloor.Command(connection, _sql.Page);
            await using var count = DatabaseFloor.Command(connection, _sql.Count);
            await using var memberships = DatabaseFloor.Command(connection, _sql.MembershipsOf);
            await using var names = DatabaseFloor.Command(connection, _sql.GroupNames);
            return await DatabaseFloor.PageAsync(page, count, memberships, names, skip, take, rowsOnly: variant == Variant.Row);
        }

        public async ValueTask<byte[]?> CreateAsync(Variant variant, JsonElement user)
        {
            await using var connection = await (variant == Variant.Fresh ? _unprepared : _prepared).OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var taken = DatabaseFloor.Command(connection, _sql.UserNameTaken);
            await using var row = DatabaseFloor.Command(connection, _sql.InsertUser);
            await using var change = DatabaseFloor.Command(connection, _sql.InsertEvent);
            (taken.Transaction, row.Transaction, change.Transaction) = (transaction, transaction, transaction);
            var created = await DatabaseFloor.CreateAsync(taken, row, change, user, rowOnly: variant == Variant.Row);
            await transaction.CommitAsync();
            return created;
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
