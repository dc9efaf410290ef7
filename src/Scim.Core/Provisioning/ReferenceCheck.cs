using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Patching;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
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
    private readonly Dictionary<ServedType, List<(ServedType Holder, Reference Reference)>> _holders = [];
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
                foreach (var reference in found)
                {
                    foreach (var target in reference.Targets)
                    {
                        if (!_holders.TryGetValue(target, out var holders))
                        {
                            _holders[target] = holders = [];
                        }

                        holders.Add((type, reference));
                    }
                }
            }
        }
    }

    /// <summary>Whether resources of this type hold references to check.</summary>
    public bool Checks(ServedType type) => _references.ContainsKey(type);

    /// <summary>
    /// Checks the references of a resource's tree (those that differ from <paramref name="before"/>
    /// when it is given); with unknown references left out by the options, removes them from the tree.
    /// </summary>
    /// <returns>The references the tree adds, checked to exist: what <see cref="VanishedAsync"/> looks at again once the tree is written.</returns>
    public async Task<IReadOnlyList<Added>> CheckAsync(ScimContext context, ServedType type, JsonObject tree, JsonObject? before, string selfId, CancellationToken cancellationToken)
    {
        if (!_references.TryGetValue(type, out var references))
        {
            return [];
        }

        var added = new List<Added>();

        foreach (var reference in references)
        {
            var owner = reference.Extension is null ? tree : tree[reference.Extension] as JsonObject;
            var value = owner?[reference.Attribute.Name];
            if (value is null)
            {
                continue;
            }

            // A '$ref' is the service's URI of what 'value' names, not the client's to choose (a
            // client could otherwise plant any URL for the service to serve back): it is not kept.
            var entries = Entries(value);
            foreach (var entry in entries)
            {
                entry.Remove("$ref");
            }

            var previous = reference.Extension is null ? before?[reference.Attribute.Name] : (before?[reference.Extension] as JsonObject)?[reference.Attribute.Name];
            if (before is not null && JsonNode.DeepEquals(previous, value))
            {
                continue;
            }

            var ids = entries.Select(e => (string?)(e["value"] as JsonValue)).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Any(string.IsNullOrEmpty))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"A value of '{reference.Attribute.Name}' has no 'value' (the id of the {Kinds(reference)} it refers to).");
            }

            // What the resource held before was checked when it was written: only what is new is
            // looked up (a change that only lets go of a reference looks up nothing).
            var kept = Entries(previous).Select(e => (string?)(e["value"] as JsonValue)).OfType<string>().ToHashSet(StringComparer.Ordinal);
            ids.RemoveAll(id => kept.Contains(id!));
            if (ids.Count == 0)
            {
                continue;
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

            var hierarchy = !reference.Attribute.MultiValued && reference.Targets.Contains(type);
            if (hierarchy && ids.Count == 1 && missing.Count == 0)
            {
                await RefuseCycleAsync(context, type, reference, ids[0]!, selfId, cancellationToken).ConfigureAwait(false);
            }

            added.AddRange(ids.Cast<string>().Where(id => !missing.Contains(id, StringComparer.Ordinal)).Select(id => new Added(reference, id, hierarchy)));
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

        return added;
    }

    /// <summary>
    /// Once a resource is written: the references it added that name a resource deleted meanwhile
    /// (the delete's own clean-up may have looked before this write was there), and the hierarchy
    /// reference that, with another write of the same moment, now closes a cycle.
    /// </summary>
    public async Task<IReadOnlyList<Added>> VanishedAsync(ScimContext context, ServedType type, string selfId, IReadOnlyList<Added> added, CancellationToken cancellationToken)
    {
        var gone = new List<Added>();
        foreach (var byReference in added.GroupBy(a => a.Reference))
        {
            var missing = byReference.Select(a => a.Id).Distinct(StringComparer.Ordinal).ToList();
            var existing = new HashSet<string>(StringComparer.Ordinal);
            foreach (var target in byReference.Key.Targets)
            {
                await FindExistingAsync(context, target, missing, existing, cancellationToken).ConfigureAwait(false);
                missing = [.. missing.Where(id => !existing.Contains(id))];
            }

            gone.AddRange(byReference.Where(a => missing.Contains(a.Id, StringComparer.Ordinal)));
            foreach (var hierarchy in byReference.Where(a => a.Hierarchy && existing.Contains(a.Id)))
            {
                try
                {
                    await RefuseCycleAsync(context, type, hierarchy.Reference, hierarchy.Id, selfId, cancellationToken).ConfigureAwait(false);
                }
                catch (ScimException)
                {
                    gone.Add(hierarchy with { ClosesCycle = true });
                }
            }
        }

        return gone;
    }

    /// <summary>
    /// The reference attributes of host types that may name a resource of <paramref name="target"/>:
    /// what must let go of one that is deleted.
    /// </summary>
    public IReadOnlyList<(ServedType Holder, string? Extension, SchemaAttribute Attribute)> HoldersOf(ServedType target) =>
        _holders.TryGetValue(target, out var holders) ? [.. holders.Select(h => (h.Holder, h.Reference.Extension, h.Reference.Attribute))] : [];

    /// <summary>The ids of the resources of <paramref name="holder"/> whose <paramref name="attribute"/> names <paramref name="id"/>.</summary>
    public async Task<List<string>> FindHoldersAsync(ScimContext context, ServedType holder, string? extension, SchemaAttribute attribute, string id, CancellationToken cancellationToken)
    {
        const int PageSize = 200;
        var filter = new ComparisonFilter(new AttributePath(extension, attribute.Name, "value"), ComparisonOperator.Equal, new StringValue(id));
        var found = new List<string>();
        for (var start = 1; ; start += PageSize)
        {
            var query = new ScimQuery { Filter = filter, StartIndex = start, Count = PageSize, Hints = _idOnly(holder), CountsTotal = false };
            var page = (await holder.QueryAsync(context, query, cancellationToken).ConfigureAwait(false)).Resources;
            found.AddRange(page.Select(r => r.Id!));
            if (page.Count < PageSize)
            {
                return found;
            }
        }
    }

    /// <summary>
    /// Lets go of a deleted resource: removes the entries of <paramref name="attribute"/> that name
    /// <paramref name="id"/> (the whole attribute when it is single-valued). A required attribute
    /// that would be left without a value keeps it (<paramref name="keptAsRequired"/>).
    /// </summary>
    public static PatchResult Release(JsonObject tree, ScimResourceType type, string? extension, SchemaAttribute attribute, string id, out bool keptAsRequired)
    {
        keptAsRequired = false;
        var owner = extension is null ? tree : tree[extension] as JsonObject;
        var value = owner?[attribute.Name];
        var entries = Entries(value).Where(e => string.Equals((string?)(e["value"] as JsonValue), id, StringComparison.Ordinal)).ToList();
        if (entries.Count == 0)
        {
            return new PatchResult([], null);
        }

        var emptied = value is not JsonArray array || array.Count == entries.Count;
        if (emptied && attribute.Required)
        {
            keptAsRequired = true;
            return new PatchResult([], null);
        }

        if (emptied)
        {
            owner!.Remove(attribute.Name);
            if (extension is not null && owner.Count == 0)
            {
                tree.Remove(extension);
                SchemasList.Refresh(tree, type);
            }
        }
        else
        {
            foreach (var entry in entries)
            {
                ((JsonArray)value!).Remove(entry);
            }
        }

        return new PatchResult([extension is null ? attribute.Name : $"{extension}:{attribute.Name}"], null);
    }

    private static List<JsonObject> Entries(JsonNode? value) =>
        value is JsonArray array ? [.. array.OfType<JsonObject>()] : value is JsonObject single ? [single] : [];

    /// <summary>
    /// A single-valued reference to the resource's own type (an agent's <c>parent</c>) makes a
    /// hierarchy: following it up from <paramref name="first"/> must not come back to the resource.
    /// </summary>
    private static async Task RefuseCycleAsync(ScimContext context, ServedType type, Reference reference, string first, string selfId, CancellationToken cancellationToken)
    {
        const int MaxDepth = 64;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = first;
        for (var depth = 0; depth < MaxDepth && seen.Add(current); depth++)
        {
            var resource = await type.GetAsync(context, current, ReadHints.All, cancellationToken).ConfigureAwait(false);
            if (resource is null)
            {
                return;
            }

            var tree = ResourceTrees.ToTree(resource);
            var owner = reference.Extension is null ? tree : tree[reference.Extension] as JsonObject;
            if ((owner?[reference.Attribute.Name] as JsonObject)?["value"] is not JsonValue next || next.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                return;
            }

            current = next.GetValue<string>();
            if (string.Equals(current, selfId, StringComparison.Ordinal))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{reference.Attribute.Name}' cannot be '{first}': following '{reference.Attribute.Name}' from it leads back to this {type.Name}, which would make a cycle.");
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

    /// <summary>A reference a write added: its attribute, the id it names, and whether the attribute is a hierarchy (a single-valued reference to the type itself).</summary>
    internal sealed record Added(Reference Reference, string Id, bool Hierarchy)
    {
        /// <summary>Set by <see cref="VanishedAsync"/> when the reference exists but closes a cycle.</summary>
        public bool ClosesCycle { get; init; }

        public string? Extension => Reference.Extension;

        public SchemaAttribute Attribute => Reference.Attribute;
    }

    /// <summary>A reference attribute: in the core schema (<paramref name="Extension"/> null) or an extension, and the types it may refer to.</summary>
    internal sealed record Reference(string? Extension, SchemaAttribute Attribute, IReadOnlyList<ServedType> Targets);
}
