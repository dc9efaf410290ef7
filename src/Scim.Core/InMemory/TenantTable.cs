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
    private readonly Dictionary<string, object> _byExternalId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _bySecondary;

    public TenantTable(Func<T, string?> secondaryKey, StringComparer secondaryComparer)
    {
        _secondaryKey = secondaryKey;
        _bySecondary = new Dictionary<string, object>(secondaryComparer);
    }

    public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.NoRecursion);

    public Dictionary<string, T> ById { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The rows in id order (ordinal): scans walk a plain list, an unfiltered page is a slice, and
    /// a cursor is a binary search. Ids the service makes increase (see ResourceIds), so inserts append.
    /// </summary>
    public List<T> Order { get; } = [];

    /// <summary>The position of the first row whose id is greater than <paramref name="id"/>.</summary>
    public int IndexAfter(string id)
    {
        var (found, index) = Find(id);
        return found ? index + 1 : index;
    }

    private (bool Found, int Index) Find(string id)
    {
        int low = 0, high = Order.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var comparison = string.CompareOrdinal(Order[middle].Id, id);
            if (comparison == 0)
            {
                return (true, middle);
            }

            if (comparison < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return (false, low);
    }

    /// <summary>The externalId index's entry for a value: <see langword="null"/>, one id, or an array of ids (see <see cref="Ids"/>).</summary>
    public object? ExternalIdEntry(string externalId) => _byExternalId.GetValueOrDefault(externalId);

    /// <summary>The secondary index's entry for a key (userName, displayName): as <see cref="ExternalIdEntry"/>.</summary>
    public object? SecondaryEntry(string key) => _bySecondary.GetValueOrDefault(key);

    public IReadOnlyList<string> IdsByExternalId(string externalId) => Ids(ExternalIdEntry(externalId));

    public IReadOnlyList<string> IdsBySecondary(string key) => Ids(SecondaryEntry(key));

    /// <summary>The ids of an index entry: the one id (the usual case, no array kept for it) or the array of ids.</summary>
    public static IReadOnlyList<string> Ids(object? entry) => entry switch
    {
        string id => [id],
        string[] ids => ids,
        _ => [],
    };

    /// <summary>Adds or replaces a row and its index entries (call under the write lock).</summary>
    public void Put(T row)
    {
        var id = row.Id!;
        if (ById.Remove(id, out var previous))
        {
            Unindex(previous);
        }

        ById[id] = row;
        var (found, index) = Find(id);
        if (found)
        {
            Order[index] = row;
        }
        else
        {
            Order.Insert(index, row);
        }

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

        var (found, index) = Find(id);
        if (found)
        {
            Order.RemoveAt(index);
        }

        Unindex(row);
        return true;
    }

    public void Dispose() => Lock.Dispose();

    private void Unindex(T row)
    {
        Unindex(_byExternalId, row.ExternalId, row.Id!);
        Unindex(_bySecondary, _secondaryKey(row), row.Id!);
    }

    private static void Index(Dictionary<string, object> index, string? key, string id)
    {
        if (key is null)
        {
            return;
        }

        index[key] = index.TryGetValue(key, out var entry) ? (string[])[.. Ids(entry), id] : id;
    }

    private static void Unindex(Dictionary<string, object> index, string? key, string id)
    {
        if (key is null || !index.TryGetValue(key, out var entry))
        {
            return;
        }

        var kept = Ids(entry).Where(existing => !string.Equals(existing, id, StringComparison.Ordinal)).ToArray();
        switch (kept.Length)
        {
            case 0:
                index.Remove(key);
                break;
            case 1:
                index[key] = kept[0];
                break;
            default:
                index[key] = kept;
                break;
        }
    }
}
