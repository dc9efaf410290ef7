using Scim.Core.Events;
using Scim.Core.Provisioning;
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
        var stores = HostShapedStores.Create();
        var events = new RecordingSubscriber();
        var scim = new ScimService(new ScimEngine(stores.Schemas!, new ScimServiceOptions()), stores.Users, stores.Groups, new InlineDelivery([events]), null, null);
        var ada = (await scim.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("ada"), cancellationToken: Ct)).Id!;
        var bob = (await scim.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("bob"), cancellationToken: Ct)).Id!;
        var team = (await scim.CreateAsync(ScimContext.Default, "Groups", ServiceKit.GroupBody("Deck", ada, bob), cancellationToken: Ct)).Id!;

        await scim.DeleteAsync(ScimContext.Default, "Users", ada, cancellationToken: Ct);

        var removed = Assert.Single(events.All, e => e.Kind == ScimChangeKind.MembersRemoved);
        Assert.Equal(team, removed.ResourceId);
        Assert.Equal((await scim.GetAsync(ScimContext.Default, "Groups", team, cancellationToken: Ct)).Resource.Meta!.Version, removed.Version);
    }
}
