namespace Scim.Core.Provisioning;

/// <summary>
/// What a group write (POST, PUT, PATCH, and the same operations in Bulk) does with a member whose
/// <c>value</c> is not the id of a user or group of the tenant that may be a member of the group;
/// and what a store that keeps a user's manager as a reference (the EF Core stores' <c>MapManager</c>)
/// does with a manager that is not a user of the tenant.
/// </summary>
public enum UnknownMemberHandling
{
    /// <summary>
    /// Refuse the request with 400 <c>invalidValue</c> naming the member; nothing is written. Keeps
    /// referential integrity, which a host's foreign keys need. The default.
    /// </summary>
    Reject,

    /// <summary>
    /// Leave such members out and write the rest of the request; the service logs a warning naming
    /// the group and the ids left out. Nothing remembers them: the client adds them again once they
    /// exist. For clients that add members before creating them.
    /// </summary>
    Ignore,
}
