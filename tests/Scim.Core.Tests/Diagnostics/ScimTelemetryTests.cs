using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scim.Core.Diagnostics;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Stores;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.Diagnostics;

/// <summary>Listeners of the process see every operation; these tests run alone.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>The spans and metrics of Scim.Core, seen through System.Diagnostics listeners.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class ScimTelemetryTests
{
    private static readonly AsyncLocal<object?> Flow = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryOperation_IsOneSpan_WithTypeOperationTenantAndStatus()
    {
        var tenant = "telemetry-" + Guid.NewGuid().ToString("N");
        var context = new ScimContext(tenant, "entra");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ScimTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem("scim.tenant") == tenant)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var kit = new ServiceKit();

        var created = await kit.Service.CreateAsync(context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
        await kit.Service.GetAsync(context, "Users", created.Id, cancellationToken: Ct);
        await Assert.ThrowsAsync<ScimException>(() => kit.Service.GetAsync(context, "Users", "missing", cancellationToken: Ct));
        await Assert.ThrowsAsync<ScimException>(() => kit.Service.ListAsync(context, "Users", new ScimListRequest { Filter = "userName eq" }, Ct));
        await kit.Service.DeleteAsync(context, "Users", created.Id, cancellationToken: Ct);

        Assert.Equal(
            [("SCIM create User", "create", 201, null), ("SCIM get User", "get", 200, null), ("SCIM get User", "get", 404, null), ("SCIM list User", "list", 400, "invalidFilter"), ("SCIM delete User", "delete", 204, null)],
            spans.Select(s => (s.DisplayName, (string?)s.GetTagItem("scim.operation"), (int)s.GetTagItem("scim.status")!, (string?)s.GetTagItem("scim.type"))));
        Assert.All(spans, s => Assert.Equal("User", s.GetTagItem("scim.resource_type")));
    }

    [Fact]
    public async Task Metrics_CountAndTimeOperations_ByOperationTypeAndStatus()
    {
        var counts = new ConcurrentDictionary<(string?, string?, int), long>();
        var durations = new ConcurrentQueue<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ScimTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "scim.operations")
            {
                var tagged = Tags(tags);
                counts.AddOrUpdate(((string?)tagged["scim.operation"], (string?)tagged["scim.resource_type"], (int)tagged["scim.status"]!), value, (_, v) => v + value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "scim.operation.duration")
            {
                durations.Enqueue(value);
            }
        });
        listener.Start();
        using var kit = new ServiceKit();

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bob"), cancellationToken: Ct);
        await kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: Ct);
        await kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: Ct);
        await Assert.ThrowsAsync<ScimException>(() => kit.Service.GetAsync(ServiceKit.Context, "Users", "missing", cancellationToken: Ct));

        Assert.Equal(1, counts.GetValueOrDefault(("create", "User", 201)));
        Assert.Equal(2, counts.GetValueOrDefault(("get", "User", 200)));
        Assert.Equal(1, counts.GetValueOrDefault(("get", "User", 404)));
        Assert.Equal(4, durations.Count);
        Assert.All(durations, d => Assert.InRange(d, 0, 60));
    }

    [Fact]
    public async Task Events_ArePublishedAndDelivered_AsMetrics()
    {
        var published = new ConcurrentQueue<string>();
        var outcomes = new ConcurrentQueue<string>();
        var lags = new ConcurrentQueue<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ScimTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        // The meter is the process's: an event service another test left running may record too.
        // Only what this test's flow (and the work it starts) records counts.
        var mine = new object();
        Flow.Value = mine;
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            if (!ReferenceEquals(Flow.Value, mine))
            {
                return;
            }

            var tagged = Tags(tags);
            if (instrument.Name == "scim.events.published")
            {
                published.Enqueue((string)tagged["scim.event.kind"]!);
            }
            else if (instrument.Name == "scim.events.delivery.attempts")
            {
                outcomes.Enqueue((string)tagged["scim.delivery.outcome"]!);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (ReferenceEquals(Flow.Value, mine) && instrument.Name == "scim.events.delivery.lag")
            {
                lags.Enqueue(value);
            }
        });
        listener.Start();

        var failOnce = new FailOnce();
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores().ConfigureService(o => o.EventDelivery.RetryDelay = TimeSpan.FromMilliseconds(5));
        services.AddSingleton<IScimEventSubscriber>(failOnce);
        await using var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(Ct);
        }

        await provider.GetRequiredService<ScimService>().CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("carol"), cancellationToken: Ct);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (outcomes.Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "The event was not delivered within 10 seconds.");
            await Task.Delay(5, Ct);
        }

        Assert.Equal(["Created"], published);
        Assert.Equal(["failed", "delivered"], outcomes);
        Assert.InRange(Assert.Single(lags), 0, 10);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    private sealed class FailOnce : IScimEventSubscriber
    {
        private int _calls;

        public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1 ? throw new InvalidOperationException("first call fails") : Task.CompletedTask;
    }
}
