using Scim.Core.Projection;

namespace Scim.Core.Stores;

/// <summary>
/// What the service will use of a resource a store reads: a store may skip loading the rest (a
/// group's <c>members</c> above all, which can be a hundred thousand rows). Hints only: a store
/// that loads everything is always correct.
/// </summary>
public sealed class ReadHints
{
    private readonly ScimProjection? _projection;
    private readonly HashSet<string>? _names;
    private readonly bool _only;
    private ReadHints? _replica;

    internal ReadHints(ScimProjection? projection) => _projection = projection;

    private ReadHints(ReadHints hints)
    {
        _projection = hints._projection;
        _names = hints._names;
        _only = hints._only;
        AllowsReplica = true;
    }

    private ReadHints(IEnumerable<string> names, bool only)
    {
        _names = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        _only = only;
    }

    /// <summary>The hints that ask for everything.</summary>
    public static ReadHints All { get; } = new((ScimProjection?)null);

    /// <summary>Hints that ask for the named core attributes only (<c>id</c> and <c>meta</c> are always wanted).</summary>
    /// <param name="attributeNames">Core attribute names, e.g. <c>displayName</c>.</param>
    /// <returns>The hints.</returns>
    public static ReadHints Only(params string[] attributeNames) => new(["id", "meta", .. attributeNames], only: true);

    /// <summary>Hints that ask for everything but the named core attributes (e.g. <c>members</c>).</summary>
    /// <param name="attributeNames">Core attribute names.</param>
    /// <returns>The hints.</returns>
    public static ReadHints Excluding(params string[] attributeNames) => new(attributeNames, only: false);

    /// <summary>
    /// Whether the read may be answered from a read replica that lags the primary: a plain GET by
    /// id, a list or a search. Reads the service makes for a write (the state a PATCH applies to,
    /// member and uniqueness checks) and conditional reads (<c>If-None-Match</c>, <c>If-Match</c>)
    /// never allow it, so a version check always sees the primary.
    /// </summary>
    public bool AllowsReplica { get; }

    /// <summary>The same hints, allowing a replica (<see cref="AllowsReplica"/>).</summary>
    internal ReadHints OnReplica => _replica ??= AllowsReplica ? this : new ReadHints(this);

    /// <summary>Whether a group's <c>members</c> are needed.</summary>
    public bool IncludesMembers => Includes("members");

    /// <summary>Whether the service needs the named core attribute (for example <c>members</c> of a group).</summary>
    /// <param name="attributeName">A core attribute name, e.g. <c>members</c>.</param>
    /// <returns><see langword="false"/> only when the attribute will not be used, so it need not be loaded.</returns>
    public bool Includes(string attributeName)
    {
        ArgumentNullException.ThrowIfNull(attributeName);
        if (_names is not null)
        {
            return _names.Contains(attributeName) == _only;
        }

        return _projection?.Includes(attributeName) ?? true;
    }
}
