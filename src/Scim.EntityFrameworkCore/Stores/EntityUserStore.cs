using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Resources;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The user store over a host's user entity (see <see cref="EntityStore{TContext, TEntity, TResource}"/>).
/// When the service serves groups with the group store of the same context, the users it reads
/// carry their direct groups (<see cref="IUserGroupsStore"/>), read on the connection the users
/// were read on, so a GET of a user takes one context and one connection, not two.
/// </summary>
internal class EntityUserStore<TContext, TUser>(IServiceProvider services, EntityStoreShared<TUser> shared)
    : EntityStore<TContext, TUser, User>(services, shared, ResourceTrees.OwnedToUser), IUserStore, IUserGroupsStore
    where TContext : DbContext
    where TUser : class
{
    private readonly GroupsOfUsers<TContext>? _groupsOfUsers = services.GetService<GroupsOfUsers<TContext>>();

    // Whether the service that uses this store (one per store) takes the groups from it.
    private bool _carriesGroups;

    /// <summary>What the last read of groups told about nesting, for the group store, per request.</summary>
    protected KnownNesting Nesting { get; } = services.GetRequiredService<KnownNesting>();

    /// <summary>The groups it reads are those of the group store of the same context.</summary>
    public bool ReadsGroupsOf(IGroupStore groups) => _carriesGroups = _groupsOfUsers?.KeptBy(groups) == true;

    protected override T Conflict<T>(string attribute) => (StoreWriteResult.Conflict<User>(attribute) as T)!;

    protected override T Changed<T>() => (StoreWriteResult.VersionMismatch<User>() as T)!;

    /// <summary>Whether the membership table's rows of a user go with it by a cascading foreign key (the SCIM-owned tables), so its delete need not remove them first.</summary>
    protected virtual bool MembershipCascades => false;

    protected override Task BeforeDeleteAsync(TContext db, ScimContext context, TUser entity, CancellationToken cancellationToken) =>
        MembershipCascades || _groupsOfUsers is null ? Task.CompletedTask : _groupsOfUsers.ReleaseAsync(db, context, Shape.IdOf(entity), cancellationToken);

    protected override async Task<User?> ReadAsync(TContext db, ScimContext context, object key, ReadHints hints, CancellationToken cancellationToken)
    {
        var user = await base.ReadAsync(db, context, key, hints, cancellationToken).ConfigureAwait(false);
        if (user is not null && _carriesGroups && hints.Includes("groups"))
        {
            await CarryGroupsAsync(db, context, [user], cancellationToken).ConfigureAwait(false);
        }

        return user;
    }

    protected override async Task<IReadOnlyList<User>> ResourcesAsync(TContext db, ScimContext context, IReadOnlyList<TUser> entities, ReadHints hints, CancellationToken cancellationToken)
    {
        var users = await base.ResourcesAsync(db, context, entities, hints, cancellationToken).ConfigureAwait(false);
        if (users.Count > 0 && _carriesGroups && hints.Includes("groups"))
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

        foreach (var (memberId, groupId, name) in await _groupsOfUsers!.ReadAsync(db, context, Nesting, byId.Keys, cancellationToken).ConfigureAwait(false))
        {
            if (byId.TryGetValue(memberId, out var user))
            {
                user.Groups.Add(new UserGroup { Value = groupId, Display = name });
            }
        }
    }
}
