using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Schema;

namespace Scim.Core.Filtering;

/// <summary>
/// An attribute path that may select values of a multi-valued complex attribute with a filter
/// (RFC 7644 §3.5.2's <c>valuePath</c>): <c>emails</c>, <c>name.givenName</c>,
/// <c>emails[type eq "work"]</c>, <c>emails[type eq "work"].value</c>. PATCH paths and the
/// entries of <c>attributes</c> that carry a filter are resolved here, so both accept and refuse
/// the same paths.
/// </summary>
/// <param name="Attribute">The attribute, without a sub-attribute (<see cref="ResolvedAttribute.SubAttribute"/> is <see langword="null"/>).</param>
/// <param name="Sub">The sub-attribute the path ends at (after the attribute, or after the filter), or <see langword="null"/>.</param>
/// <param name="Filter">The filter compiled over one value of the attribute, or <see langword="null"/> without one.</param>
/// <param name="FilterText">The filter as parsed, or <see langword="null"/>.</param>
internal sealed record ValuePathTarget(ResolvedAttribute Attribute, SchemaAttribute? Sub, Func<JsonObject, bool>? Filter, FilterExpression? FilterText)
{
    /// <summary>Parses and resolves a path against a resource type, and compiles its filter.</summary>
    /// <param name="registry">The schemas.</param>
    /// <param name="binder">Binds the filter (its options decide what an unknown attribute inside the filter does).</param>
    /// <param name="resourceType">The resource type.</param>
    /// <param name="text">The path.</param>
    /// <param name="unknownName">
    /// When the path names an attribute, sub-attribute or schema the resource type does not have:
    /// that name, without the filter (which carries the client's values).
    /// </param>
    /// <param name="unknownDetail">With <paramref name="unknownName"/>: the error a caller that refuses unknown names answers with.</param>
    /// <returns>The target, or <see langword="null"/> when <paramref name="unknownName"/> is set.</returns>
    /// <exception cref="ScimException">
    /// 400 <c>invalidPath</c> (detail without an operation prefix): a malformed path or filter, an
    /// ambiguous name, a filter after a sub-attribute, or a filter on an attribute that has no
    /// values to select.
    /// </exception>
    public static ValuePathTarget? Resolve(SchemaRegistry registry, FilterBinder binder, ScimResourceType resourceType, string text, out string? unknownName, out string? unknownDetail)
    {
        unknownName = null;
        unknownDetail = null;
        var path = ScimFilterParser.ParsePatchPath(text, binder.Options);
        if (!registry.TryResolveAttribute(resourceType, path.Path.ToString(), out var resolved, out var error, out var unknown))
        {
            if (unknown)
            {
                unknownName = path.Path.ToString();
                unknownDetail = error;
                return null;
            }

            throw ScimException.BadRequest(ScimErrorType.InvalidPath, error);
        }

        if (path.ValueFilter is not null && resolved.SubAttribute is not null)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"'{text}' filters a sub-attribute; put the filter on '{resolved.Attribute.Name}'.");
        }

        var sub = resolved.SubAttribute;
        if (path.SubAttribute is not null)
        {
            sub = resolved.Attribute.FindSubAttribute(path.SubAttribute);
            if (sub is null)
            {
                unknownName = $"{resolved.Path}.{path.SubAttribute}";
                unknownDetail = $"Unknown sub-attribute '{path.SubAttribute}' of '{resolved.Attribute.Name}'.";
                return null;
            }
        }

        Func<JsonObject, bool>? filter = null;
        if (path.ValueFilter is not null)
        {
            if (resolved.Attribute.Type != AttributeType.Complex || !resolved.Attribute.MultiValued)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"'{resolved.Attribute.Name}' is not a multi-valued complex attribute, so it has no values for '[...]' to select.");
            }

            filter = CompileElementFilter(binder, resourceType, resolved, path.ValueFilter);
        }

        return new ValuePathTarget(resolved with { SubAttribute = null }, sub, filter, path.ValueFilter);
    }

    private static Func<JsonObject, bool> CompileElementFilter(FilterBinder binder, ScimResourceType resourceType, ResolvedAttribute resolved, FilterExpression filter)
    {
        try
        {
            var bound = binder.Bind(new ValuePathFilter(new AttributePath(resolved.IsExtension ? resolved.Schema.Id : null, resolved.Attribute.Name, null), filter), resourceType);
            return bound is BoundValuePath valuePath
                ? JsonFilterCompiler.Compile(valuePath.Inner, resourceType)
                : static _ => false;
        }
        catch (ScimException ex)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, ex.Detail);
        }
    }
}
