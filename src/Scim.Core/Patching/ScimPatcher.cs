using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Patching;

/// <summary>
/// Applies PATCH requests (RFC 7644 §3.5.2) to resources in canonical JSON, driven by the schema:
/// every path form, every value checked against its attribute, mutability and required rules,
/// <c>primary</c> kept unique, the identity providers' dialects (<see cref="PatchDialects"/>), and
/// atomicity — when an operation fails, the resource is left exactly as it was (RFC 5789 §2).
/// The result names the changed paths, and group membership changes come out as deltas.
/// Thread-safe; one instance serves every request.
/// </summary>
public sealed partial class ScimPatcher
{
    private readonly SchemaRegistry _registry;
    private readonly ResourceReader _reader;
    private readonly FilterBinder _binder;
    private readonly FilterOptions _filterOptions;

    /// <summary>Creates a patcher.</summary>
    /// <param name="registry">The schemas.</param>
    /// <param name="options">Dialects and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="filterOptions">How value filters in paths are parsed; <see langword="null"/> for the defaults.</param>
    public ScimPatcher(SchemaRegistry registry, PatchOptions? options = null, FilterOptions? filterOptions = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        Options = options ?? new PatchOptions();
        _filterOptions = filterOptions ?? new FilterOptions();
        _binder = new FilterBinder(registry, _filterOptions);
        _reader = new ResourceReader(registry, new ScimSerializerOptions(), DialectLeniency());
    }

    /// <summary>The dialects and limits.</summary>
    public PatchOptions Options { get; }

    /// <summary>
    /// Applies a request to a resource in place. Either every operation applies or none does: when
    /// one fails, the resource is restored and the <see cref="ScimException"/> is rethrown.
    /// </summary>
    /// <param name="resource">The resource in canonical JSON (e.g. <see cref="ScimSerializer.ToJsonObject"/>).</param>
    /// <param name="resourceType">Its resource type.</param>
    /// <param name="request">The request.</param>
    /// <returns>What changed.</returns>
    /// <exception cref="ScimException">400 with <c>invalidPath</c>, <c>noTarget</c>, <c>mutability</c>, <c>invalidValue</c> or <c>invalidFilter</c>, naming the operation.</exception>
    public PatchResult Apply(JsonObject resource, ScimResourceType resourceType, PatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(request);
        resourceType = _registry.Current(resourceType);
        if (_registry.FindSchema(resourceType.Schema) is null)
        {
            throw new InvalidOperationException($"Resource type '{resourceType.Name}' names schema '{resourceType.Schema}', which is not registered.");
        }

        var run = Run.Start(this, resource, resourceType);
        try
        {
            run.Prepare(request.Operations);
            try
            {
                for (var i = 0; i < request.Operations.Count; i++)
                {
                    run.Index = i;
                    try
                    {
                        run.ApplyOperation(request.Operations[i]);
                    }
                    catch (ScimException ex) when (!ex.Detail.StartsWith("Operations[", StringComparison.Ordinal))
                    {
                        // Value errors from the reader: say which operation they belong to.
                        throw new ScimException(ex.Status, ex.ScimType, $"Operations[{i}]: {ex.Detail}", ex);
                    }
                }
            }
            catch (ScimException)
            {
                run.Rollback();
                throw;
            }

            return run.Finish();
        }
        finally
        {
            run.End();
        }
    }

    /// <summary>
    /// The state of one Apply: an undo log of every change made to the resource, for rollback and change
    /// detection; the attributes touched; and the membership delta.
    /// </summary>
    private sealed partial class Run
    {
        /// <summary>Requests with more operations than this copy what they change instead of checking for repeated attributes.</summary>
        private const int MaxPrepared = 16;

        /// <summary>A finished run, kept for the thread's next Apply: its lists are allocated once, not per request.</summary>
        [ThreadStatic]
        private static Run? t_free;

