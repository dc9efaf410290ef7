using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

/// <summary>
/// Checks the references a host-registered type's resource holds: a complex attribute with a
/// <c>value</c> and a <c>$ref</c> whose <c>referenceTypes</c> name served resource types (an
/// agent's <c>owners</c>, a device's <c>owner</c>) must name resources of the tenant of those
/// types, as a group's members must. What its schema says decides, not the attribute's name;
/// read-only attributes (derived by the service, like <c>groups</c>) are not the client's to set
/// and are not checked. An unknown reference is the one decision of
/// <see cref="ScimServiceOptions.UnknownMembers"/>: refused, or left out. Users and groups keep
/// their own rules (<see cref="MemberCheck"/>).
/// </summary>
internal sealed class ReferenceCheck
{
    private const int Chunk = 50;

    private readonly Dictionary<ServedType, List<Reference>> _references = [];
    private readonly Func<ServedType, ReadHints> _idOnly;
    private readonly UnknownMemberHandling _unknown;

    public ReferenceCheck(SchemaRegistry registry, IReadOnlyList<ServedType> served, Func<ServedType, ReadHints> idOnly, UnknownMemberHandling unknown)
    {
        _idOnly = idOnly;
        _unknown = unknown;
        foreach (var type in served)
        {
            if (type is not ServedType<JsonResource>)
            {
                continue;
            }

            var found = new List<Reference>();
            Collect(registry.FindSchema(type.Type.Schema), null, served, found);
            foreach (var extension in type.Type.SchemaExtensions)
            {
                Collect(registry.FindSchema(extension.Schema), extension.Schema, served, found);
            }

            if (found.Count > 0)
            {
                _references[type] = found;
            }
        }
    }

    /// <summary>Whether resources of this type hold references to check.</summary>
    public bool Checks(ServedType type) => _references.ContainsKey(type);

    /// <summary>
    /// Checks the references of a resource's tree (those that differ from <paramref name="before"/>
    /// when it is given); with unknown references left out by the options, removes them from the tree.
    /// </summary>
    public async Task CheckAsync(ScimContext context, ServedType type, JsonObject tree, JsonObject? before, string selfId, CancellationToken cancellationToken)
    {
        if (!_references.TryGetValue(type, out var references))
        {
            return;
        }

        foreach (var reference in references)
        {
            var owner = reference.Extension is null ? tree : tree[reference.Extension] as JsonObject;
            var value = owner?[reference.Attribute.Name];
            if (value is null)
            {
                continue;
            }

            var previous = reference.Extension is null ? before?[reference.Attribute.Name] : (before?[reference.Extension] as JsonObject)?[reference.Attribute.Name];
            if (before is not null && JsonNode.DeepEquals(previous, value))
            {
                continue;
            }

            var entries = value is JsonArray array ? [.. array.OfType<JsonObject>()] : value is JsonObject single ? new List<JsonObject> { single } : [];
            var ids = entries.Select(e => (string?)(e["value"] as JsonValue)).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Any(string.IsNullOrEmpty))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"A value of '{reference.Attribute.Name}' has no 'value' (the id of the {Kinds(reference)} it refers to).");
            }

            var existing = new HashSet<string>(StringComparer.Ordinal);
            var missing = ids.Cast<string>().ToList();
            foreach (var target in reference.Targets)
            {
                if (ReferenceEquals(target, type) && missing.Remove(selfId))
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{reference.Attribute.Name}' cannot refer to the resource itself.");
                }

                await FindExistingAsync(context, target, missing, existing, cancellationToken).ConfigureAwait(false);
                missing = [.. missing.Where(id => !existing.Contains(id))];
            }

            if (missing.Count == 0)
            {
                continue;
            }

            if (_unknown == UnknownMemberHandling.Reject)
            {
                throw ScimException.BadRequest(
                    ScimErrorType.InvalidValue,
                    $"'{reference.Attribute.Name}' refers to '{missing[0]}', which is not a {Kinds(reference)} of this tenant. " +
                    "A resource must exist before another refers to it; the service can be set to leave such references out instead (ScimServiceOptions.UnknownMembers = Ignore).");
            }

            if (value is JsonArray values)
            {
                foreach (var entry in entries.Where(e => missing.Contains((string)e["value"]!, StringComparer.Ordinal)))
                {
                    values.Remove(entry);
                }
            }
            else
            {
                owner!.Remove(reference.Attribute.Name);
            }
        }
    }

    private static string Kinds(Reference reference) => string.Join(" or ", reference.Targets.Select(t => t.Name));

    private static void Collect(ScimSchema? schema, string? extension, IReadOnlyList<ServedType> served, List<Reference> found)
    {
        foreach (var attribute in schema?.Attributes ?? [])
        {
            if (attribute is not { Type: AttributeType.Complex } || attribute.Mutability == Mutability.ReadOnly
                || attribute.FindSubAttribute("value") is null || attribute.FindSubAttribute("$ref") is not { } target)
            {
                continue;
            }

            var targets = served.Where(t => target.ReferenceTypes.Contains(t.Name, StringComparer.OrdinalIgnoreCase)).ToList();
            if (targets.Count > 0)
            {
                found.Add(new Reference(extension, attribute, targets));
            }
        }
    }

    private async Task FindExistingAsync(ScimContext context, ServedType type, List<string> ids, HashSet<string> found, CancellationToken cancellationToken)
    {
        for (var start = 0; start < ids.Count; start += Chunk)
        {
            var chunk = ids.GetRange(start, Math.Min(Chunk, ids.Count - start));
            var query = new ScimQuery { Filter = MemberCheck.AnyOf("id", chunk), Count = chunk.Count, Hints = _idOnly(type), CountsTotal = false };
            foreach (var hit in (await type.QueryAsync(context, query, cancellationToken).ConfigureAwait(false)).Resources)
            {
                found.Add(hit.Id!);
            }
        }
    }

    /// <summary>A reference attribute: in the core schema (<paramref name="Extension"/> null) or an extension, and the types it may refer to.</summary>
    private sealed record Reference(string? Extension, SchemaAttribute Attribute, IReadOnlyList<ServedType> Targets);
}
