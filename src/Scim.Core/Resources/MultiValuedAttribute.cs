namespace Scim.Core.Resources;

/// <summary>
/// The usual shape of a multi-valued attribute's value (RFC 7643 §2.4): <c>value</c>,
/// <c>display</c>, <c>type</c> and <c>primary</c>.
/// </summary>
public abstract class MultiValuedAttribute
{
    /// <summary>The value itself (an address, a number, a role name, ...).</summary>
    public string? Value { get; set; }

    /// <summary>A human-readable name, for display only.</summary>
    public string? Display { get; set; }

    /// <summary>A label for the value's function, e.g. <c>work</c> or <c>home</c>.</summary>
    public string? Type { get; set; }

    /// <summary>Whether this is the preferred value of the attribute; at most one value is primary.</summary>
    public bool? Primary { get; set; }
}

/// <summary>An email address of a user (<c>emails</c>); canonical types <c>work</c>, <c>home</c>, <c>other</c>.</summary>
public sealed class Email : MultiValuedAttribute;

/// <summary>A phone number of a user (<c>phoneNumbers</c>); canonical types <c>work</c>, <c>home</c>, <c>mobile</c>, <c>fax</c>, <c>pager</c>, <c>other</c>.</summary>
public sealed class PhoneNumber : MultiValuedAttribute;

/// <summary>An instant-messaging address of a user (<c>ims</c>).</summary>
public sealed class InstantMessagingAddress : MultiValuedAttribute;

/// <summary>A URL of a photo of a user (<c>photos</c>); canonical types <c>photo</c>, <c>thumbnail</c>.</summary>
public sealed class Photo : MultiValuedAttribute;

/// <summary>An entitlement of a user (<c>entitlements</c>).</summary>
public sealed class Entitlement : MultiValuedAttribute;

/// <summary>A role of a user (<c>roles</c>).</summary>
public sealed class Role : MultiValuedAttribute;

/// <summary>A DER-encoded X.509 certificate of a user, base64 in <see cref="MultiValuedAttribute.Value"/> (<c>x509Certificates</c>).</summary>
public sealed class X509Certificate : MultiValuedAttribute;
