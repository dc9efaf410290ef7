using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The statements of a member PATCH over the SCIM-owned tables, with something consuming events
/// (so each change writes its event row). The group's row is read locked in one statement on
/// PostgreSQL (<c>FOR NO KEY UPDATE</c>; elsewhere an update that changes nothing claims it, then it is
/// read), and the new membership row, the group's new version and the event row are written by one
/// <c>SaveChanges</c>, which PostgreSQL receives as one batch: each statement fewer is a round
/// trip. The change itself is checked too: the member is there (or gone), the version moved, and
/// the events say what changed.
/// </summary>
public abstract class MemberPatchStatementsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Provider Provider { get; }

    /// <summary>Statements of the read that locks the group's row: one on PostgreSQL, a claim and a read elsewhere.</summary>
    private int LockedRead => Provider == Provider.Postgres ? 1 : 2;

    [Fact]
    public async Task MemberAddAndRemove_LockTheGroupInItsRead_AndWriteRowsVersionAndEventInOneCommand()
    {
        var events = new RecordingSubscriber();
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s.Services.AddSingleton<IScimEventSubscriber>(events));
        using var client = app.Client();
        var user = Id((await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"m1"}""")).Expect(HttpStatusCode.Created, app.Errors));
        var group = (await client.Post("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team"}""")).Expect(HttpStatusCode.Created, app.Errors);
        var groupId = Id(group);
        var created = (string)group.Json["meta"]!["version"]!;

        app.Sql.Clear();
        (await client.Patch("Groups/" + groupId, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{user}}"}]}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        var add = app.Sql.RequestCommands;

        // The group read by the service, the member's existence, the members counted (an add of
        // members all there changes nothing, and writes nothing), the group's row read locked, the
        // membership row looked up, on PostgreSQL the member locked against a delete, the write.
        Assert.True(add.Count == 4 + LockedRead + (Provider == Provider.Postgres ? 1 : 0) + WriteCommands(3), Describe(add));
        AssertLockedRead(add);
        var written = string.Join("\n", add.TakeLast(WriteCommands(3)).Select(c => c.Text));
        Assert.True(written.Contains("INSERT INTO \"ScimGroupMembers\"", StringComparison.Ordinal) && written.Contains("UPDATE \"ScimGroups\"", StringComparison.Ordinal) && written.Contains("INSERT INTO \"ScimEvents\"", StringComparison.Ordinal), Describe(add));

        app.Sql.Clear();
        (await client.Patch("Groups/" + groupId, Http.PatchOp($$"""{"op":"remove","path":"members[value eq \"{{user}}\"]"}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        var remove = app.Sql.RequestCommands;

        // The group read by the service, read locked, the membership row looked up, its delete, the write.
        Assert.True(remove.Count == 3 + LockedRead + WriteCommands(2), Describe(remove));
        AssertLockedRead(remove);
        Assert.Contains("DELETE FROM \"ScimGroupMembers\"", remove[^(WriteCommands(2) + 1)].Text, StringComparison.Ordinal);
        written = string.Join("\n", remove.TakeLast(WriteCommands(2)).Select(c => c.Text));
        Assert.True(written.Contains("UPDATE \"ScimGroups\"", StringComparison.Ordinal) && written.Contains("INSERT INTO \"ScimEvents\"", StringComparison.Ordinal), Describe(remove));

        // What was written: no member left, a new version, and the two changes as events.
        var now = (await client.Get("Groups/" + groupId)).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Null(now["members"]);
        Assert.NotEqual(created, (string)now["meta"]!["version"]!);
        await Eventually.HoldsAsync(() => events.Of(groupId).Count == 3);
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.MembersAdded, ScimChangeKind.MembersRemoved], events.Of(groupId).Select(e => e.Kind));
        Assert.Equal([user], events.Of(groupId)[1].AddedMemberIds);
        Assert.Equal([user], events.Of(groupId)[2].RemovedMemberIds);
        await using var db = app.Database();
        Assert.False(await db.Set<ScimGroupMemberEntity>().AnyAsync(m => m.GroupId == groupId, Ct));
    }

    [Fact]
    public async Task AddOfMembersAlreadyThere_IsAnsweredFromReads_WithoutAWrite()
    {
        // An identity provider's sync sends adds of members the group has; they change nothing,
        // so no write transaction (on SQLite, no wait for its one writer) is needed to say so.
        var events = new RecordingSubscriber();
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s.Services.AddSingleton<IScimEventSubscriber>(events));
        using var client = app.Client();
        var users = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            users.Add(Id((await client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"m{{i}}"}""")).Expect(HttpStatusCode.Created, app.Errors)));
        }

        var group = (await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team","members":[{"value":"{{users[0]}}"},{"value":"{{users[1]}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors);
        var groupId = Id(group);
        var created = (string)group.Json["meta"]!["version"]!;

        app.Sql.Clear();
        var again = Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{users[1]}}"},{"value":"{{users[0]}}"}]}""");
        (await client.Patch("Groups/" + groupId, again)).Expect(HttpStatusCode.NoContent, app.Errors);
        var noop = app.Sql.RequestCommands;
        Assert.DoesNotContain(noop, c => IsWrite(c.Text));
        Assert.Single(noop, c => c.Text.Contains("COUNT(*)", StringComparison.OrdinalIgnoreCase) && c.Text.Contains("\"ScimGroupMembers\"", StringComparison.Ordinal));

        // Answered with the group as it is (the If-Match of its current version holds), and nothing changed.
        var answered = (await client.Send(HttpMethod.Patch, "Groups/" + groupId, again, ("If-Match", group.ETag!))).Expect(HttpStatusCode.NoContent, app.Errors);
        var now = (await client.Get("Groups/" + groupId)).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(created, (string)now.Json["meta"]!["version"]!);
        Assert.Equal(group.ETag, answered.ETag);
        Assert.Equal(new[] { users[0], users[1] }.Order(StringComparer.Ordinal), now.Json["members"]!.AsArray().Select(m => (string)m!["value"]!).Order(StringComparer.Ordinal));

        // One of them new: the write adds it, with its event.
        app.Sql.Clear();
        (await client.Patch("Groups/" + groupId, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{users[0]}}"},{"value":"{{users[2]}}"}]}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Contains(app.Sql.RequestCommands, c => c.Text.Contains("INSERT INTO \"ScimGroupMembers\"", StringComparison.Ordinal));
        var after = (await client.Get("Groups/" + groupId)).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(3, after["members"]!.AsArray().Count);
        Assert.NotEqual(created, (string)after["meta"]!["version"]!);
        await Eventually.HoldsAsync(() => events.Of(groupId).Count == 2);
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.MembersAdded], events.Of(groupId).Select(e => e.Kind));
        Assert.Equal([users[2]], events.Of(groupId)[1].AddedMemberIds);
    }

    [Fact]
    public async Task AddOfMembersAlreadyThere_WithAnOldIfMatch_IsRefused()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var user = Id((await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"m1"}""")).Expect(HttpStatusCode.Created, app.Errors));
        var group = (await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team","members":[{"value":"{{user}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors);
        var groupId = Id(group);
        (await client.Patch("Groups/" + groupId, Http.PatchOp("""{"op":"replace","path":"displayName","value":"Renamed"}"""))).Expect(HttpStatusCode.NoContent, app.Errors);

        var again = Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{user}}"}]}""");
        (await client.Send(HttpMethod.Patch, "Groups/" + groupId, again, ("If-Match", group.ETag!))).Expect(HttpStatusCode.PreconditionFailed, app.Errors);
    }

    private static bool IsWrite(string sql)
    {
        var text = sql.TrimStart();
        return text.StartsWith("INSERT", StringComparison.Ordinal) || text.StartsWith("UPDATE", StringComparison.Ordinal)
            || text.StartsWith("DELETE", StringComparison.Ordinal) || text.Contains("FOR NO KEY UPDATE", StringComparison.Ordinal);
    }

    /// <summary>
    /// The commands a write of <paramref name="statements"/> rows sends: one batch on PostgreSQL;
    /// EF Core's SQLite provider sends each statement as a command of its own (in the process, so
    /// there is no round trip to save).
    /// </summary>
    private int WriteCommands(int statements) => Provider == Provider.Postgres ? 1 : statements;

    private void AssertLockedRead(IReadOnlyList<SqlCommand> commands)
    {
        // SET "Version" = "s"."Version" (SQLite), SET "Version" = s."Version" (PostgreSQL).
        var claims = commands.Count(c => Regex.IsMatch(c.Text, "SET \"Version\" = \"?s\"?\\.\"Version\""));
        var locking = commands.Count(c => c.Text.Contains("FOR NO KEY UPDATE", StringComparison.Ordinal) && c.Text.Contains("\"ScimGroups\"", StringComparison.Ordinal));
        Assert.True((claims, locking) == (Provider == Provider.Postgres ? (0, 1) : (1, 0)), Describe(commands));
    }

    private static string Describe(IReadOnlyList<SqlCommand> commands) =>
        $"{commands.Count} commands:\n" + string.Join("\n---\n", commands.Select(c => c.Text));

    private static string Id(Reply reply) => (string)reply.Json["id"]!;
}

