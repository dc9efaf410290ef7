using Scim.Core.Caching;
using Scim.Core.Filtering;
using Scim.Core.Patching;
using Scim.Core.Projection;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Provisioning;

/// <summary>
/// The stateless, cache-holding parts of the service, built once and shared by every request (a
/// singleton in DI): the frozen schemas, the options, the reader, the PATCH and PUT appliers and the
/// filter binder, all configured from the one <see cref="ScimServiceOptions"/>.
/// </summary>
internal sealed class ScimEngine
{
    private const int MaxProjections = 1024;

    private readonly BoundedCache<(ScimResourceType Type, string? Attributes, string? Excluded), ScimProjection> _projections = new(MaxProjections);

    public ScimEngine(SchemaRegistry registry, ScimServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        ScimServiceOptionsValidator.ThrowIfInvalid(options);
        registry.Freeze();
        Registry = registry;
        Options = options;
        // POST, PUT and Bulk bodies accept the value dialects that the PATCH options allow for bodies.
        Serializer = new ScimSerializer(registry, options.Reading, ScimPatcher.BodyLeniency(options.Patch.Dialects));
        Patcher = new ScimPatcher(registry, options.Patch, options.Filter, options.Reading);
        Replacer = new ScimReplacer(registry);
        Binder = new FilterBinder(registry, options.Filter);
        _lenient = new FilterBinder(registry, new FilterOptions
        {
            Strict = options.Filter.Strict,
            MaxLength = options.Filter.MaxLength,
            MaxDepth = options.Filter.MaxDepth,
            MaxComparisons = options.Filter.MaxComparisons,
            UnknownAttributes = UnknownFilterAttribute.NoMatch,
        });
        AcceptsPasswords = options.ChangePasswordSupported && registry.FindResourceType("User") is { } user && registry.Keeps(user, "password");
    }

    /// <summary>
    /// Whether a request may set a user's password (<c>changePassword.supported</c>): the options
    /// allow it and the user store keeps it. Decided here, once, for discovery and for every write.
    /// </summary>
    public bool AcceptsPasswords { get; }

    public SchemaRegistry Registry { get; }

    /// <summary>The unknown attributes (by resource type) already logged as a warning, shared by every request of the service (see <see cref="IgnoredInput"/>).</summary>
    public BoundedCache<string, bool> ReportedUnknownAttributes { get; } = new(512, StringComparer.OrdinalIgnoreCase);

    /// <summary>The gates writers of one resource take turns at after a lost race (shared by every request of the service).</summary>
    public WriteGates Gates { get; } = new();

    public ScimServiceOptions Options { get; }

    public ScimSerializer Serializer { get; }

    public ScimPatcher Patcher { get; }

    public ScimReplacer Replacer { get; }

    public FilterBinder Binder { get; }

    /// <summary>
    /// A list filter parsed and checked against the resource type. Not cached: IdP lookups carry a
    /// different value each time, and parsing one costs less than a cache that keeps turning over.
    /// </summary>
    public FilterExpression Filter(ScimResourceType type, string text)
    {
        var filter = ScimFilterParser.Parse(text, Options.Filter);
        Binder.Bind(filter, type); // unknown attributes and type mismatches fail here, before any store sees the filter
        return filter;
    }

    /// <summary>
    /// A list's filter, bound to its type, as the store gets it. A comparison on an attribute the
    /// type does not define fails (400), unless the options say it matches nothing
    /// (<see cref="UnknownFilterAttribute.NoMatch"/>) or the list is one type's part of a search
    /// across types (<paramref name="acrossTypes"/>): it is then a comparison on an unassigned
    /// attribute (false; <c>ne</c> true), which the store never sees, so that
    /// <c>displayName sw "a" or userName eq "b"</c> still finds the groups its first half names.
    /// </summary>
    /// <returns>The filter; <see langword="null"/> when every resource matches, and <paramref name="matchesNothing"/> when none does.</returns>
    public FilterExpression? ListFilter(ScimResourceType type, string text, bool acrossTypes, out bool matchesNothing)
    {
        matchesNothing = false;
        if (!acrossTypes && Options.Filter.UnknownAttributes == UnknownFilterAttribute.Error)
        {
            return Filter(type, text);
        }

        var filter = ScimFilterParser.Parse(text, Options.Filter);
        if (!acrossTypes)
        {
            _lenient.Bind(filter, type); // everything else still fails here
        }

        var reduced = Reduce(filter, type, element: null, acrossTypes);
        if (acrossTypes && reduced.Filter is not null)
        {
            _lenient.Bind(reduced.Filter, type); // what is left applies to this type, leaf by leaf
        }

        matchesNothing = reduced.Filter is null && !reduced.Value;
        return reduced.Filter;
    }

    private readonly FilterBinder _lenient;

