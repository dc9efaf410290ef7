using System.Text.Json.Nodes;

namespace Scim.Core.Events;

/// <summary>What kind of change an event reports.</summary>
public enum ScimChangeKind
{
    /// <summary>A resource was created (POST).</summary>
    Created,

    /// <summary>A resource was replaced (PUT) without a change of <c>active</c>.</summary>
    Replaced,

    /// <summary>A resource was patched (PATCH): attributes changed, or members were both added and removed.</summary>
    Patched,

    /// <summary>A resource's <c>active</c> (a user's, an agent's) went from false (or absent) to true, by PUT or PATCH.</summary>
    Activated,

    /// <summary>A resource's <c>active</c> (a user's, an agent's) went to false, by PUT or PATCH — the IdPs' usual way to suspend access.</summary>
    Deactivated,

    /// <summary>A resource was deleted.</summary>
    Deleted,

    /// <summary>Members were added to a group and nothing else changed.</summary>
    MembersAdded,

    /// <summary>Members were removed from a group and nothing else changed (including removals because a member was deleted).</summary>
    MembersRemoved,
}

/// <summary>
/// One successful change to one resource, delivered after the store has the change. Events
/// carry paths and ids, not values, unless the host opts in to <see cref="Before"/> and
/// <see cref="After"/> (<c>ScimServiceOptions.EventValues</c>); writeOnly and never-returned
/// attributes (passwords) are always redacted.
/// </summary>
public sealed class ScimChangeEvent
{
    /// <summary>
    /// The event's own id, unique across events (a version 7 UUID). Delivery is at least once: a
    /// subscriber that may see an event twice (after a retry or a restart) drops repeats by it.
    /// </summary>
    public string EventId { get; init; } = Guid.CreateVersion7().ToString();

    /// <summary>The resource type name (<c>User</c>, <c>Group</c>, ...).</summary>
    public required string ResourceType { get; init; }

    /// <summary>The resource id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The resource's <c>externalId</c> (the identity provider's id for it), when it has one and it is known.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>
    /// The SCIM operation that made the change: <c>POST</c>, <c>PUT</c>, <c>PATCH</c> or
    /// <c>DELETE</c> (a group's members removed because the member was deleted: <c>DELETE</c>).
    /// </summary>
    public string? Method { get; init; }

    /// <summary>
    /// The identity-provider dialects the request needed (names of <c>Scim.Core.Patching.PatchDialects</c>
    /// flags, such as <c>OperationNameAnyCase</c> or <c>BooleanStrings</c>): which non-RFC shapes the
    /// client sent in its PATCH, POST or PUT body, for audit. Empty for a request that kept to RFC 7644.
    /// </summary>
    public IReadOnlyList<string> Dialects { get; init; } = [];

    /// <summary>
    /// The id of the write that made the change, shared by every event of that write (a deleted user's
    /// event and the events of the groups it left): a SET's <c>txn</c>.
    /// </summary>
    public string? Transaction { get; init; }

    /// <summary>The acting client, when known.</summary>
    public string? Actor { get; init; }

    /// <summary>What happened.</summary>
    public required ScimChangeKind Kind { get; init; }

    /// <summary>The attribute paths whose values changed; for a create, the attributes it was created with (group members aside); empty for a delete.</summary>
    public IReadOnlyList<string> ChangedPaths { get; init; } = [];

    /// <summary>For a group, the member ids added.</summary>
    public IReadOnlyList<string> AddedMemberIds { get; init; } = [];

    /// <summary>For a group, the member ids removed.</summary>
    public IReadOnlyList<string> RemovedMemberIds { get; init; } = [];

    /// <summary>The resource's version after the change (<see langword="null"/> after a delete).</summary>
    public string? Version { get; init; }

    /// <summary>When the change was made.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>With values enabled: the changed top-level attributes before the change (redacted where sensitive).</summary>
    public JsonObject? Before { get; init; }

    /// <summary>With values enabled: the changed top-level attributes after the change (redacted where sensitive).</summary>
    public JsonObject? After { get; init; }

    /// <summary>
    /// With <c>ScimServiceOptions.EventResources</c>: the resource as it is after a create, replace or
    /// patch, without group members (they travel as ids) and without writeOnly or never-returned
    /// attributes; <see langword="null"/> otherwise and after a delete.
    /// </summary>
    public JsonObject? Resource { get; init; }

    /// <summary>The event as JSON (camelCase names, the kind as its name), as an outbox keeps it.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => EventJson.Write(this);

    /// <summary>Reads an event <see cref="ToJson"/> wrote.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The event.</returns>
    /// <exception cref="System.Text.Json.JsonException">The text is not an event.</exception>
    public static ScimChangeEvent FromJson(string json) => EventJson.Read(json);

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {ResourceType}/{ResourceId} in {Tenant} at {Version}";
}

/// <summary>
/// Receives change events in process. Register any number through DI (<c>AddEventSubscriber&lt;T&gt;()</c>,
/// or <c>services.AddScoped&lt;IScimEventSubscriber, MySubscriber&gt;()</c> for one that needs a
/// scope). The event dispatcher calls each in turn after the change, off the request path: from
/// the store's outbox or an in-process queue. An exception from one is logged, does not stop the
/// others, and makes the event be offered again later, so delivery is at least once: drop
/// repeats by <see cref="ScimChangeEvent.EventId"/>.
/// </summary>
public interface IScimEventSubscriber
{
    /// <summary>Handles one change.</summary>
    /// <param name="change">The change.</param>
    /// <param name="cancellationToken">Cancelled when the host shuts down; not when the client disconnects (the change is already made).</param>
    /// <returns>A task that completes when the subscriber is done.</returns>
    Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken);
}
