using Scim.Core.Resources;

namespace Scim.Core.Stores;

/// <summary>
/// The store of User resources. Uniqueness: <c>userName</c> is unique per tenant, compared
/// case-insensitively; a create or replace that would break it returns
/// <see cref="StoreWriteStatus.Conflict"/> with <c>userName</c>.
/// </summary>
public interface IUserStore : IResourceStore<User>
{
}
