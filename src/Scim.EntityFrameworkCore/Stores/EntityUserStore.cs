using Microsoft.EntityFrameworkCore;
using Scim.Core.Resources;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>The user store over a host's user entity (see <see cref="EntityStore{TContext, TEntity, TResource}"/>).</summary>
internal class EntityUserStore<TContext, TUser>(IServiceProvider services, EntityStoreShared<TUser> shared)
    : EntityStore<TContext, TUser, User>(services, shared, ResourceTrees.OwnedToUser), IUserStore
    where TContext : DbContext
    where TUser : class
{
    protected override T Conflict<T>(string attribute) => (StoreWriteResult.Conflict<User>(attribute) as T)!;

    protected override T Changed<T>() => (StoreWriteResult.VersionMismatch<User>() as T)!;
}
