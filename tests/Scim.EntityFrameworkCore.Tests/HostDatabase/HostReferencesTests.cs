using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.Core;
using Scim.Core.Events;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

// A host's schema as EF Core's conventions and a team's habits make it, before SCIM: an optional
// manager (EF Core's default for it is ClientSetNull, NO ACTION in the database), a non-nullable
// display name, a crew membership table with columns of its own and a foreign key to people that
// does not cascade, badges that must be returned before a person goes (Restrict), and notes that
// EF Core deletes with their person (ClientCascade).

public class Person
{
    public int PersonId { get; set; }

    public string Email { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    public string? Title { get; set; }

    public int? ManagerId { get; set; }

    public Person? Manager { get; set; }
}

public class Crew
{
    public int CrewId { get; set; }

    public string Name { get; set; } = string.Empty;
}

public class CrewMember
{
    public int CrewId { get; set; }

    public int PersonId { get; set; }

    public string Role { get; set; } = "member";

    public DateTime JoinedAt { get; set; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
}

public class Badge
{
    public int BadgeId { get; set; }

    public int PersonId { get; set; }
}

public class Note
{
    public int NoteId { get; set; }

    public int PersonId { get; set; }
}

public class PeopleDbContext(DbContextOptions<PeopleDbContext> options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();

    public DbSet<Crew> Crews => Set<Crew>();

    public DbSet<CrewMember> CrewMembers => Set<CrewMember>();

    public DbSet<Badge> Badges => Set<Badge>();

    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Person>().HasIndex(p => p.Email).IsUnique();
        modelBuilder.Entity<Person>().HasOne(p => p.Manager).WithMany().HasForeignKey(p => p.ManagerId); // EF Core's default: ClientSetNull
        modelBuilder.Entity<CrewMember>(member =>
        {
            member.HasKey(m => new { m.CrewId, m.PersonId });
            member.HasOne<Crew>().WithMany().HasForeignKey(m => m.CrewId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<Person>().WithMany().HasForeignKey(m => m.PersonId).OnDelete(DeleteBehavior.NoAction);
        });
        modelBuilder.Entity<Badge>().HasOne<Person>().WithMany().HasForeignKey(b => b.PersonId).OnDelete(DeleteBehavior.Restrict);
        modelBuilder.Entity<Note>().HasOne<Person>().WithMany().HasForeignKey(n => n.PersonId).OnDelete(DeleteBehavior.ClientCascade);
    }
}

/// <summary>
/// Deletes and writes meet the host's own foreign keys and columns: references EF Core would
/// release for loaded rows are released in SQL (a manager set to NULL, notes deleted), a user's
/// rows in a membership table without a cascade go before the user, a reference the host keeps
/// (Restrict) refuses the delete with a 409 naming nothing of the data, and a value the database
/// or a converter cannot keep is a 400, never a 500 or a run of retries. A replace of a group's
/// members keeps the rows of members who stay, with the host's columns.
/// </summary>
public abstract class HostReferencesTests
{
    private const string Token = "people-app-token-3b77";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task DeletingAManager_SetsTheReferencesToNull()
    {
        await using var app = await StartAsync();
        var boss = await CreateAsync(app, "boss@example.com", "Boss");
        var worker = await CreateAsync(app, "worker@example.com", "Worker", $$""","{{Enterprise}}":{"manager":{"value":"{{boss}}"} } """);
        Assert.Equal(int.Parse(boss, CultureInfo.InvariantCulture), (await app.Person(worker)).ManagerId);

        (await app.Client.Delete($"Users/{boss}")).Expect(HttpStatusCode.NoContent, app.Errors);

        Assert.Null((await app.Person(worker)).ManagerId);
        var read = (await app.Client.Get($"Users/{worker}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Null(read[Enterprise]?["manager"]);
        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public async Task DeletingACrewMember_WithoutACascade_RemovesItsRows_AndKeepsTheOthers()
    {
        var events = new RecordingSubscriber();
        await using var app = await StartAsync(events);
        var ada = await CreateAsync(app, "ada@example.com", "Ada");
        var bob = await CreateAsync(app, "bob@example.com", "Bob");
        var crew = (string)(await app.Client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Deck","members":[{"value":"{{ada}}"},{"value":"{{bob}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        await app.SetRoleAsync(crew, bob, "captain");

        (await app.Client.Delete($"Users/{ada}")).Expect(HttpStatusCode.NoContent, app.Errors);

        var members = (await app.Client.Get($"Groups/{crew}")).Expect(HttpStatusCode.OK, app.Errors).Json["members"]!.AsArray();
        Assert.Equal([bob], members.Select(m => (string)m!["value"]!));
        var rows = await app.RowsAsync(crew);
        Assert.Equal([(int.Parse(bob, CultureInfo.InvariantCulture), "captain")], rows.Select(r => (r.PersonId, r.Role)));

        // The crew's event has the version its members now give it (computed: no version column),
        // the one a GET serves and an If-Match holds with; it had the user delete's version.
        var removed = (await events.OfAsync(crew, 3)).Single(e => e.ResourceType == "Group" && e.Kind == ScimChangeKind.MembersRemoved);
        Assert.Equal([ada], removed.RemovedMemberIds);
        Assert.Equal((await app.Client.Get($"Groups/{crew}")).Expect(HttpStatusCode.OK, app.Errors).ETag, removed.Version);
        (await app.Client.Send(HttpMethod.Patch, $"Groups/{crew}", Http.PatchOp("""{"op":"replace","path":"displayName","value":"Bridge"}"""), ("If-Match", removed.Version!))).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Empty(app.Errors.Errors);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeletingAPersonTheHostStillRefersTo_Is409_AndKeepsThem(bool refusalsLowered)
    {
        // EF Core logs the refused statement at Error level; the events entity-framework-core.md
        // names lower it for a host that alerts on errors.
        await using var app = await StartAsync(options: refusalsLowered
            ? o => o.ConfigureWarnings(w => w.Log((RelationalEventId.CommandError, LogLevel.Information), (CoreEventId.SaveChangesFailed, LogLevel.Information)))
            : null);
        var held = await CreateAsync(app, "held@example.com", "Held");
        await using (var db = app.Database())
        {
            db.Badges.Add(new Badge { PersonId = int.Parse(held, CultureInfo.InvariantCulture) });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var refused = await app.Client.Delete($"Users/{held}");

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Null(refused.Json["scimType"]);
        Assert.Contains($"User '{held}' cannot be deleted: the database still has rows that refer to it", (string?)refused.Json["detail"], StringComparison.Ordinal);
        (await app.Client.Get($"Users/{held}")).Expect(HttpStatusCode.OK, app.Errors);
        if (refusalsLowered)
        {
            Assert.Empty(app.Errors.Errors);
        }
        else
        {
            Assert.Contains(app.Errors.Errors, e => e.StartsWith("Microsoft.EntityFrameworkCore.Database.Command:", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DeletingAPerson_DeletesWhatEfCoreWouldDeleteWithIt()
    {
        await using var app = await StartAsync();
        var noted = await CreateAsync(app, "noted@example.com", "Noted");
        await using (var db = app.Database())
        {
            db.Notes.AddRange(new Note { PersonId = int.Parse(noted, CultureInfo.InvariantCulture) }, new Note { PersonId = int.Parse(noted, CultureInfo.InvariantCulture) });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        (await app.Client.Delete($"Users/{noted}")).Expect(HttpStatusCode.NoContent, app.Errors);

        await using var after = app.Database();
        Assert.Equal(0, await after.Notes.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ANonNullableColumn_KeepsAnAbsentValueAsEmpty_ReadBackAsAbsent()
    {
        await using var app = await StartAsync();
        var id = (string)(await app.Client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"plain@example.com"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        Assert.Equal(string.Empty, (await app.Person(id)).DisplayName);
        Assert.Null((await app.Client.Get($"Users/{id}")).Expect(HttpStatusCode.OK, app.Errors).Json["displayName"]);

        (await app.Client.Patch($"Users/{id}", Http.PatchOp("""{"op":"add","path":"displayName","value":"Plain"}"""))).Expect(HttpStatusCode.OK, app.Errors);
        (await app.Client.Patch($"Users/{id}", Http.PatchOp("""{"op":"remove","path":"displayName"}"""))).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(string.Empty, (await app.Person(id)).DisplayName);
        (await app.Client.Put($"Users/{id}", $$"""{"schemas":["{{UserSchema}}"],"userName":"plain@example.com","title":"Clerk"}""")).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(("", "Clerk"), ((await app.Person(id)).DisplayName, (await app.Person(id)).Title));
        Assert.Empty(app.Errors.Errors);
    }

    [Theory]
    [InlineData("not-a-number", "cannot be kept here")]
    [InlineData("99999", "refers to a row the database does not have")]
    public async Task AManagerTheHostCannotKeep_Is400(string manager, string detail)
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app, "managed@example.com", "Managed");

        var refused = await app.Client.Patch($"Users/{id}", Http.PatchOp($$"""{"op":"replace","path":"{{Enterprise}}:manager.value","value":"{{manager}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalidValue", (string?)refused.Json["scimType"]);
        Assert.Contains(detail, (string?)refused.Json["detail"], StringComparison.Ordinal);
        Assert.Null((await app.Person(id)).ManagerId);
        var created = await app.Client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"new@example.com","{{Enterprise}}":{"manager":{"value":"{{manager}}"} } }""");
        Assert.Equal(HttpStatusCode.BadRequest, created.Status);
        await using var db = app.Database();
        Assert.False(await db.People.AnyAsync(p => p.Email == "new@example.com", TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// A write action of the host's own that leaves a NOT NULL column empty (here the display
    /// name, mapped with an action that passes null on) makes the database refuse the row: a 400
    /// naming the attribute, nothing written, never a 500.
    /// </summary>
    [Fact]
    public async Task AWriteActionThatLeavesANotNullColumnEmpty_Is400NamingTheAttribute()
    {
        await using var host = await HostApp.StartAsync<PeopleDbContext>(
            Provider,
            scim => scim.AddEntityFrameworkCoreStores<PeopleDbContext>(stores => stores
                .Users<Person>(users => users
                    .Id(p => p.PersonId)
                    .Map("userName", p => p.Email)
                    .Map("displayName", p => p.DisplayName, (p, value) => p.DisplayName = value!))),
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token));
        var client = host.Client(Token);

        (await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"named@example.com","displayName":"Named"}""")).Expect(HttpStatusCode.Created, host.Errors);
        var refused = await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"unnamed@example.com"}""");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalidValue", (string?)refused.Json["scimType"]);
        Assert.Contains("'displayName'", (string?)refused.Json["detail"], StringComparison.Ordinal);
        await using var db = host.Database();
        Assert.Equal(["named@example.com"], await db.People.Select(p => p.Email).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReplacingTheMembers_KeepsTheRowsOfThoseWhoStay()
    {
        await using var app = await StartAsync();
        var ada = await CreateAsync(app, "ada@example.com", "Ada");
        var bob = await CreateAsync(app, "bob@example.com", "Bob");
        var cy = await CreateAsync(app, "cy@example.com", "Cy");
        var crew = (string)(await app.Client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Deck","members":[{"value":"{{ada}}"},{"value":"{{bob}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        await app.SetRoleAsync(crew, ada, "captain");

        var patched = await app.Client.Patch($"Groups/{crew}", Http.PatchOp($$"""{"op":"replace","path":"members","value":[{"value":"{{ada}}"},{"value":"{{cy}}"}]}"""));
        Assert.True(patched.Status is HttpStatusCode.OK or HttpStatusCode.NoContent, patched.Text);

        var rows = (await app.RowsAsync(crew)).OrderBy(r => r.PersonId).ToList();
        Assert.Equal([int.Parse(ada, CultureInfo.InvariantCulture), int.Parse(cy, CultureInfo.InvariantCulture)], rows.Select(r => r.PersonId));
        Assert.Equal("captain", rows[0].Role);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), DateTime.SpecifyKind(rows[0].JoinedAt, DateTimeKind.Utc));
        Assert.Equal("member", rows[1].Role);
    }

    private static async Task<string> CreateAsync(PeopleApp app, string userName, string displayName, string more = "")
    {
        var body = $$"""{"schemas":["{{UserSchema}}","{{Enterprise}}"],"userName":"{{userName}}","displayName":"{{displayName}}"{{more}} }""";
        return (string)(await app.Client.Post("Users", body)).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
    }

    private async Task<PeopleApp> StartAsync(RecordingSubscriber? events = null, Action<DbContextOptionsBuilder>? options = null) =>
        new(await HostApp.StartAsync<PeopleDbContext>(
            Provider,
            scim =>
            {
                if (events is not null)
                {
                    scim.Services.AddSingleton<IScimEventSubscriber>(events);
                }

                scim.AddEntityFrameworkCoreStores<PeopleDbContext>(stores => stores
                .Users<Person>(users => users
                    .Id(p => p.PersonId)
                    .Map("userName", p => p.Email)
                    .Map("displayName", p => p.DisplayName)
                    .Map("title", p => p.Title)
#pragma warning disable CA1305 // translated to SQL: EF Core's int-to-text cast has no culture
                    .Map(Enterprise + ":manager.value", p => p.ManagerId == null ? null : p.ManagerId.ToString(), (p, value) => p.ManagerId = value == null ? null : int.Parse(value, CultureInfo.InvariantCulture)))
#pragma warning restore CA1305
                .Groups<Crew, CrewMember>(
                    groups => groups.Id(c => c.CrewId).Map("displayName", c => c.Name),
                    members => members.Keys(m => m.CrewId, m => m.PersonId)));
            },
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token),
            context: options is null ? null : (services, use) => services.AddPooledDbContextFactory<PeopleDbContext>(o =>
            {
                use(o);
                options(o);
            })));

    private sealed class PeopleApp(HostApp<PeopleDbContext> host) : IAsyncDisposable
    {
        public HttpClient Client { get; } = host.Client(Token);

        public ErrorLog Errors => host.Errors;

        public PeopleDbContext Database() => host.Database();

        public async Task<Person> Person(string id)
        {
            await using var db = Database();
            var key = int.Parse(id, CultureInfo.InvariantCulture);
            return await db.People.AsNoTracking().SingleAsync(p => p.PersonId == key, TestContext.Current.CancellationToken);
        }

        public async Task<List<CrewMember>> RowsAsync(string crew)
        {
            await using var db = Database();
            var key = int.Parse(crew, CultureInfo.InvariantCulture);
            return await db.CrewMembers.AsNoTracking().Where(m => m.CrewId == key).ToListAsync(TestContext.Current.CancellationToken);
        }

        public async Task SetRoleAsync(string crew, string person, string role)
        {
            await using var db = Database();
            var (c, p) = (int.Parse(crew, CultureInfo.InvariantCulture), int.Parse(person, CultureInfo.InvariantCulture));
            await db.CrewMembers.Where(m => m.CrewId == c && m.PersonId == p).ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, role), TestContext.Current.CancellationToken);
        }

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}

/// <summary>The host's references on SQLite.</summary>
public sealed class SqliteHostReferencesTests : HostReferencesTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The host's references on PostgreSQL.</summary>
public sealed class PostgresHostReferencesTests : HostReferencesTests
{
    protected override Provider Provider => Provider.Postgres;
}