        private readonly List<Touched> _touched = new(4);
        private readonly List<Edit> _log = new(8);
        private readonly List<Target> _operationTargets = new(4);
        private readonly List<string> _changed = new(4);
        private ScimPatcher _patcher = null!;
        private JsonObject _resource = null!;
        private ScimResourceType _resourceType = null!;
        // Allocated on first use: most PATCH requests touch no members.
        private Dictionary<string, GroupMember>? _added;
        private HashSet<string>? _removed;
        private bool _removeAll;
        private bool _membersTouched;

        /// <summary>
        /// Whether arrays and objects are copied when first touched, to tell at the end whether they changed.
        /// Not needed when every attribute is changed by one operation only: then the undo log says exactly what
        /// changed. Needed when two operations change one attribute (the second may undo the first), and for
        /// operations without a path, whose attributes are known only once their value is read.
        /// </summary>
        private bool _copyTouched;

        /// <summary>Whether <see cref="_operationTargets"/> holds the target of every operation, resolved by <see cref="Prepare"/>.</summary>
        private bool _prepared;

        /// <summary>The index in <see cref="_touched"/> of the attribute being changed, or -1; recorded with each edit.</summary>
        private int _current = -1;

        public int Index { get; set; }

        public static Run Start(ScimPatcher patcher, JsonObject resource, ScimResourceType resourceType)
        {
            var run = t_free ?? new Run();
            t_free = null;
            run._patcher = patcher;
            run._resource = resource;
            run._resourceType = resourceType;
            return run;
        }

        /// <summary>Forgets the request and resource, and keeps the run for the thread's next Apply unless its lists grew large.</summary>
        public void End()
        {
            _touched.Clear();
            _log.Clear();
            _operationTargets.Clear();
            _changed.Clear();
            _added = null;
            _removed = null;
            _removeAll = false;
            _membersTouched = false;
            _copyTouched = false;
            _prepared = false;
            _current = -1;
            Index = 0;
            _patcher = null!;
            _resource = null!;
            _resourceType = null!;
            if (_log.Capacity <= 256 && _touched.Capacity <= 256 && _operationTargets.Capacity <= MaxPrepared && _changed.Capacity <= 256)
            {
                t_free = this;
            }
        }

        /// <summary>Looks up the operations' targets, and decides whether touched attributes must be copied (<see cref="_copyTouched"/>).</summary>
        public void Prepare(IReadOnlyList<PatchOperation> operations)
        {
            _copyTouched = true;
            if (operations.Count > MaxPrepared)
            {
                return;
            }

            for (var i = 0; i < operations.Count; i++)
            {
                if (operations[i].Path is not { } path || FindExtension(path) is not null)
                {
                    return;
                }

                Target target;
                try
                {
                    target = GetTarget(path);
                }
                catch (ScimException)
                {
                    // Reported in its turn, as the operations are applied, after the errors of those before it.
                    return;
                }

                for (var j = 0; j < i; j++)
                {
                    if (SameAttribute(_operationTargets[j].Attribute, target.Attribute))
                    {
                        return;
                    }
                }

                _operationTargets.Add(target);
            }

            _prepared = true;
            _copyTouched = false;
        }

        private static bool SameAttribute(ResolvedAttribute a, ResolvedAttribute b) =>
            a.IsExtension == b.IsExtension
            && string.Equals(a.Attribute.Name, b.Attribute.Name, StringComparison.OrdinalIgnoreCase)
            && (!a.IsExtension || string.Equals(a.Schema.Id, b.Schema.Id, StringComparison.OrdinalIgnoreCase));

        public void ApplyOperation(PatchOperation operation)
        {
            if (_prepared)
            {
                var prepared = _operationTargets[Index];
                ApplyToAttribute(operation.Op, prepared.Attribute, prepared.Sub, prepared.Filter, prepared.FilterText, operation.Value, operation.Path!);
                return;
            }

            if (operation.Path is null)
            {
                ApplyPartialResource(operation, scope: null);
                return;
            }

            // A path naming a whole extension: its value is an object of that extension's attributes.
            var extension = FindExtension(operation.Path);
            if (extension is not null)
            {
                ApplyPartialResource(operation, extension);
                return;
            }

            var target = GetTarget(operation.Path);
            ApplyToAttribute(operation.Op, target.Attribute, target.Sub, target.Filter, target.FilterText, operation.Value, operation.Path);
        }

