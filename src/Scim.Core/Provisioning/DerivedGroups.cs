using System.Runtime.InteropServices;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

/// <summary>
/// A user's derived <c>groups</c> (RFC 7643 §4.1.2): the groups that list it directly, then the
/// groups that contain those, as "indirect". Asked of the group store in as few calls as the
/// nesting allows: one when the store knows the tenant nests no group (<see cref="IGroupNestingStore"/>),
/// one more per level of nesting otherwise, never one per user or per group.
/// </summary>
internal sealed class DerivedGroups(IGroupStore groups, ScimResourceType groupType)
{
    /// <summary>The groups of one user (a GET, a write's result, a lookup's one row); <see langword="null"/> when it has none.</summary>
    public async ValueTask<List<UserGroup>?> OfUserAsync(ScimContext context, string userId, CancellationToken cancellationToken)
    {
        // The direct groups first: a user in none (the usual case) costs one store call, and
        // whether groups nest is asked only of a user that has groups.
        var direct = await groups.GetGroupsOfMembersAsync(context, [userId], cancellationToken).ConfigureAwait(false);
        return direct.Count == 0 ? null : await OfOneAsync(context, userId, direct, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The groups of one user whose store read its direct groups with it (<see cref="IUserGroupsStore"/>):
    /// the group store is asked only whether groups nest, and then for the groups above.
    /// </summary>
    public ValueTask<List<UserGroup>?> OfReadUserAsync(ScimContext context, User user, CancellationToken cancellationToken)
    {
        var stored = user.StoredGroups;
        return stored.Count == 0 || DirectOf(user, stored, []) is not { Count: > 0 } direct ? new((List<UserGroup>?)null) : OfOneAsync(context, user.Id!, direct, cancellationToken);
    }

    /// <summary>
    /// The groups of each user of a page whose store read their direct groups with them
    /// (<see cref="IUserGroupsStore"/>), by the users' positions in <paramref name="ids"/>;
    /// <see langword="null"/> when none of them is in a group.
    /// </summary>
    public async ValueTask<List<UserGroup>?[]?> OfReadUsersAsync(ScimContext context, IReadOnlyList<ScimResource> users, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var direct = new List<MemberGroup>();
        foreach (var resource in users)
        {
            if (resource is User user && user.StoredGroups is { Count: > 0 } stored)
            {
                DirectOf(user, stored, direct);
            }
        }

        return direct.Count == 0 ? null : await FromDirectAsync(context, direct, ids, cancellationToken).ConfigureAwait(false);
    }

    private static List<MemberGroup> DirectOf(User user, IReadOnlyList<UserGroup> stored, List<MemberGroup> into)
    {
        foreach (var group in stored)
        {
            if (group.Value is { } id)
            {
                into.Add(new MemberGroup(user.Id!, id, group.Display));
            }
        }

        return into;
    }

    /// <summary>The groups of one user, from its direct memberships (not empty).</summary>
    private async ValueTask<List<UserGroup>?> OfOneAsync(ScimContext context, string userId, IReadOnlyList<MemberGroup> direct, CancellationToken cancellationToken)
    {
        if (await MayNestAsync(context, cancellationToken).ConfigureAwait(false))
        {
            return (await FromDirectAsync(context, direct, [userId], cancellationToken).ConfigureAwait(false))[0];
        }

        var locations = new ResourceLocations(context.BaseUrl, groupType);
        var list = new List<UserGroup>(direct.Count);
        HashSet<string>? listed = direct.Count > 8 ? new(direct.Count, StringComparer.Ordinal) : null;
        for (var i = 0; i < direct.Count; i++)
        {
            var membership = direct[i];
            if (listed is null ? !Listed(list, membership.GroupId) : listed.Add(membership.GroupId))
            {
                list.Add(GroupEntries.Make(locations, membership, "direct"));
            }
        }

        return list;
    }

    /// <summary>
    /// The groups of each user of a page, by the users' positions in <paramref name="ids"/>;
    /// <see langword="null"/> when none of them is in a group.
    /// </summary>
    public async ValueTask<List<UserGroup>?[]?> OfUsersAsync(ScimContext context, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var direct = await groups.GetGroupsOfMembersAsync(context, ids, cancellationToken).ConfigureAwait(false);
        return direct.Count == 0 ? null : await FromDirectAsync(context, direct, ids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The groups of each user, by position in <paramref name="ids"/>, from their direct memberships
    /// (not empty, in any order): those, then the groups that contain them.
    /// </summary>
    private async ValueTask<List<UserGroup>?[]> FromDirectAsync(ScimContext context, IReadOnlyList<MemberGroup> direct, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var result = new List<UserGroup>?[ids.Count];
        var positions = new Positions(ids);
        var entries = new GroupEntries(new ResourceLocations(context.BaseUrl, groupType), direct.Count);

        // Walk upwards once for all users: parents of every group reached so far (nothing is
        // allocated for the walk when the groups have no parents, the usual case).
        Dictionary<string, List<MemberGroup>>? parents = null;
        HashSet<string>? seen = null;
        List<string> frontier = !await MayNestAsync(context, cancellationToken).ConfigureAwait(false) ? []
            : direct.Count == 1 ? [direct[0].GroupId] : [.. direct.Select(d => d.GroupId).Distinct(StringComparer.Ordinal)];
        while (frontier.Count > 0)
        {
            var up = await groups.GetGroupsOfMembersAsync(context, frontier, cancellationToken).ConfigureAwait(false);
            if (up.Count == 0)
            {
                break;
            }

            seen ??= new HashSet<string>(frontier, StringComparer.Ordinal);
            parents ??= new Dictionary<string, List<MemberGroup>>(StringComparer.Ordinal);
            var next = new List<string>();
            foreach (var link in up)
            {
                if (!parents.TryGetValue(link.MemberId, out var list))
                {
                    parents[link.MemberId] = list = [];
                }

                list.Add(link);
                if (seen.Add(link.GroupId))
                {
                    next.Add(link.GroupId);
                }
            }

            frontier = next;
        }

        if (parents is null)
        {
            // No nested groups above these (the usual case): every membership is direct.
            foreach (var membership in direct)
            {
                if (positions.Of(membership.MemberId) is var at and >= 0)
                {
                    var list = result[at] ??= [];
                    if (!Listed(list, membership.GroupId))
                    {
                        list.Add(entries.Direct(membership));
                    }
                }
            }

            return result;
        }

        var byUser = new List<MemberGroup>?[ids.Count];
        foreach (var membership in direct)
        {
            if (positions.Of(membership.MemberId) is var at and >= 0)
            {
                (byUser[at] ??= []).Add(membership);
            }
        }

        for (var at = 0; at < byUser.Length; at++)
        {
            if (byUser[at] is not { } memberships)
            {
                continue;
            }

            var array = new List<UserGroup>();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>();
            foreach (var membership in memberships)
            {
                if (listed.Add(membership.GroupId))
                {
                    array.Add(entries.Direct(membership));
                    queue.Enqueue(membership.GroupId);
                }
            }

            while (queue.TryDequeue(out var groupId))
            {
                foreach (var parent in parents.GetValueOrDefault(groupId) ?? [])
                {
                    if (listed.Add(parent.GroupId))
                    {
                        array.Add(entries.Indirect(parent));
                        queue.Enqueue(parent.GroupId);
                    }
                }
            }

            result[at] = array;
        }

        return result;
    }

    /// <summary>Whether a group of the tenant may contain a group (always, unless the store says otherwise).</summary>
    private ValueTask<bool> MayNestAsync(ScimContext context, CancellationToken cancellationToken) =>
        groups is IGroupNestingStore nesting ? nesting.MayHaveNestedGroupsAsync(context, cancellationToken) : new(true);

    private static bool Listed(List<UserGroup> groups, string groupId)
    {
        foreach (var group in groups)
        {
            if (string.Equals(group.Value, groupId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Where each member id of a store's answer stands among the ids asked for. A store answers
    /// a member's memberships together, and most in the order asked (the in-memory store does):
    /// the ids are then walked forward, each compared once, with no hashing. An answer in any other
    /// order (SQL without an <c>ORDER BY</c>) is looked up in an index of the ids, built the first
    /// time the walk does not find one.
    /// </summary>
    private struct Positions(IReadOnlyList<string> ids)
    {
        private int _next;
        private Dictionary<string, int>? _index;

        /// <summary>The position of <paramref name="memberId"/> among the ids; -1 if it was not asked for.</summary>
        public int Of(string memberId)
        {
            if (_index is null)
            {
                for (var i = _next; i < ids.Count; i++)
                {
                    if (string.Equals(ids[i], memberId, StringComparison.Ordinal))
                    {
                        _next = i;
                        return i;
                    }
                }

                _index = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
                for (var i = ids.Count - 1; i >= 0; i--)
                {
                    _index[ids[i]] = i;
                }
            }

            return _index.GetValueOrDefault(memberId, -1);
        }
    }

    /// <summary>
    /// The <c>groups</c> entries of one call, made once per group and kind and shared by every user
    /// listed in that group (a page of 100 users of one large group builds one <c>$ref</c>, not 100).
    /// </summary>
    private sealed class GroupEntries(ResourceLocations locations, int memberships)
    {
        // One map per kind, keyed by the id alone: ordinal string keys hash fast, tuples of strings do not.
        private readonly Dictionary<string, UserGroup>? _direct = memberships > 1 ? new(StringComparer.Ordinal) : null;
        private Dictionary<string, UserGroup>? _indirect;
        private UserGroup? _last;

        public UserGroup Direct(MemberGroup membership) => Of(membership, _direct, "direct");

        public UserGroup Indirect(MemberGroup membership) => Of(membership, _direct is null ? null : _indirect ??= new(StringComparer.Ordinal), "indirect");

        private UserGroup Of(MemberGroup membership, Dictionary<string, UserGroup>? made, string kind)
        {
            if (made is null)
            {
                return Make(locations, membership, kind);
            }

            // A page of users of one group asks for the same entry over and over: the last one is
            // checked first, without hashing the id.
            if (made == _direct && _last is { } last && string.Equals(last.Value, membership.GroupId, StringComparison.Ordinal))
            {
                return last;
            }

            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(made, membership.GroupId, out _);
            if (entry is null)
            {
                // Shared by every user of the request in the group: its digest is made once.
                entry = Make(locations, membership, kind);
                entry.KeepDigest();
            }

            if (made == _direct)
            {
                _last = entry;
            }

            return entry;
        }

        public static UserGroup Make(ResourceLocations locations, MemberGroup membership, string kind) => new()
        {
            Value = membership.GroupId,
            Ref = locations.Of(membership.GroupId),
            Display = membership.GroupDisplayName,
            Type = kind,
        };
    }
}
