using System.Collections.Concurrent;
using Scim.Core.Events;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>An event subscriber that keeps every event delivered to it, in the order delivered.</summary>
public sealed class RecordingSubscriber : IScimEventSubscriber
{
    private readonly ConcurrentQueue<ScimChangeEvent> _delivered = new();

    /// <summary>The events delivered so far.</summary>
    public IReadOnlyList<ScimChangeEvent> Delivered => [.. _delivered];

    /// <summary>The events of one resource delivered so far.</summary>
    public List<ScimChangeEvent> Of(string id) => [.. _delivered.Where(e => e.ResourceId == id)];

    public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
    {
        _delivered.Enqueue(change);
        return Task.CompletedTask;
    }
}