        public PatchResult Finish()
        {
            CollectChangedPaths();

            // An extension left without attributes is unassigned.
            for (var e = 0; e < _resourceType.SchemaExtensions.Count; e++)
            {
                var extension = _resourceType.SchemaExtensions[e];
                if (_resource[extension.Schema] is JsonObject { Count: 0 })
                {
                    _resource.Remove(extension.Schema);
                }
            }

            SchemasList.Refresh(_resource, _resourceType);

            // Each (owner, attribute) is touched once, so the paths are already distinct.
            return new PatchResult(_changed.Count == 0 ? [] : _changed.ToArray(), MembersDelta());
        }

        /// <summary>A no-path add/replace (or a path naming a whole extension): the value is a partial resource.</summary>
        private void ApplyPartialResource(PatchOperation operation, ScimSchema? scope)
        {
            if (operation.Value is not { ValueKind: JsonValueKind.Object } value)
            {
                throw Error(ScimErrorType.InvalidValue, scope is null
                    ? $"A '{Name(operation.Op)}' without a path needs an object of attributes as its value."
                    : $"A '{Name(operation.Op)}' of '{scope.Id}' needs an object of its attributes as its value.");
            }

            foreach (var property in value.EnumerateObject())
            {
                var key = property.Name;
                if (scope is null && string.Equals(key, "schemas", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var extension = scope is null ? FindExtension(key) : null;
                if (extension is not null)
                {
                    ApplyPartialResource(operation with { Path = extension.Id, Value = property.Value }, extension);
                    continue;
                }

                var qualified = scope is null ? key : $"{scope.Id}:{key}";
                var dottedOrQualified = key.Contains('.', StringComparison.Ordinal) || key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase);
                if (scope is null && dottedOrQualified)
                {
                    RequireDottedAndQualifiedKeys(key);
                }

                if (!_patcher._registry.TryResolveAttribute(_resourceType, qualified, out var resolved, out var error))
                {
                    throw Error(ScimErrorType.InvalidPath, error);
                }

                if (scope is null && resolved.IsExtension && !dottedOrQualified)
                {
                    throw Error(ScimErrorType.InvalidPath, $"The attribute '{key}' belongs to the extension '{resolved.Schema.Id}'; nest it under that URN.");
                }

                if (resolved.Attribute.Mutability == Mutability.ReadOnly && IgnoreEchoedReadOnly(resolved, property.Value))
                {
                    continue;
                }

                ApplyToAttribute(operation.Op, resolved with { SubAttribute = null }, resolved.SubAttribute, filter: null, filterText: null, property.Value, resolved.Path);
            }
        }

        private void ApplyToAttribute(
            PatchOperationType op,
            ResolvedAttribute target,
            SchemaAttribute? sub,
            Func<JsonObject, bool>? filter,
            FilterExpression? filterText,
            JsonElement? value,
            string displayPath)
        {
            var attribute = target.Attribute;
            CheckWritable(op, attribute, sub, displayPath);

            if (attribute.MultiValued && _patcher.Options.MembersAsDeltas && IsGroupMembers(attribute, target))
            {
                ApplyMembers(op, attribute, sub, filterText, value, displayPath);
                return;
            }

            _current = -1;
            var owner = Owner(target, create: op != PatchOperationType.Remove);
            if (owner is null)
            {
                return; // removing from an extension that is not there: nothing to do
            }

            var current = Touch(owner, attribute.Name, target, attribute);
            if (attribute.MultiValued)
            {
                ApplyToMultiValued(op, owner, attribute, sub, filter, filterText, value, displayPath, current as JsonArray);
            }
            else if (sub is not null)
            {
                ApplyToSubAttribute(op, owner, attribute, sub, value, displayPath, current as JsonObject);
            }
            else
            {
                ApplyToSingle(op, owner, attribute, value, displayPath, current);
            }
        }

        private void ApplyToSingle(PatchOperationType op, JsonObject owner, SchemaAttribute attribute, JsonElement? value, string displayPath, JsonNode? current)
        {
            if (op == PatchOperationType.Remove)
            {
                RemoveAttribute(owner, attribute, displayPath);
                return;
            }

            var read = Read(value!.Value, attribute, displayPath);
            if (read is null)
            {
                // "replace" with null unassigns (RFC 7643 §2.5); "add" of null adds nothing.
                if (op == PatchOperationType.Replace)
                {
                    RemoveAttribute(owner, attribute, displayPath);
                }

                return;
            }

            if (attribute.Type == AttributeType.Complex && current is JsonObject existing && read is JsonObject incoming)
            {
                // A complex add/replace keeps the sub-attributes it does not send (RFC 7644 §3.5.2.1, §3.5.2.3).
                MoveProperties(incoming, existing);
                return;
            }

            CheckImmutable(attribute, current, read, displayPath);
            Put(owner, attribute.Name, read);
        }

        /// <summary>Sets every property of a value just read on an object of the resource; the value is left empty.</summary>
        private void MoveProperties(JsonObject from, JsonObject to)
        {
            for (var i = 0; i < from.Count; i++)
            {
                var (key, value) = from.GetAt(i);
                if (value is null)
                {
                    continue;
                }

                from.SetAt(i, null); // detached, so it can be added to the other object
                Put(to, key, value);
            }
        }

        private void ApplyToSubAttribute(PatchOperationType op, JsonObject owner, SchemaAttribute attribute, SchemaAttribute sub, JsonElement? value, string displayPath, JsonObject? complex)
        {
            if (op == PatchOperationType.Remove)
            {
                if (sub.Required)
                {
                    throw Error(ScimErrorType.Mutability, $"'{displayPath}' is required and cannot be removed.");
                }

                Delete(complex, sub.Name);
                if (complex is { Count: 0 })
                {
                    Delete(owner, attribute.Name);
                }

                return;
            }

            var read = ReadSub(value!.Value, sub, displayPath);
            if (read is null)
            {
                if (op == PatchOperationType.Replace)
                {
                    // Replacing with null unassigns, exactly as a remove does.
                    Delete(complex, sub.Name);
                    if (complex is { Count: 0 })
                    {
                        Delete(owner, attribute.Name);
                    }
                }

                return;
            }

            if (complex is null)
            {
                complex = [];
                Put(owner, attribute.Name, complex);
            }

            Put(complex, sub.Name, read);
        }

        private static bool HasValue(JsonElement? value) => value is { ValueKind: not JsonValueKind.Null };

        private void RemoveAttribute(JsonObject owner, SchemaAttribute attribute, string displayPath)
        {
            if (attribute.Required && owner.ContainsKey(attribute.Name))
            {
                throw Error(ScimErrorType.Mutability, $"'{displayPath}' is required and cannot be removed.");
            }

            Delete(owner, attribute.Name);
        }

        private void CheckWritable(PatchOperationType op, SchemaAttribute attribute, SchemaAttribute? sub, string displayPath)
        {
            var target = sub ?? attribute;
            if (attribute.Mutability == Mutability.ReadOnly || target.Mutability == Mutability.ReadOnly)
            {
                throw Error(ScimErrorType.Mutability, $"'{displayPath}' is read-only and cannot be {Past(op)}.");
            }

            if (op == PatchOperationType.Remove && target.Mutability == Mutability.Immutable && (sub is null || !attribute.MultiValued))
            {
                throw Error(ScimErrorType.Mutability, $"'{displayPath}' is immutable and cannot be removed.");
            }
        }

        private void CheckImmutable(SchemaAttribute attribute, JsonNode? current, JsonNode incoming, string displayPath)
        {
            if (attribute.Mutability == Mutability.Immutable && current is not null && !JsonNode.DeepEquals(current, incoming))
            {
                throw Error(ScimErrorType.Mutability, $"'{displayPath}' is immutable: it can be set once and not changed.");
            }
        }

        private JsonNode? Read(JsonElement value, SchemaAttribute attribute, string displayPath)
        {
            try
            {
                return StripReadOnly(attribute, _patcher._reader.ReadAttributeValue(value, attribute, displayPath));
            }
            catch (InvalidOperationException)
            {
                throw NotUnicode();
            }
        }

        private JsonNode? ReadElement(JsonElement value, SchemaAttribute attribute, string displayPath)
        {
            try
            {
                return StripReadOnly(attribute, _patcher._reader.ReadSingleValue(value, attribute, displayPath));
            }
            catch (InvalidOperationException)
            {
                throw NotUnicode();
            }
        }

        private JsonNode? ReadSub(JsonElement value, SchemaAttribute sub, string displayPath)
        {
            if (sub.Mutability == Mutability.ReadOnly)
            {
                throw Error(ScimErrorType.Mutability, $"'{displayPath}' is read-only.");
            }

            try
            {
                return _patcher._reader.ReadAttributeValue(value, sub, displayPath);
            }
            catch (InvalidOperationException)
            {
                throw NotUnicode();
            }
        }

        /// <summary>Valid JSON that is not valid Unicode (a lone surrogate escape) fails only when a string is read: a 400, not a crash.</summary>
        private ScimException NotUnicode() => Error(ScimErrorType.InvalidSyntax, "The value contains text that is not valid Unicode.");

        /// <summary>Read-only sub-attributes in a written value (a member's display, a manager's displayName) are the server's: dropped.</summary>
        private static JsonNode? StripReadOnly(SchemaAttribute attribute, JsonNode? value)
        {
            if (value is null || attribute.Type != AttributeType.Complex)
            {
                return value;
            }

            if (value is JsonArray array)
            {
                foreach (var element in array)
                {
                    if (element is JsonObject item)
                    {
                        StripReadOnly(attribute, item);
                    }
                }
            }
            else if (value is JsonObject single)
            {
                StripReadOnly(attribute, single);
            }

            return value is JsonArray { Count: 0 } or JsonObject { Count: 0 } ? null : value;
        }

        private static void StripReadOnly(SchemaAttribute attribute, JsonObject element)
        {
            for (var s = 0; s < attribute.SubAttributes.Count; s++)
            {
                var sub = attribute.SubAttributes[s];
                if (sub.Mutability == Mutability.ReadOnly)
                {
                    element.Remove(sub.Name);
                }
            }
        }

        private JsonObject? Owner(ResolvedAttribute target, bool create)
        {
            if (!target.IsExtension)
            {
                return _resource;
            }

            if (_resource[target.Schema.Id] is JsonObject extension)
            {
                return extension;
            }

            // Another spelling of the URN may be present in a tree built by hand.
            var key = _resource.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, target.Schema.Id, StringComparison.OrdinalIgnoreCase));
            if (key is not null && _resource[key] is JsonObject found)
            {
                return found;
            }

            if (!create)
            {
                return null;
            }

            var created = new JsonObject();
            Put(_resource, target.Schema.Id, created);
            return created;
        }

        private ScimException Error(string scimType, string detail) =>
            ScimException.BadRequest(scimType, $"Operations[{Index}]: {detail}");

        private static string Name(PatchOperationType op) => op switch
        {
            PatchOperationType.Add => "add",
            PatchOperationType.Remove => "remove",
            _ => "replace",
        };

        private static string Past(PatchOperationType op) => op switch
        {
            PatchOperationType.Add => "added",
            PatchOperationType.Remove => "removed",
            _ => "replaced",
        };
    }
}
