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
internal sealed class ScimUserStore<TContext>(IServiceProvider services, EntityStoreShared<ScimUserEntity> shared, EntityStoreShared<ScimGroupEntity> groups, ScimMembership membership)
    : EntityUserStore<TContext, ScimUserEntity>(services, shared), IUserGroupsStore
    where TContext : DbContext
{
    private readonly KnownNesting _nesting = services.GetService<KnownNesting>() ?? new KnownNesting();

    /// <summary>The groups it reads are those of the SCIM-owned model's group store.</summary>
    public bool ReadsGroupsOf(IGroupStore groups) => groups is EntityGroupStore<TContext, ScimGroupEntity, ScimGroupMemberEntity>;

    protected override async Task<User?> ReadAsync(TContext db, ScimContext context, object key, ReadHints hints, CancellationToken cancellationToken)
    {
        // The row, then its groups in one compiled statement on the same connection. Joined to the
        // row they would repeat the user's columns on every group's row: a user in 300 groups read
        // five times slower that way.
        var user = await base.ReadAsync(db, context, key, hints, cancellationToken).ConfigureAwait(false);
        if (user is not null && hints.Includes("groups"))
        {
            await CarryGroupsAsync(db, context, [user], cancellationToken).ConfigureAwait(false);
        }

        return user;
    }

    protected override async Task<IReadOnlyList<User>> ResourcesAsync(TContext db, ScimContext context, IReadOnlyList<ScimUserEntity> entities, ReadHints hints, CancellationToken cancellationToken)
    {
        var users = await base.ResourcesAsync(db, context, entities, hints, cancellationToken).ConfigureAwait(false);
        if (users.Count > 0 && hints.Includes("groups"))
        {
            await CarryGroupsAsync(db, context, users, cancellationToken).ConfigureAwait(false);
        }

        return users;
    }

    /// <summary>Gives each user its direct groups (an empty list when none), read the way the group store reads them.</summary>
    private async Task CarryGroupsAsync(TContext db, ScimContext context, IReadOnlyList<User> users, CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, User>(users.Count, StringComparer.Ordinal);
        foreach (var user in users)
        {
            user.Groups = [];
            byId[user.Id!] = user;
        }

        var links = await EntityGroupStore<TContext, ScimGroupEntity, ScimGroupMemberEntity>.LinksAsync(db, context.Tenant, groups, membership, _nesting, byId.Keys, cancellationToken).ConfigureAwait(false);
        foreach (var (memberId, groupId, name) in links)
        {
            if (byId.TryGetValue(memberId, out var user))
            {
                user.Groups.Add(new UserGroup { Value = groupId, Display = name });
            }
        }
    }
}