    /// <summary>The filter with its comparisons on unknown attributes replaced by their value; a null filter is that constant.</summary>
    private (FilterExpression? Filter, bool Value) Reduce(FilterExpression filter, ScimResourceType type, SchemaAttribute? element, bool acrossTypes)
    {
        switch (filter)
        {
            case AndFilter and:
                var left = Reduce(and.Left, type, element, acrossTypes);
                if (left.Filter is null && !left.Value)
                {
                    return (null, false);
                }

                var right = Reduce(and.Right, type, element, acrossTypes);
                return left.Filter is null ? right
                    : right.Filter is null ? (right.Value ? left : (null, false))
                    : (ReferenceEquals(left.Filter, and.Left) && ReferenceEquals(right.Filter, and.Right) ? and : new AndFilter(left.Filter, right.Filter), false);
            case OrFilter or:
                var first = Reduce(or.Left, type, element, acrossTypes);
                if (first.Filter is null && first.Value)
                {
                    return (null, true);
                }

                var second = Reduce(or.Right, type, element, acrossTypes);
                return first.Filter is null ? second
                    : second.Filter is null ? (second.Value ? (null, true) : first)
                    : (ReferenceEquals(first.Filter, or.Left) && ReferenceEquals(second.Filter, or.Right) ? or : new OrFilter(first.Filter, second.Filter), false);
            case NotFilter not:
                var inner = Reduce(not.Inner, type, element, acrossTypes);
                return inner.Filter is null ? (null, !inner.Value) : (ReferenceEquals(inner.Filter, not.Inner) ? not : new NotFilter(inner.Filter), false);
            case ValuePathFilter valuePath:
                if ((acrossTypes && !Applies(valuePath, type)) || !Known(valuePath.Path, type, null, out var collection))
                {
                    return (null, false); // no element to match
                }

                var elements = Reduce(valuePath.Filter, type, collection, acrossTypes: false);
                return elements.Filter is null
                    ? (elements.Value ? (new PresentFilter(valuePath.Path), false) : (null, false))
                    : (ReferenceEquals(elements.Filter, valuePath.Filter) ? valuePath : new ValuePathFilter(valuePath.Path, elements.Filter), false);
            case ComparisonFilter comparison:
                return (!acrossTypes || Applies(comparison, type)) && Known(comparison.Path, type, element, out _) ? (comparison, false) : (null, comparison.Operator == ComparisonOperator.NotEqual);
            case PresentFilter present:
                return (!acrossTypes || Applies(present, type)) && Known(present.Path, type, element, out _) ? (present, false) : (null, false);
            default:
                return (filter, false);
        }
    }

    /// <summary>
    /// Whether one comparison (or value path) of a filter applies to the type: it binds, which it does
    /// not when it compares a complex attribute as a simple one, or a value of another type. In a
    /// search across types such a comparison is, for that type, one on an unassigned attribute.
    /// </summary>
    private bool Applies(FilterExpression leaf, ScimResourceType type)
    {
        try
        {
            _lenient.Bind(leaf, type);
            return true;
        }
        catch (Errors.ScimException error) when (error.ScimType is Errors.ScimErrorType.InvalidFilter)
        {
            return false;
        }
    }

    /// <summary>Whether one comparison of a search across types compares something of this type (rather than an unassigned attribute).</summary>
    public bool AppliesAcrossTypes(FilterExpression leaf, ScimResourceType type) =>
        Reduce(leaf, type, element: null, acrossTypes: true).Filter is not null;

    /// <summary>Whether a path the lenient binder accepted names an attribute (of the type, or a sub-attribute of <paramref name="element"/>).</summary>
    private bool Known(AttributePath path, ScimResourceType type, SchemaAttribute? element, out SchemaAttribute? attribute)
    {
        attribute = null;
        if (element is not null && path.SchemaUri is null)
        {
            return element.FindSubAttribute(path.Name) is not null || string.Equals(path.Name, "schemas", StringComparison.OrdinalIgnoreCase);
        }

        if (path.SchemaUri is null && string.Equals(path.Name, "schemas", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var text = path.SchemaUri is null ? path.Name : $"{path.SchemaUri}:{path.Name}";
        if (path.SubAttribute is not null)
        {
            text += "." + path.SubAttribute;
        }

        if (Registry.TryResolveAttribute(type, text, out var resolved, out _))
        {
            attribute = resolved.Attribute;
            return true;
        }

        return false;
    }

    /// <summary>
    /// The ServiceProviderConfig, computed on first use and kept: the stores a service is built with
    /// are the same registrations in every scope, so what they can do does not change.
    /// </summary>
    public Discovery.ServiceProviderConfiguration Configuration(bool cursorPaging, TimeSpan? cursorTimeout) =>
        _configuration ??= Discovery.ServiceProviderConfiguration.From(Options, AcceptsPasswords, cursorPaging, cursorTimeout);

    private Discovery.ServiceProviderConfiguration? _configuration;

    /// <summary>The projection of a request, cached by its parameters (a projection is immutable).</summary>
    public ScimProjection Projection(ScimResourceType type, string? attributes, string? excluded) =>
        _projections.GetOrAdd((type, attributes, excluded), static (key, engine) => ScimProjection.Create(engine.Registry, key.Type, key.Attributes, key.Excluded, engine.Binder), this);
}
