namespace Scim.Core.Filtering;

/// <summary>
/// An attribute path as written in a filter or PATCH path (RFC 7644 §3.10): an optional schema
/// URN, an attribute name and an optional sub-attribute name, in the casing the client used.
/// Resolution against a schema (which makes names canonical) is a separate step.
/// </summary>
/// <param name="SchemaUri">The schema URN prefix (<c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User</c>), or <see langword="null"/>.</param>
/// <param name="Name">The attribute name (<c>name</c>, <c>emails</c>, <c>$ref</c>).</param>
/// <param name="SubAttribute">The sub-attribute name (<c>givenName</c>), or <see langword="null"/>.</param>
public sealed record AttributePath(string? SchemaUri, string Name, string? SubAttribute)
{
    /// <summary>The path as SCIM text: <c>urn:...:User:name.givenName</c>, <c>name.givenName</c>, <c>userName</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var local = SubAttribute is null ? Name : $"{Name}.{SubAttribute}";
        return SchemaUri is null ? local : $"{SchemaUri}:{local}";
    }
}

/// <summary>The comparison operators of RFC 7644 §3.4.2.2, Table 3 (<c>pr</c> is <see cref="PresentFilter"/>).</summary>
public enum ComparisonOperator
{
    /// <summary><c>eq</c>: equal.</summary>
    Equal,

    /// <summary><c>ne</c>: not equal.</summary>
    NotEqual,

    /// <summary><c>co</c>: contains (strings).</summary>
    Contains,

    /// <summary><c>sw</c>: starts with (strings).</summary>
    StartsWith,

    /// <summary><c>ew</c>: ends with (strings).</summary>
    EndsWith,

    /// <summary><c>gt</c>: greater than.</summary>
    GreaterThan,

    /// <summary><c>ge</c>: greater than or equal to.</summary>
    GreaterThanOrEqual,

    /// <summary><c>lt</c>: less than.</summary>
    LessThan,

    /// <summary><c>le</c>: less than or equal to.</summary>
    LessThanOrEqual,
}

/// <summary>A literal a filter compares with (RFC 7644 §3.4.2.2, <c>compValue</c>).</summary>
public abstract record ComparisonValue
{
    private protected ComparisonValue()
    {
    }
}

/// <summary>A string literal (quoted, or unquoted in lenient mode).</summary>
/// <param name="Value">The string, with escapes decoded.</param>
public sealed record StringValue(string Value) : ComparisonValue
{
    /// <inheritdoc />
    public override string ToString() => FilterPrinter.Quote(Value);
}

/// <summary>A JSON number literal, kept as written so that no precision is lost.</summary>
/// <param name="Text">The number as written, e.g. <c>42</c>, <c>-1.5</c>, <c>6.02e23</c>.</param>
public sealed record NumberValue(string Text) : ComparisonValue
{
    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary><c>true</c> or <c>false</c>.</summary>
/// <param name="Value">The value.</param>
public sealed record BooleanValue(bool Value) : ComparisonValue
{
    /// <inheritdoc />
    public override string ToString() => Value ? "true" : "false";
}

/// <summary><c>null</c>.</summary>
public sealed record NullValue : ComparisonValue
{
    /// <summary>The one instance.</summary>
    public static NullValue Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "null";
}

/// <summary>
/// A filter expression (RFC 7644 §3.4.2.2): an immutable tree with structural equality.
/// <see cref="object.ToString"/> prints it as canonical filter text that parses back to an equal tree.
/// </summary>
public abstract record FilterExpression
{
    private protected FilterExpression()
    {
    }
}

/// <summary><c>attrPath op value</c>, e.g. <c>userName eq "bjensen"</c>.</summary>
/// <param name="Path">The attribute compared.</param>
/// <param name="Operator">The operator.</param>
/// <param name="Value">The literal compared with.</param>
public sealed record ComparisonFilter(AttributePath Path, ComparisonOperator Operator, ComparisonValue Value) : FilterExpression
{
    /// <inheritdoc />
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary><c>attrPath pr</c>: the attribute has a non-empty value.</summary>
/// <param name="Path">The attribute.</param>
public sealed record PresentFilter(AttributePath Path) : FilterExpression
{
    /// <inheritdoc />
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary><c>left and right</c>.</summary>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public sealed record AndFilter(FilterExpression Left, FilterExpression Right) : FilterExpression
{
    /// <inheritdoc />
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary><c>left or right</c>.</summary>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public sealed record OrFilter(FilterExpression Left, FilterExpression Right) : FilterExpression
{
    /// <inheritdoc />
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary><c>not (inner)</c>.</summary>
/// <param name="Inner">The negated expression.</param>
public sealed record NotFilter(FilterExpression Inner) : FilterExpression
{
    /// <inheritdoc />
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary>
/// <c>attrPath[filter]</c>, e.g. <c>emails[type eq "work" and value co "@example.com"]</c>: true
/// when one value of the multi-valued attribute matches the inner filter on its own (the inner
/// <c>and</c> applies within one email, not across emails).
/// </summary>
/// <param name="Path">The multi-valued (complex) attribute.</param>
/// <param name="Filter">The filter on its sub-attributes.</param>
public sealed record ValuePathFilter(AttributePath Path, FilterExpression Filter) : FilterExpression
{
    /// <inheritdoc />
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary>
/// A PATCH operation path (RFC 7644 §3.5.2): <c>attrPath</c>, <c>valuePath</c>
/// (<c>members[value eq "2819c223"]</c>) or <c>valuePath.subAttr</c>
/// (<c>emails[type eq "work"].value</c>).
/// </summary>
/// <param name="Path">The attribute (with its sub-attribute when the path has no filter).</param>
/// <param name="ValueFilter">The filter selecting values of a multi-valued attribute, or <see langword="null"/>.</param>
/// <param name="SubAttribute">The sub-attribute after a value filter, or <see langword="null"/>.</param>
internal sealed record PatchPath(AttributePath Path, FilterExpression? ValueFilter, string? SubAttribute)
{
    /// <inheritdoc />
    public override string ToString()
    {
        if (ValueFilter is null)
        {
            return Path.ToString();
        }

        var text = $"{Path}[{FilterPrinter.Print(ValueFilter)}]";
        return SubAttribute is null ? text : $"{text}.{SubAttribute}";
    }
}
