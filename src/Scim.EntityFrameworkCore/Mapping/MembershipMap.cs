using System.Linq.Expressions;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The join entity that holds a group's members: one row per (group, member user), its two keys
/// pointing at the group entity's key and the user entity's key. The store changes memberships by
/// adding and removing rows, never by loading a group's member list.
/// </summary>
/// <typeparam name="TMember">The membership (join) entity class.</typeparam>
public sealed class MembershipMap<TMember>
    where TMember : class, new()
{
    internal MembershipMap()
    {
    }

    internal Membership<TMember>? Membership { get; private set; }

    /// <summary>
    /// The membership entity's two keys. Members are users (the foreign key of a membership row
    /// refers to the user entity): the service is told so, and refuses a group as a member.
    /// </summary>
    /// <typeparam name="TGroupKey">The group key's type (the type of the group entity's key).</typeparam>
    /// <typeparam name="TMemberKey">The member key's type (the type of the user entity's key).</typeparam>
    /// <param name="group">The membership's group key, e.g. <c>m =&gt; m.TeamId</c>.</param>
    /// <param name="member">The membership's user key, e.g. <c>m =&gt; m.AccountId</c>.</param>
    /// <returns>This map.</returns>
    public MembershipMap<TMember> Keys<TGroupKey, TMemberKey>(Expression<Func<TMember, TGroupKey>> group, Expression<Func<TMember, TMemberKey>> member)
        where TGroupKey : notnull
        where TMemberKey : notnull
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(member);
        Membership = new Membership<TMember, TGroupKey, TMemberKey>(group, member);
        return this;
    }
}