/// <summary>
/// The lock a write takes on PostgreSQL is the one an update of the row's other columns takes
/// (<c>FOR NO KEY UPDATE</c>), not <c>FOR UPDATE</c>: it does not conflict with the
/// <c>FOR KEY SHARE</c> that adding a member takes on the member's row (and that a foreign key's
/// check takes), so a user being updated can be added to a group meanwhile. SQLite runs one
/// writer at a time, so this holds on PostgreSQL only.
/// </summary>
public sealed class PostgresWriteLockTests
{
    [Fact]
    public async Task UserHeldInItsUpdate_CanBeAddedToAGroupMeanwhile()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Postgres);
        using var client = app.Client();
        var user = (string)(await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"held"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var group = (string)(await client.Post("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        // Hold the user's PATCH right after the statement that read and locked the user's row.
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Sql.AfterReader = async text =>
        {
            if (text.Contains("\"ScimUsers\"", StringComparison.Ordinal) && text.Contains(" UPDATE", StringComparison.Ordinal) && locked.TrySetResult())
            {
                await release.Task;
            }
        };
        var update = client.Patch("Users/" + user, Http.PatchOp("""{"op":"replace","path":"displayName","value":"Held"}"""));
        await locked.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        try
        {
            var add = client.Patch("Groups/" + group, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{user}}"}]}"""));
            var finished = await Task.WhenAny(add, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
            Assert.True(finished == add, "Adding the user to a group waited for the user's update to commit.");
            (await add).Expect(HttpStatusCode.NoContent, app.Errors);
        }
        finally
        {
            release.TrySetResult();
        }

        (await update).Expect(HttpStatusCode.OK, app.Errors);
        var read = (await client.Get("Users/" + user)).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal("Held", (string)read["displayName"]!);
        Assert.Equal(group, (string)read["groups"]![0]!["value"]!);
    }
}

/// <summary>The member PATCH's statements on SQLite.</summary>
public sealed class SqliteMemberPatchStatementsTests : MemberPatchStatementsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The member PATCH's statements on PostgreSQL.</summary>
public sealed class PostgresMemberPatchStatementsTests : MemberPatchStatementsTests
{
    protected override Provider Provider => Provider.Postgres;
}
