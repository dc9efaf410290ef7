using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Schema;

namespace Scim.Core.Projection;

/// <summary>
/// Which attributes a response carries (RFC 7644 §3.4.2.5, §3.9): the <c>attributes</c> and
/// <c>excludedAttributes</c> parameters combined with each attribute's <c>returned</c>
/// characteristic. <c>always</c> attributes (<c>id</c>, and any a schema marks so) are always
/// there; <c>never</c> attributes (<c>password</c>) never are, whatever is asked;
/// <c>request</c> attributes only when named in <c>attributes</c>; <c>default</c> attributes
/// unless excluded or unless <c>attributes</c> names others. An entry of <c>attributes</c> may
/// select values of a multi-valued attribute with a filter (<c>emails[type eq "work"]</c>,
/// <c>emails[type eq "work"].value</c>): only the values it matches are returned, unless the
/// attribute is also named without one. Build one per request and apply it to every resource of
/// the response.
/// </summary>
internal sealed class ScimProjection
{
    private readonly SchemaRegistry _registry;
    private readonly ScimResourceType _resourceType;
    private readonly Selection? _attributes;
    private readonly Selection? _excluded;

    private ScimProjection(SchemaRegistry registry, ScimResourceType resourceType, Selection? attributes, Selection? excluded)
    {
        _registry = registry;
        _resourceType = resourceType;
        _attributes = attributes;
        _excluded = excluded;
        Hints = new Stores.ReadHints(this);
    }

    /// <summary>What a store may skip loading for this projection.</summary>
    public Stores.ReadHints Hints { get; }

    /// <summary>
    /// Creates the projection for one request. When both parameters are given, <c>attributes</c>
    /// decides and <c>excludedAttributes</c> is ignored (RFC 7644 §3.9 offers them as alternatives).
    /// Unknown attribute names are ignored, as an attribute the resource does not have cannot be returned.
    /// </summary>
    /// <param name="registry">The schemas.</param>
    /// <param name="resourceType">The resource type of the resources projected.</param>
    /// <param name="attributes">The <c>attributes</c> parameter: a comma-separated list of attribute paths, or <see langword="null"/>.</param>
    /// <param name="excludedAttributes">The <c>excludedAttributes</c> parameter, or <see langword="null"/>.</param>
    /// <param name="binder">Binds the value filters of <c>attributes</c> entries (its options decide what an unknown attribute inside a filter does); <see langword="null"/> for the defaults.</param>
    /// <returns>The projection.</returns>
    /// <exception cref="ScimException">
    /// 400 <c>invalidPath</c>: a malformed path in either list, a value filter that is malformed or
    /// on an attribute without values to select, or a value filter in <c>excludedAttributes</c>.
    /// </exception>
    public static ScimProjection Create(SchemaRegistry registry, ScimResourceType resourceType, string? attributes = null, string? excludedAttributes = null, FilterBinder? binder = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(resourceType);
        registry.Freeze();
        binder ??= new FilterBinder(registry, FilterOptions.Default);
        var selected = Parse(registry, binder, resourceType, attributes, excludedList: false);
        var excluded = Parse(registry, binder, resourceType, excludedAttributes, excludedList: true);
        if (selected is not null)
        {
            excluded = null;
        }
        return new ScimProjection(registry, resourceType, selected, excluded);
    }

    /// <summary>The default projection: every attribute except <c>never</c> and <c>request</c> ones.</summary>
    /// <param name="registry">The schemas.</param>
    /// <param name="resourceType">The resource type.</param>
    /// <returns>The projection.</returns>
    public static ScimProjection Default(SchemaRegistry registry, ScimResourceType resourceType) => Create(registry, resourceType);

    /// <summary>
    /// Whether this projection keeps everything a typed resource's serializer writes: no
    /// <c>attributes</c> / <c>excludedAttributes</c>, and no attribute of the resource type that is
    /// returned only on request or never (other than a user's <c>password</c>, which is never written), and
    /// no declaration of what the type's store keeps (a typed resource could hold more than that).
    /// Responses can then be written straight from the typed resource.
    /// </summary>
    internal bool IsPassThrough => _passThrough ??= _attributes is null && _excluded is null && !_registry.IsDeclared(_resourceType) && !HasHiddenAttributes();

