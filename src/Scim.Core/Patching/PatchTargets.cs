using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Schema;

namespace Scim.Core.Patching;

internal sealed partial class ScimPatcher
{
    // Shared by every request on every thread.
    private readonly Caching.BoundedCache<(string ResourceType, string Path), Target> _targets = new(512);

    /// <summary>
    /// A PATCH path parsed, resolved against the schema and, when it has a value filter, compiled
    /// (<see cref="Path"/>); or, when it names what the resource type does not have, that name and
    /// the error it gets unless unknown attributes are ignored.
    /// </summary>
    private sealed record Target(ValuePathTarget? Path, string? UnknownName, string? UnknownDetail);

    private sealed partial class Run
    {
        /// <summary>IdPs send the same few paths again and again: each is parsed, resolved and compiled once.</summary>
        private Target GetTarget(string path)
        {
            var key = (_resourceType.Name, path);
            if (!_patcher._targets.TryGetValue(key, out var target))
            {
                target = ResolveTarget(path);
                _patcher._targets.Add(key, target);
            }

            return target;
        }

        private Target ResolveTarget(string text)
        {
            try
            {
                var path = ValuePathTarget.Resolve(_patcher._registry, _patcher._binder, _resourceType, text, out var unknownName, out var unknownDetail);
                return new Target(path, unknownName, unknownDetail);
            }
            catch (ScimException ex)
            {
                throw Error(ex.ScimType ?? ScimErrorType.InvalidPath, ex.Detail);
            }
        }

        /// <summary>
        /// The target of an operation's path; <see langword="null"/> when the path names an attribute
        /// the resource type does not have and the reading options ignore such attributes (the
        /// operation then does nothing). Otherwise such a path is 400 <c>invalidPath</c>.
        /// </summary>
        private ValuePathTarget? TargetOf(string path)
        {
            var target = GetTarget(path);
            if (target.Path is null)
            {
                _patcher._reader.Unknown(target.UnknownName!, $"Operations[{Index}]: {target.UnknownDetail}", ScimErrorType.InvalidPath);
            }

            return target.Path;
        }

        private ScimSchema? FindExtension(string key)
        {
            for (var e = 0; e < _resourceType.SchemaExtensions.Count; e++)
            {
                var extension = _resourceType.SchemaExtensions[e];
                if (string.Equals(extension.Schema, key, StringComparison.OrdinalIgnoreCase))
                {
                    return _patcher._registry.FindSchema(extension.Schema);
                }
            }

            return null;
        }
    }
}
