namespace Scim.EntityFrameworkCore;

/// <summary>
/// A row of the table of host-registered resource types (<see cref="ScimModelBuilderExtensions.ApplyScimResources"/>):
/// one resource (an agent, a device) of one tenant, its attributes as JSON, with the columns
/// lookups and uniqueness need beside it.
/// </summary>
public class ScimResourceEntity
{
    /// <summary>The resource type's name, e.g. <c>Agent</c>.</summary>
    public string ResourceType { get; set; } = string.Empty;

    /// <summary>The resource's id (the service's).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The tenant.</summary>
    public string Tenant { get; set; } = string.Empty;

    /// <summary><c>externalId</c>.</summary>
    public string? ExternalId { get; set; }

    /// <summary>
    /// The value of the attribute the type's schema makes unique (an agent's <c>name</c>), lower-cased
    /// when the attribute is not case-exact; a unique index per tenant and type settles races.
    /// </summary>
    public string? UniqueValue { get; set; }

    /// <summary>The resource as JSON (<c>schemas</c>, <c>id</c>, <c>externalId</c>, attributes, extensions; not <c>meta</c>).</summary>
    public string Json { get; set; } = "{}";

    /// <summary><c>meta.created</c> (UTC).</summary>
    public DateTime Created { get; set; }

    /// <summary><c>meta.lastModified</c> (UTC).</summary>
    public DateTime LastModified { get; set; }

    /// <summary><c>meta.version</c>.</summary>
    public string Version { get; set; } = string.Empty;
}
