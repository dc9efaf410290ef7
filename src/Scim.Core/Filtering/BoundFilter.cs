using Scim.Core.Schema;

namespace Scim.Core.Filtering;

/// <summary>
/// A filter bound to a resource type: every attribute resolved against the schema (canonical
/// names, characteristics known), every literal converted to the attribute's type. The evaluator,
/// the LINQ translator and sorting all start from this form, so the schema rules live in one place.
/// </summary>
internal abstract record BoundFilter;

/// <summary>Where a bound comparison reads its values.</summary>
/// <param name="Absolute">The path from the resource root, or <see langword="null"/> inside a value path.</param>
/// <param name="Relative">Inside a value path: the sub-attribute of the element, else <see langword="null"/>.</param>
internal sealed record BoundPath(ResolvedAttribute? Absolute, SchemaAttribute? Relative)
{
    /// <summary>The attribute whose values are compared.</summary>
    public SchemaAttribute Target => Relative ?? Absolute!.Target;

    /// <summary>For a complex attribute compared without a sub-attribute: its <c>value</c> sub-attribute (RFC 7644 §3.4.2.2).</summary>
    public SchemaAttribute? ImplicitValue { get; init; }

    /// <summary>The attribute whose type and caseExact decide the comparison.</summary>
    public SchemaAttribute Compared => ImplicitValue ?? Target;

    public override string ToString() => Absolute?.Path ?? Relative!.Name;
}

/// <summary>A comparison with a literal already converted to the attribute's type.</summary>
/// <param name="Path">The attribute.</param>
/// <param name="Operator">The operator.</param>
/// <param name="Value">A <see cref="string"/>, <see cref="decimal"/>, <see cref="bool"/>, <see cref="DateTimeOffset"/>, or <see langword="null"/>.</param>
internal sealed record BoundComparison(BoundPath Path, ComparisonOperator Operator, object? Value) : BoundFilter;

/// <summary><c>pr</c>.</summary>
internal sealed record BoundPresent(BoundPath Path) : BoundFilter;

internal sealed record BoundAnd(BoundFilter Left, BoundFilter Right) : BoundFilter;

internal sealed record BoundOr(BoundFilter Left, BoundFilter Right) : BoundFilter;

internal sealed record BoundNot(BoundFilter Inner) : BoundFilter;

/// <summary><c>attr[inner]</c>: some element of <paramref name="Collection"/> satisfies <paramref name="Inner"/>, whose paths are relative.</summary>
internal sealed record BoundValuePath(ResolvedAttribute Collection, BoundFilter Inner) : BoundFilter;

/// <summary>A comparison on the <c>schemas</c> attribute (<c>schemas eq "urn:...:enterprise:2.0:User"</c>, RFC 7644 §3.4.2.2).</summary>
internal sealed record BoundSchemas(ComparisonOperator? Operator, string? Value) : BoundFilter;

/// <summary>A constant: what a comparison on an unknown attribute becomes when unknown attributes match nothing.</summary>
internal sealed record BoundConstant(bool Value) : BoundFilter;
