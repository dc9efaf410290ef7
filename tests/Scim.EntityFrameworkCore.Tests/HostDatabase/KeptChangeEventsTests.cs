using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

public class MailAccount
{
    public int Id { get; set; }

    public string Email { get; set; } = string.Empty;

    public bool IsActive { get; set; }
}

public class MailAccountsDbContext(DbContextOptions<MailAccountsDbContext> options) : DbContext(options)
{
    public DbSet<MailAccount> Accounts => Set<MailAccount>();
}

public class MailAccountsOutboxDbContext(DbContextOptions<MailAccountsOutboxDbContext> options) : DbContext(options)
{
    public DbSet<MailAccount> Accounts => Set<MailAccount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyScimEvents();
}

/// <summary>
/// A PUT's or PATCH's event reports what the row kept, not what the request asked: over a map
/// whose work email is the login column, served read-only, an audit log recorded email removals
/// that never happened and missed the email a new userName changed.
/// </summary>
public abstract class KeptChangeEventsTests
{
    private const string Token = "kept-events-token-2b7e";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public Task FromTheQueue() => EventsReportWhatTheRowKept<MailAccountsDbContext>();

    [Fact]
    public Task FromTheOutbox() => EventsReportWhatTheRowKept<MailAccountsOutboxDbContext>();

    private async Task EventsReportWhatTheRowKept<TContext>()
        where TContext : DbContext
    {
        var subscriber = new RecordingSubscriber();
        await using var app = await HostApp.StartAsync<TContext>(
            Provider,
            scim =>
            {
                scim.Services.AddSingleton<IScimEventSubscriber>(subscriber);
                scim.Services.Configure<Scim.Core.Provisioning.ScimServiceOptions>(o =>
                {
                    o.EventValues = true;
                    o.EventResources = true;
                });
                scim.AddEntityFrameworkCoreStores<TContext>(stores => stores.Users<MailAccount>(users => users
                    .Id(a => a.Id)
                    .Map("userName", a => a.Email)
                    .Map("emails[type eq \"work\"].value", a => a.Email, (a, v) => { })
                    .Map("active", a => a.IsActive)));
            },
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token));
        var client = app.Client(Token);

        // A create: the event describes the row, not the request (an email of a type the map does
        // not keep, the work email the login gives, the default of a column left out).
        var bob = (await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bob@example.com","emails":[{"value":"bob@other.example","type":"other"}]}""")).Expect(HttpStatusCode.Created, app.Errors);
        var born = Assert.Single(await subscriber.OfAsync((string)bob.Json["id"]!, 1), e => e.ResourceType == "User");
        Assert.Equal(ScimChangeKind.Created, born.Kind);
        Assert.Equal(["userName", "emails", "active"], born.ChangedPaths);
        Assert.Equal(bob.Json["emails"]!.ToJsonString(), born.Resource!["emails"]!.ToJsonString());
        Assert.False((bool)born.Resource["active"]!);

        var id = (string)(await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada@example.com","active":true}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        // A PUT without emails deactivates; the email column is the login, and stays.
        var put = (await client.Put($"Users/{id}", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada@example.com","active":false}""")).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal("ada@example.com", (string?)put.Json["emails"]![0]!["value"]);
        var deactivated = (await subscriber.OfAsync(id, 2))[1];
        Assert.Equal(ScimChangeKind.Deactivated, deactivated.Kind);
        Assert.Equal(["active"], deactivated.ChangedPaths);
        Assert.False(deactivated.After!.ContainsKey("emails"));

        // A new userName changes the served email too: both are reported, with their values.
        (await client.Patch($"Users/{id}", Http.PatchOp("""{"op":"replace","path":"userName","value":"ada@example.org"}"""))).Expect(HttpStatusCode.OK, app.Errors);
        var renamed = (await subscriber.OfAsync(id, 3))[2];
        Assert.Equal(ScimChangeKind.Patched, renamed.Kind);
        Assert.Equal(["userName", "emails"], renamed.ChangedPaths);
        Assert.Equal("ada@example.org", (string?)renamed.After!["emails"]![0]!["value"]);
        Assert.Equal("ada@example.com", (string?)renamed.Before!["emails"]![0]!["value"]);
        Assert.Empty(app.Errors.Errors);
    }
}

/// <summary>Kept changes' events on SQLite.</summary>
public sealed class SqliteKeptChangeEventsTests : KeptChangeEventsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Kept changes' events on PostgreSQL.</summary>
public sealed class PostgresKeptChangeEventsTests : KeptChangeEventsTests
{
    protected override Provider Provider => Provider.Postgres;
}
