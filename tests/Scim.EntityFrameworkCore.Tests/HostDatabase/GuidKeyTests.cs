using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

// Entities keyed by Guid, as ASP.NET Core Identity's IdentityUser<Guid> and IdentityRole<Guid> are.

public class GuidUser
{
    public Guid Id { get; set; }

    public string UserName { get; set; } = string.Empty;

    /// <summary>As Identity's: the app writes a bare Guid here on every change it makes itself.</summary>
    public string? ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString();
}

public class GuidRole
{
    public Guid Id { get; set; }

    public string Name { get; set; } = string.Empty;
}

public class GuidUserRole
{
    public Guid UserId { get; set; }

    public Guid RoleId { get; set; }
}

public class GuidKeysDbContext(DbContextOptions<GuidKeysDbContext> options) : DbContext(options)
{
    public DbSet<GuidUser> Users => Set<GuidUser>();

    public DbSet<GuidRole> Roles => Set<GuidRole>();

    public DbSet<GuidUserRole> UserRoles => Set<GuidUserRole>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<GuidUser>().HasIndex(u => u.UserName).IsUnique();
        modelBuilder.Entity<GuidUserRole>(link =>
        {
            link.HasKey(l => new { l.UserId, l.RoleId });
            link.HasOne<GuidUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
            link.HasOne<GuidRole>().WithMany().HasForeignKey(l => l.RoleId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>
/// Users and groups keyed by <see cref="Guid"/>: the ids are the keys (the service's proposed
/// ids), and every list works: all of them, a filter, index pages, cursor pages (each row once,
/// in key order), a sort, and a user's groups. Lists used to be a 500 (the key had to be a string,
/// an int or a long to be paged).
/// </summary>
public abstract class GuidKeyTests
{
    private const string Token = "guid-keys-token-7c1e";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task GuidKeys_AreIds_AndEveryListPages()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await HostApp.StartAsync<GuidKeysDbContext>(
            Provider,
            scim => scim.AddEntityFrameworkCoreStores<GuidKeysDbContext>(stores => stores
                .Users<GuidUser>(users => users.Id(u => u.Id).Map("userName", u => u.UserName).Version(u => u.ConcurrencyStamp))
                .Groups<GuidRole, GuidUserRole>(
                    groups => groups.Id(r => r.Id).Map("displayName", r => r.Name),
                    members => members.Keys(l => l.RoleId, l => l.UserId))),
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token));
        var client = app.Client(Token);
        var errors = app.Errors;
        var ids = new List<string>();
        foreach (var name in new[] { "eve", "bob", "dan", "ann", "cy" })
        {
            var id = (string)(await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"{{name}}"}""")).Expect(HttpStatusCode.Created, errors).Json["id"]!;
            Assert.True(Guid.TryParse(id, out _), id);
            ids.Add(id);
        }

        await using (var db = app.Database())
        {
            Assert.Equal(ids.Select(Guid.Parse).Order(), (await db.Users.Select(u => u.Id).ToListAsync(ct)).Order());
        }

        // Every row once, in the store's key order, by index pages and by cursor pages alike.
        var all = Ids((await client.Get("Users")).Expect(HttpStatusCode.OK, errors).Json);
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        var byIndex = new List<string>();
        for (var start = 1; start <= 5; start += 2)
        {
            byIndex.AddRange(Ids((await client.Get($"Users?startIndex={start}&count=2")).Expect(HttpStatusCode.OK, errors).Json));
        }

        Assert.Equal(all, byIndex);
        var byCursor = new List<string>();
        for (var cursor = string.Empty; cursor is not null;)
        {
            var page = (await client.Get("Users?count=2&cursor=" + Uri.EscapeDataString(cursor))).Expect(HttpStatusCode.OK, errors).Json;
            byCursor.AddRange(Ids(page));
            cursor = (string?)page["nextCursor"];
        }

        Assert.Equal(all, byCursor);

        var sorted = (await client.Get("Users?sortBy=userName")).Expect(HttpStatusCode.OK, errors).Json;
        Assert.Equal(["ann", "bob", "cy", "dan", "eve"], sorted["Resources"]!.AsArray().Select(r => (string)r!["userName"]!));
        var found = (await client.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"DAN\""))).Expect(HttpStatusCode.OK, errors).Json;
        Assert.Equal([ids[2]], Ids(found));
        Assert.Equal([ids[3]], Ids((await client.Get("Users?filter=" + Uri.EscapeDataString($"id eq \"{ids[3]}\""))).Expect(HttpStatusCode.OK, errors).Json));

        var group = (string)(await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Ops","members":[{"value":"{{ids[0]}}"},{"value":"{{ids[1]}}"}]}""")).Expect(HttpStatusCode.Created, errors).Json["id"]!;
        Assert.Equal([group], Ids((await client.Get("Groups")).Expect(HttpStatusCode.OK, errors).Json));
        var user = (await client.Get($"Users/{ids[0]}")).Expect(HttpStatusCode.OK, errors).Json;
        Assert.Equal(group, (string)user["groups"]![0]!["value"]!);
        Assert.Equal(2, (await client.Get($"Groups/{group}")).Expect(HttpStatusCode.OK, errors).Json["members"]!.AsArray().Count);
        (await client.Patch($"Groups/{group}", Http.PatchOp($$"""{"op":"remove","path":"members[value eq \"{{ids[1].ToUpperInvariant()}}\"]"}"""))).Expect(HttpStatusCode.NoContent, errors);
        Assert.Equal(2, (await client.Get($"Groups/{group}")).Expect(HttpStatusCode.OK, errors).Json["members"]!.AsArray().Count);
        (await client.Get("Users/not-a-guid")).Expect(HttpStatusCode.NotFound, errors);

        // One id per resource, as the other stores have: the Guid's other spellings name nothing.
        // (They named the user, and its events carried whichever spelling the request used, so a
        // subscriber keyed on the id missed the delete; a member removed by an upper-case id went.)
        var key0 = Guid.Parse(ids[0]);
        foreach (var other in new[] { ids[0].ToUpperInvariant(), key0.ToString("N"), key0.ToString("B") })
        {
            (await client.Get($"Users/{Uri.EscapeDataString(other)}")).Expect(HttpStatusCode.NotFound, errors);
            Assert.Empty(Ids((await client.Get("Users?filter=" + Uri.EscapeDataString($"id eq \"{other}\""))).Expect(HttpStatusCode.OK, errors).Json));
            (await client.Delete($"Users/{Uri.EscapeDataString(other)}")).Expect(HttpStatusCode.NotFound, errors);
        }

        // The app changes a user itself and writes a bare Guid into the version column: it is
        // served as an entity tag, and If-Match with it works.
        var stamp = Guid.NewGuid().ToString();
        await using (var db = app.Database())
        {
            var key = Guid.Parse(ids[4]);
            await db.Users.Where(u => u.Id == key).ExecuteUpdateAsync(u => u.SetProperty(x => x.ConcurrencyStamp, stamp), ct);
        }

        var read = await client.Get($"Users/{ids[4]}");
        Assert.Equal($"W/\"{stamp}\"", read.Expect(HttpStatusCode.OK, errors).ETag);
        Assert.Equal($"W/\"{stamp}\"", (string?)read.Json["meta"]!["version"]);
        var stale = await client.Send(HttpMethod.Patch, $"Users/{ids[4]}", Http.PatchOp("""{"op":"replace","path":"userName","value":"cy2"}"""), ("If-Match", "W/\"other\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        (await client.Send(HttpMethod.Patch, $"Users/{ids[4]}", Http.PatchOp("""{"op":"replace","path":"userName","value":"cy2"}"""), ("If-Match", $"W/\"{stamp}\""))).Expect(HttpStatusCode.OK, errors);
        Assert.Empty(errors.Errors);
    }

    private static List<string> Ids(JsonNode page) => [.. (page["Resources"]?.AsArray() ?? []).Select(r => (string)r!["id"]!)];
}

/// <summary>Guid keys on SQLite.</summary>
public sealed class SqliteGuidKeyTests : GuidKeyTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Guid keys on PostgreSQL.</summary>
public sealed class PostgresGuidKeyTests : GuidKeyTests
{
    protected override Provider Provider => Provider.Postgres;
}
