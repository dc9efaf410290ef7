using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Schema;

namespace Scim.Core.Patching;

internal sealed partial class ScimPatcher
{
    private sealed partial class Run
    {
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
                    // Checked as a POST body's list is, but it need not name the core schema.
                    _patcher._reader.CheckSchemas(property.Value, _resourceType, requireCore: false);
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

                // Entra ID's key with a value filter ("emails[type eq \"work\"].value") is a whole
                // path: applied as an operation with that path and this value would be.
                if (scope is null && key.Contains('[', StringComparison.Ordinal))
                {
                    RequireDottedAndQualifiedKeys(key);
                    if (TargetOf(key) is { } target)
                    {
                        ApplyToAttribute(operation.Op, target.Attribute, target.Sub, target.Filter, target.FilterText, property.Value, key);
                    }

                    continue;
                }

                // A key the resource type does not define is an unknown attribute, as in a POST or PUT
                // body: refused, or dropped when the host reads bodies with UnknownAttributes = Ignore.
                if (!_patcher._registry.TryResolveAttribute(_resourceType, qualified, out var resolved, out var error))
                {
                    _patcher._reader.Unknown(qualified, error);
                    continue;
                }

                if (scope is null && resolved.IsExtension && !dottedOrQualified)
                {
                    _patcher._reader.Unknown(key, $"The attribute '{key}' belongs to the extension '{resolved.Schema.Id}'; nest it under that URN.");
                    continue;
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

            if (attribute.MultiValued && _patcher.MembersAsDeltas && IsGroupMembers(attribute, target))
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
    }
}
