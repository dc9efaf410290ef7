using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

public class StaffMember
{
    public int Id { get; set; }

    public int OrgId { get; set; }

    public string UserName { get; set; } = string.Empty;

    public int? ManagerId { get; set; }

    public DateTime? DeletedUtc { get; set; }

    public string? Stamp { get; set; }

    public DateTime UpdatedUtc { get; set; }
}

public class StaffDbContext(DbContextOptions<StaffDbContext> options) : DbContext(options)
{
    public DbSet<StaffMember> Staff => Set<StaffMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StaffMember>().HasIndex(m => new { m.OrgId, m.UserName }).IsUnique().HasFilter("\"DeletedUtc\" IS NULL");
        modelBuilder.Entity<StaffMember>().HasOne<StaffMember>().WithMany().HasForeignKey(m => m.ManagerId);

        // As ASP.NET Core Identity's ConcurrencyStamp: the version column is EF Core's concurrency token too.
        modelBuilder.Entity<StaffMember>().Property(m => m.Stamp).IsConcurrencyToken();
    }
}

/// <summary>The same table beside the outbox: the events of a write are kept in its transaction.</summary>
public class StaffOutboxDbContext(DbContextOptions<StaffOutboxDbContext> options) : DbContext(options)
{
    public DbSet<StaffMember> Staff => Set<StaffMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StaffMember>().HasOne<StaffMember>().WithMany().HasForeignKey(m => m.ManagerId);
        modelBuilder.ApplyScimEvents();
    }
}

