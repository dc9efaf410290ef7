using System.Net;
using System.Text.RegularExpressions;
using Scim.Core.Agents;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.Resources;

/// <summary>
/// How a write of a resource in the table of other types (an agent here) locks its row: on
/// PostgreSQL one statement reads it and locks it (<c>FOR NO KEY UPDATE</c>, the same decision the
/// user and group stores make); elsewhere an update that changes nothing claims it, then it is read.
/// The writes' results are checked too: a replace and a delete do what they say, and a replace
/// with a stale version changes nothing.
/// </summary>
public abstract class ResourceWriteStatementsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task ReplaceAndDelete_LockTheRowInItsRead()
    {
        await using var app = await AgentsApp.StartAsync(Provider);
        using var client = app.Client();
        var created = (await client.Post("Agents", Agent("Helpdesk bot"))).Expect(HttpStatusCode.Created, app.Errors);
        var id = (string)created.Json["id"]!;
        var version = (string)created.Json["meta"]!["version"]!;

        app.Sql.Clear();
        var replaced = (await client.Put("Agents/" + id, Agent("Renamed bot"))).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal("Renamed bot", (string)replaced.Json["name"]!);
        AssertLockedRead(app.Sql.RequestCommands);

        // A replace that expects the version before it finds the row and changes nothing.
        var stale = await client.Send(HttpMethod.Put, "Agents/" + id, Agent("Stale"), ("If-Match", version));
        stale.Expect(HttpStatusCode.PreconditionFailed, app.Errors);
        Assert.Equal("Renamed bot", (string)(await client.Get("Agents/" + id)).Expect(HttpStatusCode.OK, app.Errors).Json["name"]!);

        app.Sql.Clear();
        (await client.Delete("Agents/" + id)).Expect(HttpStatusCode.NoContent, app.Errors);
        AssertLockedRead(app.Sql.RequestCommands);
        (await client.Get("Agents/" + id)).Expect(HttpStatusCode.NotFound, app.Errors);
        (await client.Delete("Agents/" + id)).Expect(HttpStatusCode.NotFound, app.Errors);
    }

    private static string Agent(string name) => $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"{{name}}","active":true}""";

    private void AssertLockedRead(IReadOnlyList<SqlCommand> commands)
    {
        // SET "Version" = "s"."Version" (SQLite), SET "Version" = s."Version" (PostgreSQL).
        var claims = commands.Count(c => c.Text.Contains("UPDATE \"ScimResources\"", StringComparison.Ordinal) && Regex.IsMatch(c.Text, "SET \"Version\" = \"?s\"?\\.\"Version\""));
        var locking = commands.Count(c => c.Text.Contains("FOR NO KEY UPDATE", StringComparison.Ordinal) && c.Text.Contains("\"ScimResources\"", StringComparison.Ordinal));
        Assert.True((claims, locking) == (Provider == Provider.Postgres ? (0, 1) : (1, 0)), $"{commands.Count} commands:\n" + string.Join("\n---\n", commands.Select(c => c.Text)));
    }
}

/// <summary>The writes of the table of other types on SQLite: the row is claimed, then read.</summary>
public sealed class SqliteResourceWriteStatementsTests : ResourceWriteStatementsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The writes of the table of other types on PostgreSQL: one statement reads and locks the row.</summary>
public sealed class PostgresResourceWriteStatementsTests : ResourceWriteStatementsTests
{
    protected override Provider Provider => Provider.Postgres;
}
