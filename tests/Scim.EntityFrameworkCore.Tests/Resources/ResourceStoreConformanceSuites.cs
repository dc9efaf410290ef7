using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;
using Scim.Testing;
using Scim.Tests.Shared;

namespace Scim.EntityFrameworkCore.Tests.Resources;

// The resource store conformance suite of Scim.Testing against the EF Core store of host types
// (the Device type), on a SQLite file and on PostgreSQL.

public sealed class SqliteResourceStoreConformanceTests : EntityResourceStoreConformanceTests
{
    protected override Provider Provider => Provider.Sqlite;
}

public sealed class PostgresResourceStoreConformanceTests : EntityResourceStoreConformanceTests
{
    protected override Provider Provider => Provider.Postgres;
}

/// <summary>The suite over a new database per test, resolved from a host's container as the service would.</summary>
public abstract class EntityResourceStoreConformanceTests : ResourceStoreConformanceTests
{
    private ServiceProvider? _services;
    private AsyncServiceScope? _scope;
    private IAsyncDisposable? _database;
    private SchemaRegistry? _registry;

    protected abstract Provider Provider { get; }

    protected override SchemaRegistry Registry => _registry ?? Devices.NewRegistry();

    protected override ScimResourceType ResourceType => Registry.FindResourceType("Device")!;

    protected override string KeyAttribute => "serialNumber";

    protected override async ValueTask<IResourceStore<JsonResource>> CreateStoreAsync()
    {
        string connectionString;
        if (Provider == Provider.Sqlite)
        {
            var file = SqliteFile.Create();
            (_database, connectionString) = (file, file.ConnectionString);
        }
        else
        {
            var pg = await Postgres.CreateDatabaseAsync();
            (_database, connectionString) = (pg, pg.ConnectionString);
        }

        var services = new ServiceCollection();
        services.AddDbContextFactory<ResourcesDbContext>(o => ScimTablesApp.Use(o, Provider, connectionString));
        var scim = services.AddScimCore().AddInMemoryStores().AddDevices().AddEntityFrameworkCoreResourceStore<ResourcesDbContext>("Device");
        _registry = scim.Registry;
        _services = services.BuildServiceProvider();
        await using (var db = await _services.GetRequiredService<IDbContextFactory<ResourcesDbContext>>().CreateDbContextAsync())
        {
            await db.Database.EnsureCreatedAsync();
        }

        _scope = _services.CreateAsyncScope();
        return _scope.Value.ServiceProvider.GetRequiredKeyedService<IResourceStore<JsonResource>>("Device");
    }

    protected override void Fill(JsonResource resource)
    {
        resource.Attributes["model"] = "X1";
        resource.Attributes["tags"] = new System.Text.Json.Nodes.JsonArray("lab", "loaner");
        resource.Extensions[Devices.Fleet] = new System.Text.Json.Nodes.JsonObject { ["site"] = "Oslo", ["rack"] = 4 };
    }

    public override async ValueTask DisposeAsync()
    {
        if (_scope is { } scope)
        {
            await scope.DisposeAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
