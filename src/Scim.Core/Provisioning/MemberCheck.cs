using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

/// <summary>
/// Checks the members a write adds to a group: each must be a resource of the tenant of a kind the
/// group's schema allows (<c>members.type</c>: users and groups, users only when the store
/// declared so, the host's foreign keys rely on it; a host type such as <c>Agent</c> when declared), never the group itself, and of the
/// <c>type</c> the client says, which is filled in when it says none. Members are looked up in
/// chunks, never one by one. A member that names no such resource is the one decision of
/// <see cref="ScimServiceOptions.UnknownMembers"/>: the request is refused, or the member is left
/// out (and reported, for the log).
/// </summary>
internal sealed class MemberCheck(IReadOnlyList<(ServedType Type, ReadHints IdOnly)> memberTypes, bool groupsMayBeMembers, UnknownMemberHandling unknownMembers)
{
    // Small enough that every store turns one chunk into one query with an IN list or ORs.
    private const int Chunk = 50;

    /// <summary>The members to write, each with its actual type, and the ids left out as unknown.</summary>
    public readonly record struct Result(List<GroupMember> Members, IReadOnlyList<string> Ignored);

    public async Task<Result> CheckAsync(ScimContext context, string groupId, IReadOnlyList<GroupMember> members, CancellationToken cancellationToken)
    {
        var result = new List<GroupMember>(members.Count);
        if (members.Count == 0)
        {
            return new Result(result, []);
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = members.Select(m => m.Value ?? string.Empty).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
        {
            if (id.Length == 0)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, "A member has no 'value' (the member's id).");
            }

            // Only where groups may be members: a store whose members are users keeps them in
            // another key space, where a user may have the group's id.
            if (groupsMayBeMembers && string.Equals(id, groupId, StringComparison.Ordinal))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, "A group cannot be a member of itself.");
            }
        }

        // Users first (most members are), then each other kind for the ids still unknown.
        var missing = ids;
        foreach (var (type, idOnly) in memberTypes)
        {
            if (missing.Count == 0)
            {
                break;
            }

            await FindExistingAsync(context, type, idOnly, missing, types, cancellationToken).ConfigureAwait(false);
            missing = [.. missing.Where(id => !types.ContainsKey(id))];
        }

        if (missing.Count > 0 && unknownMembers == UnknownMemberHandling.Reject)
        {
            var kinds = memberTypes.Count == 1 ? "user (members here are users only)" : string.Join(" or ", memberTypes.Select(t => t.Type.Name.ToLowerInvariant()));
            throw ScimException.BadRequest(
                ScimErrorType.InvalidValue,
                $"Member '{missing[0]}' is not a {kinds} of this tenant{(missing.Count > 1 ? $" (and {missing.Count - 1} more)" : string.Empty)}. " +
                "A member must exist before a group lists it; the service can be set to leave such members out instead (ScimServiceOptions.UnknownMembers = Ignore).");
        }

        var added = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (!types.TryGetValue(member.Value!, out var actual) || !added.Add(member.Value!))
            {
                continue; // unknown (left out, as the options say) or already listed
            }

            if (member.Type is not null && !string.Equals(member.Type, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"Member '{member.Value}' is a {actual}, not a {member.Type}.");
            }

            // What the client may set: the member and its type. 'display' is read-only and '$ref'
            // is the service's URI of the member, so neither is taken from the request.
            result.Add(new GroupMember { Value = member.Value, Type = actual });
        }

        return new Result(result, missing);
    }

    /// <summary><c>attribute eq v1 or attribute eq v2 ...</c>, as a balanced tree (its depth grows with the log of the count).</summary>
    public static FilterExpression AnyOf(string attribute, IReadOnlyList<string> values)
    {
        var path = new AttributePath(null, attribute, null);
        FilterExpression Build(int from, int to) => to - from == 1
            ? new ComparisonFilter(path, ComparisonOperator.Equal, new StringValue(values[from]))
            : new OrFilter(Build(from, from + ((to - from) / 2)), Build(from + ((to - from) / 2), to));
        return Build(0, values.Count);
    }

    private static async Task FindExistingAsync(ScimContext context, ServedType type, ReadHints idOnly, List<string> ids, Dictionary<string, string> found, CancellationToken cancellationToken)
    {
        for (var start = 0; start < ids.Count; start += Chunk)
        {
            var chunk = ids.GetRange(start, Math.Min(Chunk, ids.Count - start));
            var query = new ScimQuery { Filter = AnyOf("id", chunk), Count = chunk.Count, Hints = idOnly, CountsTotal = false };
            foreach (var hit in (await type.QueryAsync(context, query, cancellationToken).ConfigureAwait(false)).Resources)
            {
                found[hit.Id!] = type.Name;
            }
        }
    }
}
