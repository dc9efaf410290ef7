using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Scim.Sample.Data;

/// <summary>
/// Sets <c>PRAGMA synchronous = NORMAL</c> on each SQLite connection the sample opens. The file is
/// in WAL mode (EF Core creates it so); with the default, <c>FULL</c>, every commit waits for the
/// disk to flush the WAL, which is most of a write's time. With <c>NORMAL</c> a commit is durable
/// once the WAL is checkpointed: a crash of the process loses nothing, a power cut can lose the last
/// commits but never corrupts the file (SQLite's own advice for WAL mode). A production host
/// chooses for itself. The setting lives as long as the connection to the file, which the pool
/// keeps across opens, so it is set once per such connection, not on every open.
/// </summary>
internal sealed class SqliteSynchronousNormal : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<object, object> _set = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Set(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Set(connection);
        return Task.CompletedTask;
    }

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
