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
    Func<TContext, ScimContext, KnownNesting, IEnumerable<string>, CancellationToken, Task<List<(string MemberId, string GroupId, string? Name)>>> read)
{
    /// <summary>Whether <paramref name="groups"/> is the group store whose groups this reads.</summary>
    public bool KeptBy(IGroupStore groups) => keptBy(groups);

    /// <summary>The groups of the context's tenant that list the given users, with their names; what the read told about nesting goes to <paramref name="nesting"/>.</summary>
    public Task<List<(string MemberId, string GroupId, string? Name)>> ReadAsync(TContext db, ScimContext context, KnownNesting nesting, IEnumerable<string> userIds, CancellationToken cancellationToken) =>
        read(db, context, nesting, userIds, cancellationToken);
}
