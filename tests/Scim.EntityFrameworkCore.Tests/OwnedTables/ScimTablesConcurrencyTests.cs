using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>The races, over the SCIM-owned tables on SQLite.</summary>
public sealed class SqliteScimTablesConcurrencyTests : ConcurrencyTests
{
    protected override async Task<IScimApp> StartAsync() => await ScimTablesApp.StartAsync(Provider.Sqlite);
}

/// <summary>The races, over the SCIM-owned tables on PostgreSQL.</summary>
public sealed class PostgresScimTablesConcurrencyTests : ConcurrencyTests
{
    protected override async Task<IScimApp> StartAsync() => await ScimTablesApp.StartAsync(Provider.Postgres);
}
