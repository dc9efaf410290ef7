using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// What a database's failure means for SCIM, for any relational provider: a unique index that
/// fired is a uniqueness conflict (409) on the attribute its column holds; a serialization failure,
/// deadlock or busy database is a lost race, to run again. Read from the provider's exception
/// without referring to the provider: PostgreSQL's SQLSTATE, SQLite's error code and message.
/// </summary>
internal static class DatabaseFailures
{
    // PostgreSQL SQLSTATEs (Appendix A of its manual): unique_violation, serialization_failure, deadlock_detected.
    private const string UniqueViolation = "23505";
    private const string SerializationFailure = "40001";
    private const string DeadlockDetected = "40P01";
    private const string ForeignKeyViolation = "23503";
    private const string StringDataRightTruncation = "22001";
    private const string NumericValueOutOfRange = "22003";
    private const string DatetimeFieldOverflow = "22008";
    private const string NotNullViolation = "23502";

    // SQLite result codes: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CONSTRAINT.
    private const string UndefinedTable = "42P01";
    private const int SqliteError = 1;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraint = 19;

    /// <summary>Whether running the same transaction again may succeed.</summary>
    public static bool IsLostRace(Exception exception)
    {
        if (exception is DbUpdateConcurrencyException)
        {
            return true;
        }

        var database = Find(exception);
        return database is not null
            && (database.SqlState is SerializationFailure or DeadlockDetected || SqliteCode(database) is SqliteBusy or SqliteLocked);
    }

    /// <summary>Whether a value was longer than its column (a length the model does not declare, so it was not checked before).</summary>
    public static bool IsTooLong(Exception exception) => Find(exception)?.SqlState == StringDataRightTruncation;

    /// <summary>
    /// Whether a number or a time was outside what its column keeps (PostgreSQL: a number with more
    /// digits before the point than a <c>numeric(p, s)</c> column allows, a time past its range).
    /// </summary>
    public static bool IsOutOfRange(Exception exception) => Find(exception)?.SqlState is NumericValueOutOfRange or DatetimeFieldOverflow;

