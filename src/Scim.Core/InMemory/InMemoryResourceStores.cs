using System.Collections.Concurrent;
using Scim.Core.Schema;

namespace Scim.Core.InMemory;

/// <summary>
/// The in-memory stores of host-registered resource types that have no store of their own, one per
/// type, made when the service first asks for it (<c>AddInMemoryStores()</c> may come before the
/// types are registered).
/// </summary>
internal sealed class InMemoryResourceStores(SchemaRegistry registry, bool uniqueExternalId) : IDisposable
{
    private readonly ConcurrentDictionary<string, InMemoryResourceStore> _stores = new(StringComparer.OrdinalIgnoreCase);

    public InMemoryResourceStore For(ScimResourceType type) =>
        _stores.GetOrAdd(type.Name, static (name, state) => new InMemoryResourceStore(state.registry, name, state.uniqueExternalId), (registry, uniqueExternalId));

    public void Dispose()
    {
        foreach (var store in _stores.Values)
        {
            store.Dispose();
        }
    }
}
