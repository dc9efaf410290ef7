using System.Linq.Expressions;
using System.Reflection;

namespace Scim.Core.Querying;

/// <summary>
/// How a translated filter compares strings whose attribute is not caseExact (RFC 7643 §2.2).
/// Folding both sides (<see cref="ToLower"/>, the default) works everywhere but cannot use an
/// ordinary index on the column; for the lookups IdPs make on every sync (<c>userName eq</c>)
/// choose one that can: <see cref="None"/> over a case-insensitive column (SQLite
/// <c>COLLATE NOCASE</c>, PostgreSQL <c>citext</c> or a nondeterministic collation), or
/// <see cref="NormalizedColumn"/> over a column that holds the value already folded.
/// </summary>
public sealed class CaseFolding
{
    private readonly Func<Expression, Expression> _fold;
    private readonly Func<string, string>? _normalize;

    private CaseFolding(string name, Func<Expression, Expression> fold, Func<string, string>? normalize = null)
    {
        Name = name;
        _fold = fold;
        _normalize = normalize;
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

    /// <summary>
    /// For a column that stores the value already normalized (for example an upper-cased
    /// <c>NormalizedEmail</c>, as ASP.NET Core Identity keeps): the column is compared as it is and
    /// only the filter's value is normalized, in .NET, before it becomes the query's parameter, so
    /// an index on the column answers <c>eq</c> and <c>sw</c>.
    /// </summary>
    /// <param name="normalize">How the column's values were normalized; <see langword="null"/> for <see cref="string.ToUpperInvariant()"/>.</param>
    /// <returns>The strategy.</returns>
    public static CaseFolding NormalizedColumn(Func<string, string>? normalize = null) =>
        new("NormalizedColumn", static e => e, normalize ?? (static value => value.ToUpperInvariant()));

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

    /// <summary>The column side of a comparison (also a sort key).</summary>
    internal Expression FoldColumn(Expression column) => _fold(column);

    /// <summary>The value side: normalized in .NET when the column is, else folded like the column.</summary>
    internal Expression FoldValue(string value, Func<string, Expression> parameter) =>
        _normalize is not null ? parameter(_normalize(value)) : _fold(parameter(value));

    private static CaseFolding FromMethod(string name, string method)
    {
        var info = typeof(string).GetMethod(method, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)!;
        return new CaseFolding(name, e => Expression.Call(e, info));
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
