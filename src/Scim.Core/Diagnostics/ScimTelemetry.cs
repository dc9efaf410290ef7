using System.Diagnostics;
using System.Diagnostics.Metrics;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Stores;

namespace Scim.Core.Diagnostics;

/// <summary>
/// The traces and metrics Scim.Core emits, with <c>System.Diagnostics</c> only: an
/// <see cref="ActivitySource"/> and a <see cref="Meter"/>, both named <see cref="Name"/>. A host
/// collects them with the OpenTelemetry SDK (<c>AddSource("Scim.Core")</c>, <c>AddMeter("Scim.Core")</c>)
/// or any other listener; without a listener they cost a check per operation.
/// </summary>
public static class ScimTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>Scim.Core</c>.</summary>
    public const string Name = "Scim.Core";

    private static readonly string? Version = typeof(ScimTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(Name, Version);

    internal static readonly Meter Meter = new(Name, Version);

    internal static readonly Counter<long> Operations = Meter.CreateCounter<long>("scim.operations", "{operation}", "SCIM operations handled, by operation, resource type and status.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("scim.operation.duration", "s", "How long SCIM operations took, by operation, resource type and status.");

    internal static readonly Counter<long> EventsPublished = Meter.CreateCounter<long>("scim.events.published", "{event}", "Change events published, by resource type and kind.");

    internal static readonly Counter<long> DeliveryAttempts = Meter.CreateCounter<long>("scim.events.delivery.attempts", "{attempt}", "Attempts to deliver a change event, by receiver (the in-process subscribers, or a push or poll receiver) and outcome.");

    internal static readonly Histogram<double> DeliveryLag = Meter.CreateHistogram<double>("scim.events.delivery.lag", "s", "Time from a change to the delivery of its event.");

    private static bool Observed => Source.HasListeners() || Operations.Enabled || Duration.Enabled;

    /// <summary>Runs one operation of the service inside its span, counting and timing it.</summary>
    internal static Task<T> Observe<TState, T>(string operation, string? resourceType, ScimContext context, TState state, Func<TState, Task<T>> run) =>
        Observed ? ObserveAsync(operation, resourceType, context, state, run) : run(state);

    /// <summary>Runs one operation that returns nothing.</summary>
    internal static Task Observe<TState>(string operation, string? resourceType, ScimContext context, TState state, Func<TState, Task> run) =>
        Observed ? ObserveAsync(operation, resourceType, context, state, async s => { await run(s).ConfigureAwait(false); return true; }) : run(state);

    /// <summary>Counts an event handed to delivery.</summary>
    internal static void Published(ScimChangeEvent change)
    {
        if (EventsPublished.Enabled)
        {
            EventsPublished.Add(1, new("scim.resource_type", change.ResourceType), new("scim.event.kind", change.Kind.ToString()));
        }
    }

    /// <summary>Counts a delivery attempt and, when it succeeded, the event's lag.</summary>
    internal static void Delivered(ScimChangeEvent change, bool succeeded, DateTimeOffset now, string? receiver = null)
    {
        DeliveryAttempts.Add(
            1,
            new KeyValuePair<string, object?>("scim.delivery.outcome", succeeded ? "delivered" : "failed"),
            new KeyValuePair<string, object?>("scim.delivery.receiver", receiver ?? "subscribers"));
        if (succeeded)
        {
            DeliveryLag.Record(Math.Max(0, (now - change.Time).TotalSeconds));
        }
    }

    private static async Task<T> ObserveAsync<TState, T>(string operation, string? resourceType, ScimContext context, TState state, Func<TState, Task<T>> run)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = Source.StartActivity(resourceType is null ? "SCIM " + operation : $"SCIM {operation} {resourceType}", ActivityKind.Internal);
        activity?.SetTag("scim.operation", operation);
        activity?.SetTag("scim.resource_type", resourceType);
        activity?.SetTag("scim.tenant", context.Tenant);
        var status = operation == "create" ? 201 : operation == "delete" ? 204 : 200;
        string? scimType = null;
        try
        {
            return await run(state).ConfigureAwait(false);
        }
        catch (ScimException error)
        {
            status = error.Status;
            scimType = error.ScimType;
            activity?.SetStatus(status >= 500 ? ActivityStatusCode.Error : ActivityStatusCode.Unset, error.Message);
            throw;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            status = 500;
            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            throw;
        }
        finally
        {
            activity?.SetTag("scim.status", status);
            if (scimType is not null)
            {
                activity?.SetTag("scim.type", scimType);
            }

            var tags = new TagList { { "scim.operation", operation }, { "scim.resource_type", resourceType }, { "scim.status", status } };
            if (scimType is not null)
            {
                tags.Add("scim.type", scimType);
            }

            Operations.Add(1, tags);
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }
}
