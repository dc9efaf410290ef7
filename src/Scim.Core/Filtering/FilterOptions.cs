namespace Scim.Core.Filtering;

/// <summary>
/// How filters and PATCH paths are parsed and bound to a schema. The limits have defaults no real identity provider
/// comes near; exceeding one is a 400 (<c>invalidFilter</c> or <c>invalidPath</c>), never a
/// stack overflow.
/// </summary>
public sealed class FilterOptions
{
    /// <summary>
    /// Reject the lenient forms real clients send: unquoted string values (<c>userName sw O</c>,
    /// <c>meta.created gt 2015-10-10T14:38:21Z</c>), and a value path followed by a comparison on a
    /// sub-attribute (Entra ID's <c>emails[type eq "work"].value eq "x@example.com"</c>, otherwise read
    /// as <c>emails[type eq "work" and value eq "x@example.com"]</c>). Attribute names in a casing other than the
    /// schema's, and values of the wrong JSON type for the attribute (<c>externalId eq 123</c>,
    /// <c>active eq "true"</c>) are then rejected too when the filter is bound to a schema.
    /// </summary>
    /// <value>Defaults to <see langword="false"/> (lenient).</value>
    public bool Strict { get; set; }

    /// <summary>The longest filter accepted, in characters.</summary>
    /// <value>Defaults to 4,096.</value>
    public int MaxLength { get; set; } = 4096;

    /// <summary>The deepest nesting of parentheses and value-path brackets accepted.</summary>
    /// <value>Defaults to 32.</value>
    public int MaxDepth { get; set; } = 32;

    /// <summary>The most comparisons (<c>eq</c>, <c>pr</c>, ...) one filter may hold.</summary>
    /// <value>Defaults to 200.</value>
    public int MaxComparisons { get; set; } = 200;

    /// <summary>
    /// What a filter on an attribute the resource type does not define does: fail with
    /// 400 <c>invalidFilter</c> naming it, or match nothing (as if the attribute had no value).
    /// </summary>
    /// <value>Defaults to <see cref="UnknownFilterAttribute.Error"/>.</value>
    public UnknownFilterAttribute UnknownAttributes { get; set; } = UnknownFilterAttribute.Error;

    internal static FilterOptions Default { get; } = new();
}

/// <summary>What a filter naming an attribute the resource type does not define does.</summary>
public enum UnknownFilterAttribute
{
    /// <summary>400 <c>invalidFilter</c> naming the attribute. The default.</summary>
    Error,

    /// <summary>The comparison matches no resource (<c>pr</c> is false, <c>eq</c> is false, <c>ne</c> is true).</summary>
    NoMatch,
}
