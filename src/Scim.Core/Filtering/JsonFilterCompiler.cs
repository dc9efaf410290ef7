using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Filtering;

/// <summary>
/// Turns a bound filter into a predicate over a resource's canonical JSON (as
/// <see cref="ScimSerializer"/> writes it or <see cref="ScimSerializer.ReadResource"/> returns it),
/// with the in-memory semantics of RFC 7644 §3.4.2.2: caseExact from the schema decides string
/// comparison; dateTimes compare as instants; a multi-valued attribute matches when any value
/// does; a value path matches within one element; <c>pr</c> is false for null, "", [] and {}.
/// </summary>
internal static class JsonFilterCompiler
{
    public static Func<JsonObject, bool> Compile(BoundFilter filter, ScimResourceType resourceType) => filter switch
    {
        BoundAnd and => Both(Compile(and.Left, resourceType), Compile(and.Right, resourceType)),
        BoundOr or => Either(Compile(or.Left, resourceType), Compile(or.Right, resourceType)),
        BoundNot not => Negate(Compile(not.Inner, resourceType)),
        BoundConstant constant => constant.Value ? static _ => true : static _ => false,
        BoundPresent present => CompilePresent(present.Path),
        BoundComparison comparison => CompileComparison(comparison),
        BoundValuePath valuePath => CompileValuePath(valuePath, resourceType),
        BoundSchemas schemas => CompileSchemas(schemas, resourceType),
        _ => throw new ArgumentException($"Unknown bound filter {filter.GetType().Name}.", nameof(filter)),
    };

    private static Func<JsonObject, bool> Both(Func<JsonObject, bool> left, Func<JsonObject, bool> right) => r => left(r) && right(r);

    private static Func<JsonObject, bool> Either(Func<JsonObject, bool> left, Func<JsonObject, bool> right) => r => left(r) || right(r);

    private static Func<JsonObject, bool> Negate(Func<JsonObject, bool> inner) => r => !inner(r);

    private static Func<JsonObject, bool> CompilePresent(BoundPath path)
    {
        var access = Accessor.For(path, useImplicitValue: false);
        return resource => access.Any(resource, static node => IsPresent(node));
    }

    private static Func<JsonObject, bool> CompileComparison(BoundComparison comparison)
    {
        var access = Accessor.For(comparison.Path, useImplicitValue: true);
        if (comparison.Value is null)
        {
            // eq null: the attribute has no value; ne null: it has one.
            var present = CompilePresent(comparison.Path);
            return comparison.Operator == ComparisonOperator.Equal ? r => !present(r) : present;
        }

        var test = ValueTest(comparison.Path.Compared, comparison.Operator == ComparisonOperator.NotEqual ? ComparisonOperator.Equal : comparison.Operator, comparison.Value);
        if (comparison.Operator == ComparisonOperator.NotEqual)
        {
            // ne is the negation of eq over all values: true when no value equals (and when there is none).
            return resource => !access.Any(resource, test);
        }

        return resource => access.Any(resource, test);
    }

