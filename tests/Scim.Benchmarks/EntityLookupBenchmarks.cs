using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Provisioning;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore;

namespace Scim.Benchmarks;

/// <summary>
/// The provisioning service over the EF Core stores of a host's own entities (an account table and
/// its teams, mapped, not the SCIM-owned tables) on a SQLite file of 10,000 accounts: the lookup
/// IdPs make before each create or link (<c>userName eq</c>, the column folded with <c>lower()</c>
/// and found through an index on <c>lower(Email)</c>), as the store answers it, and the same lookup
/// sorted by id, which the store plans through EF Core's LINQ pipeline; a GET by id beside them;
/// each with the host's context from a plain and from a pooled factory.
/// </summary>
[MemoryDiagnoser]
public class EntityLookupBenchmarks
{
    private const int Accounts = 10_000;

    private readonly ScimContext _context = new(ScimContext.DefaultTenant, "bench-client");
    private readonly ScimListRequest _lookup = new() { Filter = "userName eq \"USER5000@example.com\"" };
    private readonly ScimListRequest _plannedLookup = new() { Filter = "userName eq \"USER5000@example.com\"", SortBy = "id" };
    private ServiceProvider _services = null!;
    private string _file = null!;
    private string _id = null!;

    /// <summary>Whether the host registers its context with a pooled factory (<c>AddPooledDbContextFactory</c>) rather than a plain one.</summary>
    [Params(false, true)]
    public bool Pooled { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), $"scim-bench-{Guid.NewGuid():N}.db");
        var connection = $"Data Source={_file};Pooling=True";
        var services = new ServiceCollection();
        if (Pooled)
        {
            services.AddPooledDbContextFactory<BenchAccountsContext>(o => o.UseSqlite(connection));
        }
        else
        {
            services.AddDbContextFactory<BenchAccountsContext>(o => o.UseSqlite(connection));
        }

        services.AddScimCore().AddEntityFrameworkCoreStores<BenchAccountsContext>(stores => stores
            .Users<BenchAccount>(users => users
                .Id(a => a.AccountId)
                .Map("userName", a => a.Email)
                .Map("name.givenName", a => a.FirstName)
                .Map("name.familyName", a => a.LastName)
                .Map("active", a => !a.IsDisabled, (a, active) => a.IsDisabled = !active))
            .Groups<BenchTeam, BenchTeamMember>(
                groups => groups.Id(t => t.TeamId).Map("displayName", t => t.Name),
                members => members.Keys(m => m.TeamId, m => m.AccountId)));
        _services = services.BuildServiceProvider();

        await using (var db = await _services.GetRequiredService<IDbContextFactory<BenchAccountsContext>>().CreateDbContextAsync())
        {
            await db.Database.EnsureCreatedAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL");
            await db.Database.ExecuteSqlRawAsync("CREATE UNIQUE INDEX \"IX_Accounts_Email_lower\" ON \"Accounts\" (lower(\"Email\"))");
            db.Accounts.AddRange(Enumerable.Range(0, Accounts).Select(i => new BenchAccount { Email = $"user{i}@example.com", FirstName = "User", LastName = $"Number {i}", CreatedAt = DateTime.UtcNow }));
            await db.SaveChangesAsync();
            var team = new BenchTeam { Name = "Everyone" };
            db.Teams.Add(team);
            await db.SaveChangesAsync();
            db.TeamMembers.AddRange(db.Accounts.Select(a => a.AccountId).Take(100).ToList().Select(a => new BenchTeamMember { TeamId = team.TeamId, AccountId = a }));
            await db.SaveChangesAsync();
            _id = (await db.Accounts.SingleAsync(a => a.Email == "user5000@example.com")).AccountId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if ((await LookupByUserName()) != 1 || (await LookupByUserNameSortedById()) != 1)
        {
            throw new InvalidOperationException("The lookup found no account.");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Benchmark(Description = "userName eq lookup, host entities, SQLite (as the store answers it)")]
    public async Task<int> LookupByUserName()
    {
        await using var scope = _services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ScimService>().ListAsync(_context, "Users", _lookup)).TotalResults;
    }

    [Benchmark(Description = "userName eq lookup sorted by id, host entities, SQLite (planned)")]
    public async Task<int> LookupByUserNameSortedById()
    {
        await using var scope = _services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ScimService>().ListAsync(_context, "Users", _plannedLookup)).TotalResults;
    }

    [Benchmark(Description = "GET by id, host entities, SQLite")]
    public async Task<string> GetById()
    {
        await using var scope = _services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ScimService>().GetAsync(_context, "Users", _id)).Id;
    }
}

/// <summary>A host's account row.</summary>
public sealed class BenchAccount
{
    public int AccountId { get; set; }

    public string Email { get; set; } = string.Empty;

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public bool IsDisabled { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>A host's team row.</summary>
public sealed class BenchTeam
{
    public int TeamId { get; set; }

    public string Name { get; set; } = string.Empty;
}

/// <summary>A host's team membership row.</summary>
public sealed class BenchTeamMember
{
    public int TeamId { get; set; }

    public int AccountId { get; set; }
}

/// <summary>The host's context: its accounts, teams and memberships.</summary>
public sealed class BenchAccountsContext(DbContextOptions<BenchAccountsContext> options) : DbContext(options)
{
    public DbSet<BenchAccount> Accounts => Set<BenchAccount>();

    public DbSet<BenchTeam> Teams => Set<BenchTeam>();

    public DbSet<BenchTeamMember> TeamMembers => Set<BenchTeamMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BenchAccount>().HasKey(a => a.AccountId);
        modelBuilder.Entity<BenchTeam>().HasKey(t => t.TeamId);
        modelBuilder.Entity<BenchTeamMember>(m =>
        {
            m.HasKey(x => new { x.TeamId, x.AccountId });
            m.HasOne<BenchTeam>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Cascade);
            m.HasOne<BenchAccount>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
            m.HasIndex(x => x.AccountId);
        });
    }
}
