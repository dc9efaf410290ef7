using Scim.Core.Resources;

namespace Scim.Core.Stores;

/// <summary>
/// The store of Group resources. Membership changes arrive as deltas (<see cref="PatchAsync"/>) so
/// that adding one member never loads the member list.
/// </summary>
public interface IGroupStore : IResourceStore<Group>
{
    /// <summary>
    /// Applies a PATCH outcome atomically: the new attribute state (members excluded) when the
    /// attributes changed, and the membership change — first remove-all when asked, then the
    /// removals, then the additions. Adding a member already present or removing one that is not
    /// there changes nothing. The version and lastModified are set only when something changed.
    /// </summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="patch">The change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome, with the member ids actually added and removed.</returns>
    Task<GroupPatchResult> PatchAsync(ScimContext context, GroupPatch patch, CancellationToken cancellationToken);

    /// <summary>
    /// The groups that directly contain any of the given members (users or groups), for the
    /// derived <c>groups</c> attribute of a User (RFC 7643 §4.1.2). The service walks the result
    /// upwards to find indirect memberships.
    /// </summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="memberIds">Member ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One entry per (member, group) pair.</returns>
    Task<IReadOnlyList<MemberGroup>> GetGroupsOfMembersAsync(ScimContext context, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken);

    /// <summary>
    /// Called after a user or group was deleted: removes it from every group of the tenant that
    /// still lists it, and gives a new version to those groups and to the groups in
    /// <paramref name="formerGroupIds"/> that still exist. The service reads
    /// <paramref name="formerGroupIds"/> (with <see cref="GetGroupsOfMembersAsync"/>) just before
    /// the delete, so a store whose membership rows go with the member (a cascading foreign key)
    /// finds no row left to remove and still knows which groups changed, without looking the
    /// deleted member up.
    /// </summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="memberId">The id of the deleted user or group.</param>
    /// <param name="formerGroupIds">The groups that listed it just before it was deleted.</param>
    /// <param name="newVersion">The version to give each group that changed.</param>
    /// <param name="lastModified">The time to give each group that changed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids of the groups that changed (each gets a membership-removed event).</returns>
    Task<IReadOnlyList<string>> MemberDeletedAsync(ScimContext context, string memberId, IReadOnlyCollection<string> formerGroupIds, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken);
}
