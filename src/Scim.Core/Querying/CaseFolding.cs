using System.Linq.Expressions;
using System.Reflection;

namespace Scim.Core.Querying;

/// <summary>
/// How a translated filter compares strings whose attribute is not caseExact (RFC 7643 §2.2):
/// both sides are folded with the same function. Choose one the store's database translates.
/// </summary>
public sealed class CaseFolding
{
    private readonly Func<Expression, Expression> _fold;

    private CaseFolding(string name, Func<Expression, Expression> fold)
    {
        Name = name;
        _fold = fold;
    }

    /// <summary><c>string.ToLower()</c>: SQL <c>LOWER()</c> in every EF Core provider. The default.</summary>
    public static CaseFolding ToLower { get; } = FromMethod("ToLower", nameof(string.ToLower));

    /// <summary><c>string.ToUpper()</c>: SQL <c>UPPER()</c>.</summary>
    public static CaseFolding ToUpper { get; } = FromMethod("ToUpper", nameof(string.ToUpper));

    /// <summary><c>string.ToUpperInvariant()</c>: culture-independent, for LINQ to Objects.</summary>
    public static CaseFolding ToUpperInvariant { get; } = FromMethod("ToUpperInvariant", nameof(string.ToUpperInvariant));

    /// <summary>
    /// No folding, for a database whose collation already compares case-insensitively
    /// (SQL Server's default collations, a PostgreSQL <c>citext</c> or nondeterministic collation).
    /// </summary>
    public static CaseFolding None { get; } = new("None", static e => e);

    /// <summary>The strategy's name.</summary>
    public string Name { get; }

    /// <summary>A strategy of the host's own, e.g. a provider function such as <c>EF.Functions.Collate(value, "...")</c>.</summary>
    /// <param name="name">A name for diagnostics.</param>
    /// <param name="fold">Wraps a string expression in the folding function.</param>
    /// <returns>The strategy.</returns>
    public static CaseFolding Custom(string name, Func<Expression, Expression> fold)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(fold);
        return new CaseFolding(name, fold);
    }

    internal Expression Fold(Expression value) => _fold(value);

    private static CaseFolding FromMethod(string name, string method)
    {
        var info = typeof(string).GetMethod(method, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)!;
        return new CaseFolding(name, e => Expression.Call(e, info));
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
