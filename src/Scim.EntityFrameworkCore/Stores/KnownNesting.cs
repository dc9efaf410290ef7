namespace Scim.EntityFrameworkCore;

/// <summary>
/// What the last read of a member's groups told about nesting (whether any group has a group as a
/// member), shared by a request's user and group stores: the service asks right after a read
/// whether groups nest, and the read that found the groups answered it in the same query. Kept
/// per request scope; forgotten by the group store's own membership writes, and after a second (a
/// scope a host keeps longer than a request).
/// </summary>
internal sealed class KnownNesting
{
    private bool? _value;
    private long _at;

    /// <summary>The answer, while it is fresh; <see langword="null"/> when unknown.</summary>
    public bool? Value
    {
        get => _value is { } value && Environment.TickCount64 - _at < 1000 ? value : null;
        set => (_value, _at) = (value, Environment.TickCount64);
    }
}
