using Microsoft.EntityFrameworkCore;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>How SQLite plans a recorded command: <c>EXPLAIN QUERY PLAN</c> of its text, with its parameters.</summary>
public static class SqlitePlan
{
    /// <summary>The plan's steps (SQLite's <c>detail</c> column), in order.</summary>
    public static async Task<List<string>> OfAsync(DbContext db, SqlCommand command)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.Text;
        foreach (var (name, value) in command.Parameters)
        {
            var parameter = explain.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            explain.Parameters.Add(parameter);
        }

        var steps = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            steps.Add(reader.GetString(3));
        }

        return steps;
    }

    /// <summary>The <c>CREATE INDEX</c> statement of an index, as the database keeps it.</summary>
    public static async Task<string?> IndexSqlAsync(DbContext db, string index) =>
        await db.Database.SqlQuery<string?>($"SELECT sql AS \"Value\" FROM sqlite_master WHERE type = 'index' AND name = {index}").FirstOrDefaultAsync(TestContext.Current.CancellationToken);
}
