using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Scim.Sample.Data;

/// <summary>
/// Sets <c>PRAGMA synchronous = NORMAL</c> on each SQLite connection the sample writes on. The file is
/// in WAL mode (EF Core creates it so); with the default, <c>FULL</c>, every commit waits for the
/// disk to flush the WAL, which is most of a write's time. With <c>NORMAL</c> a commit is durable
/// once the WAL is checkpointed: a crash of the process loses nothing, a power cut can lose the last
/// commits but never corrupts the file (SQLite's own advice for WAL mode). A production host
/// chooses for itself. The setting lives as long as the connection to the file, which the pool
/// keeps across opens, so it is set once per such connection, not on every open.
/// <para>
/// It is set where the sample writes, rather than as a connection opens: as a transaction begins
/// (SQLite refuses the change inside one), and before a statement that runs outside a transaction
/// and commits itself. A context with a connection interceptor other than the library's opens its
/// connection for every read (see "SQLite statements kept compiled" in
/// docs/entity-framework-core.md), which a GET by id pays for with a tenth of its time.
/// </para>
/// </summary>
internal sealed class SqliteSynchronousNormal : DbTransactionInterceptor, IDbCommandInterceptor
{
    private readonly ConditionalWeakTable<object, object> _set = [];

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Set(connection);
        return result;
    }

    public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        Set(connection);
        return new(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            Set(connection);
        }

        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        new(NonQueryExecuting(command, eventData, result));

    private void Set(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } || !_set.TryAdd(handle, handle))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = NORMAL";
        command.ExecuteNonQuery();
    }
}
