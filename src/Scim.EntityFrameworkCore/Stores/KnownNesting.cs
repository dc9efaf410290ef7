using System.Runtime.CompilerServices;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// What the last read of a member's groups told about nesting (whether any group has a group as a
/// member), handed from the read to the group store: the service asks right after a read whether
/// groups nest, and the read that found the groups answered it in the same query. One per process,
/// kept per <see cref="ScimContext"/> (a request's own, over HTTP), so the stores can serve every
/// request. An answer is forgotten after a second (a context a host keeps longer than a request),
/// and every answer is forgotten when the group store changes a membership.
/// </summary>
internal sealed class KnownNesting
{
    private readonly ConditionalWeakTable<ScimContext, Known> _known = [];
    private long _writes;

    /// <summary>The answer for <paramref name="context"/>, while it is fresh; <see langword="null"/> when unknown.</summary>
    public bool? Of(ScimContext context) =>
        _known.TryGetValue(context, out var known) && known.Writes == Interlocked.Read(ref _writes) && Environment.TickCount64 - known.At < 1000
            ? known.Value
            : null;

    /// <summary>Keeps what a read of <paramref name="context"/> told (nothing, when it told nothing).</summary>
    public void Learn(ScimContext context, bool? value)
    {
        if (value is { } nests)
        {
            _known.AddOrUpdate(context, new Known(nests, Environment.TickCount64, Interlocked.Read(ref _writes)));
        }
    }

    /// <summary>Forgets every answer: a membership changed.</summary>
    public void Forget() => Interlocked.Increment(ref _writes);

    private sealed record Known(bool Value, long At, long Writes);
}
