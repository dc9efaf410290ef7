namespace Scim.Core.Schema;

/// <summary>The data type of an attribute (RFC 7643 §2.3).</summary>
public enum AttributeType
{
    /// <summary>A sequence of characters (<c>string</c>).</summary>
    String,

    /// <summary><c>true</c> or <c>false</c> (<c>boolean</c>).</summary>
    Boolean,

    /// <summary>A real number with at least one digit after the point (<c>decimal</c>).</summary>
    Decimal,

    /// <summary>A whole number with no fractional digits (<c>integer</c>).</summary>
    Integer,

    /// <summary>An xsd:dateTime value such as <c>2008-01-23T04:56:22Z</c> (<c>dateTime</c>).</summary>
    DateTime,

    /// <summary>Base64-encoded bytes (<c>binary</c>).</summary>
    Binary,

    /// <summary>A URI for a resource (<c>reference</c>); see <see cref="SchemaAttribute.ReferenceTypes"/>.</summary>
    Reference,

    /// <summary>A singular or multi-valued set of sub-attributes (<c>complex</c>).</summary>
    Complex,
}

/// <summary>Whether and how an attribute may be changed (RFC 7643 §2.2, <c>mutability</c>).</summary>
public enum Mutability
{
    /// <summary>The attribute cannot be changed by a client (<c>readOnly</c>).</summary>
    ReadOnly,

    /// <summary>The attribute may be updated and read at any time (<c>readWrite</c>).</summary>
    ReadWrite,

    /// <summary>The attribute may be set once, on creation or when it has no value (<c>immutable</c>).</summary>
    Immutable,

    /// <summary>The attribute may be set at any time but is never returned (<c>writeOnly</c>).</summary>
    WriteOnly,
}

/// <summary>When an attribute appears in a response (RFC 7643 §2.2, <c>returned</c>).</summary>
public enum Returned
{
    /// <summary>Always returned, whatever <c>attributes</c> or <c>excludedAttributes</c> say (<c>always</c>).</summary>
    Always,

    /// <summary>Never returned (<c>never</c>).</summary>
    Never,

    /// <summary>Returned unless excluded; the default (<c>default</c>).</summary>
    Default,

    /// <summary>Returned only when named in <c>attributes</c> (<c>request</c>).</summary>
    Request,
}

/// <summary>How unique a value must be (RFC 7643 §2.2, <c>uniqueness</c>).</summary>
public enum Uniqueness
{
    /// <summary>No uniqueness is enforced (<c>none</c>).</summary>
    None,

    /// <summary>Unique within the service provider, i.e. within a tenant (<c>server</c>).</summary>
    Server,

    /// <summary>Globally unique (<c>global</c>).</summary>
    Global,
}