    private bool? _passThrough;

    private bool HasHiddenAttributes()
    {
        // Only the typed User never writes its password; a host type's resource writes every value it holds.
        var typedPassword = string.Equals(_resourceType.Schema, ScimSchemaUris.User, StringComparison.OrdinalIgnoreCase);
        bool Hidden(SchemaAttribute attribute) =>
            (attribute.Returned == Returned.Request || (attribute.Returned == Returned.Never && !(typedPassword && attribute.Name == "password")))
            || attribute.SubAttributes.Any(Hidden);

        var schemas = new List<ScimSchema?> { _registry.FindSchema(_resourceType.Schema) };
        schemas.AddRange(_resourceType.SchemaExtensions.Select(e => _registry.FindSchema(e.Schema)));
        return schemas.Any(schema => schema is null || schema.Attributes.Any(Hidden));
    }

    /// <summary>
    /// Whether this projection returns any part of a core attribute of the resource type (for
    /// example <c>members</c> of a Group). A store uses it to skip loading what the response will
    /// not carry; unknown names return <see langword="false"/>.
    /// </summary>
    /// <param name="attributeName">A core attribute name, e.g. <c>members</c> or <c>groups</c>.</param>
    /// <returns><see langword="true"/> when some of the attribute may be in the response.</returns>
    public bool Includes(string attributeName)
    {
        ArgumentNullException.ThrowIfNull(attributeName);
        var attribute = CommonAttributes.Find(attributeName) ?? _registry.FindSchema(_resourceType.Schema)?.FindAttribute(attributeName);
        if (attribute is null)
        {
            return false;
        }

        if (Decide(attribute, string.Empty, attribute.Name, sub: null) != Decision.Drop || _attributes?.ElementsOf(string.Empty, attribute.Name) is not null)
        {
            return attribute.Returned != Returned.Never;
        }

        return attribute.SubAttributes.Any(s => s.Returned == Returned.Always);
    }

    /// <summary>Returns a new tree with the attributes this projection lets through; <paramref name="resource"/> is not changed.</summary>
    /// <param name="resource">A resource in canonical JSON (as <see cref="Serialization.ScimSerializer"/> writes it).</param>
    /// <returns>The projected copy.</returns>
    public JsonObject Apply(JsonObject resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var core = _registry.FindSchema(_resourceType.Schema);
        var result = new JsonObject();
        var schemas = new JsonArray();
        foreach (var (key, value) in resource)
        {
            if (key == "schemas")
            {
                continue;
            }

            var extension = FindExtension(key);
            if (extension is not null)
            {
                if (value is JsonObject extensionValues && ProjectObject(extension, extensionValues, isExtension: true) is { Count: > 0 } projected)
                {
                    result[extension.Id] = projected;
                }

                continue;
            }

            var attribute = _registry.FindCommon(_resourceType, key) ?? core?.FindAttribute(key);
            if (attribute is not null && core is not null && Project(core, attribute, value, isExtension: false) is { } kept)
            {
                result[attribute.Name] = kept;
            }
        }

        // "schemas" is always returned, and lists exactly the schemas still present.
        schemas.Add(_resourceType.Schema);
        foreach (var extension in _resourceType.SchemaExtensions)
        {
            if (result.ContainsKey(extension.Schema))
            {
                schemas.Add(extension.Schema);
            }
        }

        var ordered = new JsonObject { ["schemas"] = schemas };
        foreach (var (key, value) in result.ToList())
        {
            result.Remove(key);
            ordered[key] = value;
        }

        return ordered;
    }

