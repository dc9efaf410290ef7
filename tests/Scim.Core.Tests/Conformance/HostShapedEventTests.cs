using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.Conformance;

/// <summary>
/// A hand-written store without an outbox whose group versions are computed from the members
/// (<see cref="HostShapedStores"/>): after a member's delete, the group's event carries the version
/// the store reports through <see cref="ScimEventDraft.SetVersion"/>, the one a read then serves.
/// It carried the version the service proposed, which such a group never has (an If-Match with it was 412).
/// </summary>
public sealed class HostShapedEventTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMembersDelete_TheGroupsEvent_CarriesTheVersionTheStoreComputes()
    {
        var services = new ServiceCollection();
        var database = new HostDatabase();
        services.AddScimCore()
            .DeclareStoredAttributes("User", HostShapedStores.AccountMapping)
            .DeclareStoredAttributes("Group", HostShapedStores.TeamMapping)
            .DeclareMemberTypes("Group", "User");
        services.AddSingleton<IUserStore>(sp => new AccountStore(database, sp.GetRequiredService<SchemaRegistry>()));
        services.AddSingleton<IGroupStore>(sp => new TeamStore(database, sp.GetRequiredService<SchemaRegistry>()));
        var subscriber = new Recorder();
        services.AddSingleton<IScimEventSubscriber>(subscriber);
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(Ct);
        }

        try
        {
            var scim = provider.GetRequiredService<ScimService>();
            var ada = (await scim.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("ada"), cancellationToken: Ct)).Id!;
            var bob = (await scim.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("bob"), cancellationToken: Ct)).Id!;
            var team = (await scim.CreateAsync(ScimContext.Default, "Groups", ServiceKit.GroupBody("Deck", ada, bob), cancellationToken: Ct)).Id!;

            await scim.DeleteAsync(ScimContext.Default, "Users", ada, cancellationToken: Ct);

            var deadline = DateTime.UtcNow.AddSeconds(10);
            ScimChangeEvent? removed;
            while ((removed = subscriber.Events.FirstOrDefault(e => e.Kind == ScimChangeKind.MembersRemoved)) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "No MembersRemoved event within 10 seconds.");
                await Task.Delay(10, Ct);
            }

            Assert.Equal(team, removed.ResourceId);
            Assert.Equal((await scim.GetAsync(ScimContext.Default, "Groups", team, cancellationToken: Ct)).Resource.Meta!.Version, removed.Version);
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    private sealed class Recorder : IScimEventSubscriber
    {
        public ConcurrentQueue<ScimChangeEvent> Events { get; } = new();

        public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
        {
            Events.Enqueue(change);
            return Task.CompletedTask;
        }
    }
}
