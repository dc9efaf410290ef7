using Microsoft.EntityFrameworkCore;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

// The host application's schema as it was before SCIM: nothing here was added for SCIM. Accounts
// have an int identity key and sign in with a unique Email; IsDisabled is the opposite of SCIM's
// active; teams have an int key; memberships are a join table whose foreign keys cascade.

public class Account
{
    public int AccountId { get; set; }

    public string Email { get; set; } = string.Empty;

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public bool IsDisabled { get; set; }

    public string? Department { get; set; }

    public DateTime CreatedAt { get; set; }
}

public class Team
{
    public int TeamId { get; set; }

    public string Name { get; set; } = string.Empty;
}

public class TeamMembership
{
    public int TeamId { get; set; }

    public int AccountId { get; set; }
}

public class AccountsDbContext(DbContextOptions<AccountsDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<TeamMembership> TeamMemberships => Set<TeamMembership>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Account>().HasIndex(a => a.Email).IsUnique();
        modelBuilder.Entity<TeamMembership>(membership =>
        {
            membership.HasKey(m => new { m.TeamId, m.AccountId });
            membership.HasIndex(m => m.AccountId);
            membership.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
            membership.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
