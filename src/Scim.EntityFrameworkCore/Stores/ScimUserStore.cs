using Microsoft.EntityFrameworkCore;
using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The user store of the SCIM-owned model (<see cref="ScimModelBuilderExtensions.ApplyScimModel"/>):
/// its reads carry each user's direct groups (<see cref="IUserGroupsStore"/>, as any entity user
/// store's over the group store of its context). A GET by id is one statement (the user's row, its
/// groups' ids and names aggregated into one value, and whether any group nests another); a page
/// adds the statements for the groups of its users; all on the read's own connection.
/// </summary>
internal sealed class ScimUserStore<TContext>(IServiceProvider services, EntityStoreShared<ScimUserEntity> shared)
    : EntityUserStore<TContext, ScimUserEntity>(services, shared)
    where TContext : DbContext
{
    protected override bool MembershipCascades => true;

    protected override async Task<User?> ReadAsync(TContext db, ScimContext context, object key, ReadHints hints, CancellationToken cancellationToken)
    {
        if (!hints.Includes("groups"))
        {
            return await base.ReadAsync(db, context, key, hints, cancellationToken).ConfigureAwait(false);
        }

        // The row and its groups in one statement, the groups aggregated into one value so that the
        // user's columns are not repeated for each of them (joined, a user in 300 groups read five
        // times slower).
        var row = await ScimMembership.UserWithGroupsAsync(db, (string)key, context.Tenant).ConfigureAwait(false);
        return row is null ? null : await UserOfAsync(db, context, row, hints, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A lookup by <c>userName</c> (<c>filter=userName eq "..."</c>, what an IdP asks before it
    /// creates or links a user) reads as a GET by id does: one compiled statement, the search of the
    /// unique <c>(Tenant, NormalizedUserName)</c> index with the user's groups, instead of a planned
    /// page and a second statement for its groups. The index holds one row per name in a tenant, so
    /// the page is that row or none, and its total needs no count. Any other query, a cursor, a page
    /// past the first and reads without <c>groups</c> are looked up or planned as in any entity store.
    /// </summary>
    protected override Func<TContext, CancellationToken, Task<ScimPage<User>>>? Lookup(ScimContext context, ScimQuery query)
    {
        if (query is not { StartIndex: <= 1, Count: > 0, UsesCursor: false } || !query.Hints.Includes("groups")
            || !Shared.TryEquality(query.Filter, out var attribute, out var userName) || attribute != "userName")
        {
            return base.Lookup(context, query);
        }

        return async (db, cancellationToken) =>
        {
            var row = await ScimMembership.UserWithGroupsByNameAsync(db, userName, context.Tenant).ConfigureAwait(false);
            return row is null ? new ScimPage<User>([], 0) : new ScimPage<User>([await UserOfAsync(db, context, row, query.Hints, cancellationToken).ConfigureAwait(false)], 1);
        };
    }

    /// <summary>The user of a row read with its groups.</summary>
    private async Task<User> UserOfAsync(TContext db, ScimContext context, UserWithGroupsRow row, ReadHints hints, CancellationToken cancellationToken)
    {
        await LoadPartsAsync(db, [row.User], hints, cancellationToken).ConfigureAwait(false);
        var user = await ResourceAsync(db, context, row.User, hints, cancellationToken).ConfigureAwait(false);
        user.Groups = [.. ScimMembership.GroupsOf(row.Groups).Select(g => new UserGroup { Value = g.Id, Display = g.Name })];
        if (user.Groups.Count > 0)
        {
            Nesting.Learn(context, row.Nested);
        }

        return user;
    }
}
