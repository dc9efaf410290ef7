using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// A write whose time is earlier than the row's (taken before the write waited for the row's lock,
/// as concurrent member changes of one group do; here a clock set back) still moves
/// <c>meta.lastModified</c> forward, for groups and users alike.
/// </summary>
public abstract class LastModifiedTests
{
    protected abstract Provider Provider { get; }

    [Fact]
    public async Task AWriteWithAnEarlierTime_StillMovesLastModifiedForward()
    {
        var clock = new MovableClock(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        await using var app = await ScimTablesApp.StartAsync(Provider, scim => scim.Services.AddSingleton<TimeProvider>(clock));
        using var client = app.Client();
        var ada = (string)(await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var bob = (string)(await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var group = (string)(await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Ops","members":[{"value":"{{ada}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var groupBefore = await LastModifiedAsync(client, app, $"Groups/{group}");
        var userBefore = await LastModifiedAsync(client, app, $"Users/{ada}");

        clock.Now = groupBefore.AddSeconds(-5);
        var patched = await client.Patch($"Groups/{group}", Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{bob}}"}]}"""));
        Assert.True(patched.Status is HttpStatusCode.OK or HttpStatusCode.NoContent, patched.Text);
        (await client.Patch($"Users/{ada}", Http.PatchOp("""{"op":"replace","path":"title","value":"Lead"}"""))).Expect(HttpStatusCode.OK, app.Errors);

        var groupAfter = await LastModifiedAsync(client, app, $"Groups/{group}");
        var userAfter = await LastModifiedAsync(client, app, $"Users/{ada}");
        Assert.True(groupAfter > groupBefore, $"{groupAfter:O} is not after {groupBefore:O}");
        Assert.True(userAfter > userBefore, $"{userAfter:O} is not after {userBefore:O}");
        Assert.True(groupAfter - groupBefore < TimeSpan.FromMilliseconds(1));
    }

    private static async Task<DateTimeOffset> LastModifiedAsync(HttpClient client, ScimTablesApp app, string path) =>
        DateTimeOffset.Parse((string)(await client.Get(path)).Expect(HttpStatusCode.OK, app.Errors).Json["meta"]!["lastModified"]!, System.Globalization.CultureInfo.InvariantCulture);

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

/// <summary>Monotonic lastModified on SQLite.</summary>
public sealed class SqliteLastModifiedTests : LastModifiedTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Monotonic lastModified on PostgreSQL.</summary>
public sealed class PostgresLastModifiedTests : LastModifiedTests
{
    protected override Provider Provider => Provider.Postgres;
}
