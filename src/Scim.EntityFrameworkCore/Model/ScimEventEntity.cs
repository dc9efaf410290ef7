namespace Scim.EntityFrameworkCore;

/// <summary>
/// One change event in the outbox table <see cref="ScimModelBuilderExtensions.ApplyScimEvents"/>
/// adds: written by the EF Core stores in the same transaction as the change it reports, read and
/// delivered by the event dispatcher, kept after delivery until the retention ends.
/// </summary>
public class ScimEventEntity
{
    /// <summary>The outbox's order (the key, assigned by the database).</summary>
    public long Sequence { get; set; }

    /// <summary>The event's id (<c>ScimChangeEvent.EventId</c>), unique.</summary>
    public string EventId { get; set; } = string.Empty;

    /// <summary>The tenant of the changed resource.</summary>
    public string Tenant { get; set; } = string.Empty;

    /// <summary>The changed resource's type (<c>User</c>, <c>Group</c>).</summary>
    public string ResourceType { get; set; } = string.Empty;

    /// <summary>The changed resource's id.</summary>
    public string ResourceId { get; set; } = string.Empty;

    /// <summary>What happened (<c>ScimChangeKind</c>'s name).</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>When the change was made, in milliseconds since 1970-01-01 UTC.</summary>
    public long Time { get; set; }

    /// <summary>The whole event as JSON.</summary>
    public string Json { get; set; } = string.Empty;

    /// <summary>When the event may be taken next, in milliseconds since 1970-01-01 UTC: 0 when written, the end of a dispatcher's lease, or the time of the next retry.</summary>
    public long AvailableAt { get; set; }

    /// <summary>The lease of the dispatcher that took it last.</summary>
    public string? LeaseToken { get; set; }

    /// <summary>Failed delivery attempts so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When it was delivered, in milliseconds since 1970-01-01 UTC; <see langword="null"/> while it is not.</summary>
    public long? DeliveredAt { get; set; }

    /// <summary>Whether delivery was given up after the last allowed attempt (kept for inspection and replay).</summary>
    public bool Dead { get; set; }

    /// <summary>The last failure, when an attempt failed.</summary>
    public string? LastError { get; set; }
}
