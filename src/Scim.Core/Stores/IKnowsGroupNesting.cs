namespace Scim.Core.Stores;

/// <summary>
/// A group store that can tell cheaply that a tenant has no group inside another group, so the
/// service can skip looking for the parents of a user's groups (one store call per read of a
/// user). Internal: a host's store is simply asked, as before.
/// </summary>
internal interface IKnowsGroupNesting
{
    /// <summary>False only when no group of the tenant has ever had a member that may be a group.</summary>
    bool MayHaveNestedGroups(ScimContext context);
}
