using Microsoft.EntityFrameworkCore;
using Scim.Sample.Data;

namespace Scim.Sample.Tests;

/// <summary>The sample's migrations, for each provider, make the database its model describes (a model change without its migration fails here).</summary>
public sealed class SampleMigrationsTests
{
    [Fact]
    public void Migrations_EachProvider_NoPendingModelChanges()
    {
        using var sqlite = new SqliteSampleDbContextFactory().CreateDbContext([]);
        using var postgres = new PostgresSampleDbContextFactory().CreateDbContext([]);

        Assert.False(sqlite.Database.HasPendingModelChanges());
        Assert.False(postgres.Database.HasPendingModelChanges());
    }
}
