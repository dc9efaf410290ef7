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

    /// <summary>Removes a deleted resource from every group of the tenant that lists it.</summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="memberId">The id of the deleted user or group.</param>
    /// <param name="newVersion">The version to give each group that changed.</param>
    /// <param name="lastModified">The time to give each group that changed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids of the groups that changed.</returns>
    Task<IReadOnlyList<string>> RemoveMemberFromAllGroupsAsync(ScimContext context, string memberId, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken);
}