/// <summary>
/// <c>MapManager(m =&gt; m.ManagerId)</c>: the enterprise manager kept as the key of another row of
/// the table, which must be a user of the request's tenant that is not deleted (one tenant could
/// point its users' manager at another tenant's user, and the docs' advice to check it in a write
/// action could not be followed: an action sees no tenant); a deleted manager is let go.
/// </summary>
public abstract class ManagerTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task TheManager_IsAUserOfTheTenant_AndIsLetGoWhenDeleted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await HostApp.StartAsync<StaffDbContext>(
            Provider,
            scim => scim.AddEntityFrameworkCoreStores<StaffDbContext>(stores => stores
                .Users<StaffMember>(users => users
                    .Id(m => m.Id)
                    .Tenant(m => m.OrgId, tenant => int.Parse(tenant, CultureInfo.InvariantCulture))
                    .Map("userName", m => m.UserName)
                    .MapManager(m => m.ManagerId)
                    .SoftDelete(m => m.DeletedUtc)
                    .Version(m => m.Stamp)
                    .LastModified(m => m.UpdatedUtc))),
            tokens =>
            {
                tokens.AddToken("1", "idp", "manager-org-one-token");
                tokens.AddToken("2", "idp", "manager-org-two-token");
            });
        var one = app.Client("manager-org-one-token", "1");
        var two = app.Client("manager-org-two-token", "2");
        var errors = app.Errors;

        var boss = Id((await one.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"boss"}""")).Expect(HttpStatusCode.Created, errors).Json);
        var ada = (await one.Post("Users", $$"""{"schemas":["{{UserSchema}}","{{Enterprise}}"],"userName":"ada","{{Enterprise}}":{"manager":{"value":"{{boss}}"} } }""")).Expect(HttpStatusCode.Created, errors);
        var adaId = Id(ada.Json);
        Assert.Equal(boss, (string?)ada.Json[Enterprise]!["manager"]!["value"]);
        var eve = Id((await two.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"eve"}""")).Expect(HttpStatusCode.Created, errors).Json);

        // A filter compares the column.
        var managed = (await one.Get("Users?filter=" + Uri.EscapeDataString($"{Enterprise}:manager.value eq \"{boss}\""))).Expect(HttpStatusCode.OK, errors).Json;
        Assert.Equal([adaId], managed["Resources"]!.AsArray().Select(r => (string)r!["id"]!));

        // Another tenant's user, no user, not an id: 400, nothing written.
        foreach (var (client, id, value) in new[] { (two, eve, boss), (one, adaId, "999999"), (one, adaId, "abc"), (one, adaId, "-1") })
        {
            var refused = await client.Patch($"Users/{id}", Http.PatchOp($$"""{"op":"replace","path":"{{Enterprise}}:manager","value":{"value":"{{value}}"} }"""));
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("invalidValue", (string?)refused.Json["scimType"]);
            Assert.Equal($"The manager '{value}' is not a User of this tenant.", (string?)refused.Json["detail"]);
        }

        await using (var db = app.Database())
        {
            Assert.Null((await db.Staff.AsNoTracking().SingleAsync(m => m.UserName == "eve", ct)).ManagerId);
            Assert.Equal(int.Parse(boss, CultureInfo.InvariantCulture), (await db.Staff.AsNoTracking().SingleAsync(m => m.UserName == "ada", ct)).ManagerId);
        }

        // Entra ID's form: the manager's id as the value itself.
        var second = Id((await one.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"second"}""")).Expect(HttpStatusCode.Created, errors).Json);
        (await one.Patch($"Users/{adaId}", Http.PatchOp($$"""{"op":"Add","path":"{{Enterprise}}:manager","value":"{{second}}"}"""))).Expect(HttpStatusCode.OK, errors);
        (await one.Patch($"Users/{adaId}", Http.PatchOp($$"""{"op":"replace","path":"{{Enterprise}}:manager","value":{"value":"{{boss}}"} }"""))).Expect(HttpStatusCode.OK, errors);

        // Okta's form: the manager's displayName beside its id. It is read-only, so a request's copy
        // is ignored (RFC 7644 §3.3), as in a PUT or PATCH; it was 400, an unknown sub-attribute.
        var okta = (await one.Post("Users", $$"""{"schemas":["{{UserSchema}}","{{Enterprise}}"],"userName":"okta","{{Enterprise}}":{"manager":{"value":"{{boss}}","displayName":"The Boss"} } }""")).Expect(HttpStatusCode.Created, errors);
        Assert.Equal($$"""{"value":"{{boss}}"}""", okta.Json[Enterprise]!["manager"]!.ToJsonString());
        (await one.Patch($"Users/{Id(okta.Json)}", Http.PatchOp($$"""{"op":"replace","path":"{{Enterprise}}:manager","value":{"value":"{{second}}","displayName":"Second"} }"""))).Expect(HttpStatusCode.OK, errors);
        var none = await one.Get("Users?filter=" + Uri.EscapeDataString($"{Enterprise}:manager.displayName eq \"Second\""));
        Assert.Equal(HttpStatusCode.BadRequest, none.Status); // the map keeps no such column: a clear refusal
        Assert.Equal("invalidFilter", (string?)none.Json["scimType"]);

        // The manager deleted (softly here): ada loses it, with a new version, in the same transaction.
        var before = (await one.Get($"Users/{adaId}")).Expect(HttpStatusCode.OK, errors);
        (await one.Delete($"Users/{boss}")).Expect(HttpStatusCode.NoContent, errors);
        var after = (await one.Get($"Users/{adaId}")).Expect(HttpStatusCode.OK, errors);
        Assert.Null(after.Json[Enterprise]?["manager"]);
        Assert.NotEqual(before.ETag, after.ETag);
        Assert.True(DateTimeOffset.Parse((string)after.Json["meta"]!["lastModified"]!, CultureInfo.InvariantCulture) >= DateTimeOffset.Parse((string)before.Json["meta"]!["lastModified"]!, CultureInfo.InvariantCulture));

        // A deleted user is no manager.
        var deleted = await one.Patch($"Users/{adaId}", Http.PatchOp($$"""{"op":"replace","path":"{{Enterprise}}:manager","value":{"value":"{{boss}}"} }"""));
        Assert.Equal(HttpStatusCode.BadRequest, deleted.Status);

        // A user that is its own manager (an IdP may send it for the top of a chart) can be deleted:
        // letting go of itself must not change the version its own delete checks.
        (await one.Patch($"Users/{second}", Http.PatchOp($$"""{"op":"replace","path":"{{Enterprise}}:manager","value":{"value":"{{second}}"} }"""))).Expect(HttpStatusCode.OK, errors);
        (await one.Delete($"Users/{second}")).Expect(HttpStatusCode.NoContent, errors);
        (await one.Get($"Users/{second}")).Expect(HttpStatusCode.NotFound, errors);
        Assert.Empty(errors.Errors);
    }

    [Fact]
    public async Task UnderUnknownMembersIgnore_AnUnknownManager_IsLeftOut()
    {
        await using var app = await HostApp.StartAsync<StaffDbContext>(
            Provider,
            scim =>
            {
                scim.Services.Configure<Scim.Core.Provisioning.ScimServiceOptions>(o => o.UnknownMembers = Scim.Core.Provisioning.UnknownMemberHandling.Ignore);
                scim.AddEntityFrameworkCoreStores<StaffDbContext>(stores => stores
                    .Users<StaffMember>(users => users.Id(m => m.Id).Map("userName", m => m.UserName).MapManager(m => m.ManagerId)));
            },
            tokens => tokens.AddToken(Scim.Core.Stores.ScimContext.DefaultTenant, "idp", "manager-ignore-token"));
        var client = app.Client("manager-ignore-token");

        // A manager the IdP has not provisioned yet: the user is created without it, as a group without an unknown member.
        var created = (await client.Post("Users", $$"""{"schemas":["{{UserSchema}}","{{Enterprise}}"],"userName":"ada","{{Enterprise}}":{"manager":{"value":"424242"} } }""")).Expect(HttpStatusCode.Created, app.Errors);
        Assert.Null(created.Json[Enterprise]?["manager"]);

        // The warning names the new user by its userName (it has no key until it is saved), and a known one by its id.
        Assert.Equal(
            "Scim.EntityFrameworkCore.EntityStore [2]: The manager '424242' of the new User 'ada' is not a user of its tenant and was left out (UnknownMembers = Ignore)",
            Assert.Single(app.Errors.StoreWarnings));
        (await client.Patch($"Users/{Id(created.Json)}", Http.PatchOp($$"""{"op":"replace","path":"{{Enterprise}}:manager","value":{"value":"434343"} }"""))).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(
            $"Scim.EntityFrameworkCore.EntityStore [1]: The manager '434343' of User '{Id(created.Json)}' is not a user of its tenant and was left out (UnknownMembers = Ignore)",
            app.Errors.StoreWarnings[1]);
        await using (var db = app.Database())
        {
            Assert.Null((await db.Staff.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken)).ManagerId);
        }

        // Not a key at all is still refused: no user could ever have it.
        var refused = await client.Patch($"Users/{Id(created.Json)}", Http.PatchOp($$"""{"op":"replace","path":"{{Enterprise}}:manager","value":{"value":"abc"} }"""));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public Task EachReportLettingGoOfADeletedManager_IsAnEventOfItsOwn_DeliveredFromTheQueue() =>
        ReportsAreEvents<StaffDbContext>(outbox: false);

    [Fact]
    public Task EachReportLettingGoOfADeletedManager_IsAnEventOfItsOwn_KeptInTheOutbox() =>
        ReportsAreEvents<StaffOutboxDbContext>(outbox: true);

    [Fact]
    public Task EachReportLettingGoOfADeletedManager_IsAnEventOfItsOwn_WithAComputedVersion() =>
        ReportsAreEvents<StaffOutboxDbContext>(outbox: true, versionColumn: false);

    private async Task ReportsAreEvents<TContext>(bool outbox, bool versionColumn = true)
        where TContext : DbContext
    {
        var ct = TestContext.Current.CancellationToken;
        var subscriber = new RecordingSubscriber();
        await using var app = await HostApp.StartAsync<TContext>(
            Provider,
            scim =>
            {
                scim.Services.AddSingleton<Scim.Core.Events.IScimEventSubscriber>(subscriber);
                scim.Services.Configure<Scim.Core.Provisioning.ScimServiceOptions>(o => o.EventValues = true);
                scim.AddEntityFrameworkCoreStores<TContext>(stores => stores
                    .Users<StaffMember>(users =>
                    {
                        users.Id(m => m.Id).Map("userName", m => m.UserName).MapManager(m => m.ManagerId).LastModified(m => m.UpdatedUtc);
                        if (versionColumn)
                        {
                            users.Version(m => m.Stamp);
                        }
                    }));
            },
            tokens => tokens.AddToken(Scim.Core.Stores.ScimContext.DefaultTenant, "idp", "manager-events-token"));
        var client = app.Client("manager-events-token");
        var errors = app.Errors;

        var boss = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"boss"}""")).Expect(HttpStatusCode.Created, errors).Json);
        var reports = new List<string>();
        foreach (var name in new[] { "ada", "bob", "cy" })
        {
            reports.Add(Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}","{{Enterprise}}"],"userName":"{{name}}","{{Enterprise}}":{"manager":{"value":"{{boss}}"} } }""")).Expect(HttpStatusCode.Created, errors).Json));
        }

        var other = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"other"}""")).Expect(HttpStatusCode.Created, errors).Json);
        (await client.Delete($"Users/{boss}")).Expect(HttpStatusCode.NoContent, errors);

        var deleted = Assert.Single(await subscriber.OfAsync(boss, 2), e => e.Kind == Scim.Core.Events.ScimChangeKind.Deleted);
        foreach (var report in reports)
        {
            // Created, then let go of the manager: a PATCH-like change of the manager, in the delete's transaction, with the version it is served with.
            var released = (await subscriber.OfAsync(report, 2))[1];
            Assert.Equal(Scim.Core.Events.ScimChangeKind.Patched, released.Kind);
            Assert.Equal("DELETE", released.Method);
            Assert.Equal([Enterprise + ":manager"], released.ChangedPaths);
            Assert.Equal(deleted.Transaction, released.Transaction);
            Assert.Equal(boss, (string?)released.Before![Enterprise + ":manager"]!["value"]);
            Assert.True(released.After!.TryGetPropertyValue(Enterprise + ":manager", out var now) && now is null);
            var served = (await client.Get($"Users/{report}")).Expect(HttpStatusCode.OK, errors);
            Assert.Equal(served.ETag, released.Version);
        }

        Assert.Single(subscriber.Of(other));

        // Without the outbox in the model, the events live in process only: said once, at the first read of the outbox.
        var warned = app.Errors.StoreWarnings.Count(w => w.Contains("has no SCIM event outbox (ApplyScimEvents())", StringComparison.Ordinal));
        Assert.Equal(outbox ? 0 : 1, warned);
        if (outbox)
        {
            await using var db = app.Database();
            var rows = await db.Set<ScimEventEntity>().AsNoTracking().Where(e => e.Kind == "Patched").Select(e => e.ResourceId).ToListAsync(ct);
            Assert.Equal(reports.Order(), rows.Order());
        }

        Assert.Empty(errors.Errors);
    }

    private static string Id(JsonNode resource) => (string)resource["id"]!;
}

/// <summary>The manager on SQLite.</summary>
public sealed class SqliteManagerTests : ManagerTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The manager on PostgreSQL.</summary>
public sealed class PostgresManagerTests : ManagerTests
{
    protected override Provider Provider => Provider.Postgres;
}
