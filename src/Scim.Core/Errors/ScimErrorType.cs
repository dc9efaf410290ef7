namespace Scim.Core.Errors;

/// <summary>
/// The <c>scimType</c> values of RFC 7644 §3.12, Table 9. Every <see cref="ScimException"/> with
/// status 400 (and some with 409 or 413) carries one of these.
/// </summary>
public static class ScimErrorType
{
    /// <summary>The specified filter syntax was invalid, or the attribute and comparison combination is not supported.</summary>
    public const string InvalidFilter = "invalidFilter";

    /// <summary>The filter yields more results than the service provider will return.</summary>
    public const string TooMany = "tooMany";

    /// <summary>One or more attribute values are already in use or reserved.</summary>
    public const string Uniqueness = "uniqueness";

    /// <summary>The attempted modification is not compatible with the target attribute's mutability.</summary>
    public const string Mutability = "mutability";

    /// <summary>The request body structure was invalid or did not conform to the request schema.</summary>
    public const string InvalidSyntax = "invalidSyntax";

    /// <summary>The path attribute was invalid or malformed.</summary>
    public const string InvalidPath = "invalidPath";

    /// <summary>The specified path did not yield an attribute or attribute value that could be operated on.</summary>
    public const string NoTarget = "noTarget";

    /// <summary>A required value was missing, or the value was not compatible with the operation or attribute type.</summary>
    public const string InvalidValue = "invalidValue";

    /// <summary>The specified SCIM protocol version is not supported.</summary>
    public const string InvalidVersion = "invalidVers";

    /// <summary>The request cannot be completed because sensitive information was placed in the request URI.</summary>
    public const string Sensitive = "sensitive";

    /// <summary>The cursor is not one this service issued, or was issued for another query (RFC 9865).</summary>
    public const string InvalidCursor = "invalidCursor";

    /// <summary>The cursor has expired (RFC 9865).</summary>
    public const string ExpiredCursor = "expiredCursor";

    /// <summary>The <c>count</c> is larger than the service provider allows (RFC 9865).</summary>
    public const string InvalidCount = "invalidCount";
}
