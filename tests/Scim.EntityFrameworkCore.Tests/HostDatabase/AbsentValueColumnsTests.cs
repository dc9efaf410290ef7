using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>
/// A column that cannot be empty (a <c>bool</c>) keeps an absent value as a new row holds it, on
/// every write: a PUT that leaves the attribute out (RFC 7644 §3.5.1) and a PATCH that removes it
/// (§3.5.2.2) unassign it as a create without it does. They kept the old value before, with no
/// event and the same version, while the SCIM-owned tables and the in-memory store unassigned it.
/// </summary>
public abstract class AbsentValueColumnsTests
{
    private const string Token = "absent-values-token-4c1d";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task APutWithoutIt_AndAPatchThatRemovesIt_LeaveWhatANewRowHolds()
    {
        var subscriber = new RecordingSubscriber();
        await using var app = await HostApp.StartAsync<MailAccountsDbContext>(
            Provider,
            scim =>
            {
                scim.Services.AddSingleton<IScimEventSubscriber>(subscriber);
                scim.AddEntityFrameworkCoreStores<MailAccountsDbContext>(stores => stores.Users<MailAccount>(users => users
                    .Id(a => a.Id)
                    .Map("userName", a => a.Email)
                    .Map("active", a => a.IsActive)));
            },
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token));
        var client = app.Client(Token);
        var created = (await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada@example.com"}""")).Expect(HttpStatusCode.Created, app.Errors);
        var id = (string)created.Json["id"]!;
        Assert.False((bool)created.Json["active"]!); // a new row's IsActive

        (await client.Patch($"Users/{id}", Http.PatchOp("""{"op":"replace","path":"active","value":true}"""))).Expect(HttpStatusCode.OK, app.Errors);
        var put = (await client.Put($"Users/{id}", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada@example.com"}""")).Expect(HttpStatusCode.OK, app.Errors);
        Assert.False((bool)put.Json["active"]!);
        Assert.False((bool)(await client.Get($"Users/{id}")).Expect(HttpStatusCode.OK, app.Errors).Json["active"]!);

        (await client.Patch($"Users/{id}", Http.PatchOp("""{"op":"replace","path":"active","value":true}"""))).Expect(HttpStatusCode.OK, app.Errors);
        var removed = (await client.Patch($"Users/{id}", Http.PatchOp("""{"op":"remove","path":"active"}"""))).Expect(HttpStatusCode.OK, app.Errors);
        Assert.False((bool)removed.Json["active"]!);

        var events = await subscriber.OfAsync(id, 5);
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Activated, ScimChangeKind.Deactivated, ScimChangeKind.Activated, ScimChangeKind.Deactivated], events.Select(e => e.Kind));
        Assert.Empty(app.Errors.Errors);
    }
}

/// <summary>Absent values of columns that cannot be empty, on SQLite.</summary>
public sealed class SqliteAbsentValueColumnsTests : AbsentValueColumnsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Absent values of columns that cannot be empty, on PostgreSQL.</summary>
public sealed class PostgresAbsentValueColumnsTests : AbsentValueColumnsTests
{
    protected override Provider Provider => Provider.Postgres;
}
