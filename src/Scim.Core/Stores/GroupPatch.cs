using Scim.Core.Resources;

namespace Scim.Core.Stores;

/// <summary>A change to one group, as <see cref="IGroupStore.PatchAsync"/> receives it.</summary>
public sealed class GroupPatch
{
    /// <summary>The group id.</summary>
    public required string Id { get; init; }

    /// <summary>The new attribute state when attributes other than members changed (its <see cref="Group.Members"/> is ignored), otherwise <see langword="null"/>.</summary>
    public Group? Attributes { get; init; }

    /// <summary>The membership change; <see cref="MembershipChange.None"/> when members are not touched.</summary>
    public MembershipChange Members { get; init; } = MembershipChange.None;

    /// <summary>The version the change is conditioned on, or <see langword="null"/> (membership deltas commute and need none).</summary>
    public string? ExpectedVersion { get; init; }

    /// <summary>The version the group gets if anything changes.</summary>
    public required string NewVersion { get; init; }

    /// <summary>The lastModified time the group gets if anything changes.</summary>
    public required DateTimeOffset LastModified { get; init; }
}

/// <summary>The outcome of <see cref="IGroupStore.PatchAsync"/>.</summary>
public sealed class GroupPatchResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="status">How the write ended.</param>
    /// <param name="group">After success, the group's state (members need not be loaded).</param>
    /// <param name="addedMemberIds">The member ids that were not members before and are now.</param>
    /// <param name="removedMemberIds">The member ids that were members before and are not now.</param>
    /// <param name="conflictAttribute">With a conflict, the attribute whose uniqueness would be broken.</param>
    public GroupPatchResult(StoreWriteStatus status, Group? group = null, IReadOnlyList<string>? addedMemberIds = null, IReadOnlyList<string>? removedMemberIds = null, string? conflictAttribute = null)
    {
        Status = status;
        Group = group;
        AddedMemberIds = addedMemberIds ?? [];
        RemovedMemberIds = removedMemberIds ?? [];
        ConflictAttribute = conflictAttribute;
    }

    /// <summary>How the write ended.</summary>
    public StoreWriteStatus Status { get; }

    /// <summary>After success, the group (its members may be left unloaded).</summary>
    public Group? Group { get; }

    /// <summary>The member ids actually added.</summary>
    public IReadOnlyList<string> AddedMemberIds { get; }

    /// <summary>The member ids actually removed.</summary>
    public IReadOnlyList<string> RemovedMemberIds { get; }

    /// <summary>With <see cref="StoreWriteStatus.Conflict"/>, the attribute whose uniqueness would be broken.</summary>
    public string? ConflictAttribute { get; }

    /// <summary>
    /// Whether the patch's attributes changed nothing the store keeps (see
    /// <see cref="StoreWriteResult.Unchanged{T}"/>): with no member added or removed either, the
    /// service answers with <see cref="Group"/>, keeps its version, and raises no event.
    /// </summary>
    public bool AttributesUnchanged { get; init; }

    /// <summary>Whether the change was applied.</summary>
    public bool Succeeded => Status == StoreWriteStatus.Succeeded;
}

/// <summary>A direct membership: <paramref name="MemberId"/> is a member of the group <paramref name="GroupId"/>.</summary>
/// <param name="MemberId">The member (user or group) id.</param>
/// <param name="GroupId">The group id.</param>
/// <param name="GroupDisplayName">The group's displayName.</param>
public sealed record MemberGroup(string MemberId, string GroupId, string? GroupDisplayName);
