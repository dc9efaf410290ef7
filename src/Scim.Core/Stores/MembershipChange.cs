using Scim.Core.Resources;

namespace Scim.Core.Stores;

/// <summary>
/// A change of a group's members as a delta, so that a store applies it without loading the
/// member list (adding one member to a 100,000-member group costs what it costs for a 10-member
/// one). Applied in this order: remove all (when <see cref="RemoveAll"/>), remove
/// <see cref="Removed"/>, add <see cref="Added"/>.
/// </summary>
public sealed class MembershipChange
{
    /// <summary>Creates a change.</summary>
    /// <param name="removeAll">Whether every current member is removed first.</param>
    /// <param name="added">Members to add; each has a <c>value</c> (the member's id) and its <c>type</c>.</param>
    /// <param name="removed">Ids of members to remove.</param>
    public MembershipChange(bool removeAll, IReadOnlyList<GroupMember> added, IReadOnlyList<string> removed)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removed);
        RemoveAll = removeAll;
        Added = added;
        Removed = removed;
    }

    /// <summary>The change that changes nothing.</summary>
    public static MembershipChange None { get; } = new(false, [], []);

    /// <summary>Whether every current member is removed first (a <c>replace</c> of <c>members</c>, a PUT, or a <c>remove</c> of <c>members</c> without a filter).</summary>
    public bool RemoveAll { get; }

    /// <summary>Members to add. The service has checked that each exists in the tenant and set its <c>type</c> (<c>User</c> or <c>Group</c>).</summary>
    public IReadOnlyList<GroupMember> Added { get; }

    /// <summary>Ids of members to remove.</summary>
    public IReadOnlyList<string> Removed { get; }

    /// <summary>Whether the change changes nothing.</summary>
    public bool IsEmpty => !RemoveAll && Added.Count == 0 && Removed.Count == 0;
}
