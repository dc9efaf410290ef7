using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// How a context's user store reads its users' direct groups itself, on the connection it read the
/// users on (<see cref="IUserGroupsStore"/>): registered with the context's group store, it names
/// that store (the service serves groups with it, or the users do not carry them) and reads the
/// groups as that store reads them for the service.
/// </summary>
internal sealed class GroupsOfUsers<TContext>(
    Func<IGroupStore, bool> keptBy,
    Func<TContext, ScimContext, KnownNesting, IEnumerable<string>, CancellationToken, Task<List<(string MemberId, string GroupId, string? Name)>>> read,
    Func<TContext, ScimContext, string, CancellationToken, Task>? release = null)
{
    /// <summary>
    /// Removes a user's membership rows in the tenant's groups, in the transaction that deletes the
    /// user, before the user's row goes: the host's membership table may refer to its users with a
    /// foreign key that does not cascade, which would refuse the delete. The service then tells the
    /// groups (new versions, events) as after any member's deletion.
    /// </summary>
    public Task ReleaseAsync(TContext db, ScimContext context, string userId, CancellationToken cancellationToken) =>
        release?.Invoke(db, context, userId, cancellationToken) ?? Task.CompletedTask;

    /// <summary>Whether <paramref name="groups"/> is the group store whose groups this reads.</summary>
    public bool KeptBy(IGroupStore groups) => keptBy(groups);

    /// <summary>The groups of the context's tenant that list the given users, with their names; what the read told about nesting goes to <paramref name="nesting"/>.</summary>
    public Task<List<(string MemberId, string GroupId, string? Name)>> ReadAsync(TContext db, ScimContext context, KnownNesting nesting, IEnumerable<string> userIds, CancellationToken cancellationToken) =>
        read(db, context, nesting, userIds, cancellationToken);
}
