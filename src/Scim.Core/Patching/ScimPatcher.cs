using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
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
internal sealed partial class ScimPatcher
{
    private readonly SchemaRegistry _registry;
    private readonly ResourceReader _reader;
    private readonly FilterBinder _binder;
    private readonly FilterOptions _filterOptions;

    /// <summary>Creates a patcher.</summary>
    /// <param name="registry">The schemas (frozen from now on).</param>
    /// <param name="options">Dialects and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="filterOptions">How value filters in paths are parsed; <see langword="null"/> for the defaults.</param>
    /// <param name="readingOptions">How values are read: the same rules as POST and PUT bodies (unknown attributes, ignored schema prefixes); <see langword="null"/> for the defaults.</param>
    public ScimPatcher(SchemaRegistry registry, PatchOptions? options = null, FilterOptions? filterOptions = null, ScimSerializerOptions? readingOptions = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Freeze();
        _registry = registry;
        Options = options ?? new PatchOptions();
        _filterOptions = filterOptions ?? new FilterOptions();
        _binder = new FilterBinder(registry, _filterOptions);
        ReadingOptions = readingOptions ?? new ScimSerializerOptions();
        _reader = new ResourceReader(registry, ReadingOptions, DialectLeniency());
    }

    /// <summary>The dialects and limits.</summary>
    public PatchOptions Options { get; }

    /// <summary>How values are read (shared with POST and PUT).</summary>
    public ScimSerializerOptions ReadingOptions { get; }

    /// <summary>
    /// Whether a group's <c>members</c> come out as a delta (always, in the service: members never
    /// enter a group's tree). Off only in tests that check RFC 7644's member semantics on the JSON itself.
    /// </summary>
    internal bool MembersAsDeltas { get; init; } = true;

    /// <summary>
    /// Applies a request to a resource in place. Either every operation applies or none does: when
    /// one fails, the resource is restored and the <see cref="ScimException"/> is rethrown.
    /// </summary>
    /// <param name="resource">The resource in canonical JSON (e.g. <see cref="ScimSerializer.ToJsonObject"/>).</param>
    /// <param name="resourceType">Its resource type.</param>
    /// <param name="request">The request.</param>
    /// <returns>What changed, and the unknown attributes dropped (when the reading options ignore them).</returns>
    /// <exception cref="ScimException">400 with <c>invalidPath</c>, <c>noTarget</c>, <c>mutability</c>, <c>invalidValue</c> or <c>invalidFilter</c>, naming the operation.</exception>
    public PatchResult Apply(JsonObject resource, ScimResourceType resourceType, PatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(request);
        if (_registry.FindSchema(resourceType.Schema) is null)
        {
            throw new InvalidOperationException($"Resource type '{resourceType.Name}' names schema '{resourceType.Schema}', which is not registered.");
        }

        var run = Run.Start(this, resource, resourceType);
        DialectUse.Begin();
        IgnoredAttributes.Begin();
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

            var result = run.Finish();
            result.Dialects = request.Dialects | DialectUse.End();
            result.IgnoredAttributes = IgnoredAttributes.End();
            return result;
        }
        finally
        {
            run.End();
            IgnoredAttributes.End();
        }
    }
}
