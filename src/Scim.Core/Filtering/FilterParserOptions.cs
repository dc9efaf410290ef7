namespace Scim.Core.Filtering;

/// <summary>
/// How filters and PATCH paths are parsed. The limits have defaults no real identity provider
/// comes near; exceeding one is a 400 (<c>invalidFilter</c> or <c>invalidPath</c>), never a
/// stack overflow.
/// </summary>
public sealed class FilterParserOptions
{
    /// <summary>
    /// Reject the lenient forms real clients send: unquoted string values (<c>userName sw O</c>,
    /// <c>meta.created gt 2015-10-10T14:38:21Z</c>). Attribute names in a casing other than the
    /// schema's are checked when the filter is bound to a schema.
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

    internal static FilterParserOptions Default { get; } = new();
}
