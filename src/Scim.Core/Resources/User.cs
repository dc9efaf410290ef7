using System.Text.Json.Serialization;
using Scim.Core.Schema;

namespace Scim.Core.Resources;

/// <summary>
/// A User resource (RFC 7643 §4.1) with the Enterprise User extension (§4.3) typed. Collections
/// are never <see langword="null"/>; an empty collection means the attribute has no value.
/// Other extension schemas are in <see cref="ScimResource.Extensions"/>.
/// </summary>
public sealed class User : ScimResource
{
    private List<Email>? _emails;
    private List<PhoneNumber>? _phoneNumbers;
    private List<InstantMessagingAddress>? _ims;
    private List<Photo>? _photos;
    private List<Address>? _addresses;
    private List<UserGroup>? _groups;
    private List<Entitlement>? _entitlements;
    private List<Role>? _roles;
    private List<X509Certificate>? _x509Certificates;

    /// <summary>
    /// The multi-valued attributes' lists without allocating empty ones: the serializer reads
    /// these, so writing a user does not give it nine empty lists (a stored user stays small).
    /// </summary>
    internal static IReadOnlyDictionary<string, Func<User, object?>> RawCollections { get; } = new Dictionary<string, Func<User, object?>>(StringComparer.Ordinal)
    {
        ["Emails"] = static u => u._emails,
        ["PhoneNumbers"] = static u => u._phoneNumbers,
        ["Ims"] = static u => u._ims,
        ["Photos"] = static u => u._photos,
        ["Addresses"] = static u => u._addresses,
        ["Groups"] = static u => u._groups,
        ["Entitlements"] = static u => u._entitlements,
        ["Roles"] = static u => u._roles,
        ["X509Certificates"] = static u => u._x509Certificates,
    };

    /// <summary>
    /// Takes the lists of the multi-valued attributes other than <c>groups</c> that <paramref name="other"/>
    /// has (a store's copy of them, read on its own), leaving the rest as they are.
    /// </summary>
    /// <param name="other">A user read for these lists alone, given up by the caller.</param>
    internal void TakeValuesOf(User other)
    {
        _emails = other._emails ?? _emails;
        _phoneNumbers = other._phoneNumbers ?? _phoneNumbers;
        _ims = other._ims ?? _ims;
        _photos = other._photos ?? _photos;
        _addresses = other._addresses ?? _addresses;
        _entitlements = other._entitlements ?? _entitlements;
        _roles = other._roles ?? _roles;
        _x509Certificates = other._x509Certificates ?? _x509Certificates;
    }

    // The lists as they are, read without allocating an empty one: the in-memory store's filters
    // read these, so a query never changes a stored user (and never grows it).
    internal IReadOnlyList<Email> StoredEmails => _emails ?? (IReadOnlyList<Email>)[];

    internal IReadOnlyList<PhoneNumber> StoredPhoneNumbers => _phoneNumbers ?? (IReadOnlyList<PhoneNumber>)[];

    internal IReadOnlyList<InstantMessagingAddress> StoredIms => _ims ?? (IReadOnlyList<InstantMessagingAddress>)[];

    internal IReadOnlyList<Photo> StoredPhotos => _photos ?? (IReadOnlyList<Photo>)[];

    internal IReadOnlyList<Address> StoredAddresses => _addresses ?? (IReadOnlyList<Address>)[];

    internal IReadOnlyList<UserGroup> StoredGroups => _groups ?? (IReadOnlyList<UserGroup>)[];

    internal IReadOnlyList<Entitlement> StoredEntitlements => _entitlements ?? (IReadOnlyList<Entitlement>)[];

    internal IReadOnlyList<Role> StoredRoles => _roles ?? (IReadOnlyList<Role>)[];

    internal IReadOnlyList<X509Certificate> StoredX509Certificates => _x509Certificates ?? (IReadOnlyList<X509Certificate>)[];

    /// <inheritdoc />
    [JsonIgnore]
    public override string CoreSchema => ScimSchemaUris.User;

    /// <summary>The unique identifier the user signs in with (required, unique per service provider, case-insensitive).</summary>
    public string? UserName { get; set; }

    /// <summary>The components of the user's real name.</summary>
    public Name? Name { get; set; }

    /// <summary>The name suitable for display to end-users.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The casual way to address the user.</summary>
    public string? NickName { get; set; }

    /// <summary>A URI of the user's online profile.</summary>
    public string? ProfileUrl { get; set; }

    /// <summary>The user's title, e.g. "Vice President".</summary>
    public string? Title { get; set; }

    /// <summary>The relationship between the organization and the user, e.g. "Employee" or "Contractor".</summary>
    public string? UserType { get; set; }

    /// <summary>The user's preferred written or spoken language (e.g. <c>en-US</c>).</summary>
    public string? PreferredLanguage { get; set; }

    /// <summary>The user's default location for localization (e.g. <c>en-US</c>).</summary>
    public string? Locale { get; set; }

    /// <summary>The user's time zone in IANA format (e.g. <c>America/Los_Angeles</c>).</summary>
    public string? Timezone { get; set; }

    /// <summary>The user's administrative status; <see langword="false"/> when deactivated.</summary>
    public bool? Active { get; set; }

    /// <summary>The user's clear-text password (writeOnly: accepted on input, never returned).</summary>
    public string? Password { get; set; }

    /// <summary>Email addresses.</summary>
    public List<Email> Emails { get => _emails ??= []; set => _emails = value; }

