using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The user store of the SCIM-owned model (<see cref="ScimModelBuilderExtensions.ApplyScimModel"/>):
/// its reads carry each user's direct groups (<see cref="IUserGroupsStore"/>), so the service does not
/// ask the group store for them in a second round trip. A GET by id is one statement (the user's
/// row joined to its membership rows and their groups, and whether any group nests another); a page
/// adds one statement for the groups of its users, on the page's own connection.
/// </summary>
internal sealed class ScimUserStore<TContext>(IServiceProvider services, EntityStoreShared<ScimUserEntity> shared, ScimMembership membership)
    : EntityUserStore<TContext, ScimUserEntity>(services, shared), IUserGroupsStore
    where TContext : DbContext
{
    // Compiled per model: one context type may be used with two providers (and models) in a process.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel, Func<TContext, string, string, IAsyncEnumerable<UserRow>>> ByIdWithGroups = new();

    /// <summary>
    /// The user's row joined to its membership rows and their groups (one row per group, the user's
    /// columns on each), and whether any group nests another: one statement.
    /// </summary>
    private static Func<TContext, string, string, IAsyncEnumerable<UserRow>> CompileByIdWithGroups() => EF.CompileAsyncQuery(
        (TContext db, string id, string tenant) =>
            from u in db.Set<ScimUserEntity>().AsNoTracking().Where(u => u.Id == id && u.Tenant == tenant)
            from m in db.Set<ScimGroupMemberEntity>().Where(m => m.MemberId == u.Id).DefaultIfEmpty()
            from g in db.Set<ScimGroupEntity>().Where(g => g.Id == m!.GroupId && g.Tenant == tenant).DefaultIfEmpty()
            select new UserRow
            {
                User = u,
                GroupId = g == null ? null : g.Id,
                Name = g == null ? null : g.DisplayName,
                Nested = db.Set<ScimGroupMemberEntity>().Any(x => x.NestedGroupId != null),
            });

    private readonly KnownNesting _nesting = services.GetService<KnownNesting>() ?? new KnownNesting();

    /// <summary>The groups it reads are those of the SCIM-owned model's group store.</summary>
    public bool ReadsGroupsOf(IGroupStore groups) => groups is EntityGroupStore<TContext, ScimGroupEntity, ScimGroupMemberEntity>;

    protected override async Task<User?> ReadAsync(TContext db, ScimContext context, object key, ReadHints hints, CancellationToken cancellationToken)
    {
        if (!hints.Includes("groups"))
        {
            return await base.ReadAsync(db, context, key, hints, cancellationToken).ConfigureAwait(false);
        }

        ScimUserEntity? entity = null;
        var groups = new List<UserGroup>();
        var nested = false;
        await foreach (var row in ByIdWithGroups.GetValue(db.Model, static _ => CompileByIdWithGroups())(db, (string)key, context.Tenant).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            entity ??= row.User;
            nested = row.Nested;
            if (row.GroupId is not null)
            {
                groups.Add(new UserGroup { Value = row.GroupId, Display = row.Name });
            }
        }

        if (entity is null)
        {
            return null;
        }

        if (Shape.Parts is { } parts)
        {
            // The value rows, for a row written without their JSON copy (nothing is read otherwise).
            await parts.LoadAsync(db, [entity], cancellationToken).ConfigureAwait(false);
        }

        var user = await ResourceAsync(db, context, entity, hints, cancellationToken).ConfigureAwait(false);
        user.Groups = groups;
        if (groups.Count > 0)
        {
            _nesting.Value = nested;
        }

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

    private sealed class UserRow
    {
        public ScimUserEntity User { get; init; } = null!;

        public string? GroupId { get; init; }

        public string? Name { get; init; }

        public bool Nested { get; init; }
    }
}
