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
