using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Resources;
using Scim.Core.Schema;

namespace Scim.Core.Patching;

internal sealed partial class ScimPatcher
{
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
        private readonly List<ValuePathTarget> _operationTargets = new(4);
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

                ValuePathTarget target;
                try
                {
                    // A path naming an unknown attribute is refused or skipped in its turn, as below.
                    if (GetTarget(path).Path is not { } known)
                    {
                        return;
                    }

                    target = known;
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

            // A path naming a whole extension: its value is an object of that extension's attributes;
            // a remove takes none and removes them all.
            var extension = FindExtension(operation.Path);
            if (extension is not null)
            {
                if (operation.Op == PatchOperationType.Remove)
                {
                    RemoveExtension(operation, extension);
                }
                else
                {
                    ApplyPartialResource(operation, extension);
                }

                return;
            }

            if (TargetOf(operation.Path) is { } target)
            {
                ApplyToAttribute(operation.Op, target.Attribute, target.Sub, target.Filter, target.FilterText, operation.Value, operation.Path);
            }
        }

        /// <summary>
        /// A remove naming a whole extension: each attribute of it the resource has is removed as a
        /// remove naming that attribute would remove it (a required, read-only or immutable one is
        /// refused the same way), and the extension, then empty, goes from the resource and its
        /// <c>schemas</c>. An extension the resource type requires cannot be removed.
        /// </summary>
        private void RemoveExtension(PatchOperation operation, ScimSchema extension)
        {
            if (_resourceType.SchemaExtensions.Any(e => e.Required && string.Equals(e.Schema, extension.Id, StringComparison.OrdinalIgnoreCase)))
            {
                throw Error(ScimErrorType.Mutability, $"The extension '{extension.Id}' is required for a {_resourceType.Name}; it cannot be removed.");
            }

            var held = _resource.Where(p => string.Equals(p.Key, extension.Id, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value).OfType<JsonObject>().FirstOrDefault();
            foreach (var name in held?.Select(p => p.Key).ToList() ?? [])
            {
                ApplyOperation(operation with { Path = $"{extension.Id}:{name}", Value = null });
            }
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

        private static bool HasValue(JsonElement? value) => value is { ValueKind: not JsonValueKind.Null };

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
