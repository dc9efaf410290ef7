using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>
/// A host's own entities with a tenant column (<c>.Tenant(a =&gt; a.Org)</c>) on both providers,
/// through the service: a lookup by userName and a team's <c>displayName eq</c> (compiled queries)
/// and a member's teams (one compiled statement) see the request's tenant only, even where a
/// membership row names another tenant's team, and agree with the planned page.
/// </summary>
public abstract class TenantHostMapTests
{
    private static readonly ScimContext A = new("org-a", "test");
    private static readonly ScimContext B = new("org-b", "test");

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task Lookups_AndAMembersTeams_StayInTheRequestsTenant()
    {
        var (database, connectionString) = await TestDatabase.CreateAsync(Provider);
        await using var _ = database;
        var services = new ServiceCollection();
        services.AddDbContextFactory<OrgContext>(o => ScimTablesApp.Use(o, Provider, connectionString));
        services.AddScimCore().AddEntityFrameworkCoreStores<OrgContext>(stores => stores
            .Users<OrgAccount>(users => users
                .Id(a => a.Id)
                .Tenant(a => a.Org)
                .Map("userName", a => a.Email))
            .Groups<OrgTeam, OrgMembership>(
                groups => groups.Id(t => t.Id).Tenant(t => t.Org).Map("displayName", t => t.Name),
                members => members.Keys(m => m.TeamId, m => m.AccountId)));
        await using var provider = services.BuildServiceProvider();
        await using (var db = await provider.GetRequiredService<IDbContextFactory<OrgContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        }

        var ct = TestContext.Current.CancellationToken;
        await using var scope = provider.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<ScimService>();
        var adaA = (await service.CreateAsync(A, new User { UserName = "ada@example.com" }, ct)).Id;
        var adaB = (await service.CreateAsync(B, new User { UserName = "ADA@example.com" }, ct)).Id;
        var engA = (await service.CreateAsync(A, new Group { DisplayName = "Eng", Members = [new GroupMember { Value = adaA }] }, ct)).Id;
        var engB = (await service.CreateAsync(B, new Group { DisplayName = "eng", Members = [new GroupMember { Value = adaB }] }, ct)).Id;

        // A row that names B's team for A's account (not one the service would write): A's reads leave it out.
        await using (var db = await provider.GetRequiredService<IDbContextFactory<OrgContext>>().CreateDbContextAsync(ct))
        {
            db.Add(new OrgMembership { TeamId = int.Parse(engB, System.Globalization.CultureInfo.InvariantCulture), AccountId = int.Parse(adaA, System.Globalization.CultureInfo.InvariantCulture) });
            await db.SaveChangesAsync(ct);
        }

        foreach (var (context, account, team) in new[] { (A, adaA, engA), (B, adaB, engB) })
        {
            var lookup = await service.ListAsync(context, "Users", new ScimListRequest { Filter = "userName eq \"Ada@Example.com\"" }, ct);
            var planned = await service.ListAsync(context, "Users", new ScimListRequest { Filter = "userName eq \"Ada@Example.com\"", SortBy = "id" }, ct);
            Assert.Equal(1, lookup.TotalResults);
            Assert.Equal(account, Assert.Single(lookup.Resources).Id);
            Assert.Equal(account, Assert.Single(planned.Resources).Id);
            Assert.Equal([team], Groups(Assert.Single(lookup.Resources)));
            Assert.Equal([team], Groups(await service.GetAsync(context, "Users", account, cancellationToken: ct)));

            var teams = await service.ListAsync(context, "Groups", new ScimListRequest { Filter = "displayName eq \"ENG\"" }, ct);
            Assert.Equal(team, Assert.Single(teams.Resources).Id);
        }

        // The other tenant's account is not found by id or by name.
        await Assert.ThrowsAsync<Scim.Core.Errors.ScimException>(() => service.GetAsync(A, "Users", adaB, cancellationToken: ct));
        var page = await service.ListAsync(A, "Users", new ScimListRequest { Filter = "userName eq \"nobody@example.com\"" }, ct);
        Assert.Equal(0, page.TotalResults);
    }

    /// <summary>The <c>groups</c> values of a user as the response body carries them.</summary>
    private static List<string> Groups(ScimResourceResult user)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            user.WriteTo(writer);
        }

        var body = System.Text.Json.Nodes.JsonNode.Parse(buffer.ToArray())!;
        return [.. (body["groups"]?.AsArray() ?? []).Select(g => (string)g!["value"]!)];
    }
}

/// <summary>A tenant host map on SQLite.</summary>
public sealed class SqliteTenantHostMapTests : TenantHostMapTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>A tenant host map on PostgreSQL.</summary>
public sealed class PostgresTenantHostMapTests : TenantHostMapTests
{
    protected override Provider Provider => Provider.Postgres;
}

/// <summary>An account of an organization.</summary>
public sealed class OrgAccount
{
    public int Id { get; set; }

    public string Org { get; set; } = string.Empty;

    public string Email { get; set; } = string.Empty;
}

/// <summary>A team of an organization.</summary>
public sealed class OrgTeam
{
    public int Id { get; set; }

    public string Org { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;
}

/// <summary>A team's member.</summary>
public sealed class OrgMembership
{
    public int TeamId { get; set; }

    public int AccountId { get; set; }
}

/// <summary>The organizations' context.</summary>
public sealed class OrgContext(DbContextOptions<OrgContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OrgAccount>(a =>
        {
            a.HasKey(x => x.Id);
            a.HasIndex(x => new { x.Org, x.Email });
        });
        modelBuilder.Entity<OrgTeam>().HasKey(t => t.Id);
        modelBuilder.Entity<OrgMembership>(m =>
        {
            m.HasKey(x => new { x.TeamId, x.AccountId });
            m.HasOne<OrgTeam>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Cascade);
            m.HasOne<OrgAccount>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
