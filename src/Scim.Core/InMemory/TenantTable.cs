using Scim.Core.Resources;

namespace Scim.Core.InMemory;

/// <summary>
/// One tenant's resources of one type: the rows by id, the ids in order (for stable paging and
/// keyset cursors) and the lookup indexes IdPs use on every sync. Guarded by a reader-writer lock;
/// rows are replaced, never changed in place, so a row handed out stays consistent.
/// </summary>
internal sealed class TenantTable<T> : IDisposable
    where T : ScimResource
{
    private readonly Func<T, string?> _secondaryKey;
    private readonly Dictionary<string, string[]> _byExternalId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _bySecondary;

    public TenantTable(Func<T, string?> secondaryKey, StringComparer secondaryComparer)
    {
        _secondaryKey = secondaryKey;
        _bySecondary = new Dictionary<string, string[]>(secondaryComparer);
    }

    public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.NoRecursion);

    public Dictionary<string, T> ById { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Order { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> IdsByExternalId(string externalId) => _byExternalId.GetValueOrDefault(externalId) ?? [];

    public IReadOnlyList<string> IdsBySecondary(string key) => _bySecondary.GetValueOrDefault(key) ?? [];

    /// <summary>Adds or replaces a row and its index entries (call under the write lock).</summary>
    public void Put(T row)
    {
        var id = row.Id!;
        if (ById.Remove(id, out var previous))
        {
            Unindex(previous);
        }
        else
        {
            Order.Add(id);
        }

        ById[id] = row;
        Index(_byExternalId, row.ExternalId, id);
        Index(_bySecondary, _secondaryKey(row), id);
    }

    /// <summary>Removes a row (call under the write lock).</summary>
    public bool Remove(string id, out T? row)
    {
        if (!ById.Remove(id, out row))
        {
            return false;
        }

        Order.Remove(id);
        Unindex(row);
        return true;
    }

    public void Dispose() => Lock.Dispose();

    private void Unindex(T row)
    {
        Unindex(_byExternalId, row.ExternalId, row.Id!);
        Unindex(_bySecondary, _secondaryKey(row), row.Id!);
    }

    private static void Index(Dictionary<string, string[]> index, string? key, string id)
    {
        if (key is null)
        {
            return;
        }

        index[key] = index.TryGetValue(key, out var ids) ? [.. ids, id] : [id];
    }

    private static void Unindex(Dictionary<string, string[]> index, string? key, string id)
    {
        if (key is null || !index.TryGetValue(key, out var ids))
        {
            return;
        }

        var kept = Array.FindAll(ids, existing => !string.Equals(existing, id, StringComparison.Ordinal));
        if (kept.Length == 0)
        {
            index.Remove(key);
        }
        else
        {
            index[key] = kept;
        }
    }
}
