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

    /// <summary>The events of one resource once at least <paramref name="count"/> were delivered; fails after 10 seconds.</summary>
    public async Task<List<ScimChangeEvent>> OfAsync(string id, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Of(id).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} events of {id} were not delivered within 10 seconds.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        return Of(id);
    }

    public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
    {
        _delivered.Enqueue(change);
        return Task.CompletedTask;
    }
}
