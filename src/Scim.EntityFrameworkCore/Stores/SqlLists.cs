namespace Scim.EntityFrameworkCore;

/// <summary>How many keys the stores put in one SQL list (<c>IN (...)</c> or one array parameter).</summary>
internal static class SqlLists
{
    /// <summary>
    /// At most this many keys in one statement: far below the providers' limits on parameters
    /// (SQLite 32,766, PostgreSQL 65,535) and small enough that a statement's plan stays an index
    /// search; longer lists are sent in several statements.
    /// </summary>
    public const int Chunk = 500;
}
