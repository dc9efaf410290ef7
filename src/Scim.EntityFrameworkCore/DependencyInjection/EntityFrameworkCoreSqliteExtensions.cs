using Microsoft.EntityFrameworkCore;

namespace Scim.EntityFrameworkCore;

/// <summary>Options of a host's context for the EF Core stores on SQLite.</summary>
public static class EntityFrameworkCoreSqliteExtensions
{
    /// <summary>
    /// Runs the context's queries on SQL statements that stay compiled. Microsoft.Data.Sqlite
    /// compiles a statement again for every command EF Core makes, which is most of SQLite's work
    /// for a small query (the sample's GET by id under load: about 5,300 requests per second without
    /// this, about 9,100 with it). With this option, a <c>SELECT</c> that runs outside a transaction
    /// runs on a connection kept open to the same database file, where each SQL text is compiled
    /// once; everything in a transaction, and every write, runs as before on the context's own
    /// connection. See <c>docs/entity-framework-core.md</c>, "SQLite: statements kept compiled".
    /// <list type="bullet">
    /// <item>The kept connections stay open for the life of the process (a few per database: as
    /// many as queries ran at once). Do not use it where a database file is deleted and created
    /// again under the same name while the app runs (some test fixtures do): a kept connection
    /// would go on reading the deleted file.</item>
    /// <item>A query that needs what only the context's own connections have (a function or
    /// collation the host registers on them, a temporary table) runs there, as before. A
    /// <c>PRAGMA</c> the host sets on its connections that changes what a query returns
    /// (<c>case_sensitive_like</c>) is not set on the kept connections: do not combine the two.</item>
    /// <item>A private database of each connection (<c>:memory:</c>, an unnamed temporary file)
    /// is left alone. On providers other than SQLite the option changes nothing.</item>
    /// <item>A store's read (a GET, a lookup, a page) does not open the context's own connection
    /// while its statements run on kept connections (each open and close registers and removes
    /// EF Core's functions, about a tenth of a GET by id); a statement that needs the connection
    /// opens it first. Only when no other connection interceptor is on the context: one would be
    /// told of an open that did not happen, so with one, reads open the connection as before.</item>
    /// </list>
    /// </summary>
    /// <param name="options">The context's options, with <c>UseSqlite</c>.</param>
    /// <returns><paramref name="options"/>.</returns>
    public static DbContextOptionsBuilder KeepSqliteStatementsPrepared(this DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddInterceptors(new SqlitePreparedStatements());
    }
}
