using Microsoft.EntityFrameworkCore;

namespace Scim.EntityFrameworkCore.Tests.Resources;

/// <summary>A host context with the SCIM tables and the table of host-registered resource types.</summary>
public class ResourcesDbContext(DbContextOptions<ResourcesDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyScimModel().ApplyScimResources();
}
