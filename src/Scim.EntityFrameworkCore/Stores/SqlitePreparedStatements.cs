using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

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
/// <para>
/// A store's unit of reads (<see cref="EntityContexts.OpenForReads"/>) does not open EF Core's own
/// connection at all while every statement of it runs on kept connections. Opening and closing it
/// cost about a tenth of a GET by id's time: Microsoft.Data.Sqlite registers EF Core's dozen
/// functions on the connection at each open and removes them at each close. EF Core's open is
/// suppressed in such a unit, and the connection is opened the moment a statement needs it (one
/// that is not kept, anything but a query, a transaction). This is done only for a context with no
/// connection interceptor but this one: another would be told of an open that did not happen.
/// </para>
/// </summary>
internal sealed class SqlitePreparedStatements : DbCommandInterceptor, IDbConnectionInterceptor, IDbTransactionInterceptor
{
    /// <summary>How many SQL texts a kept connection keeps compiled.</summary>
    internal const int MaxTextsPerConnection = 256;

    /// <summary>How many kept connections per database wait for reuse.</summary>
    internal const int MaxIdleConnections = 32;

    private const string SqliteConnectionType = "Microsoft.Data.Sqlite.SqliteConnection";

    private readonly ConcurrentDictionary<string, Database?> _databases = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<DbCommand, Session> _lent = [];
    private readonly ConcurrentDictionary<string, int> _compilations = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<IDbContextOptions, object> _soleConnectionInterceptor = [];
    private long _executions;
    private long _deferredOpens;
    private long _lateOpens;

    /// <summary>The context whose unit of reads this flow is in (<see cref="EntityContexts.OpenForReads"/>).</summary>
    internal static readonly AsyncLocal<DbContext?> Reading = new();

    /// <summary>Suppresses EF Core's open of the connection in a store's unit of reads on a database kept connections share; a statement that needs the connection opens it then.</summary>
    public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        if (result.IsSuppressed || !Defers(connection, eventData.Context))
        {
            return result;
        }

        Interlocked.Increment(ref _deferredOpens);
        return InterceptionResult.Suppress();
    }

    /// <inheritdoc cref="ConnectionOpening"/>
    public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
        new(ConnectionOpening(connection, eventData, result));

    /// <summary>Opens a connection whose open was left, before a transaction begins on it.</summary>
    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        OpenDeferred(connection, eventData);
        return result;
    }

    /// <inheritdoc cref="TransactionStarting"/>
    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default) =>
        new(TransactionStarting(connection, eventData, result));

    /// <inheritdoc />
    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        OpenDeferred(command.Connection, eventData);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        new(NonQueryExecuting(command, eventData, result));

    /// <inheritdoc />
    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        OpenDeferred(command.Connection, eventData);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        new(ScalarExecuting(command, eventData, result));

    /// <inheritdoc />
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (!result.HasResult && DatabaseOf(command) is { } database && database.Run(command, this) is { } reader)
        {
            return InterceptionResult<DbDataReader>.SuppressWithResult(reader);
        }

        OpenDeferred(command.Connection, eventData);
        return result;
    }

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

    /// <summary>How many of EF Core's opens of a connection were left until a statement needs it (for tests).</summary>
    internal long DeferredOpens => Interlocked.Read(ref _deferredOpens);

    /// <summary>How many connections whose open was left were opened for a statement (for tests).</summary>
    internal long LateOpens => Interlocked.Read(ref _lateOpens);

    private Database? DatabaseOf(DbCommand command) =>
        command.Transaction is not null
        || command.CommandType != CommandType.Text
        || command.Connection is not { } connection
        || !command.CommandText.StartsWith("SELECT ", StringComparison.Ordinal)
            ? null
            : DatabaseOf(connection);

    private Database? DatabaseOf(DbConnection connection) =>
        connection.GetType().FullName != SqliteConnectionType
            ? null
            : _databases.GetOrAdd(connection.ConnectionString, static (text, connection) => Shared(text) ? new Database(connection, text) : null, connection);

    /// <summary>Whether EF Core's open of <paramref name="connection"/> waits until a statement needs it.</summary>
    private bool Defers(DbConnection connection, DbContext? context) =>
        context is not null
        && ReferenceEquals(Reading.Value, context)
        && DatabaseOf(connection) is not null
        && SoleConnectionInterceptor(context);

    /// <summary>Whether this is the only connection interceptor of <paramref name="context"/>'s options.</summary>
    private bool SoleConnectionInterceptor(DbContext context)
    {
        var options = context.GetService<IDbContextOptions>();
        if (_soleConnectionInterceptor.TryGetValue(options, out var known))
        {
            return (bool)known; // asked on every read: no callback allocated once the answer is kept
        }

        var sole = options.FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<IDbConnectionInterceptor>().All(i => ReferenceEquals(i, this)) ?? true;
        _soleConnectionInterceptor.AddOrUpdate(options, sole);
        return sole;
    }

    /// <summary>Opens a connection whose open was suppressed (<see cref="Defers"/>), before a statement that needs it.</summary>
    private void OpenDeferred(DbConnection? connection, DbContextEventData eventData)
    {
        if (connection is { State: ConnectionState.Closed } && eventData.Context is { } context && ReferenceEquals(Reading.Value, context))
        {
            connection.Open();
            Interlocked.Increment(ref _lateOpens);
        }
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
            SqliteCaseFunctions.Watch(connection);
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
