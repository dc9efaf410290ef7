using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;
using Scim.Testing;

namespace Scim.EntityFrameworkCore.Tests.Conformance;

// Every conformance suite of Scim.Testing against the EF Core stores, both ways in (the host's
// pre-SCIM Accounts schema, the SCIM-owned tables), on SQLite files and on PostgreSQL. The host
// schema's stores state what they keep (StoreUnderTest claims); the rest is skipped with that reason.

public sealed class SqliteAccountsCrudConformanceTests : CrudConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Sqlite);
}

public sealed class SqliteAccountsFilterConformanceTests : FilterConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Sqlite);
}

public sealed class SqliteAccountsSortingAndPagingConformanceTests : SortingAndPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Sqlite);
}

public sealed class SqliteAccountsCursorPagingConformanceTests : CursorPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Sqlite);
}

public sealed class SqliteAccountsConditionalWriteConformanceTests : ConditionalWriteConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Sqlite);
}

public sealed class SqliteAccountsMembershipConformanceTests : MembershipConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Sqlite);
}

public sealed class SqliteAccountsTenantIsolationConformanceTests : TenantIsolationConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Sqlite);
}

public sealed class SqliteAccountsUniquenessConformanceTests : UniquenessConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Sqlite);
}

public sealed class SqliteAccountsLargeGroupConformanceTests : LargeGroupConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Sqlite);
}

public sealed class PostgresAccountsCrudConformanceTests : CrudConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Postgres);
}

public sealed class PostgresAccountsFilterConformanceTests : FilterConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Postgres);
}

public sealed class PostgresAccountsSortingAndPagingConformanceTests : SortingAndPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Postgres);
}

public sealed class PostgresAccountsCursorPagingConformanceTests : CursorPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Postgres);
}

public sealed class PostgresAccountsConditionalWriteConformanceTests : ConditionalWriteConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Postgres);
}

public sealed class PostgresAccountsMembershipConformanceTests : MembershipConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Postgres);
}

public sealed class PostgresAccountsTenantIsolationConformanceTests : TenantIsolationConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Postgres);
}

public sealed class PostgresAccountsUniquenessConformanceTests : UniquenessConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Postgres);
}

public sealed class PostgresAccountsLargeGroupConformanceTests : LargeGroupConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.AccountsAsync(Provider.Postgres);
}

public sealed class SqliteScimTablesCrudConformanceTests : CrudConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Sqlite);
}

public sealed class SqliteScimTablesFilterConformanceTests : FilterConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Sqlite);
}

public sealed class SqliteScimTablesSortingAndPagingConformanceTests : SortingAndPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Sqlite);
}

public sealed class SqliteScimTablesCursorPagingConformanceTests : CursorPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Sqlite);
}

public sealed class SqliteScimTablesConditionalWriteConformanceTests : ConditionalWriteConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Sqlite);
}

public sealed class SqliteScimTablesMembershipConformanceTests : MembershipConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Sqlite);
}

public sealed class SqliteScimTablesTenantIsolationConformanceTests : TenantIsolationConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Sqlite);
}

public sealed class SqliteScimTablesUniquenessConformanceTests : UniquenessConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Sqlite);
}

public sealed class SqliteScimTablesLargeGroupConformanceTests : LargeGroupConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Sqlite);
}

public sealed class PostgresScimTablesCrudConformanceTests : CrudConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Postgres);
}

public sealed class PostgresScimTablesFilterConformanceTests : FilterConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Postgres);
}

public sealed class PostgresScimTablesSortingAndPagingConformanceTests : SortingAndPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Postgres);
}

public sealed class PostgresScimTablesCursorPagingConformanceTests : CursorPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Postgres);
}

public sealed class PostgresScimTablesConditionalWriteConformanceTests : ConditionalWriteConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Postgres);
}

public sealed class PostgresScimTablesMembershipConformanceTests : MembershipConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Postgres);
}

public sealed class PostgresScimTablesTenantIsolationConformanceTests : TenantIsolationConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Postgres);
}

public sealed class PostgresScimTablesUniquenessConformanceTests : UniquenessConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Postgres);
}

public sealed class PostgresScimTablesLargeGroupConformanceTests : LargeGroupConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => EfStores.ScimTablesAsync(Provider.Postgres);
}
