using Scim.Core.Resources;

namespace Scim.Core.Events;

/// <summary>
/// The change event of one store write, waiting for what only the store knows: the id it
/// assigned, the version it wrote, the members it really added or removed. A store that keeps
/// events in the same transaction as the change (a transactional outbox, as the EF Core store
/// does) finds the draft in <see cref="Stores.ScimContext.Events"/>, calls <see cref="Complete"/>
/// inside its transaction once it knows those, and stores the event it gets with the change; the
/// service then leaves delivery to the outbox. A store that does nothing with it loses nothing:
/// the service completes the event itself after the write and delivers it from an in-process queue.
/// </summary>
public sealed class ScimEventDraft
{
    private readonly Func<string, string?, IReadOnlyList<string>, IReadOnlyList<string>, ScimChangeEvent?> _complete;
    private readonly Dictionary<string, ScimChangeEvent> _completed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ScimChangeEvent> _released = new(StringComparer.Ordinal);
    private Dictionary<string, string?>? _versions;

    internal ScimEventDraft(Func<string, string?, IReadOnlyList<string>, IReadOnlyList<string>, ScimChangeEvent?> complete) => _complete = complete;

    /// <summary>
    /// For a delete: the event of another resource the store changed to let go of the deleted one
    /// (a user whose manager it was), or <see langword="null"/> when the write reports no such changes.
    /// </summary>
    internal Func<string, string?, System.Text.Json.Nodes.JsonObject?, ScimChangeEvent?>? Releases { get; init; }

    /// <summary>
    /// Records that the write let go of the deleted resource in another one (<paramref name="resourceId"/>,
    /// now at <paramref name="version"/>; <paramref name="tree"/> as it is now), and returns its
    /// event for a store with an outbox to keep. A store without one records it all the same: the
    /// service then delivers it with the delete's own event.
    /// </summary>
    internal ScimChangeEvent? Release(string resourceId, string? version, System.Text.Json.Nodes.JsonObject? tree)
    {
        if (Releases?.Invoke(resourceId, version, tree) is not { } change)
        {
            return null;
        }

        lock (_completed)
        {
            _released[resourceId] = change;
        }

        return change;
    }

    /// <summary>Forgets what <see cref="Release"/> recorded: the store's transaction runs again.</summary>
    internal void ForgetReleased()
    {
        lock (_completed)
        {
            _released.Clear();
        }
    }

    /// <summary>The events of the resources the write let go of the deleted one in (<see cref="Release"/>).</summary>
    internal IReadOnlyCollection<ScimChangeEvent> Released
    {
        get
        {
            lock (_completed)
            {
                return [.. _released.Values];
            }
        }
    }

    /// <summary>
    /// The event of the change the store made to one resource, or <see langword="null"/> when the
    /// write changed nothing that is reported (a group patch whose members were all there
    /// already). Calling it again for the same resource (a transaction run again after a lost
    /// race) replaces the earlier event. A write that reports several resources (a member deleted
    /// from several groups) calls it once for each.
    /// </summary>
    /// <param name="resourceId">The id of the resource the store changed.</param>
    /// <param name="version">Its version after the change (<see langword="null"/> after a delete).</param>
    /// <param name="addedMemberIds">For a group, the members the write really added.</param>
    /// <param name="removedMemberIds">For a group, the members the write really removed.</param>
    /// <returns>The event to store with the change, or <see langword="null"/> for none.</returns>
    public ScimChangeEvent? Complete(string resourceId, string? version, IReadOnlyList<string>? addedMemberIds = null, IReadOnlyList<string>? removedMemberIds = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceId);
        var change = _complete(resourceId, version, addedMemberIds ?? [], removedMemberIds ?? []);
        lock (_completed)
        {
            if (change is null)
            {
                _completed.Remove(resourceId);
            }
            else
            {
                _completed[resourceId] = change;
            }

            TakenByStore = true;
        }

        return change;
    }

    /// <summary>
    /// Records the version a store gave a resource it changed, for a store that keeps no outbox
    /// and so leaves the draft to the service: the event the service completes carries it rather
    /// than the version the service proposed, which a store that computes versions does not keep
    /// (a group's version, computed from its members, after one of them was deleted:
    /// <c>IGroupStore.MemberDeletedAsync</c> returns only the groups' ids). Calling it again for
    /// the same resource (a transaction run again) replaces it.
    /// </summary>
    /// <param name="resourceId">The id of the resource the store changed.</param>
    /// <param name="version">Its version after the change, as a read then serves it.</param>
    public void SetVersion(string resourceId, string? version)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceId);
        lock (_completed)
        {
            (_versions ??= new(StringComparer.Ordinal))[resourceId] = version;
        }
    }

    /// <summary>The version <see cref="SetVersion"/> recorded for a resource, or <paramref name="otherwise"/>.</summary>
    internal string? VersionOf(string resourceId, string? otherwise)
    {
        lock (_completed)
        {
            return _versions is not null && _versions.TryGetValue(resourceId, out var version) ? version : otherwise;
        }
    }

    /// <summary>
    /// The resource as the store wrote it, set by a store that may keep less or other than was
    /// asked (the EF Core store over a host's read-only or derived columns), in its transaction:
    /// a POST, PUT or PATCH event then reports what it holds and what changed in it, not what the
    /// request asked for.
    /// </summary>
    internal ScimResource? Written { get; set; }

    /// <summary>The id of the write, shared by its events (<see cref="ScimChangeEvent.Transaction"/>).</summary>
    internal string Transaction { get; init; } = Guid.CreateVersion7().ToString();

    /// <summary>Whether a store completed the draft: the events are then the store's to keep with the change.</summary>
    internal bool TakenByStore { get; private set; }

    /// <summary>The events a store completed, in no particular order.</summary>
    internal IReadOnlyCollection<ScimChangeEvent> Completed
    {
        get
        {
            lock (_completed)
            {
                return [.. _completed.Values];
            }
        }
    }
}
