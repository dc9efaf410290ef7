using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.HostDatabase;
using Scim.EntityFrameworkCore.Tests.OwnedTables;
using Scim.Testing;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>The EF Core stores as the conformance suites take them: resolved from a host's container, over a new database.</summary>
internal static class EfStores
{
    /// <summary>The host application's stores over its pre-SCIM schema: int ids it assigns, the attributes it maps, one tenant, computed versions.</summary>
    public static async Task<StoreUnderTest> AccountsAsync(Provider provider)
    {
        var (database, connectionString) = await TestDatabase.CreateAsync(provider);
        var services = new ServiceCollection();
        services.AddDbContextFactory<AccountsDbContext>(o => ScimTablesApp.Use(o, provider, connectionString));
        services.AddScimCore().AddAccountsStores();
        var provider1 = services.BuildServiceProvider();
        await using (var db = await provider1.GetRequiredService<IDbContextFactory<AccountsDbContext>>().CreateDbContextAsync())
        {
            await AccountsApp.CreateSchemaAsync(db);
        }

        // IsDisabled is a bool: a user without "active" is not disabled.
        return Stores(provider1, database, singleTenant: true, assignsIds: true, keepsVersions: false, new Dictionary<string, JsonNode> { ["active"] = true });
    }

    /// <summary>The SCIM-owned tables' stores: everything kept, the service's ids and versions, many tenants.</summary>
    public static async Task<StoreUnderTest> ScimTablesAsync(Provider provider)
    {
        var (database, connectionString) = await TestDatabase.CreateAsync(provider);
        var services = new ServiceCollection();
        services.AddDbContextFactory<ScimTablesDbContext>(o => ScimTablesApp.Use(o, provider, connectionString));
        services.AddScimCore().AddEntityFrameworkCoreStores<ScimTablesDbContext>();
        var provider1 = services.BuildServiceProvider();
        await using (var db = await provider1.GetRequiredService<IDbContextFactory<ScimTablesDbContext>>().CreateDbContextAsync())
        {
            await db.Database.EnsureCreatedAsync();
        }

        return Stores(provider1, database, singleTenant: false, assignsIds: false, keepsVersions: true, new Dictionary<string, JsonNode>());
    }

    private static StoreUnderTest Stores(ServiceProvider services, IAsyncDisposable database, bool singleTenant, bool assignsIds, bool keepsVersions, IReadOnlyDictionary<string, JsonNode> absentUserValues)
    {
        var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<IUserStore>();
        var groups = scope.ServiceProvider.GetRequiredService<IGroupStore>();
        return new StoreUnderTest(users, groups)
        {
            Schemas = scope.ServiceProvider.GetRequiredService<SchemaRegistry>(),
            SingleTenant = singleTenant,
            AssignsIds = assignsIds,
            KeepsVersions = keepsVersions,
            AbsentUserValues = absentUserValues,
            SeedUsers = (context, seeded, cancellationToken) => Import(users, context, seeded, cancellationToken),
            Cleanup = async () =>
            {
                await scope.DisposeAsync();
                await services.DisposeAsync();
                await database.DisposeAsync();
            },
        };
    }

    // The stores' bulk import (internal to the package, visible to its tests).
    private static Task<IReadOnlyList<string>> Import(IUserStore users, Scim.Core.Stores.ScimContext context, IReadOnlyList<User> seeded, CancellationToken cancellationToken)
    {
        var import = users.GetType().GetMethod("ImportAsync", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!;
        return (Task<IReadOnlyList<string>>)import.Invoke(users, [context, seeded, cancellationToken])!;
    }
}
