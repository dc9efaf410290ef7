using System.Text.Json.Nodes;
using Scim.Core.Caching;
using Scim.Core.Schema;

namespace Scim.Core.Filtering;

/// <summary>
/// Compiles filters into predicates over resources in their canonical JSON form (RFC 7644
/// §3.4.2.2 semantics, driven by the schema), and caches them by filter text. Thread-safe.
/// </summary>
/// <remarks>
/// The resources are <see cref="JsonObject"/>s as <see cref="Serialization.ScimSerializer"/> writes
/// them or <see cref="Serialization.ScimSerializer.ReadResource"/> returns them: canonical
/// attribute names, extension attributes under their schema URN. A store over a database uses
/// the LINQ translator instead, through the same binding rules.
/// </remarks>
internal sealed class ScimFilterEvaluator
{
    private readonly FilterBinder _binder;
    private readonly BoundedCache<CacheKey, Func<JsonObject, bool>> _cache;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="registry">The schemas filters are bound to.</param>
    /// <param name="options">Parsing and binding options; <see langword="null"/> for the defaults.</param>
    /// <param name="cacheSize">How many compiled filters to keep (per cache generation).</param>
    public ScimFilterEvaluator(SchemaRegistry registry, FilterOptions? options = null, int cacheSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cacheSize);
        Options = options ?? new FilterOptions();
        _binder = new FilterBinder(registry, Options);
        _cache = new BoundedCache<CacheKey, Func<JsonObject, bool>>(cacheSize);
    }

    /// <summary>The parsing and binding options.</summary>
    public FilterOptions Options { get; }

    /// <summary>Parses, binds and compiles a filter, or returns the compiled predicate cached for the same text and resource type.</summary>
    /// <param name="filter">The filter text.</param>
    /// <param name="resourceType">The resource type it filters.</param>
    /// <returns>A thread-safe predicate.</returns>
    /// <exception cref="Errors.ScimException">400 <c>invalidFilter</c>.</exception>
    public Func<JsonObject, bool> Compile(string filter, ScimResourceType resourceType)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(resourceType);
        return _cache.GetOrAdd(
            new CacheKey(resourceType, filter),
            static (key, evaluator) => evaluator.Compile(ScimFilterParser.Parse(key.Filter, evaluator.Options), key.ResourceType),
            this);
    }

    /// <summary>Binds and compiles a parsed filter (not cached).</summary>
    /// <param name="filter">The filter tree.</param>
    /// <param name="resourceType">The resource type it filters.</param>
    /// <returns>A thread-safe predicate.</returns>
    /// <exception cref="Errors.ScimException">400 <c>invalidFilter</c>.</exception>
    public Func<JsonObject, bool> Compile(FilterExpression filter, ScimResourceType resourceType)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(resourceType);
        return JsonFilterCompiler.Compile(_binder.Bind(filter, resourceType), resourceType);
    }

    private readonly record struct CacheKey(ScimResourceType ResourceType, string Filter);
}
