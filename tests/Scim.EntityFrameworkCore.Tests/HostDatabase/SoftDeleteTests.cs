using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Events;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

public class KeptAccount
{
    public int Id { get; set; }

    public string UserName { get; set; } = string.Empty;

    public DateTime? DeletedUtc { get; set; }
}

public class KeptTeam
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public bool IsDeleted { get; set; }

    public string? Stamp { get; set; }
}

public class KeptTeamMember
{
    public int TeamId { get; set; }

    public int AccountId { get; set; }
}

/// <summary>A row of the app's own that refers to an account and must outlive it (why apps delete softly).</summary>
public class AuthoredDocument
{
    public int Id { get; set; }

    public int AuthorId { get; set; }
}

public class KeptAccountsDbContext(DbContextOptions<KeptAccountsDbContext> options) : DbContext(options)
{
    public DbSet<KeptAccount> Accounts => Set<KeptAccount>();

    public DbSet<KeptTeam> Teams => Set<KeptTeam>();

    public DbSet<KeptTeamMember> TeamMembers => Set<KeptTeamMember>();

    public DbSet<AuthoredDocument> Documents => Set<AuthoredDocument>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Unique among the rows not deleted: a deleted account's name can be used again.
        modelBuilder.Entity<KeptAccount>().HasIndex(a => a.UserName).IsUnique().HasFilter("\"DeletedUtc\" IS NULL");
        modelBuilder.Entity<KeptTeamMember>(link =>
        {
            link.HasKey(l => new { l.TeamId, l.AccountId });
            link.HasOne<KeptTeam>().WithMany().HasForeignKey(l => l.TeamId).OnDelete(DeleteBehavior.Cascade);
            link.HasOne<KeptAccount>().WithMany().HasForeignKey(l => l.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<AuthoredDocument>().HasOne<KeptAccount>().WithMany().HasForeignKey(d => d.AuthorId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>
/// Maps that delete softly (<c>SoftDelete(a =&gt; a.DeletedUtc)</c>, <c>SoftDelete(t =&gt; t.IsDeleted)</c>):
/// a DELETE marks the row and leaves it, with the app's rows that refer to it (a delete used to
/// be 409 for an account with a document of its own); from then on SCIM serves it nowhere, its
/// memberships are gone, and its name can be used again.
/// </summary>
public abstract class SoftDeleteTests
{
    private const string Token = "soft-delete-token-3b9e";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task ADeletedRow_StaysForTheApp_AndIsGoneForScim()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync();
        var client = app.Client(Token);
        var errors = app.Errors;
        var ada = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada"}""")).Expect(HttpStatusCode.Created, errors).Json);
        var bob = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bob"}""")).Expect(HttpStatusCode.Created, errors).Json);
        var team = Id((await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Ops","members":[{"value":"{{ada}}"},{"value":"{{bob}}"}]}""")).Expect(HttpStatusCode.Created, errors).Json);
        await using (var db = app.Database())
        {
            db.Documents.Add(new AuthoredDocument { AuthorId = int.Parse(ada, System.Globalization.CultureInfo.InvariantCulture) });
            await db.SaveChangesAsync(ct);
        }

        (await client.Delete($"Users/{ada}")).Expect(HttpStatusCode.NoContent, errors);

        // The app keeps the row and its document; the membership is gone.
        await using (var db = app.Database())
        {
            var row = await db.Accounts.AsNoTracking().SingleAsync(a => a.UserName == "ada", ct);
            Assert.NotNull(row.DeletedUtc);
            Assert.InRange(row.DeletedUtc!.Value, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(5));
            Assert.Equal(1, await db.Documents.CountAsync(ct));
            Assert.Equal([int.Parse(bob, System.Globalization.CultureInfo.InvariantCulture)], await db.TeamMembers.Select(m => m.AccountId).ToListAsync(ct));
        }

        // SCIM serves it nowhere.
        (await client.Get($"Users/{ada}")).Expect(HttpStatusCode.NotFound, errors);
        (await client.Patch($"Users/{ada}", Http.PatchOp("""{"op":"replace","path":"userName","value":"ada2"}"""))).Expect(HttpStatusCode.NotFound, errors);
        (await client.Put($"Users/{ada}", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada"}""")).Expect(HttpStatusCode.NotFound, errors);
        (await client.Delete($"Users/{ada}")).Expect(HttpStatusCode.NotFound, errors);
        var all = (await client.Get("Users")).Expect(HttpStatusCode.OK, errors).Json;
        Assert.Equal(1, (int)all["totalResults"]!);
        Assert.Equal([bob], Ids(all));
        Assert.Empty(Ids((await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ada\""))).Expect(HttpStatusCode.OK, errors).Json));
        Assert.Empty(Ids((await client.Get("Users?filter=" + Uri.EscapeDataString("userName sw \"a\""))).Expect(HttpStatusCode.OK, errors).Json));
        Assert.Equal([bob], Ids((await client.Get("Users?count=1&cursor=")).Expect(HttpStatusCode.OK, errors).Json));
        var members = (await client.Get($"Groups/{team}")).Expect(HttpStatusCode.OK, errors).Json["members"]!.AsArray();
        Assert.Equal([bob], members.Select(m => (string)m!["value"]!));

        // As a member it is unknown: refused, as any id the store does not serve.
        var add = await client.Patch($"Groups/{team}", Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{ada}}"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, add.Status);

        // Its name is free again (the unique index counts the rows not deleted).
        var again = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada"}""")).Expect(HttpStatusCode.Created, errors).Json);
        Assert.NotEqual(ada, again);
        Assert.Equal([again], Ids((await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ADA\""))).Expect(HttpStatusCode.OK, errors).Json));

        // A group deleted softly by its flag: the row stays, its members' rows go, users lose it.
        (await client.Delete($"Groups/{team}")).Expect(HttpStatusCode.NoContent, errors);
        await using (var db = app.Database())
        {
            Assert.True((await db.Teams.AsNoTracking().SingleAsync(ct)).IsDeleted);
            Assert.Equal(0, await db.TeamMembers.CountAsync(ct));
        }

        (await client.Get($"Groups/{team}")).Expect(HttpStatusCode.NotFound, errors);
        Assert.Empty(Ids((await client.Get("Groups")).Expect(HttpStatusCode.OK, errors).Json));
        Assert.Null((await client.Get($"Users/{bob}")).Expect(HttpStatusCode.OK, errors).Json["groups"]?.AsArray().FirstOrDefault());

        // A row the app marks deleted itself is gone for SCIM the same way.
        await using (var db = app.Database())
        {
            var key = int.Parse(bob, System.Globalization.CultureInfo.InvariantCulture);
            await db.Accounts.Where(a => a.Id == key).ExecuteUpdateAsync(a => a.SetProperty(x => x.DeletedUtc, DateTime.UtcNow), ct);
        }

        (await client.Get($"Users/{bob}")).Expect(HttpStatusCode.NotFound, errors);
        Assert.Equal([again], Ids((await client.Get("Users")).Expect(HttpStatusCode.OK, errors).Json));
        Assert.Empty(errors.Errors);
    }

    [Fact]
    public async Task UsersDeletedWhileBeingAdded_AreNeverLeftAsMembers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync();
        var client = app.Client(Token);
        var errors = app.Errors;
        var team = Id((await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Race"}""")).Expect(HttpStatusCode.Created, errors).Json);
        var users = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            users.Add(Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"racer{{i}}"}""")).Expect(HttpStatusCode.Created, errors).Json));
        }

        // Each user added to the group (one request each, and some in a PUT of the whole group) while it is deleted.
        var statuses = await Task.WhenAll(users.SelectMany((user, i) => new[]
        {
            Task.Run(async () => (await client.Patch($"Groups/{team}", Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{user}}"}]}"""))).Status, ct),
            Task.Run(async () => (await client.Delete($"Users/{user}")).Status, ct),
        }));
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.BadRequest, s.ToString()));

        await using (var db = app.Database())
        {
            var stale = await db.TeamMembers.Where(m => db.Accounts.Any(a => a.Id == m.AccountId && a.DeletedUtc != null)).CountAsync(ct);
            Assert.Equal(0, stale);
            Assert.Equal(40, await db.Accounts.CountAsync(a => a.DeletedUtc != null, ct));
        }

        Assert.Empty((await client.Get($"Groups/{team}")).Expect(HttpStatusCode.OK, errors).Json["members"]?.AsArray() ?? []);
        Assert.Empty(errors.Errors);
    }

    [Fact]
    public async Task AGroupTheAppMarksDeleted_IsInNoUsersGroups()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync();
        var client = app.Client(Token);
        var errors = app.Errors;
        var ada = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada"}""")).Expect(HttpStatusCode.Created, errors).Json);
        (await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Ops","members":[{"value":"{{ada}}"}]}""")).Expect(HttpStatusCode.Created, errors);
        await using (var db = app.Database())
        {
            await db.Teams.ExecuteUpdateAsync(t => t.SetProperty(x => x.IsDeleted, true), ct);
        }

        // One user's groups (a compiled query of their own) and a lookup's, as a page's.
        Assert.Empty((await client.Get($"Users/{ada}")).Expect(HttpStatusCode.OK, errors).Json["groups"]?.AsArray() ?? []);
        var found = (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ada\""))).Expect(HttpStatusCode.OK, errors).Json;
        Assert.Empty(found["Resources"]![0]!["groups"]?.AsArray() ?? []);
        Assert.Empty(errors.Errors);
    }

    [Fact]
    public async Task AGroupOfManyMembers_IsChecked_InChunks()
    {
        // More members than SQLite takes parameters in one statement (32,766), all checked not deleted.
        const int Members = 33_000;
        await using var app = await StartAsync(seed: async db =>
        {
            db.Accounts.AddRange(Enumerable.Range(0, Members).Select(i => new KeptAccount { UserName = $"member{i}" }));
            await db.SaveChangesAsync();
        });
        var client = app.Client(Token);
        List<int> keys;
        await using (var db = app.Database())
        {
            keys = await db.Accounts.Select(a => a.Id).ToListAsync(TestContext.Current.CancellationToken);
        }

        var members = string.Join(",", keys.Select(k => $$"""{"value":"{{k}}"}"""));
        var created = (await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Everyone","members":[{{members}}]}""")).Expect(HttpStatusCode.Created, app.Errors);
        await using (var db = app.Database())
        {
            Assert.Equal(Members, await db.TeamMembers.CountAsync(TestContext.Current.CancellationToken));
        }

        Assert.NotNull(created.Json["id"]);
    }

    [Fact]
    public async Task GroupsCreatedWhileTheirMemberIsDeleted_AreCreated_WithoutIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync();
        var client = app.Client(Token);
        var errors = app.Errors;
        for (var round = 0; round < 5; round++)
        {
            var user = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"racer{{round}}"}""")).Expect(HttpStatusCode.Created, errors).Json);
            var creates = Enumerable.Range(0, 10).Select(i => Task.Run(async () => await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"g{{round}}-{{i}}","members":[{"value":"{{user}}"}]}"""), ct)).ToList();
            var delete = Task.Run(async () => await client.Delete($"Users/{user}"), ct);
            await Task.WhenAll([.. creates, delete]);

            // Each group is created, with the member or (deleted first) without it; never a 409.
            Assert.All(creates, c => Assert.True(c.Result.Status is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"{c.Result.Status}: {c.Result.Text}"));
        }

        await using (var db = app.Database())
        {
            Assert.Equal(0, await db.TeamMembers.CountAsync(m => db.Accounts.Any(a => a.Id == m.AccountId && a.DeletedUtc != null), ct));
        }

        Assert.Empty(errors.Errors);
    }

    [Fact]
    public async Task AGroupPatchOfWhatTheRowDoesNotKeep_KeepsTheVersion_AndRaisesNoEvent()
    {
        var subscriber = new RecordingSubscriber();
        await using var app = await StartTeamsAsync(subscriber);
        var client = app.Client(Token);
        var created = (await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Ops"}""")).Expect(HttpStatusCode.Created, app.Errors);
        var id = Id(created.Json);
        var patched = await client.Patch($"Groups/{id}", Http.PatchOp("""{"op":"replace","path":"externalId","value":"ext-1"}"""));
        Assert.True(patched.Status is HttpStatusCode.OK or HttpStatusCode.NoContent, patched.Status.ToString());
        Assert.Equal(created.ETag, (await client.Get($"Groups/{id}")).Expect(HttpStatusCode.OK, app.Errors).ETag);

        // A change the row keeps follows: its event comes right after the create's, nothing between.
        var renamed = await client.Patch($"Groups/{id}", Http.PatchOp("""{"op":"replace","path":"displayName","value":"Ops 2"}"""));
        Assert.True(renamed.Status is HttpStatusCode.OK or HttpStatusCode.NoContent, renamed.Status.ToString());
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Patched], (await subscriber.OfAsync(id, 2)).Select(e => e.Kind));
        Assert.Contains("displayName", subscriber.Of(id)[1].ChangedPaths);
        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public async Task AGroupPutOfWhatTheRowDoesNotKeep_KeepsTheVersion_ButOneOfMembersChangesIt()
    {
        var subscriber = new RecordingSubscriber();
        await using var app = await StartTeamsAsync(subscriber);
        var client = app.Client(Token);
        var ada = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada"}""")).Expect(HttpStatusCode.Created, app.Errors).Json);
        var bob = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bob"}""")).Expect(HttpStatusCode.Created, app.Errors).Json);
        var created = (await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Ops","members":[{"value":"{{ada}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors);
        var id = Id(created.Json);

        // Only the externalId, which the row does not keep: nothing written, the version kept, no event.
        var same = (await client.Put($"Groups/{id}", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Ops","externalId":"ext-1","members":[{"value":"{{ada}}"}]}""")).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(created.ETag, same.ETag);
        Assert.Equal(created.ETag, (await client.Get($"Groups/{id}")).Expect(HttpStatusCode.OK, app.Errors).ETag);

        // The members replaced, the row's attributes the same: a change, and its event follows the create's.
        var replaced = (await client.Put($"Groups/{id}", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Ops","members":[{"value":"{{bob}}"}]}""")).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal([bob], replaced.Json["members"]!.AsArray().Select(m => (string)m!["value"]!));
        Assert.NotEqual(created.ETag, replaced.ETag);
        // (Users and groups have keys of their own here: the group's events are told by their type.)
        await subscriber.OfAsync(id, 3);
        var events = subscriber.Of(id).Where(e => e.ResourceType == "Group").ToList();
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Replaced], events.Select(e => e.Kind));
        Assert.Contains("members", events[1].ChangedPaths);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(2, subscriber.Of(id).Count(e => e.ResourceType == "Group"));
        Assert.Empty(app.Errors.Errors);
    }

    /// <summary>Teams whose row keeps the name and a version, and serves the name as a read-only <c>externalId</c> too.</summary>
    private Task<HostApp<KeptAccountsDbContext>> StartTeamsAsync(RecordingSubscriber subscriber) =>
        HostApp.StartAsync<KeptAccountsDbContext>(
            Provider,
            scim =>
            {
                scim.Services.AddSingleton<IScimEventSubscriber>(subscriber);
                scim.AddEntityFrameworkCoreStores<KeptAccountsDbContext>(stores => stores
                    .Users<KeptAccount>(users => users.Id(a => a.Id).Map("userName", a => a.UserName))
                    .Groups<KeptTeam, KeptTeamMember>(
                        groups => groups.Id(t => t.Id).Map("displayName", t => t.Name).Map("externalId", t => t.Name, (t, v) => { }).Version(t => t.Stamp),
                        members => members.Keys(m => m.TeamId, m => m.AccountId)));
            },
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token));

    private Task<HostApp<KeptAccountsDbContext>> StartAsync(Func<KeptAccountsDbContext, Task>? seed = null) =>
        HostApp.StartAsync<KeptAccountsDbContext>(
            Provider,
            scim => scim.AddEntityFrameworkCoreStores<KeptAccountsDbContext>(stores => stores
                .Users<KeptAccount>(users => users.Id(a => a.Id).Map("userName", a => a.UserName).SoftDelete(a => a.DeletedUtc))
                .Groups<KeptTeam, KeptTeamMember>(
                    groups => groups.Id(t => t.Id).Map("displayName", t => t.Name).SoftDelete(t => t.IsDeleted),
                    members => members.Keys(m => m.TeamId, m => m.AccountId))),
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token),
            seed);

    private static string Id(JsonNode resource) => (string)resource["id"]!;

    private static List<string> Ids(JsonNode page) => [.. (page["Resources"]?.AsArray() ?? []).Select(r => (string)r!["id"]!)];
}

/// <summary>Soft delete on SQLite.</summary>
public sealed class SqliteSoftDeleteTests : SoftDeleteTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Soft delete on PostgreSQL.</summary>
public sealed class PostgresSoftDeleteTests : SoftDeleteTests
{
    protected override Provider Provider => Provider.Postgres;
}
