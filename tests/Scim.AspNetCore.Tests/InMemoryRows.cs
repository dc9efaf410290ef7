using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Stores;

namespace Scim.AspNetCore.Tests;

/// <summary>The library's in-memory stores, reached as a host reaches them (through <c>AddInMemoryStores()</c>), for test stores that keep their rows there.</summary>
internal static class InMemoryRows
{
    public static IUserStore Users() => Provider().GetRequiredService<IUserStore>();

    public static IGroupStore Groups() => Provider().GetRequiredService<IGroupStore>();

    public static (IUserStore Users, IGroupStore Groups) Both()
    {
        var provider = Provider();
        return (provider.GetRequiredService<IUserStore>(), provider.GetRequiredService<IGroupStore>());
    }

    private static ServiceProvider Provider()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores();
        return services.BuildServiceProvider();
    }
}
