namespace Scim.EntityFrameworkCore;

/// <summary>A group in the tables <see cref="ScimModelBuilderExtensions.ApplyScimModel"/> adds; its members are <see cref="ScimGroupMemberEntity"/> rows.</summary>
public class ScimGroupEntity
{
    /// <summary>The SCIM <c>id</c> (the key).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The tenant the group belongs to.</summary>
    public string Tenant { get; set; } = string.Empty;

    /// <summary><c>displayName</c> as it was given.</summary>
    public string DisplayName { get; set; } = string.Empty;

    /// <summary><c>displayName</c> upper-cased (invariant culture): what filters and sorting compare.</summary>
    public string NormalizedDisplayName { get; set; } = string.Empty;

    /// <summary><c>externalId</c>.</summary>
    public string? ExternalId { get; set; }

    /// <summary>The attributes of extension schemas, as a JSON object keyed by schema URN.</summary>
    public string? Extensions { get; set; }

    /// <summary><c>meta.created</c> (UTC).</summary>
    public DateTime Created { get; set; }

    /// <summary><c>meta.lastModified</c> (UTC).</summary>
    public DateTime LastModified { get; set; }

    /// <summary><c>meta.version</c>.</summary>
    public string Version { get; set; } = string.Empty;
}

/// <summary>
/// One member of a group: a user (<see cref="UserId"/>, a foreign key that cascades, so deleting
/// the user removes the row), a nested group (<see cref="NestedGroupId"/>), or, when the model also
/// has the table of other resource types (<see cref="ScimModelBuilderExtensions.ApplyScimResources"/>),
/// a resource of such a type, an agent (<see cref="ResourceType"/> and <see cref="ResourceId"/>, a
/// foreign key to that table that cascades).
/// </summary>
public class ScimGroupMemberEntity
{
    /// <summary>The group's id (a foreign key that cascades).</summary>
    public string GroupId { get; set; } = string.Empty;

    /// <summary>The member's id, whichever kind it is.</summary>
    public string MemberId { get; set; } = string.Empty;

    /// <summary>The member's id when it is a user.</summary>
    public string? UserId { get; set; }

    /// <summary>The member's id when it is a group (the store removes these rows before it deletes the group).</summary>
    public string? NestedGroupId { get; set; }

    /// <summary>
    /// The member's resource type (<c>Agent</c>) when it is a resource of the table of other types;
    /// <see langword="null"/> for a user or a group. Mapped only when the model has that table.
    /// </summary>
    public string? ResourceType { get; set; }

    /// <summary>The member's id when it is a resource of the table of other types (with <see cref="ResourceType"/>, its key there).</summary>
    public string? ResourceId { get; set; }
}
