using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The stores' writes run in transactions of their own and send no savepoint: EF Core would wrap
/// each <c>SaveChanges</c> in such a transaction in a <c>SAVEPOINT</c> and a <c>RELEASE</c> (two
/// statements more per write; on PostgreSQL two round trips more), only to keep the transaction
/// usable after a failed save, and a store's write never goes on after one. A refused write still
/// leaves nothing behind, and the writes after it work.
/// </summary>
public abstract class WriteSavepointTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task EveryKindOfWrite_SendsNoSavepoint_AndDoesWhatItWasAsked()
    {
        var events = new RecordingSubscriber();
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s.Services.AddSingleton<IScimEventSubscriber>(events));
        using var client = app.Client();
        app.Sql.Clear();

        var ada = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada","emails":[{"value":"ada@example.com","type":"work"}]}""")).Expect(HttpStatusCode.Created, app.Errors));
        var bob = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bob"}""")).Expect(HttpStatusCode.Created, app.Errors));
        (await client.Patch("Users/" + ada, Http.PatchOp("""{"op":"replace","path":"displayName","value":"Ada L."}"""))).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Put("Users/" + bob, $$"""{"schemas":["{{UserSchema}}"],"userName":"bob","title":"Engineer"}""")).Expect(HttpStatusCode.OK, app.Errors);
        var team = Id((await client.Post("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team"}""")).Expect(HttpStatusCode.Created, app.Errors));
        (await client.Patch("Groups/" + team, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{ada}}"},{"value":"{{bob}}"}]}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        (await client.Patch("Groups/" + team, Http.PatchOp($$"""{"op":"remove","path":"members[value eq \"{{bob}}\"]"}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        (await client.Delete("Users/" + ada)).Expect(HttpStatusCode.NoContent, app.Errors);

        // Refused writes, then a write after them on the same pooled contexts.
        (await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"BOB"}""")).Expect(HttpStatusCode.Conflict);
        (await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"{{new string('x', 300)}}"}""")).Expect(HttpStatusCode.BadRequest);
        (await client.Patch("Users/" + bob, Http.PatchOp("""{"op":"replace","path":"displayName","value":"Bob B."}"""))).Expect(HttpStatusCode.OK, app.Errors);

        Assert.Equal(0, app.Sql.Savepoints);

        // What the writes did.
        var group = (await client.Get("Groups/" + team)).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Null(group["members"]);
        (await client.Get("Users/" + ada)).Expect(HttpStatusCode.NotFound);
        var bobNow = (await client.Get("Users/" + bob)).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal("Bob B.", (string?)bobNow["displayName"]);
        Assert.Equal("Engineer", (string?)bobNow["title"]);
        await using var db = app.Database();
        Assert.Equal(["bob"], await db.Set<ScimUserEntity>().Select(u => u.UserName).ToListAsync(Ct));
        Assert.False(await db.Set<ScimGroupMemberEntity>().AnyAsync(Ct));

        // The group's events: created, two members added, one removed, and the other with its user.
        await Eventually.HoldsAsync(() => events.Of(team).Count >= 4);
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.MembersAdded, ScimChangeKind.MembersRemoved, ScimChangeKind.MembersRemoved], events.Of(team).Select(e => e.Kind));
        Assert.Equal([bob], events.Of(team)[2].RemovedMemberIds);
        Assert.Equal([ada], events.Of(team)[3].RemovedMemberIds);
    }

    private static string Id(Reply reply) => (string)reply.Json["id"]!;
}

/// <summary>The writes' savepoints on SQLite.</summary>
public sealed class SqliteWriteSavepointTests : WriteSavepointTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The writes' savepoints on PostgreSQL.</summary>
public sealed class PostgresWriteSavepointTests : WriteSavepointTests
{
    protected override Provider Provider => Provider.Postgres;
}
