using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The user store of the SCIM-owned model (<see cref="ScimModelBuilderExtensions.ApplyScimModel"/>):
/// its reads carry each user's direct groups (<see cref="IUserGroupsStore"/>), so the service does not
/// ask the group store for them on a second pooled connection. A GET by id is the user's row, then
/// one statement for its groups (their names, and whether any group nests another); a page adds the
/// statements for the groups of its users; all on the read's own connection.
/// </summary>
internal sealed class ScimUserStore<TContext>(IServiceProvider services, EntityStoreShared<ScimUserEntity> shared, ScimMembership membership)
    : EntityUserStore<TContext, ScimUserEntity>(services, shared), IUserGroupsStore
    where TContext : DbContext
{
    private readonly KnownNesting _nesting = services.GetService<KnownNesting>() ?? new KnownNesting();

    /// <summary>The groups it reads are those of the SCIM-owned model's group store.</summary>
    public bool ReadsGroupsOf(IGroupStore groups) => groups is EntityGroupStore<TContext, ScimGroupEntity, ScimGroupMemberEntity>;

    protected override async Task<User?> ReadAsync(TContext db, ScimContext context, object key, ReadHints hints, CancellationToken cancellationToken)
    {
        var user = await base.ReadAsync(db, context, key, hints, cancellationToken).ConfigureAwait(false);
        if (user is null || !hints.Includes("groups"))
        {
            return user;
        }

        // The groups of one member: one compiled statement on the read's own connection (the row
        // joined to them would repeat the user's columns on every group's row: a user in 300
        // groups read five times slower that way).
        var tenant = context.Tenant;
        var found = await membership.GroupsOfAsync(db, db.Set<ScimGroupEntity>().AsNoTracking().Where(g => g.Tenant == tenant), tenant, GroupKey, GroupName, [user.Id!], cancellationToken).ConfigureAwait(false);
        user.Groups = [.. found.Links.Select(l => new UserGroup { Value = l.GroupId, Display = l.Name })];
        _nesting.Value = found.MayNest ?? _nesting.Value;
        return user;
    }

    protected override async Task<IReadOnlyList<User>> ResourcesAsync(TContext db, ScimContext context, IReadOnlyList<ScimUserEntity> entities, ReadHints hints, CancellationToken cancellationToken)
    {
        var users = await base.ResourcesAsync(db, context, entities, hints, cancellationToken).ConfigureAwait(false);
        if (users.Count == 0 || !hints.Includes("groups"))
        {
            return users;
        }

        var ids = new List<string>(users.Count);
        foreach (var user in users)
        {
            ids.Add(user.Id!);
            user.Groups = [];
        }

        var tenant = context.Tenant;
        var found = await membership.GroupsOfAsync(db, db.Set<ScimGroupEntity>().AsNoTracking().Where(g => g.Tenant == tenant), tenant, GroupKey, GroupName, ids, cancellationToken).ConfigureAwait(false);
        if (found.Links.Count == 0)
        {
            return users;
        }

        var byId = users.ToDictionary(u => u.Id!, StringComparer.Ordinal);
        foreach (var (memberId, groupId, name) in found.Links)
        {
            if (byId.TryGetValue(memberId, out var user))
            {
                user.Groups.Add(new UserGroup { Value = groupId, Display = name });
            }
        }

        _nesting.Value = found.MayNest ?? _nesting.Value;
        return users;
    }

    private static readonly System.Linq.Expressions.Expression<Func<ScimGroupEntity, string>> GroupKey = g => g.Id;

    private static readonly System.Linq.Expressions.Expression<Func<ScimGroupEntity, string>> GroupName = g => g.DisplayName;
}