    private static Func<JsonObject, bool> CompileValuePath(BoundValuePath valuePath, ScimResourceType resourceType)
    {
        var inner = Compile(valuePath.Inner, resourceType);
        var access = Accessor.For(new BoundPath(valuePath.Collection, null), useImplicitValue: false);
        return resource =>
        {
            switch (access.Locate(resource))
            {
                case JsonArray array:
                    // Indexing, not foreach: JsonArray's enumerator is an allocated interface.
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is JsonObject element && inner(element))
                        {
                            return true;
                        }
                    }

                    return false;
                case JsonObject single:
                    return inner(single);
                default:
                    return false;
            }
        };
    }

    private static Func<JsonObject, bool> CompileSchemas(BoundSchemas schemas, ScimResourceType resourceType)
    {
        bool Has(JsonObject resource, string uri)
        {
            if (resource["schemas"] is JsonArray listed)
            {
                foreach (var item in listed)
                {
                    if (item is JsonValue value && value.TryGetValue<string>(out var text) && string.Equals(text, uri, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }

                return false;
            }

            // A normalized resource carries no "schemas": the core schema is implied, extensions are keys.
            return string.Equals(uri, resourceType.Schema, StringComparison.OrdinalIgnoreCase) || resource.ContainsKey(uri)
                || resource.Any(p => string.Equals(p.Key, uri, StringComparison.OrdinalIgnoreCase));
        }

        return schemas.Operator switch
        {
            null => static _ => true,
            ComparisonOperator.Equal => r => Has(r, schemas.Value!),
            _ => r => !Has(r, schemas.Value!),
        };
    }

    internal static bool IsPresent(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return false;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (IsPresent(array[i]))
                    {
                        return true;
                    }
                }

                return false;
            case JsonObject obj:
                foreach (var property in obj)
                {
                    if (IsPresent(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValue value:
                var kind = value.GetValueKind();
                return kind != JsonValueKind.Null && !(kind == JsonValueKind.String && value.GetValue<string>().Length == 0);
            default:
                return true;
        }
    }

    private static Func<JsonNode, bool> ValueTest(SchemaAttribute attribute, ComparisonOperator op, object expected)
    {
        switch (attribute.Type)
        {
            case AttributeType.Boolean:
                var flag = (bool)expected;
                return node => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False && v.GetValue<bool>() == flag;
            case AttributeType.Integer:
            case AttributeType.Decimal:
                var number = (decimal)expected;
                return node => TryGetDecimal(node, out var actual) && Compare(actual.CompareTo(number), op);
            case AttributeType.DateTime:
                var instant = (DateTimeOffset)expected;
                return node => TryGetInstant(node, out var actual) && Compare(actual.CompareTo(instant), op);
            default:
                var wanted = (string)expected;
                var comparison = FilterBinder.IsCaseExact(attribute) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
                return op switch
                {
                    ComparisonOperator.Equal => node => AsString(node) is { } s && string.Equals(s, wanted, comparison),
                    ComparisonOperator.Contains => node => AsString(node) is { } s && s.Contains(wanted, comparison),
                    ComparisonOperator.StartsWith => node => AsString(node) is { } s && s.StartsWith(wanted, comparison),
                    ComparisonOperator.EndsWith => node => AsString(node) is { } s && s.EndsWith(wanted, comparison),
                    _ => node => AsString(node) is { } s && Compare(string.Compare(s, wanted, comparison), op),
                };
        }
    }

    private static bool TryGetInstant(JsonNode node, out DateTimeOffset instant)
    {
        instant = default;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        // Always through the SCIM parser, so that the answer does not depend on how the tree was built
        // (the framework's own conversion accepts date-only text and reads a missing zone as local time).
        return value.TryGetValue<string>(out var text) && ScimDateTime.TryParse(text, out instant);
    }

    private static string? AsString(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool TryGetDecimal(JsonNode node, out decimal value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (v.TryGetValue(out value))
        {
            return true;
        }

        if (v.TryGetValue<long>(out var integer))
        {
            value = integer;
            return true;
        }

        if (v.TryGetValue<double>(out var real) && double.IsFinite(real) && Math.Abs(real) < 7.9e28)
        {
            value = (decimal)real;
            return true;
        }

        return false;
    }

    private static bool Compare(int order, ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => order == 0,
        ComparisonOperator.GreaterThan => order > 0,
        ComparisonOperator.GreaterThanOrEqual => order >= 0,
        ComparisonOperator.LessThan => order < 0,
        ComparisonOperator.LessThanOrEqual => order <= 0,
        _ => false,
    };

    /// <summary>Finds an attribute's values in a resource (or, inside a value path, in one element).</summary>
    private sealed class Accessor
    {
        private readonly string? _extension;
        private readonly string _attribute;
        private readonly string? _sub;

        private Accessor(string? extension, string attribute, string? sub)
        {
            _extension = extension;
            _attribute = attribute;
            _sub = sub;
        }

        public static Accessor For(BoundPath path, bool useImplicitValue)
        {
            if (path.Relative is { } relative)
            {
                return new Accessor(null, relative.Name, null);
            }

            var resolved = path.Absolute!;
            var sub = resolved.SubAttribute?.Name ?? (useImplicitValue ? path.ImplicitValue?.Name : null);
            return new Accessor(resolved.IsExtension ? resolved.Schema.Id : null, resolved.Attribute.Name, sub);
        }

        public JsonNode? Locate(JsonObject resource)
        {
            var owner = _extension is null ? resource : resource[_extension] as JsonObject;
            return owner?[_attribute];
        }

        public bool Any(JsonObject resource, Func<JsonNode, bool> test)
        {
            switch (Locate(resource))
            {
                case null:
                    return false;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        var item = array[i];
                        var value = _sub is null ? item : (item as JsonObject)?[_sub];
                        if (value is not null && test(value))
                        {
                            return true;
                        }
                    }

                    return false;
                case JsonObject obj:
                    return _sub is not null ? obj[_sub] is { } subValue && test(subValue) : test(obj);
                case var node:
                    return _sub is null && test(node);
            }
        }
    }
}
