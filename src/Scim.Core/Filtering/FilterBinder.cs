using System.Globalization;
using Scim.Core.Errors;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Filtering;

/// <summary>
/// Binds a parsed filter to a resource type (RFC 7644 §3.4.2.2): resolves attribute paths,
/// converts literals to the attribute's type, and rejects what the RFC forbids with
/// 400 <c>invalidFilter</c>: <c>gt</c>/<c>ge</c>/<c>lt</c>/<c>le</c> on booleans and binaries,
/// <c>co</c>/<c>sw</c>/<c>ew</c> on anything but strings, a value of the wrong type, a
/// sub-attribute of a simple attribute, a value path on a simple attribute.
/// </summary>
internal sealed class FilterBinder
{
    private const int MaxResolvedPaths = 512;

    private readonly SchemaRegistry registry;
    private readonly FilterOptions options;

    // Each path bound (immutable, so shared by every filter that names it). The registry is frozen,
    // so a bound path stays true for the life of the binder.
    private readonly Caching.BoundedCache<(ScimResourceType, AttributePath), BoundPath> _resolved = new(MaxResolvedPaths);

    public FilterBinder(SchemaRegistry registry, FilterOptions options)
    {
        registry.Freeze();
        this.registry = registry;
        this.options = options;
    }

    /// <summary>How filters are parsed and bound (limits, strictness, unknown attributes).</summary>
    public FilterOptions Options => options;

    public BoundFilter Bind(FilterExpression filter, ScimResourceType resourceType) => Bind(filter, resourceType, element: null);

    private BoundFilter Bind(FilterExpression filter, ScimResourceType resourceType, SchemaAttribute? element)
    {
        switch (filter)
        {
            case AndFilter and:
                return new BoundAnd(Bind(and.Left, resourceType, element), Bind(and.Right, resourceType, element));
            case OrFilter or:
                return new BoundOr(Bind(or.Left, resourceType, element), Bind(or.Right, resourceType, element));
            case NotFilter not:
                return new BoundNot(Bind(not.Inner, resourceType, element));
            case PresentFilter present:
                if (IsSchemas(present.Path, element))
                {
                    CheckCase(present.Path.Name, "schemas");
                    return new BoundSchemas(null, null);
                }

                return ResolvePath(present.Path, resourceType, element) is { } presentPath
                    ? new BoundPresent(presentPath)
                    : new BoundConstant(false);
            case ComparisonFilter comparison:
                return BindComparison(comparison, resourceType, element);
            case ValuePathFilter valuePath:
                if (element is not null)
                {
                    throw Invalid($"A value path cannot be nested inside another ('{valuePath.Path}[...]').");
                }

                var collection = Resolve(valuePath.Path, resourceType)?.Absolute;
                if (collection is null)
                {
                    return new BoundConstant(false);
                }

                if (collection.SubAttribute is not null || collection.Attribute.Type != AttributeType.Complex)
                {
                    throw Invalid($"'{valuePath.Path}[...]' needs a complex attribute before '['; '{collection.Path}' is not one.");
                }

                return new BoundValuePath(collection, Bind(valuePath.Filter, resourceType, collection.Attribute));
            default:
                throw new ArgumentException($"Unknown filter node {filter.GetType().Name}.", nameof(filter));
        }
    }

    private BoundFilter BindComparison(ComparisonFilter comparison, ScimResourceType resourceType, SchemaAttribute? element)
    {
        if (IsSchemas(comparison.Path, element))
        {
            CheckCase(comparison.Path.Name, "schemas");
            if (comparison.Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual) || comparison.Value is not StringValue schemaUri)
            {
                throw Invalid("'schemas' can only be compared with eq or ne and a schema URN string.");
            }

            return new BoundSchemas(comparison.Operator, schemaUri.Value);
        }

        var path = ResolvePath(comparison.Path, resourceType, element);
        if (path is null)
        {
            return new BoundConstant(comparison.Operator == ComparisonOperator.NotEqual);
        }

        var attribute = path.Compared;
        var op = comparison.Operator;
        var name = new PathName(path); // printed only for an error message

        if (comparison.Value is NullValue)
        {
            if (op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
            {
                throw Invalid($"'{name} {FilterPrinter.Operator(op)} null' is not meaningful; only eq and ne compare with null.");
            }

            return new BoundComparison(path, op, null);
        }

        switch (attribute.Type)
        {
            case AttributeType.Boolean:
            case AttributeType.Binary:
                if (op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
                {
                    throw Invalid($"The operator '{FilterPrinter.Operator(op)}' cannot be used on {DiscoveryName(attribute.Type)} attribute '{name}'; only eq and ne can (RFC 7644 §3.4.2.2).");
                }

                break;
            case AttributeType.String:
            case AttributeType.Reference:
                break;
            default:
                if (op is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith)
                {
                    throw Invalid($"The operator '{FilterPrinter.Operator(op)}' works on strings; '{name}' is {DiscoveryName(attribute.Type)}.");
                }

                break;
        }

        return new BoundComparison(path, op, Convert(comparison.Value, attribute, name));
    }

    private object Convert(ComparisonValue value, SchemaAttribute attribute, PathName name)
    {
        var strict = options.Strict;
        switch (attribute.Type)
        {
            case AttributeType.String:
            case AttributeType.Reference:
            case AttributeType.Binary:
                return value switch
                {
                    StringValue s => s.Value,
                    // Lenient: externalId eq 12345, as some clients send numeric ids unquoted.
                    NumberValue n when !strict => n.Text,
                    BooleanValue b when !strict => b.Value ? "true" : "false",
                    _ => throw WrongType(name, attribute, value),
                };
            case AttributeType.Boolean:
                return value switch
                {
                    BooleanValue b => b.Value,
                    StringValue s when !strict && bool.TryParse(s.Value, out var parsed) => parsed,
                    _ => throw WrongType(name, attribute, value),
                };
            case AttributeType.Integer:
            case AttributeType.Decimal:
                var text = value switch
                {
                    NumberValue n => n.Text,
                    StringValue s when !strict => s.Value,
                    _ => throw WrongType(name, attribute, value),
                };
                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    throw Invalid($"'{text}' is not a number that '{name}' can be compared with.");
                }

                return number;
            case AttributeType.DateTime:
                if (value is StringValue dateText && ScimDateTime.TryParse(dateText.Value, out var instant))
                {
                    return instant;
                }

                throw Invalid($"The attribute '{name}' is a dateTime: compare it with a string such as \"2011-05-13T04:42:34Z\".");
            default:
                throw Invalid($"The complex attribute '{name}' has no 'value' sub-attribute to compare with; name a sub-attribute.");
        }
    }

