using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>
/// Where a write reads and locks its row in one statement (PostgreSQL, one plain table, columns
/// without converters) and where it falls back to claiming the row with an update: the statement
/// is built from the model alone, so these need no database.
/// </summary>
public sealed class LockedReadTests
{
    private static readonly Expression<Func<Member, string>> Key = m => m.Code;
    private static readonly Expression<Func<Member, string>> Tenant = m => m.Realm;

    [Fact]
    public void PlainTable_OnPostgres_ReadsAndLocksByItsColumns()
    {
        using var db = new LockContext(Postgres, _ => { });
        Assert.Equal(
            "SELECT * FROM people.members WHERE code = {0} AND realm = {1} FOR NO KEY UPDATE", // Npgsql quotes only the names that need it
            new LockedRead(typeof(Member), Key, Tenant).Sql(db));
    }

    [Fact]
    public void KeyWithAValueConverter_FallsBackToTheClaim()
    {
        // A raw statement's parameters would not pass through the converter: the row would not be found.
        using var db = new LockContext(Postgres, b => b.Entity<Member>().Property(m => m.Code).HasConversion(v => v.ToUpperInvariant(), v => v));
        Assert.Null(new LockedRead(typeof(Member), Key, Tenant).Sql(db));
    }

    [Fact]
    public void EntityInAHierarchy_FallsBackToTheClaim()
    {
        using var db = new LockContext(Postgres, b => b.Entity<Contractor>());
        Assert.Null(new LockedRead(typeof(Member), Key, Tenant).Sql(db));
    }

    [Fact]
    public void EntityOverAView_FallsBackToTheClaim()
    {
        using var db = new LockContext(Postgres, b => b.Entity<Member>().ToView("member_view"));
        Assert.Null(new LockedRead(typeof(Member), Key, Tenant).Sql(db));
    }

    [Fact]
    public void OtherProviders_ClaimTheRow()
    {
        using var db = new LockContext(o => o.UseSqlite("Data Source=never-opened.db"), _ => { });
        Assert.Null(new LockedRead(typeof(Member), Key, Tenant).Sql(db));
    }

    [Fact]
    public void Statement_IsMadeForEachModel()
    {
        // One LockedRead serving two context types: each gets its own model's statement.
        var read = new LockedRead(typeof(Member), Key, Tenant);
        using var plain = new LockContext(Postgres, _ => { });
        using var converted = new OtherLockContext(Postgres, b => b.Entity<Member>().Property(m => m.Code).HasConversion(v => v.ToUpperInvariant(), v => v));
        Assert.NotNull(read.Sql(plain));
        Assert.Null(read.Sql(converted));
        Assert.NotNull(read.Sql(plain));
    }

    private static void Postgres(DbContextOptionsBuilder options) => options.UseNpgsql("Host=never-connected");

    public class Member
    {
        public string Code { get; set; } = string.Empty;

        public string Realm { get; set; } = string.Empty;
    }

    public sealed class Contractor : Member
    {
        public string? Agency { get; set; }
    }

    private class LockContext(Action<DbContextOptionsBuilder> provider, Action<ModelBuilder> model) : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
        {
            provider(optionsBuilder);

            // Each test's model differs: the cache is keyed by the configuration.
            optionsBuilder.ReplaceService<Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory, NoModelCache>();
        }

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Member>(m =>
            {
                m.ToTable("members", "people");
                m.HasKey(x => x.Code);
                m.Property(x => x.Code).HasColumnName("code");
                m.Property(x => x.Realm).HasColumnName("realm");
            });
            model(modelBuilder);
        }
    }

    private sealed class OtherLockContext(Action<DbContextOptionsBuilder> provider, Action<ModelBuilder> model) : LockContext(provider, model);

    /// <summary>A model per context instance: these contexts' models differ by test, not by type.</summary>
    private sealed class NoModelCache : Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) => new object();
    }
}
