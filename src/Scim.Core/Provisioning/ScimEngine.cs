using System.Collections.Concurrent;
using Scim.Core.Filtering;
using Scim.Core.Projection;
using Scim.Core.Schema;
using Scim.Core.Patching;
using Scim.Core.Serialization;

namespace Scim.Core.Provisioning;

/// <summary>The stateless, cache-holding parts of the service, shared by every request (a singleton in DI).</summary>
internal sealed class ScimEngine
{
    public ScimEngine(ScimSerializer serializer, ScimServiceOptions options)
    {
        options.Validate();
        Serializer = serializer;
        Options = options;
        Patcher = new ScimPatcher(serializer.Registry, options.Patch, options.Filter);
        Replacer = new ScimReplacer(serializer.Registry);
        Binder = new FilterBinder(serializer.Registry, options.Filter);
    }

    public ScimSerializer Serializer { get; }

    public ScimServiceOptions Options { get; }

    public ScimPatcher Patcher { get; }

    public ScimReplacer Replacer { get; }

    public FilterBinder Binder { get; }

    private const int CacheLimit = 4096;
    private readonly ConcurrentDictionary<(ScimResourceType Type, string? Attributes, string? Excluded), ScimProjection> _projections = new();

    /// <summary>
    /// A list filter parsed and checked against the resource type. Not cached: IdP lookups carry a
    /// different value each time, and parsing one costs less than a cache that keeps turning over.
    /// </summary>
    public FilterExpression Filter(ScimResourceType type, string text)
    {
        var filter = ScimFilterParser.Parse(text, Options.Filter);
        Binder.Bind(filter, type); // unknown attributes and type mismatches fail here, before any store sees the filter
        return filter;
    }

    /// <summary>The projection of a request, cached by its parameters (a projection is immutable).</summary>
    public ScimProjection Projection(ScimResourceType type, string? attributes, string? excluded)
    {
        var key = (type, attributes, excluded);
        if (_projections.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var projection = ScimProjection.Create(Serializer.Registry, type, attributes, excluded);
        Remember(_projections, key, projection);
        return projection;
    }

    private static void Remember<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, TValue value)
        where TKey : notnull
    {
        if (cache.Count >= CacheLimit)
        {
            cache.Clear();
        }

        cache[key] = value;
    }
}
