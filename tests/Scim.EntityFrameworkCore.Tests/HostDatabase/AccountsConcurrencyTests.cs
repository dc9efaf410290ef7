using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>The races, over the host's schema on SQLite.</summary>
public sealed class AccountsConcurrencyTests : ConcurrencyTests
{
    protected override async Task<IScimApp> StartAsync() => await AccountsApp.StartAsync();
}