    private JsonObject ProjectObject(ScimSchema schema, JsonObject values, bool isExtension)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values)
        {
            if (schema.FindAttribute(key) is { } attribute && Project(schema, attribute, value, isExtension) is { } kept)
            {
                result[attribute.Name] = kept;
            }
        }

        return result;
    }

    private JsonNode? Project(ScimSchema schema, SchemaAttribute attribute, JsonNode? value, bool isExtension)
    {
        if (value is null)
        {
            return null;
        }

        var schemaKey = isExtension ? schema.Id : string.Empty;
        var decision = Decide(attribute, schemaKey, attribute.Name, sub: null);
        if (attribute.Type != AttributeType.Complex)
        {
            return decision == Decision.Drop ? null : value.DeepClone();
        }

        if (attribute.Returned == Returned.Never)
        {
            return null;
        }

        // Complex values go through their sub-attributes even when kept whole: "never" and unrequested
        // "request" sub-attributes are dropped, and "always" ones stay even when the parent is not asked for.
        return value switch
        {
            JsonArray array => ProjectArray(attribute, schemaKey, array, decision),
            JsonObject obj => ProjectComplex(attribute, schemaKey, obj, decision),
            _ => null,
        };
    }

    private JsonArray? ProjectArray(SchemaAttribute attribute, string schemaKey, JsonArray array, Decision decision)
    {
        // Entries with a value filter add to what the attribute's own decision keeps, value by value.
        var selectors = decision == Decision.Whole ? null : _attributes?.ElementsOf(schemaKey, attribute.Name);
        var result = new JsonArray();
        foreach (var item in array)
        {
            if (item is not JsonObject element)
            {
                continue;
            }

            var elementDecision = decision;
            HashSet<string>? selectedSubs = null;
            if (selectors is not null)
            {
                foreach (var selector in selectors)
                {
                    if (!selector.Filter(element))
                    {
                        continue;
                    }

                    if (selector.Sub is null)
                    {
                        elementDecision = Decision.Whole;
                        break;
                    }

                    (selectedSubs ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(selector.Sub);
                    elementDecision = Decision.Partial;
                }
            }

            if (ProjectComplex(attribute, schemaKey, element, elementDecision, elementDecision == Decision.Whole ? null : selectedSubs) is { } kept)
            {
                result.Add(kept);
            }
        }

        return result.Count == 0 ? null : result;
    }

    private JsonObject? ProjectComplex(SchemaAttribute attribute, string schemaKey, JsonObject value, Decision decision, HashSet<string>? selectedSubs = null)
    {
        var result = new JsonObject();
        foreach (var (key, subValue) in value)
        {
            var sub = attribute.FindSubAttribute(key);
            if (sub is not null && subValue is not null && KeepSub(sub, schemaKey, attribute.Name, decision, selectedSubs))
            {
                result[sub.Name] = subValue.DeepClone();
            }
        }

        return result.Count == 0 ? null : result;
    }

    /// <param name="sub">The sub-attribute.</param>
    /// <param name="schemaKey">The attribute's schema key.</param>
    /// <param name="attribute">The attribute's name.</param>
    /// <param name="parent">What happens to the attribute (or to this value of it).</param>
    /// <param name="selectedSubs">Sub-attributes named after a value filter that matched this value.</param>
    private bool KeepSub(SchemaAttribute sub, string schemaKey, string attribute, Decision parent, HashSet<string>? selectedSubs)
    {
        switch (sub.Returned)
        {
            case Returned.Never:
                return false;
            case Returned.Always:
                return true;
            case Returned.Request:
                // Only when named itself: naming the parent is not asking for it.
                return parent != Decision.Drop && _attributes is not null
                    && (_attributes.ContainsExactly(schemaKey, attribute, sub.Name) || (selectedSubs?.Contains(sub.Name) ?? false));
        }

        return parent switch
        {
            Decision.Whole => true,
            Decision.Partial => Decide(sub, schemaKey, attribute, sub.Name) != Decision.Drop || (selectedSubs?.Contains(sub.Name) ?? false),
            _ => false,
        };
    }

    private enum Decision
    {
        Drop,
        Whole,
        Partial,
    }

    /// <summary>What happens to an attribute (sub is null) or to one of its sub-attributes.</summary>
    private Decision Decide(SchemaAttribute characteristics, string schemaKey, string attribute, string? sub)
    {
        switch (characteristics.Returned)
        {
            case Returned.Never:
                return Decision.Drop;
            case Returned.Always:
                return Decision.Whole;
        }

        if (_attributes is not null)
        {
            if (_attributes.Contains(schemaKey, attribute, sub))
            {
                return Decision.Whole;
            }

            if (sub is null && _attributes.HasSubAttributesOf(schemaKey, attribute))
            {
                return Decision.Partial;
            }

            // Sub-attributes of an attribute named with some of its sub-attributes: only those (and "always" ones).
            if (sub is not null)
            {
                return Decision.Drop;
            }

            return _attributes.ContainsSchema(schemaKey) && characteristics.Returned == Returned.Default ? Decision.Whole : Decision.Drop;
        }

        if (characteristics.Returned == Returned.Request)
        {
            return Decision.Drop;
        }

        if (_excluded is not null)
        {
            if (_excluded.Contains(schemaKey, attribute, sub) || _excluded.ContainsSchema(schemaKey))
            {
                return Decision.Drop;
            }

            if (sub is null && _excluded.HasSubAttributesOf(schemaKey, attribute))
            {
                return Decision.Partial;
            }
        }

        return Decision.Whole;
    }

    private ScimSchema? FindExtension(string key)
    {
        foreach (var extension in _resourceType.SchemaExtensions)
        {
            if (string.Equals(extension.Schema, key, StringComparison.OrdinalIgnoreCase))
            {
                return _registry.FindSchema(extension.Schema);
            }
        }

        return null;
    }

    private static Selection? Parse(SchemaRegistry registry, FilterBinder binder, ScimResourceType resourceType, string? list, bool excludedList)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return null;
        }

        var selection = new Selection();
        foreach (var raw in Entries(list))
        {
            if (raw.Contains('[', StringComparison.Ordinal))
            {
                AddValueFilter(registry, binder, resourceType, raw, excludedList, selection);
                continue;
            }

            // A whole extension: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".
            var wholeSchema = resourceType.SchemaExtensions.FirstOrDefault(e => string.Equals(e.Schema, raw, StringComparison.OrdinalIgnoreCase));
            if (wholeSchema is not null)
            {
                selection.AddSchema(wholeSchema.Schema);
                continue;
            }

            if (string.Equals(raw, resourceType.Schema, StringComparison.OrdinalIgnoreCase))
            {
                selection.AddSchema(string.Empty);
                continue;
            }

            if (!Filtering.FilterGrammar.TrySplitPath(raw, out _, out var syntaxError))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Invalid attribute '{raw}' in the attribute list: expected {syntaxError}.");
            }

            if (registry.TryResolveAttribute(resourceType, raw, out var resolved, out var error))
            {
                selection.Add(resolved.IsExtension ? resolved.Schema.Id : string.Empty, resolved.Attribute.Name, resolved.SubAttribute?.Name);
            }
            else if (!error.StartsWith("Unknown ", StringComparison.Ordinal))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Invalid attribute '{raw}' in the attribute list: {error}");
            }
        }

        return selection;
    }

    /// <summary>
    /// An entry with a value filter, <c>emails[type eq "work"]</c> or <c>emails[type eq "work"].value</c>,
    /// resolved as a PATCH path is. Only <c>attributes</c> takes one: <c>excludedAttributes</c>
    /// names attributes to leave out, and selecting values there is refused rather than guessed at.
    /// </summary>
    private static void AddValueFilter(SchemaRegistry registry, FilterBinder binder, ScimResourceType resourceType, string raw, bool excludedList, Selection selection)
    {
        if (excludedList)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Invalid attribute '{raw}' in excludedAttributes: it names attributes to leave out, and a value filter ('[...]') is accepted in the attributes parameter only, to return the values it matches.");
        }

        ValuePathTarget? target;
        try
        {
            target = ValuePathTarget.Resolve(registry, binder, resourceType, raw, out _, out _);
        }
        catch (ScimException ex)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Invalid attribute '{raw}' in the attribute list: {ex.Detail}");
        }

        // An unknown attribute is ignored, with or without a filter: it cannot be returned.
        if (target is not null)
        {
            selection.AddElements(target.Attribute.IsExtension ? target.Attribute.Schema.Id : string.Empty, target.Attribute.Attribute.Name, target.Filter!, target.Sub?.Name);
        }
    }

    /// <summary>
    /// The entries of a list, split at the commas outside value filters: a filter's strings may
    /// hold commas (<c>emails[value eq "a,b@example.com"]</c>). Blank entries are skipped.
    /// </summary>
    private static IEnumerable<string> Entries(string list)
    {
        var start = 0;
        var depth = 0;
        var inString = false;
        for (var i = 0; i <= list.Length; i++)
        {
            if (i < list.Length)
            {
                var c = list[i];
                if (inString)
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        inString = false;
                    }

                    continue;
                }

                switch (c)
                {
                    case '"':
                        inString = true;
                        continue;
                    case '[':
                        depth++;
                        continue;
                    case ']':
                        depth = Math.Max(0, depth - 1);
                        continue;
                    case not ',':
                        continue;
                }

                if (depth > 0)
                {
                    continue;
                }
            }

            var entry = list[start..i].Trim();
            if (entry.Length > 0)
            {
                yield return entry;
            }

            start = i + 1;
        }
    }

    /// <summary>A value filter of <c>attributes</c>: the values of the attribute it matches are returned (only <see cref="Sub"/> of them, when given).</summary>
    private readonly record struct ElementSelector(Func<JsonObject, bool> Filter, string? Sub);

    /// <summary>The attribute paths named in one list, by schema (empty key: core and common attributes).</summary>
    private sealed class Selection
    {
        private readonly HashSet<string> _whole = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _withSubAttributes = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _schemas = new(StringComparer.OrdinalIgnoreCase);
        private Dictionary<string, List<ElementSelector>>? _elements;

        public void Add(string schemaKey, string attribute, string? sub)
        {
            if (sub is null)
            {
                _whole.Add(Key(schemaKey, attribute, null));
            }
            else
            {
                _whole.Add(Key(schemaKey, attribute, sub));
                _withSubAttributes.Add(Key(schemaKey, attribute, null));
            }
        }

        public void AddSchema(string schemaKey) => _schemas.Add(schemaKey);

        public void AddElements(string schemaKey, string attribute, Func<JsonObject, bool> filter, string? sub)
        {
            _elements ??= new Dictionary<string, List<ElementSelector>>(StringComparer.OrdinalIgnoreCase);
            var key = Key(schemaKey, attribute, null);
            if (!_elements.TryGetValue(key, out var selectors))
            {
                selectors = [];
                _elements[key] = selectors;
            }

            selectors.Add(new ElementSelector(filter, sub));
        }

        /// <summary>The value filters on an attribute, or <see langword="null"/> when it has none.</summary>
        public List<ElementSelector>? ElementsOf(string schemaKey, string attribute) =>
            _elements is not null && _elements.TryGetValue(Key(schemaKey, attribute, null), out var selectors) ? selectors : null;

        public bool Contains(string schemaKey, string attribute, string? sub) =>
            _whole.Contains(Key(schemaKey, attribute, null)) || (sub is not null && _whole.Contains(Key(schemaKey, attribute, sub)));

        public bool HasSubAttributesOf(string schemaKey, string attribute) => _withSubAttributes.Contains(Key(schemaKey, attribute, null));

        public bool ContainsExactly(string schemaKey, string attribute, string sub) => _whole.Contains(Key(schemaKey, attribute, sub));

        public bool ContainsSchema(string schemaKey) => _schemas.Contains(schemaKey);

        private static string Key(string schemaKey, string attribute, string? sub) =>
            sub is null ? $"{schemaKey}|{attribute}" : $"{schemaKey}|{attribute}.{sub}";
    }
}
