namespace Scim.Core.Stores;

/// <summary>
/// A store that serves RFC 9865 cursor paging: it returns <see cref="ScimPage{T}.NextCursor"/> and
/// accepts it back in <see cref="ScimQuery.Cursor"/>, and a cursor stays valid (no item skipped or
/// repeated) while other requests insert and delete. The service advertises cursor paging only when
/// every store it serves implements this.
/// </summary>
public interface ICursorPagingStore
{
    /// <summary>How long a cursor stays valid, advertised as <c>cursorTimeout</c>; <see langword="null"/> when cursors do not expire.</summary>
    TimeSpan? CursorTimeout { get; }
}

/// <summary>
/// A group store that can tell cheaply whether a tenant has a group inside another group. Reading
/// a user's derived <c>groups</c> then costs one store call instead of two when there is no nesting
/// (the usual case); a store without it is simply asked for the parents of the user's groups.
/// </summary>
public interface IGroupNestingStore
{
    /// <summary>Whether any group of the tenant may have a group as a member.</summary>
    /// <param name="context">The tenant and actor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> only when no group of the tenant has a member that is a group.</returns>
    ValueTask<bool> MayHaveNestedGroupsAsync(ScimContext context, CancellationToken cancellationToken);
}

/// <summary>
/// A user store that reads each user's direct groups itself, with the user: on the connection it
/// read the user on, or in the same query, instead of the service asking the group store in a
/// call of its own (for a store over a database, another pooled connection or another round
/// trip). Mind a join of the user's row to its groups: each group's row repeats the user's columns,
/// which a user in hundreds of groups pays for on every read. The service asks <see cref="ReadsGroupsOf"/> once with the
/// group store it serves; when the answer is <see langword="true"/>, every <see cref="Resources.User"/>
/// the store returns from a read (<c>GetAsync</c>, <c>QueryAsync</c>) whose hints include
/// <c>groups</c> must carry in <see cref="Resources.User.Groups"/> every group of the tenant that lists
/// it directly, with <c>value</c> (the group's id) and <c>display</c>, and an empty list when there is
/// none. The service adds <c>$ref</c>, <c>type</c> and the indirect groups (asking the group store
/// for the groups above them, when groups may nest), exactly as when it asks the group store itself.
/// </summary>
public interface IUserGroupsStore
{
    /// <summary>Whether this store's reads carry the direct groups that <paramref name="groups"/> keeps (see <see cref="IUserGroupsStore"/>).</summary>
    /// <param name="groups">The group store the service serves groups with.</param>
    /// <returns><see langword="true"/> when the users it reads carry those groups; <see langword="false"/> to have the service ask <paramref name="groups"/>.</returns>
    bool ReadsGroupsOf(IGroupStore groups);
}
