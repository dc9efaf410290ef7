using Microsoft.EntityFrameworkCore;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>A host context that has no users of its own: the SCIM tables are all it has.</summary>
public class ScimTablesDbContext(DbContextOptions<ScimTablesDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyScimModel();
}
