using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// Runs SQLite queries on statements that stay compiled. Microsoft.Data.Sqlite keeps a statement
/// compiled only as long as the command that ran it and the connection it ran on stay open, and EF
/// Core makes a new command for every execution and closes its connection after each unit of work,
/// so every query compiled its SQL again: that was about three quarters of SQLite's time under a GET
/// by id, and three quarters of the whole request's time in a floor measurement (see
/// docs/performance.md).
/// <list type="bullet">
/// <item>A query that runs outside a transaction (a <c>SELECT</c> with no transaction on its command)
/// runs instead on a connection this class keeps open to the same database, on a command kept per SQL
/// text, with the same parameter objects. Outside a transaction every SQLite statement reads the
/// latest committed state, so another connection to the same file reads what EF Core's would.</item>
/// <item>Everything else runs as EF Core made it: a statement in a transaction (writes, and reads that
/// must see the transaction's own rows), anything but a <c>SELECT</c>, and every database a second
/// connection would not share (<c>:memory:</c>, a private in-memory or temporary database).</item>
/// <item>A text that fails on a kept connection (a function or collation the host registered on its
/// own connections only) is run by EF Core from then on; a <c>SELECT</c> changes nothing, so running
/// it again is safe.</item>
/// <item>Each kept connection keeps at most <see cref="MaxTextsPerConnection"/> texts; at most
/// <see cref="MaxIdleConnections"/> connections per database wait for reuse, the rest are closed.</item>
/// </list>
/// Only connections of Microsoft.Data.Sqlite are touched; on any other provider it does nothing.
/// </summary>
internal sealed class SqlitePreparedStatements : DbCommandInterceptor
{
    /// <summary>How many SQL texts a kept connection keeps compiled.</summary>
    internal const int MaxTextsPerConnection = 256;

    /// <summary>How many kept connections per database wait for reuse.</summary>
    internal const int MaxIdleConnections = 32;

    private const string SqliteConnectionType = "Microsoft.Data.Sqlite.SqliteConnection";

    private readonly ConcurrentDictionary<string, Database?> _databases = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<DbCommand, Session> _lent = [];
    private readonly ConcurrentDictionary<string, int> _compilations = new(StringComparer.Ordinal);
    private long _executions;

    /// <inheritdoc />
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        result.HasResult || DatabaseOf(command) is not { } database || database.Run(command, this) is not { } reader
            ? result
            : InterceptionResult<DbDataReader>.SuppressWithResult(reader);

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        new(ReaderExecuting(command, eventData, result)); // Microsoft.Data.Sqlite runs every command synchronously

    /// <inheritdoc />
    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (_lent.TryGetValue(command, out var session))
        {
            _lent.Remove(command);

            // The reader is disposed here, before its connection goes back for another flow to use.
            eventData.DataReader.Dispose();
            session.Database.Return(session);
        }

        return result;
    }

    /// <summary>How many kept connections are open now, over every database (for tests).</summary>
    internal int OpenConnections => _databases.Values.Sum(d => d?.Open ?? 0);

    /// <summary>How many times each text was compiled on a kept connection (for tests).</summary>
    internal IReadOnlyDictionary<string, int> Compilations => _compilations;

    /// <summary>How many queries ran on kept connections (for tests).</summary>
    internal long Executions => Interlocked.Read(ref _executions);

    private Database? DatabaseOf(DbCommand command)
    {
        if (command.Transaction is not null
            || command.CommandType != CommandType.Text
            || command.Connection is not { } connection
            || connection.GetType().FullName != SqliteConnectionType
            || !command.CommandText.StartsWith("SELECT ", StringComparison.Ordinal))
        {
            return null;
        }

        return _databases.GetOrAdd(connection.ConnectionString, static (text, connection) => Shared(text) ? new Database(connection, text) : null, connection);
    }

    /// <summary>Whether a second connection with this connection string opens the same database.</summary>
    private static bool Shared(string connectionString)
    {
        var options = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Value(params string[] keys) => keys.Select(k => options.TryGetValue(k, out var v) ? v?.ToString() : null).FirstOrDefault(v => v is not null);

        var file = Value("Data Source", "DataSource", "Filename");
        var mode = Value("Mode");
        var cache = Value("Cache");
        if (string.IsNullOrEmpty(file) || file == ":memory:")
        {
            return false; // a private temporary or in-memory database of each connection
        }

        return !string.Equals(mode, "Memory", StringComparison.OrdinalIgnoreCase) || string.Equals(cache, "Shared", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The kept connections to one database, and the texts that must run on EF Core's own.</summary>
    private sealed class Database(DbConnection template, string connectionString)
    {
        private readonly DbProviderFactory _factory = DbProviderFactories.GetFactory(template)!;
        private readonly ConcurrentBag<Session> _idle = [];
        private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);
        private int _open;

        public int Open => Volatile.Read(ref _open);

        /// <summary>Runs the query on a kept connection: its reader, or null when EF Core must run it.</summary>
        public DbDataReader? Run(DbCommand original, SqlitePreparedStatements owner)
        {
            var text = original.CommandText;
            if (_refused.ContainsKey(text))
            {
                return null;
            }

            var session = Rent();
            var kept = session.Command(text, owner._compilations);
            if (kept is null)
            {
                Return(session);
                return null;
            }

            kept.CommandTimeout = original.CommandTimeout;
            kept.Parameters.Clear();
            foreach (DbParameter parameter in original.Parameters)
            {
                // SQLite's parameters belong to no collection: the same objects, with every facet EF Core set, are bound.
                kept.Parameters.Add(parameter);
            }

            DbDataReader reader;
            try
            {
                reader = kept.ExecuteReader();
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                // Not compiled here (a function or collation only EF Core's connections have), or a
                // failure EF Core should report as its own: it runs the text itself, now and from now on.
                _refused.TryAdd(text, true);
                session.Forget(text);
                Return(session);
                return null;
            }

            owner._lent.AddOrUpdate(original, session);
            Interlocked.Increment(ref owner._executions);
            return reader;
        }

        public void Return(Session session)
        {
            if (_idle.Count < MaxIdleConnections)
            {
                _idle.Add(session);
                return;
            }

            Interlocked.Decrement(ref _open);
            session.Connection.Dispose();
        }

        private Session Rent()
        {
            if (_idle.TryTake(out var session))
            {
                return session;
            }

            var connection = _factory.CreateConnection()!;
            connection.ConnectionString = connectionString;
            connection.Open();
            Interlocked.Increment(ref _open);
            return new Session(this, connection);
        }
    }

    /// <summary>One kept connection and its commands by text; used by one flow at a time.</summary>
    private sealed class Session(Database database, DbConnection connection)
    {
        private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

        public Database Database { get; } = database;

        public DbConnection Connection { get; } = connection;

        /// <summary>The kept command for <paramref name="text"/>; null when this connection keeps as many as it may.</summary>
        public DbCommand? Command(string text, ConcurrentDictionary<string, int> compilations)
        {
            if (_commands.TryGetValue(text, out var command))
            {
                return command;
            }

            if (_commands.Count >= MaxTextsPerConnection)
            {
                return null;
            }

            command = Connection.CreateCommand();
            command.CommandText = text; // compiled at its first execution, and kept so from then on
            _commands[text] = command;
            compilations.AddOrUpdate(text, 1, static (_, n) => n + 1);
            return command;
        }

        public void Forget(string text)
        {
            if (_commands.Remove(text, out var command))
            {
                command.Dispose();
            }
        }
    }
}
