using System.Collections.Concurrent;
using System.Text.Json.Nodes;
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
public sealed class ScimFilterEvaluator
{
    private readonly FilterBinder _binder;
    private readonly ConcurrentDictionary<CacheKey, Func<JsonObject, bool>> _cache = new();
    private readonly int _cacheSize;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="registry">The schemas filters are bound to.</param>
    /// <param name="options">Parsing and binding options; <see langword="null"/> for the defaults.</param>
    /// <param name="cacheSize">How many compiled filters to keep; when full, the cache starts over.</param>
    public ScimFilterEvaluator(SchemaRegistry registry, FilterOptions? options = null, int cacheSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cacheSize);
        Options = options ?? new FilterOptions();
        _binder = new FilterBinder(registry, Options);
        _cacheSize = cacheSize;
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
        var key = new CacheKey(resourceType.Name, filter);
        if (_cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var compiled = Compile(ScimFilterParser.Parse(filter, Options), resourceType);
        if (_cache.Count >= _cacheSize)
        {
            _cache.Clear();
        }

        _cache[key] = compiled;
        return compiled;
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

    private readonly record struct CacheKey(string ResourceType, string Filter);
}
