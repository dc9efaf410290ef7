using Scim.Core.InMemory;
using Scim.Core.Schema;
using Scim.Testing;
using Scim.Core.Tests.Conformance;

namespace Scim.Core.Tests.InMemory;

/// <summary>The in-memory stores run every conformance suite, each test with new stores.</summary>
internal static class InMemoryStores
{
    public static Task<StoreUnderTest> CreateAsync(bool uniqueExternalId = false)
    {
        var registry = SchemaRegistry.CreateDefault();
        var users = new InMemoryUserStore(registry, uniqueExternalId);
        var groups = new InMemoryGroupStore(registry, uniqueExternalId);
        return Task.FromResult(new StoreUnderTest(users, groups, uniqueExternalId)
        {
            Cleanup = () =>
            {
                users.Dispose();
                groups.Dispose();
                return ValueTask.CompletedTask;
            },
        });
    }
}

public sealed class InMemoryCrudConformanceTests : CrudConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync();
}

public sealed class InMemoryFilterConformanceTests : FilterConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync();
}

public sealed class InMemorySortingAndPagingConformanceTests : SortingAndPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync();
}

public sealed class InMemoryCursorPagingConformanceTests : CursorPagingConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync();
}

public sealed class InMemoryConditionalWriteConformanceTests : ConditionalWriteConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync();
}

public sealed class InMemoryMembershipConformanceTests : MembershipConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync();
}

public sealed class InMemoryTenantIsolationConformanceTests : TenantIsolationConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync();
}

public sealed class InMemoryUniquenessConformanceTests : UniquenessConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync();
}

/// <summary>The uniqueness suite again, with externalId uniqueness switched on.</summary>
public sealed class InMemoryUniqueExternalIdConformanceTests : UniquenessConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync(uniqueExternalId: true);
}

public sealed class InMemoryLargeGroupConformanceTests : LargeGroupConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoresAsync() => InMemoryStores.CreateAsync();
}