    /// <summary>
    /// Whether a foreign key fired: a row the write refers to (a member user) was deleted by a
    /// request that committed first. Read again, the write no longer refers to it.
    /// </summary>
    public static bool IsMissingReference(Exception exception)
    {
        if (exception is MemberDeletedMeanwhileException)
        {
            return true;
        }

        var database = Find(exception);
        return database is not null
            && (database.SqlState == ForeignKeyViolation || (SqliteCode(database) == SqliteConstraint && database.Message.Contains("FOREIGN KEY constraint failed", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Whether a column that cannot be NULL was given none (a write action of the host's that leaves
    /// a non-nullable column empty): the entity property of that column when it is of the entity's
    /// own table and known (PostgreSQL names the column, SQLite's message does), else null.
    /// </summary>
    public static bool IsNotNullViolation(Exception exception, DbContext context, Type entityType, out string? property)
    {
        property = null;
        var database = Find(exception);
        string? table = null, column = null;
        if (database?.SqlState == NotNullViolation)
        {
            table = database.GetType().GetProperty("TableName")?.GetValue(database) as string;
            column = database.GetType().GetProperty("ColumnName")?.GetValue(database) as string;
        }
        else if (database is not null && SqliteCode(database) == SqliteConstraint && database.Message.Contains("NOT NULL constraint failed:", StringComparison.Ordinal))
        {
            // "SQLite Error 19: 'NOT NULL constraint failed: Accounts.DisplayName'."
            const string Failed = "NOT NULL constraint failed:";
            var parts = database.Message[(database.Message.IndexOf(Failed, StringComparison.Ordinal) + Failed.Length)..].Trim().TrimEnd('.', '\'').Split('.');
            (table, column) = parts.Length == 2 ? (parts[0], parts[1]) : (null, null);
        }
        else
        {
            return false;
        }

        var entity = context.Model.FindEntityType(entityType);
        if (entity?.GetTableName() is { } own && string.Equals(own, table, StringComparison.OrdinalIgnoreCase) && column is not null)
        {
            var store = StoreObjectIdentifier.Table(own, entity.GetSchema());
            property = entity.GetProperties().FirstOrDefault(p => string.Equals(p.GetColumnName(store), column, StringComparison.OrdinalIgnoreCase))?.Name;
        }

        return true;
    }

    /// <summary>The name of the constraint that fired, where the provider tells it (PostgreSQL); SQLite does not.</summary>
    public static string? ConstraintName(Exception exception) =>
        Find(exception) is { } database ? database.GetType().GetProperty("ConstraintName")?.GetValue(database) as string : null;

    /// <summary>
    /// When a unique index (or key) fired: the entity properties whose columns it covers, in the
    /// index's order (empty when they are not known), or <see langword="false"/> when the failure
    /// is something else. On SQLite, which names the columns, a column of the entity's table that
    /// the model has no property for (one the host added outside EF Core) is given by its own name,
    /// so the conflict names it rather than the schema's unique attribute; an index on an expression
    /// (named by the index only) or of another table stays not known.
    /// </summary>
    public static bool IsUniqueViolation(Exception exception, DbContext context, Type entityType, out IReadOnlyList<string> properties)
    {
        properties = [];
        var database = Find(exception);
        if (database is null)
        {
            return false;
        }

        var entity = context.Model.FindEntityType(entityType);
        if (database.SqlState == UniqueViolation)
        {
            // Npgsql names the constraint; the model knows which index (or key) has that name.
            var constraint = database.GetType().GetProperty("ConstraintName")?.GetValue(database) as string;
            var covered = entity?.GetIndexes().FirstOrDefault(i => i.GetDatabaseName() == constraint)?.Properties
                ?? entity?.GetKeys().FirstOrDefault(k => k.GetName() == constraint)?.Properties;
            properties = covered is null ? [] : [.. covered.Select(p => p.Name)];
            return true;
        }

        if (SqliteCode(database) == SqliteConstraint && database.Message.Contains("UNIQUE constraint failed", StringComparison.Ordinal))
        {
            // "SQLite Error 19: 'UNIQUE constraint failed: Accounts.Email[, Accounts.Other]'."
            // "UNIQUE constraint failed: index 'IX_...'" (an index on an expression) names no column.
            const string Failed = "UNIQUE constraint failed:";
            var columns = database.Message[(database.Message.IndexOf(Failed, StringComparison.Ordinal) + Failed.Length)..].Split(',', StringSplitOptions.TrimEntries);
            var table = StoreObjectIdentifier.Table(entity?.GetTableName() ?? string.Empty, entity?.GetSchema());
            // Only the entity's own table's columns: an index of another table the write touched
            // (a membership's key, an event's id) says nothing of the resource's attributes.
            properties = [.. columns
                .Select(c => c.TrimEnd('\'', '.'))
                .Where(c => !c.StartsWith("index ", StringComparison.Ordinal))
                .Select(c => c.Split('.'))
                .Where(parts => parts.Length == 2 && string.Equals(parts[0], table.Name, StringComparison.OrdinalIgnoreCase))
                .Select(parts => entity?.GetProperties().FirstOrDefault(p => string.Equals(p.GetColumnName(table), parts[1], StringComparison.OrdinalIgnoreCase))?.Name ?? parts[1])];
            return true;
        }

        return false;
    }

    /// <summary>
    /// Whether a statement named a table the database does not have (the model grew, the
    /// database did not: <c>ApplyScimEvents()</c> added to a database made by <c>EnsureCreated</c>,
    /// a migration not applied), and that table's name.
    /// </summary>
    public static bool IsMissingTable(Exception exception, out string? table)
    {
        table = null;
        var database = Find(exception);
        if (database?.SqlState == UndefinedTable)
        {
            // relation "ScimEvents" does not exist
            var message = database.Message;
            var start = message.IndexOf('"', StringComparison.Ordinal);
            var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
            table = end > start ? message[(start + 1)..end] : null;
            return true;
        }

        const string NoSuchTable = "no such table: ";
        if (database is not null && SqliteCode(database) == SqliteError && database.Message.IndexOf(NoSuchTable, StringComparison.Ordinal) is var at and >= 0)
        {
            table = database.Message[(at + NoSuchTable.Length)..].Trim().TrimEnd('.', '\'');
            return true;
        }

        return false;
    }

    /// <summary>The exception to log for a table the database lacks: what it is, and how to make it.</summary>
    public static InvalidOperationException MissingTable(Exception error, string? table, Type context) =>
        new($"The database has no table '{table ?? "?"}', which the model of {context.Name} has. Create it with a migration (dotnet ef migrations add <name>, then dotnet ef database update, or Database.Migrate() at startup): a database made by EnsureCreated is not changed when the model grows (ApplyScimModel(), ApplyScimEvents() and the other Apply... calls add tables).", error);

    private static DbException? Find(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is DbException database)
            {
                return database;
            }
        }

        return null;
    }

    private static int? SqliteCode(DbException exception) =>
        exception.GetType().GetProperty("SqliteErrorCode")?.GetValue(exception) as int?;
}

/// <summary>A member user to be added was deleted by a request that committed first (found without a foreign key).</summary>
internal sealed class MemberDeletedMeanwhileException() : Exception("A member user was deleted meanwhile.");
