namespace Scim.EntityFrameworkCore;

/// <summary>
/// A user in the tables <see cref="ScimModelBuilderExtensions.ApplyScimModel"/> adds: one column per
/// single-valued attribute of the core User schema and the Enterprise User extension, the
/// multi-valued ones (emails, phone numbers, addresses, ...) as <see cref="Values"/> rows, and any
/// other extension schema's attributes as JSON. The store owns the rows; read them freely, write
/// them through SCIM.
/// </summary>
public class ScimUserEntity
{
    /// <summary>The SCIM <c>id</c> (the key).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The tenant the user belongs to.</summary>
    public string Tenant { get; set; } = string.Empty;

    /// <summary><c>userName</c> as it was given.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary><c>userName</c> upper-cased (invariant culture): unique per tenant, what filters and sorting compare.</summary>
    public string NormalizedUserName { get; set; } = string.Empty;

    /// <summary><c>externalId</c>.</summary>
    public string? ExternalId { get; set; }

    /// <summary><c>displayName</c>.</summary>
    public string? DisplayName { get; set; }

    /// <summary><c>nickName</c>.</summary>
    public string? NickName { get; set; }

    /// <summary><c>profileUrl</c>.</summary>
    public string? ProfileUrl { get; set; }

    /// <summary><c>title</c>.</summary>
    public string? Title { get; set; }

    /// <summary><c>userType</c>.</summary>
    public string? UserType { get; set; }

    /// <summary><c>preferredLanguage</c>.</summary>
    public string? PreferredLanguage { get; set; }

    /// <summary><c>locale</c>.</summary>
    public string? Locale { get; set; }

    /// <summary><c>timezone</c>.</summary>
    public string? Timezone { get; set; }

    /// <summary><c>active</c>.</summary>
    public bool? Active { get; set; }

    /// <summary><c>name.formatted</c>.</summary>
    public string? NameFormatted { get; set; }

    /// <summary><c>name.familyName</c>.</summary>
    public string? FamilyName { get; set; }

    /// <summary><c>name.givenName</c>.</summary>
    public string? GivenName { get; set; }

    /// <summary><c>name.middleName</c>.</summary>
    public string? MiddleName { get; set; }

    /// <summary><c>name.honorificPrefix</c>.</summary>
    public string? HonorificPrefix { get; set; }

    /// <summary><c>name.honorificSuffix</c>.</summary>
    public string? HonorificSuffix { get; set; }

    /// <summary>Enterprise User <c>employeeNumber</c>.</summary>
    public string? EmployeeNumber { get; set; }

    /// <summary>Enterprise User <c>costCenter</c>.</summary>
    public string? CostCenter { get; set; }

    /// <summary>Enterprise User <c>organization</c>.</summary>
    public string? Organization { get; set; }

    /// <summary>Enterprise User <c>division</c>.</summary>
    public string? Division { get; set; }

    /// <summary>Enterprise User <c>department</c>.</summary>
    public string? Department { get; set; }

    /// <summary>Enterprise User <c>manager.value</c> (the manager's id).</summary>
    public string? ManagerId { get; set; }

    /// <summary>Enterprise User <c>manager.$ref</c>.</summary>
    public string? ManagerRef { get; set; }

    /// <summary>Enterprise User <c>manager.displayName</c>.</summary>
    public string? ManagerDisplayName { get; set; }

    /// <summary>The attributes of extension schemas other than Enterprise User, as a JSON object keyed by schema URN.</summary>
    public string? Extensions { get; set; }

    /// <summary><c>meta.created</c> (UTC).</summary>
    public DateTime Created { get; set; }

    /// <summary><c>meta.lastModified</c> (UTC).</summary>
    public DateTime LastModified { get; set; }

    /// <summary><c>meta.version</c>.</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>The values of the multi-valued attributes, one row per value: what filters and <c>sortBy</c> query.</summary>
    public List<ScimUserValueEntity> Values { get; set; } = [];

    /// <summary>
    /// The same values as <see cref="Values"/>, as the JSON object the store writes beside the rows
    /// (<c>{"emails":[...],...}</c>), so that a read needs no second query. The store keeps the two
    /// in step on every write. <see langword="null"/> (a row written before this column existed,
    /// or by code that changed the rows) makes reads take the rows instead; set it to
    /// <see langword="null"/> when changing <see cref="Values"/> outside the store.
    /// </summary>
    public string? ValuesJson { get; set; }

    /// <summary>
    /// <see cref="ValuesJson"/> read into a user's lists by the read that checked it, for building
    /// the resource without reading it again (a field: never mapped to a column).
    /// </summary>
    internal Scim.Core.Resources.User? CheckedValues;
}

/// <summary>
/// One value of a user's multi-valued attribute (<c>emails</c>, <c>phoneNumbers</c>, <c>ims</c>,
/// <c>photos</c>, <c>addresses</c>, <c>entitlements</c>, <c>roles</c>, <c>x509Certificates</c>):
/// a row per value, so filters such as <c>emails[type eq "work"]</c> are SQL.
/// </summary>
public class ScimUserValueEntity
{
    /// <summary>The row's key.</summary>
    public long Id { get; set; }

    /// <summary>The user's id.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>The attribute, e.g. <c>emails</c>.</summary>
    public string Attribute { get; set; } = string.Empty;

    /// <summary>The value's position in the attribute.</summary>
    public int Ordinal { get; set; }

    /// <summary><c>value</c>.</summary>
    public string? Value { get; set; }

    /// <summary><c>display</c>.</summary>
    public string? Display { get; set; }

    /// <summary><c>type</c>.</summary>
    public string? Type { get; set; }

    /// <summary><c>primary</c>.</summary>
    public bool? Primary { get; set; }

    /// <summary>An address's <c>formatted</c>.</summary>
    public string? Formatted { get; set; }

    /// <summary>An address's <c>streetAddress</c>.</summary>
    public string? StreetAddress { get; set; }

    /// <summary>An address's <c>locality</c>.</summary>
    public string? Locality { get; set; }

    /// <summary>An address's <c>region</c>.</summary>
    public string? Region { get; set; }

    /// <summary>An address's <c>postalCode</c>.</summary>
    public string? PostalCode { get; set; }

    /// <summary>An address's <c>country</c>.</summary>
    public string? Country { get; set; }
}
