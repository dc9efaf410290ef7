using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// Records every command EF Core sends to the database: its text and its parameter values; and,
/// apart from them, every savepoint EF Core creates (a <c>SAVEPOINT</c> goes through the
/// transaction, not through a command).
/// </summary>
public sealed class SqlLog : DbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConcurrentQueue<SqlCommand> _commands = new();
    private int _savepoints;

    /// <summary>The commands since the last <see cref="Clear"/>, in order.</summary>
    public IReadOnlyList<SqlCommand> Commands => [.. _commands];

    /// <summary>
    /// The commands since the last <see cref="Clear"/> that requests sent, in order: without the
    /// event outbox's delivery, which polls on its own in the background (its advisory lock on
    /// PostgreSQL and its statements over the <c>ScimEvent...</c> tables). A request's own event
    /// row, an <c>INSERT</c>, stays.
    /// </summary>
    public IReadOnlyList<SqlCommand> RequestCommands =>
        [.. _commands.Where(c => !c.Text.Contains("pg_advisory_xact_lock", StringComparison.Ordinal)
            && (!c.Text.Contains("\"ScimEvent", StringComparison.Ordinal) || c.Text.TrimStart().StartsWith("INSERT", StringComparison.Ordinal)))];

    /// <summary>Called with each non-query command's text once it has run (a test's hook: to cancel a caller between two statements).</summary>
    public Action<string>? AfterNonQuery { get; set; }

    /// <summary>
    /// Called with each query's text once it has run and before its rows are read, and awaited (a
    /// test's hook: to hold a write in its transaction right after a statement took its locks).
    /// </summary>
    public Func<string, Task>? AfterReader { get; set; }

    /// <summary>The savepoints EF Core created since the last <see cref="Clear"/> (each one a <c>SAVEPOINT</c> and, after it, a <c>RELEASE</c> or a rollback to it).</summary>
    public int Savepoints => Volatile.Read(ref _savepoints);

    /// <summary>Forgets the commands and savepoints recorded so far.</summary>
    public void Clear()
    {
        _commands.Clear();
        Volatile.Write(ref _savepoints, 0);
    }

    InterceptionResult IDbTransactionInterceptor.CreatingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        Interlocked.Increment(ref _savepoints);
        return result;
    }

    ValueTask<InterceptionResult> IDbTransactionInterceptor.CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _savepoints);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (AfterReader is { } hook)
        {
            await hook(command.CommandText);
        }

        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        AfterNonQuery?.Invoke(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command, eventData);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command, CommandEventData eventData) =>
        _commands.Enqueue(new SqlCommand(command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))], eventData.Context?.ContextId));
}

/// <summary>One command as it was sent.</summary>
/// <param name="Text">The SQL.</param>
/// <param name="Parameters">The parameters' names and values.</param>
/// <param name="Context">The context (and, for a pooled one, its lease) that sent it.</param>
public sealed record SqlCommand(string Text, IReadOnlyList<(string Name, object? Value)> Parameters, DbContextId? Context = null);