    private BoundPath? ResolvePath(AttributePath path, ScimResourceType resourceType, SchemaAttribute? element)
    {
        if (element is not null)
        {
            if (path.SchemaUri is not null || path.SubAttribute is not null)
            {
                throw Invalid($"Inside '{element.Name}[...]' name sub-attributes of '{element.Name}' only; got '{path}'.");
            }

            var sub = element.FindSubAttribute(path.Name);
            if (sub is null)
            {
                return Unknown<BoundPath>($"Unknown sub-attribute '{path.Name}' of '{element.Name}'.");
            }

            CheckCase(path.Name, sub.Name);
            return new BoundPath(null, sub);
        }

        return Resolve(path, resourceType);
    }

    /// <summary>A path of the resource type, bound (its <see cref="BoundPath.Absolute"/> set); <see langword="null"/> when it names nothing and that is allowed.</summary>
    private BoundPath? Resolve(AttributePath path, ScimResourceType resourceType)
    {
        // Bound paths are remembered: the same few attributes come in every request (userName,
        // externalId, emails...), and resolving one builds its text.
        var cache = _resolved;
        if (!cache.TryGetValue((resourceType, path), out var bound))
        {
            if (!registry.TryResolveAttribute(resourceType, path.ToString(), out var resolved, out var error))
            {
                return Unknown<BoundPath>(error);
            }

            bound = new BoundPath(resolved, null);
            if (resolved.SubAttribute is null && resolved.Attribute.Type == AttributeType.Complex)
            {
                // RFC 7644 §3.4.2.2: a complex multi-valued attribute compared without a sub-attribute compares its "value".
                bound = bound with { ImplicitValue = resolved.Attribute.FindSubAttribute("value") };
            }

            // Bounded: paths differ only by letter case without limit.
            cache.Add((resourceType, path), bound);
        }

        var absolute = bound.Absolute!;
        CheckCase(path.Name, absolute.Attribute.Name);
        if (path.SubAttribute is not null)
        {
            CheckCase(path.SubAttribute, absolute.SubAttribute!.Name);
        }

        return bound;
    }

    private T? Unknown<T>(string error)
        where T : class
    {
        // Structural mistakes (a sub-attribute of a simple attribute, a URN of another resource type) are
        // errors whatever the setting; only a name the schema does not have can match nothing instead.
        if (options.UnknownAttributes == UnknownFilterAttribute.NoMatch && error.StartsWith("Unknown ", StringComparison.Ordinal))
        {
            return null;
        }

        throw Invalid(error);
    }

    private void CheckCase(string written, string canonical)
    {
        if (options.Strict && !string.Equals(written, canonical, StringComparison.Ordinal))
        {
            throw Invalid($"The attribute '{written}' is spelled '{canonical}' in the schema (strict mode checks the casing).");
        }
    }

    /// <summary>Whether strings of an attribute compare case-sensitively: caseExact, or binary (RFC 7643 §2.3.6: "A binary is case exact").</summary>
    internal static bool IsCaseExact(SchemaAttribute attribute) => attribute.CaseExact || attribute.Type == AttributeType.Binary;

    private static bool IsSchemas(AttributePath path, SchemaAttribute? element) =>
        element is null && path.SchemaUri is null && path.SubAttribute is null && string.Equals(path.Name, "schemas", StringComparison.OrdinalIgnoreCase);

    /// <summary>A bound path's text, made only when a message needs it.</summary>
    private readonly struct PathName(BoundPath path)
    {
        public override string ToString() => path.ToString();
    }

    private static ScimException WrongType(PathName name, SchemaAttribute attribute, ComparisonValue value) =>
        Invalid($"The attribute '{name}' is {DiscoveryName(attribute.Type)}; it cannot be compared with {value}.");

    private static string DiscoveryName(AttributeType type) => type switch
    {
        AttributeType.Integer => "an integer",
        AttributeType.Decimal => "a decimal",
        AttributeType.DateTime => "a dateTime",
        AttributeType.Boolean => "a boolean",
        AttributeType.Binary => "a binary",
        AttributeType.Reference => "a reference",
        AttributeType.Complex => "a complex",
        _ => "a string",
    };

    private static ScimException Invalid(string detail) => ScimException.BadRequest(ScimErrorType.InvalidFilter, detail);
}
