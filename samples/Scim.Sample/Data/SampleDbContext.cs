using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scim.EntityFrameworkCore;

namespace Scim.Sample.Data;

/// <summary>The sample's database: nothing but the SCIM tables (users, groups, events, and the resources of other types: agents). One subclass per provider, each with its own migrations.</summary>
public abstract class SampleDbContext(DbContextOptions options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyScimModel().ApplyScimResources();
}

/// <summary>The sample's database on SQLite (migrations in Data/Migrations/Sqlite).</summary>
public sealed class SqliteSampleDbContext(DbContextOptions<SqliteSampleDbContext> options) : SampleDbContext(options);

/// <summary>The sample's database on PostgreSQL (migrations in Data/Migrations/Postgres).</summary>
public sealed class PostgresSampleDbContext(DbContextOptions<PostgresSampleDbContext> options) : SampleDbContext(options);

/// <summary>For <c>dotnet ef migrations add</c>: the SQLite context, no database needed.</summary>
public sealed class SqliteSampleDbContextFactory : IDesignTimeDbContextFactory<SqliteSampleDbContext>
{
    public SqliteSampleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSampleDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For <c>dotnet ef migrations add</c>: the PostgreSQL context, no server needed.</summary>
public sealed class PostgresSampleDbContextFactory : IDesignTimeDbContextFactory<PostgresSampleDbContext>
{
    public PostgresSampleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresSampleDbContext>().UseNpgsql("Host=localhost;Database=scim_sample").Options);
}
