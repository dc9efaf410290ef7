using Microsoft.Extensions.Configuration;
using Scim.Core.Events;
using Scim.Sample.Activity;

namespace Scim.Sample.Tests;

/// <summary>The activity page's broadcaster and token check, in process.</summary>
public sealed class ActivityFeedTests
{
    [Fact]
    public void Publish_SameEventIdAgain_IsDropped()
    {
        var feed = new ActivityFeed();
        var change = Change("u1");

        Assert.True(feed.Publish(change));
        Assert.False(feed.Publish(change));
        Assert.False(feed.Publish(Change("u1", change.EventId)));

        using var subscription = feed.Subscribe(null);
        Assert.Equal([change.EventId], subscription.History.Select(e => e.EventId));
    }

    [Fact]
    public void Subscribe_MoreChangesThanKept_StartsWithTheLatest500()
    {
        var feed = new ActivityFeed();
        var changes = Enumerable.Range(0, ActivityFeed.Capacity + 20).Select(i => Change("u" + i)).ToList();
        changes.ForEach(c => feed.Publish(c));

        using var subscription = feed.Subscribe(null);

        Assert.Equal(changes.Skip(20).Select(c => c.EventId), subscription.History.Select(e => e.EventId));
    }

    [Fact]
    public void Subscribe_LastEventId_StartsAfterIt_OrWithEverythingWhenNoLongerKept()
    {
        var feed = new ActivityFeed();
        var changes = Enumerable.Range(0, 5).Select(i => Change("u" + i)).ToList();
        changes.ForEach(c => feed.Publish(c));

        using var resumed = feed.Subscribe(changes[2].EventId);
        using var unknown = feed.Subscribe(Guid.NewGuid().ToString());
        using var latest = feed.Subscribe(changes[4].EventId);

        Assert.Equal(changes.Skip(3).Select(c => c.EventId), resumed.History.Select(e => e.EventId));
        Assert.Equal(5, unknown.History.Count);
        Assert.Empty(latest.History);
    }

    [Fact]
    public void Publish_OpenStream_ReceivesTheChangeAsJson_NotAfterItIsClosed()
    {
        var feed = new ActivityFeed();
        var open = feed.Subscribe(null);
        var change = Change("u1");

        feed.Publish(change);

        Assert.True(open.Live.TryRead(out var entry));
        Assert.Equal(change.ToJson(), entry.Json);
        Assert.Equal(("acme", "User", "Deactivated"), (entry.Tenant, entry.ResourceType, entry.Kind));
        open.Dispose();
        feed.Publish(Change("u2"));
        Assert.False(open.Live.TryRead(out _));
    }

    [Fact]
    public async Task Publish_StreamFarBehind_IsEndedAndCanResumeFromTheRing()
    {
        var feed = new ActivityFeed();
        using var slow = feed.Subscribe(null);
        var changes = Enumerable.Range(0, 2 * ActivityFeed.Capacity + 1).Select(i => Change("u" + i)).ToList();

        changes.ForEach(c => feed.Publish(c));

        var received = new List<string>();
        await foreach (var entry in slow.Live.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            received.Add(entry.EventId);
        }

        Assert.Equal(2 * ActivityFeed.Capacity, received.Count);
        using var resumed = feed.Subscribe(received[^1]);
        Assert.Equal([changes[^1].EventId], resumed.History.Select(e => e.EventId));
    }

    [Theory]
    [InlineData("Bearer default-token", true, null)]
    [InlineData("bearer  default-token ", true, null)]
    [InlineData("Bearer acme-token", true, "acme")]
    [InlineData("Bearer globex-token", true, "globex")]
    [InlineData("Bearer acme-tokenx", false, null)]
    [InlineData("Basic default-token", false, null)]
    [InlineData("Bearer ", false, null)]
    [InlineData("", false, null)]
    public void TryAuthorize_SampleTokens_DefaultSeesAllTenantsATenantTokenItsOwn(string header, bool valid, string? tenant)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sample:Token"] = "default-token",
            ["Sample:Store"] = "memory",
            ["Sample:Tenants:acme"] = "acme-token",
            ["Sample:Tenants:globex"] = "globex-token",
        }).Build();
        var access = new ActivityAccess(SampleOptions.From(configuration, Path.GetTempPath()));

        Assert.Equal(valid, access.TryAuthorize(header, out var scope));
        Assert.Equal(tenant, scope);
    }

    private static ScimChangeEvent Change(string resourceId, string? eventId = null) => new()
    {
        EventId = eventId ?? Guid.CreateVersion7().ToString(),
        ResourceType = "User",
        ResourceId = resourceId,
        Tenant = "acme",
        Kind = ScimChangeKind.Deactivated,
        ChangedPaths = ["active"],
        Time = DateTimeOffset.UnixEpoch,
    };
}
