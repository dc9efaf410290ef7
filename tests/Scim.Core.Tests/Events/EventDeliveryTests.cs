using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Stores;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.Events;

/// <summary>Events delivered by the hosted dispatcher: off the request, in order, retried, given up.</summary>
public sealed class EventDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SlowSubscriber_DoesNotHoldTheRequest_AndGetsTheEventAfterwards()
    {
        var subscriber = new Subscriber { Gate = new TaskCompletionSource() };
        await using var host = await Host.StartAsync(subscriber);

        // The request completes while the subscriber is still blocked on its first event.
        var created = await host.Service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
        Assert.Empty(subscriber.Delivered);

        subscriber.Gate.SetResult();
        await WaitForAsync(() => subscriber.Delivered.Count == 1);
        Assert.Equal(created.Id, subscriber.Delivered.Single().ResourceId);
    }

    [Fact]
    public async Task Events_ArriveInTheOrderOfTheWrites()
    {
        var subscriber = new Subscriber();
        await using var host = await Host.StartAsync(subscriber);

        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add((await host.Service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("user" + i), cancellationToken: Ct)).Id);
        }

        await WaitForAsync(() => subscriber.Delivered.Count == 30);
        Assert.Equal(ids, subscriber.Delivered.Select(e => e.ResourceId));
        Assert.Equal(30, subscriber.Delivered.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task FailingSubscriber_IsOfferedTheSameEventAgain_UntilItSucceeds()
    {
        var subscriber = new Subscriber { FailuresLeft = 2 };
        await using var host = await Host.StartAsync(subscriber, o => o.EventDelivery.RetryDelay = TimeSpan.FromMilliseconds(5));

        await host.Service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);

        await WaitForAsync(() => subscriber.Delivered.Count == 1);
        Assert.Equal(3, subscriber.Offered.Count);
        Assert.Single(subscriber.Offered.Select(e => e.EventId).Distinct());
    }

    [Fact]
    public async Task SubscriberThatAlwaysFails_IsGivenUpAfterMaxAttempts_AndLaterEventsStillFlow()
    {
        var subscriber = new Subscriber { FailuresLeft = 3 };
        await using var host = await Host.StartAsync(subscriber, o =>
        {
            o.EventDelivery.RetryDelay = TimeSpan.FromMilliseconds(5);
            o.EventDelivery.MaxAttempts = 3;
        });

        await host.Service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
        var bob = await host.Service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("bob"), cancellationToken: Ct);

        await WaitForAsync(() => subscriber.Delivered.Count == 1);
        Assert.Equal(bob.Id, subscriber.Delivered.Single().ResourceId);
        Assert.Equal(4, subscriber.Offered.Count); // alice three times, then bob once
    }

    [Fact]
    public async Task SlowOutboxBatch_IsHandedBack_BeforeADeliveryAsSlowAsTheSlowestCouldPassHalfTheLease()
    {
        // 300 ms per event and a 1-second lease: after the first event, a second as slow would end
        // past half the lease, so the rest goes back at once and the other half is left for marking
        // what was delivered. (Judged only on the time passed, the second was delivered too, and a
        // busy database could then mark the batch after the lease, when another instance may have
        // taken it again.)
        var outbox = new OneBatchOutbox(3);
        var subscriber = new Subscriber { Delay = TimeSpan.FromMilliseconds(300) };
        await using var host = await Host.StartAsync(subscriber, o => o.EventDelivery.LeaseDuration = TimeSpan.FromSeconds(1), outbox);

        await WaitForAsync(() => outbox.Released.Count > 0);

        Assert.Equal([1L], outbox.Delivered);
        Assert.Equal([2L, 3L], outbox.Released);
        Assert.Equal(["u1"], subscriber.Delivered.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task NoSubscriber_NoEventIsBuilt()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores();
        await using var provider = services.BuildServiceProvider();
        Assert.False(provider.GetRequiredService<ScimEventQueue>().Active);
    }

    [Fact]
    public void EventJson_RoundTripsEveryField()
    {
        var change = new ScimChangeEvent
        {
            ResourceType = "Group",
            ResourceId = "g1",
            Tenant = "acme",
            Actor = "entra",
            Kind = ScimChangeKind.MembersAdded,
            ChangedPaths = ["members", "displayName"],
            AddedMemberIds = ["u1", "u2"],
            RemovedMemberIds = ["u3"],
            Version = "W/\"7\"",
            Time = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero),
            Before = new JsonObject { ["displayName"] = "Old" },
            After = new JsonObject { ["displayName"] = "New" },
        };

        var read = EventJson.Read(EventJson.Write(change));

        Assert.Equal(change.EventId, read.EventId);
        Assert.Equal((change.ResourceType, change.ResourceId, change.Tenant, change.Actor, change.Kind, change.Version, change.Time), (read.ResourceType, read.ResourceId, read.Tenant, read.Actor, read.Kind, read.Version, read.Time));
        Assert.Equal(change.ChangedPaths, read.ChangedPaths);
        Assert.Equal(change.AddedMemberIds, read.AddedMemberIds);
        Assert.Equal(change.RemovedMemberIds, read.RemovedMemberIds);
        Assert.True(JsonNode.DeepEquals(change.Before, read.Before));
        Assert.True(JsonNode.DeepEquals(change.After, read.After));
        Assert.Contains("\"kind\":\"MembersAdded\"", EventJson.Write(change), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxAttempts")]
    [InlineData("RetryDelay")]
    [InlineData("PollInterval")]
    [InlineData("QueueCapacity")]
    [InlineData("ClaimInterval")]
    [InlineData("ClaimInterval beyond PollInterval")]
    public void InvalidDeliveryOption_FailsValidation_NamingIt(string option)
    {
        var options = new ScimServiceOptions();
        switch (option)
        {
            case "MaxAttempts": options.EventDelivery.MaxAttempts = 0; break;
            case "RetryDelay": options.EventDelivery.RetryDelay = TimeSpan.Zero; break;
            case "PollInterval": options.EventDelivery.PollInterval = TimeSpan.Zero; break;
            case "ClaimInterval": options.EventDelivery.ClaimInterval = TimeSpan.FromMilliseconds(-1); break;
            case "ClaimInterval beyond PollInterval": options.EventDelivery.ClaimInterval = options.EventDelivery.PollInterval + TimeSpan.FromMilliseconds(1); break;
            default: options.EventDelivery.QueueCapacity = 0; break;
        }

        var result = ScimServiceOptionsValidator.Instance.Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("EventDelivery." + option.Split(' ')[0], result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void DelayAfter_DoublesAndStopsAtTheMaximum()
    {
        var options = new ScimEventDeliveryOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(10) };
        Assert.InRange(options.DelayAfter(1).TotalSeconds, 1, 1.25);
        Assert.InRange(options.DelayAfter(3).TotalSeconds, 4, 5);
        Assert.InRange(options.DelayAfter(40).TotalSeconds, 10, 12.5);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 10 seconds.");
            await Task.Delay(5, Ct);
        }
    }

    private sealed class Host(ServiceProvider provider) : IAsyncDisposable
    {
        public ScimService Service { get; } = provider.GetRequiredService<ScimService>();

        public static async Task<Host> StartAsync(Subscriber subscriber, Action<ScimServiceOptions>? configure = null, IScimEventOutbox? outbox = null)
        {
            var services = new ServiceCollection();
            if (outbox is not null)
            {
                services.AddSingleton(outbox);
            }

            var scim = services.AddScimCore().AddInMemoryStores();
            if (configure is not null)
            {
                scim.ConfigureService(configure);
            }

            services.AddSingleton<IScimEventSubscriber>(subscriber);
            var provider = services.BuildServiceProvider();
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(Ct);
            }

            return new Host(provider);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StopAsync(CancellationToken.None);
            }

            await provider.DisposeAsync();
        }
    }

    private sealed class Subscriber : IScimEventSubscriber
    {
        public TaskCompletionSource? Gate { get; init; }

        public int FailuresLeft { get; set; }

        public TimeSpan Delay { get; init; }

        public ConcurrentQueue<ScimChangeEvent> Offered { get; } = new();

        public List<ScimChangeEvent> Delivered { get; } = [];

        public async Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
        {
            Offered.Enqueue(change);
            if (Gate is not null)
            {
                await Gate.Task.WaitAsync(cancellationToken);
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException("The receiver is down.");
            }

            lock (Delivered)
            {
                Delivered.Add(change);
            }
        }
    }

    /// <summary>An outbox whose first claim gives events 1 to n (of users u1 to un), and later claims none.</summary>
    private sealed class OneBatchOutbox(int count) : IScimEventOutbox
    {
        private int _claims;

        public List<long> Delivered { get; } = [];

        public List<long> Released { get; } = [];

        public Task<IReadOnlyList<ScimOutboxEvent>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
        {
            IReadOnlyList<ScimOutboxEvent> batch = Interlocked.Increment(ref _claims) > 1 ? [] : Enumerable.Range(1, count)
                .Select(i => new ScimOutboxEvent(i, new ScimChangeEvent { ResourceType = "User", ResourceId = "u" + i, Tenant = "default", Kind = ScimChangeKind.Created, Time = DateTimeOffset.UtcNow }.ToJson(), 0))
                .ToList();
            return Task.FromResult(batch);
        }

        public Task DeliveredAsync(long sequence, CancellationToken cancellationToken)
        {
            lock (Delivered)
            {
                Delivered.Add(sequence);
            }

            return Task.CompletedTask;
        }

        public Task FailedAsync(long sequence, int attempts, DateTimeOffset? retryAt, string failure, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ReleaseAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
        {
            lock (Released)
            {
                Released.AddRange(sequences);
            }

            return Task.CompletedTask;
        }

        public Task PurgeAsync(DateTimeOffset deliveredBefore, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
