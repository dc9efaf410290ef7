using System.Collections.Frozen;

namespace Scim.Core.Schema;

/// <summary>
/// The definition of one attribute or sub-attribute, with every characteristic of
/// RFC 7643 §2.2 and §7. Immutable once built; sub-attributes are looked up case-insensitively
/// (RFC 7643 §2.1).
/// </summary>
public sealed class SchemaAttribute
{
    private FrozenDictionary<string, SchemaAttribute>? _subAttributesByName;
    private int _hasPrimary; // 0 not known yet, 1 no, 2 yes

    /// <summary>Creates an attribute definition with the defaults of RFC 7643 §2.2.</summary>
    /// <param name="name">The attribute name, in its canonical casing (e.g. <c>userName</c>).</param>
    /// <param name="type">The data type.</param>
    public SchemaAttribute(string name, AttributeType type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Type = type;
    }

    /// <summary>The attribute name in canonical casing.</summary>
    public string Name { get; }

    /// <summary>The data type.</summary>
    public AttributeType Type { get; }

    /// <summary>Whether the attribute holds an array of values.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool MultiValued { get; init; }

    /// <summary>A human-readable description, published in /Schemas.</summary>
    /// <value>Defaults to <see langword="null"/> (none).</value>
    public string? Description { get; init; }

    /// <summary>Whether a value must be present in a full representation.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool Required { get; init; }

    /// <summary>Suggested values (for example <c>work</c>, <c>home</c> for an email's type). Advisory: RFC 7643 lets a client send others.</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<string> CanonicalValues { get; init; } = [];

    /// <summary>Whether string comparison is case-sensitive (filtering, uniqueness).</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool CaseExact { get; init; }

    /// <summary>Whether and how a client may change the attribute.</summary>
    /// <value>Defaults to <see cref="Schema.Mutability.ReadWrite"/>.</value>
    public Mutability Mutability { get; init; } = Mutability.ReadWrite;

    /// <summary>When the attribute is returned.</summary>
    /// <value>Defaults to <see cref="Schema.Returned.Default"/>.</value>
    public Returned Returned { get; init; } = Returned.Default;

    /// <summary>How unique a value must be.</summary>
    /// <value>Defaults to <see cref="Schema.Uniqueness.None"/>.</value>
    public Uniqueness Uniqueness { get; init; } = Uniqueness.None;

    /// <summary>For <see cref="AttributeType.Reference"/> attributes: the resource types referred to (<c>User</c>, <c>Group</c>, <c>external</c>, <c>uri</c>, ...).</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<string> ReferenceTypes { get; init; } = [];

    /// <summary>For <see cref="AttributeType.Complex"/> attributes: the sub-attributes.</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<SchemaAttribute> SubAttributes { get; init; } = [];

    /// <summary>Finds a sub-attribute by name, ignoring case.</summary>
    /// <param name="name">The sub-attribute name in any casing.</param>
    /// <returns>The sub-attribute, or <see langword="null"/> when there is none by that name.</returns>
    public SchemaAttribute? FindSubAttribute(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (SubAttributes.Count == 0)
        {
            return null;
        }

        // Built on first use; a race builds two equal dictionaries, which is harmless.
        var index = _subAttributesByName ??= SubAttributes.ToFrozenDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
        return index.GetValueOrDefault(name);
    }

    /// <summary>Whether the attribute has a <c>primary</c> sub-attribute (RFC 7643 §2.4); found on first use.</summary>
    internal bool HasPrimary
    {
        get
        {
            if (_hasPrimary == 0)
            {
                _hasPrimary = FindSubAttribute("primary") is null ? 1 : 2;
            }

            return _hasPrimary == 2;
        }
    }

    /// <summary>
    /// The read-only sub-attributes a store's declaration left out of this attribute (a manager's
    /// <c>displayName</c> beside a kept <c>value</c>): not served, but a request's copy of one is
    /// ignored, as a request's read-only values are (RFC 7644 §3.3, §3.5.1), not refused as unknown.
    /// </summary>
    internal IReadOnlyList<string> ReadOnlyLeftOut { get; private init; } = [];

    /// <summary>Whether a request's sub-attribute of this name is ignored: a read-only one a store's declaration left out.</summary>
    internal bool IgnoresSubAttribute(string name)
    {
        foreach (var leftOut in ReadOnlyLeftOut)
        {
            if (string.Equals(leftOut, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A copy with other sub-attributes, canonical values or reference types (the rest of its characteristics the same).</summary>
    internal SchemaAttribute With(IReadOnlyList<SchemaAttribute>? subAttributes = null, IReadOnlyList<string>? canonicalValues = null, IReadOnlyList<string>? referenceTypes = null) => new(Name, Type)
    {
        ReadOnlyLeftOut = subAttributes is null ? ReadOnlyLeftOut : [.. ReadOnlyLeftOut, .. SubAttributes.Where(s => s.Mutability == Mutability.ReadOnly && !subAttributes.Contains(s)).Select(s => s.Name)],
        MultiValued = MultiValued,
        Description = Description,
        Required = Required,
        CanonicalValues = canonicalValues ?? CanonicalValues,
        CaseExact = CaseExact,
        Mutability = Mutability,
        Returned = Returned,
        Uniqueness = Uniqueness,
        ReferenceTypes = referenceTypes ?? ReferenceTypes,
        SubAttributes = subAttributes ?? SubAttributes,
    };

    /// <inheritdoc />
    public override string ToString() => Name;
}