    /// <summary>Phone numbers.</summary>
    public List<PhoneNumber> PhoneNumbers { get => _phoneNumbers ??= []; set => _phoneNumbers = value; }

    /// <summary>Instant-messaging addresses.</summary>
    public List<InstantMessagingAddress> Ims { get => _ims ??= []; set => _ims = value; }

    /// <summary>URLs of photos.</summary>
    public List<Photo> Photos { get => _photos ??= []; set => _photos = value; }

    /// <summary>Physical mailing addresses.</summary>
    public List<Address> Addresses { get => _addresses ??= []; set => _addresses = value; }

    /// <summary>The groups the user belongs to, directly or indirectly (readOnly: derived from group membership).</summary>
    public List<UserGroup> Groups { get => _groups ??= []; set => _groups = value; }

    /// <summary>Entitlements.</summary>
    public List<Entitlement> Entitlements { get => _entitlements ??= []; set => _entitlements = value; }

    /// <summary>Roles.</summary>
    public List<Role> Roles { get => _roles ??= []; set => _roles = value; }

    /// <summary>X.509 certificates.</summary>
    public List<X509Certificate> X509Certificates { get => _x509Certificates ??= []; set => _x509Certificates = value; }

    /// <summary>The Enterprise User extension (<c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User</c>), or <see langword="null"/> when absent.</summary>
    [JsonPropertyName(ScimSchemaUris.EnterpriseUser)]
    [JsonPropertyOrder(500)]
    public EnterpriseUser? EnterpriseUser { get; set; }

    private protected override void AddTypedExtensionSchemas(List<string> schemas)
    {
        if (EnterpriseUser is { IsEmpty: false })
        {
            schemas.Add(ScimSchemaUris.EnterpriseUser);
        }
    }
}

/// <summary>The components of a user's name (<c>name</c>).</summary>
public sealed class Name
{
    /// <summary>The full name, formatted for display (e.g. "Ms. Barbara J Jensen, III").</summary>
    public string? Formatted { get; set; }

    /// <summary>The family name (last name in most Western languages).</summary>
    public string? FamilyName { get; set; }

    /// <summary>The given name (first name in most Western languages).</summary>
    public string? GivenName { get; set; }

    /// <summary>The middle name(s).</summary>
    public string? MiddleName { get; set; }

    /// <summary>The honorific prefix(es), e.g. "Ms.".</summary>
    public string? HonorificPrefix { get; set; }

    /// <summary>The honorific suffix(es), e.g. "III".</summary>
    public string? HonorificSuffix { get; set; }
}

/// <summary>A physical mailing address (<c>addresses</c>); canonical types <c>work</c>, <c>home</c>, <c>other</c>.</summary>
public sealed class Address
{
    /// <summary>The full address, formatted for display or a mailing label.</summary>
    public string? Formatted { get; set; }

    /// <summary>The street, house number and similar parts.</summary>
    public string? StreetAddress { get; set; }

    /// <summary>The city or locality.</summary>
    public string? Locality { get; set; }

    /// <summary>The state or region.</summary>
    public string? Region { get; set; }

    /// <summary>The zip or postal code.</summary>
    public string? PostalCode { get; set; }

    /// <summary>The country, as an ISO 3166-1 alpha-2 code (e.g. <c>US</c>).</summary>
    public string? Country { get; set; }

    /// <summary>A label for the address's function, e.g. <c>work</c>.</summary>
    public string? Type { get; set; }

    /// <summary>Whether this is the preferred mailing address.</summary>
    public bool? Primary { get; set; }
}

/// <summary>A group a user belongs to (<c>groups</c>; readOnly).</summary>
public sealed class UserGroup
{
    /// <summary>The group's <c>id</c>.</summary>
    public string? Value { get; set; }

    /// <summary>The URI of the group.</summary>
    [JsonPropertyName("$ref")]
    public string? Ref { get; set; }

    /// <summary>The group's display name.</summary>
    public string? Display { get; set; }

    /// <summary>How the user belongs: <c>direct</c> or <c>indirect</c>.</summary>
    public string? Type { get; set; }

    // The entry's digest for a response's version, kept (KeepDigest) with the texts it was made
    // from when one entry is shared by the users of a page, each of whose versions mixes it in.
    private string? _digestValue;
    private string? _digestType;
    private string? _digestDisplay;
    private ulong _digest;

    /// <summary>The digest of the entry's <see cref="Value"/>, <see cref="Type"/> and <see cref="Display"/>; the kept one while they stay the same.</summary>
    internal ulong Digest() =>
        _digestValue is not null && ReferenceEquals(_digestValue, Value) && ReferenceEquals(_digestType, Type) && ReferenceEquals(_digestDisplay, Display)
            ? _digest
            : DigestOf(Value, Type, Display);

    /// <summary>Keeps the digest of the entry as it is now, for an entry many users share (no allocation: fields, set before it is shared).</summary>
    internal void KeepDigest()
    {
        _digest = DigestOf(Value, Type, Display);
        (_digestValue, _digestType, _digestDisplay) = (Value, Type, Display);
    }

    private static ulong DigestOf(string? value, string? type, string? display)
    {
        var digest = Versioning.ResourceVersion.Digest(Versioning.ResourceVersion.DigestStart, value);
        digest = Versioning.ResourceVersion.Digest(digest, type);
        return Versioning.ResourceVersion.Mix(Versioning.ResourceVersion.Digest(digest, display));
    }
}
