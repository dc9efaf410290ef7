using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

// A SaaS schema whose rows belong to an organization by a Guid foreign key, as most do: no string
// tenant column anywhere.

public class Organization
{
    public Guid OrganizationId { get; set; }

    public string Slug { get; set; } = string.Empty;
}

public class Member
{
    public int MemberId { get; set; }

    public Guid OrganizationId { get; set; }

    public string Email { get; set; } = string.Empty;

    public string? Title { get; set; }
}

public class Squad
{
    public int SquadId { get; set; }

    public Guid OrganizationId { get; set; }

    public string Name { get; set; } = string.Empty;
}

public class SquadMember
{
    public int SquadId { get; set; }

    public int MemberId { get; set; }
}

public class OrganizationsDbContext(DbContextOptions<OrganizationsDbContext> options) : DbContext(options)
{
    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<Member> Members => Set<Member>();

    public DbSet<Squad> Squads => Set<Squad>();

    public DbSet<SquadMember> SquadMembers => Set<SquadMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Member>().HasIndex(m => new { m.OrganizationId, m.Email }).IsUnique();
        modelBuilder.Entity<Member>().HasOne<Organization>().WithMany().HasForeignKey(m => m.OrganizationId);
        modelBuilder.Entity<Squad>().HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId);
        modelBuilder.Entity<SquadMember>(member =>
        {
            member.HasKey(m => new { m.SquadId, m.MemberId });
            member.HasOne<Squad>().WithMany().HasForeignKey(m => m.SquadId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<Member>().WithMany().HasForeignKey(m => m.MemberId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>
/// A tenant member of type <see cref="Guid"/> (<c>.Tenant(m =&gt; m.OrganizationId)</c>): every
/// read (by id, compiled lookups, pages, a user's groups), write and locked read compares it with
/// the request's tenant as a Guid parameter, new rows are stamped with it, two organizations keep
/// the same user name apart, and a request whose tenant is no Guid is 403.
/// </summary>
public abstract class GuidTenantTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private static readonly Guid Acme = Guid.Parse("6f1c2a3e-0000-4000-8000-000000000ace");
    private static readonly Guid Globex = Guid.Parse("6f1c2a3e-0000-4000-8000-000000000b0b");

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task Organizations_KeepTheirUsersAndGroupsApart_ByTheirGuid()
    {
        await using var app = await StartAsync();
        var acme = app.Client("acme-token-0123456789", Acme.ToString());
        var globex = app.Client("globex-token-0123456789", Globex.ToString());

        var ada = await CreateUserAsync(acme, app, "ada@example.com");
        var theirAda = await CreateUserAsync(globex, app, "ADA@example.com");
        var squad = (string)(await acme.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Core","members":[{"value":"{{ada}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

        await using (var db = app.Database())
        {
            Assert.Equal(Acme, (await db.Members.SingleAsync(m => m.MemberId == int.Parse(ada, System.Globalization.CultureInfo.InvariantCulture), TestContext.Current.CancellationToken)).OrganizationId);
            Assert.Equal(Globex, (await db.Members.SingleAsync(m => m.MemberId == int.Parse(theirAda, System.Globalization.CultureInfo.InvariantCulture), TestContext.Current.CancellationToken)).OrganizationId);
            Assert.Equal(Acme, (await db.Squads.SingleAsync(TestContext.Current.CancellationToken)).OrganizationId);
        }

        // By id (a compiled read), a lookup (a compiled query), a page, a user's groups (a compiled membership query).
        var read = (await acme.Get($"Users/{ada}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(squad, (string)read["groups"]![0]!["value"]!);
        (await globex.Get($"Users/{ada}")).Expect(HttpStatusCode.NotFound, app.Errors);
        Assert.Equal(1, (int)(await acme.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ADA@EXAMPLE.COM\""))).Expect(HttpStatusCode.OK, app.Errors).Json["totalResults"]!);
        var theirs = (await globex.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ada@example.com\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(theirAda, (string)theirs["Resources"]![0]!["id"]!);
        Assert.Equal(1, (int)(await globex.Get("Users?sortBy=userName&count=10")).Expect(HttpStatusCode.OK, app.Errors).Json["totalResults"]!);
        (await globex.Get($"Groups/{squad}")).Expect(HttpStatusCode.NotFound, app.Errors);

        // Writes (a locked read of the row in its tenant), uniqueness within the tenant, and a delete.
        (await acme.Patch($"Users/{ada}", Http.PatchOp("""{"op":"replace","path":"title","value":"Lead"}"""))).Expect(HttpStatusCode.OK, app.Errors);
        (await globex.Patch($"Users/{ada}", Http.PatchOp("""{"op":"replace","path":"title","value":"Spy"}"""))).Expect(HttpStatusCode.NotFound, app.Errors);
        Assert.Equal(HttpStatusCode.Conflict, (await acme.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"Ada@Example.com"}""")).Status);
        (await globex.Delete($"Users/{ada}")).Expect(HttpStatusCode.NotFound, app.Errors);
        (await acme.Delete($"Users/{ada}")).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Empty(app.Errors.Errors);
    }

    /// <summary>A request whose tenant is not a Guid (the default route's "default") names no organization: 403, nothing read or written.</summary>
    [Fact]
    public async Task ATenantThatIsNoGuid_Is403()
    {
        await using var app = await StartAsync();
        var other = app.Client("default-token-0123456789");

        Assert.Equal(HttpStatusCode.Forbidden, (await other.Get("Users")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"lost@example.com"}""")).Status);
        await using var db = app.Database();
        Assert.Equal(0, await db.Members.CountAsync(TestContext.Current.CancellationToken));
        Assert.Empty(app.Errors.Errors);
    }

    private static async Task<string> CreateUserAsync(HttpClient client, HostApp<OrganizationsDbContext> app, string userName) =>
        (string)(await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

    private Task<HostApp<OrganizationsDbContext>> StartAsync() =>
        HostApp.StartAsync<OrganizationsDbContext>(
            Provider,
            scim => scim.AddEntityFrameworkCoreStores<OrganizationsDbContext>(stores => stores
                .Users<Member>(users => users
                    .Id(m => m.MemberId)
                    .Tenant(m => m.OrganizationId)
                    .Map("userName", m => m.Email)
                    .Map("title", m => m.Title))
                .Groups<Squad, SquadMember>(
                    groups => groups.Id(s => s.SquadId).Tenant(s => s.OrganizationId).Map("displayName", s => s.Name),
                    members => members.Keys(m => m.SquadId, m => m.MemberId))),
            tokens => tokens
                .AddToken(Acme.ToString(), "acme", "acme-token-0123456789")
                .AddToken(Globex.ToString(), "globex", "globex-token-0123456789")
                .AddToken(ScimContext.DefaultTenant, "default", "default-token-0123456789"),
            async db =>
            {
                db.Organizations.AddRange(new Organization { OrganizationId = Acme, Slug = "acme" }, new Organization { OrganizationId = Globex, Slug = "globex" });
                await db.SaveChangesAsync();
            });
}

/// <summary>Guid tenants on SQLite.</summary>
public sealed class SqliteGuidTenantTests : GuidTenantTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Guid tenants on PostgreSQL.</summary>
public sealed class PostgresGuidTenantTests : GuidTenantTests
{
    protected override Provider Provider => Provider.Postgres;
}
