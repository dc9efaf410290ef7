using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Schema;

namespace Scim.Core.Patching;

internal sealed partial class ScimPatcher
{
    // Shared by every request on every thread.
    private readonly Caching.BoundedCache<(string ResourceType, string Path), Target> _targets = new(512);

    /// <summary>A PATCH path parsed, resolved against the schema and, when it has a value filter, compiled.</summary>
    private sealed record Target(ResolvedAttribute Attribute, SchemaAttribute? Sub, Func<JsonObject, bool>? Filter, FilterExpression? FilterText);

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
            PatchPath path;
            try
            {
                path = ScimFilterParser.ParsePatchPath(text, _patcher._filterOptions);
            }
            catch (ScimException ex)
            {
                throw Error(ex.ScimType ?? ScimErrorType.InvalidPath, ex.Detail);
            }

            if (!_patcher._registry.TryResolveAttribute(_resourceType, path.Path.ToString(), out var resolved, out var error))
            {
                throw Error(ScimErrorType.InvalidPath, error);
            }

            if (path.ValueFilter is not null && resolved.SubAttribute is not null)
            {
                throw Error(ScimErrorType.InvalidPath, $"'{text}' filters a sub-attribute; put the filter on '{resolved.Attribute.Name}'.");
            }

            var sub = resolved.SubAttribute;
            if (path.SubAttribute is not null)
            {
                sub = resolved.Attribute.FindSubAttribute(path.SubAttribute)
                    ?? throw Error(ScimErrorType.InvalidPath, $"Unknown sub-attribute '{path.SubAttribute}' of '{resolved.Attribute.Name}'.");
            }

            Func<JsonObject, bool>? filter = null;
            if (path.ValueFilter is not null)
            {
                if (resolved.Attribute.Type != AttributeType.Complex || !resolved.Attribute.MultiValued)
                {
                    throw Error(ScimErrorType.InvalidPath, $"'{resolved.Attribute.Name}' is not a multi-valued complex attribute, so it has no values for '[...]' to select.");
                }

                filter = CompileElementFilter(resolved, path.ValueFilter);
            }

            return new Target(resolved with { SubAttribute = null }, sub, filter, path.ValueFilter);
        }

        private Func<JsonObject, bool> CompileElementFilter(ResolvedAttribute resolved, FilterExpression filter)
        {
            try
            {
                var bound = _patcher._binder.Bind(new ValuePathFilter(new AttributePath(resolved.IsExtension ? resolved.Schema.Id : null, resolved.Attribute.Name, null), filter), _resourceType);
                return bound is BoundValuePath valuePath
                    ? JsonFilterCompiler.Compile(valuePath.Inner, _resourceType)
                    : static _ => false;
            }
            catch (ScimException ex)
            {
                throw Error(ScimErrorType.InvalidPath, ex.Detail);
            }
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
