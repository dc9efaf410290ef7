using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;
using Scim.Tests.Shared;

namespace Scim.EntityFrameworkCore.Tests.Resources;

/// <summary>A host context that names the resources table its own way: another prefix, and on PostgreSQL a schema of its own.</summary>
public sealed class RenamedResourcesDbContext(DbContextOptions<RenamedResourcesDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyScimResources("Host", Database.IsNpgsql() ? "scim" : null);
}

/// <summary>The store's SQL names the table and columns as the host's model maps them.</summary>
public sealed class JsonQueryTableNameTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Query_TableOfAnotherNameAndSchema_FiltersSortsAndCounts(Provider provider)
    {
        var (database, connectionString) = await TestDatabase.CreateAsync(provider);

        await using var _ = database;
        var services = new ServiceCollection();
        services.AddDbContextFactory<RenamedResourcesDbContext>(o => ScimTablesApp.Use(o, provider, connectionString));
        services.AddScimCore().AddDevices().AddEntityFrameworkCoreResourceStore<RenamedResourcesDbContext>("Device");
        await using var provided = services.BuildServiceProvider();
        await using (var db = await provided.GetRequiredService<IDbContextFactory<RenamedResourcesDbContext>>().CreateDbContextAsync(Ct))
        {
            var entity = db.Model.FindEntityType(typeof(ScimResourceEntity))!;
            Assert.Equal("HostResources", entity.GetTableName());
            Assert.Equal(provider == Provider.Postgres ? "scim" : null, entity.GetSchema());
            await db.Database.EnsureCreatedAsync(Ct);
        }

        var store = provided.GetRequiredKeyedService<IResourceStore<JsonResource>>("Device");
        var context = new ScimContext("renamed", "tests");
        foreach (var (id, serial, site) in new[] { ("d1", "SN-1", "Oslo"), ("d2", "SN-2", "Bergen"), ("d3", "SN-3", "oslo") })
        {
            var device = new JsonResource(Devices.Schema) { Id = id, Meta = new ResourceMeta { Created = DateTimeOffset.UnixEpoch, LastModified = DateTimeOffset.UnixEpoch, Version = "W/\"1\"" } };
            device.Attributes["serialNumber"] = serial;
            device.Extensions[Devices.Fleet] = new System.Text.Json.Nodes.JsonObject { ["site"] = site };
            Assert.Equal(StoreWriteStatus.Succeeded, (await store.CreateAsync(context, device, Ct)).Status);
        }

        var page = await store.QueryAsync(context, new ScimQuery { Filter = ScimFilterParser.Parse("site eq \"OSLO\""), SortBy = "serialNumber", SortOrder = SortOrder.Descending, Count = 1 }, Ct);

        Assert.Equal(2, page.TotalResults);
        Assert.Equal("d3", Assert.Single(page.Resources).Id);
    }
}
