namespace Scim.EntityFrameworkCore;

/// <summary>
/// One event waiting for one event receiver (a push endpoint or a poller), in the table
/// <see cref="ScimModelBuilderExtensions.ApplyScimEvents"/> adds next to the outbox: written once
/// per receiver and event when the dispatcher hands the event over, taken under a lease by the
/// push sender or a poll, kept after delivery until the retention ends, and kept when dead (for
/// inspection and replay).
/// </summary>
public class ScimEventDeliveryEntity
{
    /// <summary>The table's order (the key, assigned by the database).</summary>
    public long Sequence { get; set; }

    /// <summary>The receiver's name.</summary>
    public string Receiver { get; set; } = string.Empty;

    /// <summary>The event's id (<c>ScimChangeEvent.EventId</c>, the SET's <c>jti</c>); unique per receiver.</summary>
    public string EventId { get; set; } = string.Empty;

    /// <summary>The tenant of the changed resource.</summary>
    public string Tenant { get; set; } = string.Empty;

    /// <summary>The changed resource's type.</summary>
    public string ResourceType { get; set; } = string.Empty;

    /// <summary>The changed resource's id.</summary>
    public string ResourceId { get; set; } = string.Empty;

    /// <summary>The whole event as JSON.</summary>
    public string Json { get; set; } = string.Empty;

    /// <summary>When the entry may be taken next, in milliseconds since 1970-01-01 UTC: 0 when written, the end of a lease, or the time of the next retry.</summary>
    public long AvailableAt { get; set; }

    /// <summary>The lease of whoever took it last.</summary>
    public string? LeaseToken { get; set; }

    /// <summary>Failed delivery attempts so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the receiver accepted it, in milliseconds since 1970-01-01 UTC; <see langword="null"/> while it has not.</summary>
    public long? DeliveredAt { get; set; }

    /// <summary>Whether delivery was given up (after the last allowed attempt, or because the receiver refused the event).</summary>
    public bool Dead { get; set; }

    /// <summary>The last failure, when an attempt failed.</summary>
    public string? LastError { get; set; }
}
