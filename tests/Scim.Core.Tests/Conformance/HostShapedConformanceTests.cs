using Scim.Testing;

namespace Scim.Core.Tests.Conformance;

// Every suite against the host-shaped stores (int ids it assigns, six user attributes, one
// tenant, computed versions, users-only members behind a foreign key): what they claim passes,
// the rest is skipped with the claim as reason. Each test gets a new database (SingleTenant).

public sealed class HostShapedCrudConformanceTests : CrudConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create());
}

public sealed class HostShapedFilterConformanceTests : FilterConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create());
}

public sealed class HostShapedSortingAndPagingConformanceTests : SortingAndPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create());
}

public sealed class HostShapedCursorPagingConformanceTests : CursorPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create());
}

public sealed class HostShapedConditionalWriteConformanceTests : ConditionalWriteConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create());
}

public sealed class HostShapedMembershipConformanceTests : MembershipConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create());
}

public sealed class HostShapedTenantIsolationConformanceTests : TenantIsolationConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create());
}

public sealed class HostShapedUniquenessConformanceTests : UniquenessConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create());
}

public sealed class HostShapedLargeGroupConformanceTests : LargeGroupConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create());
}
