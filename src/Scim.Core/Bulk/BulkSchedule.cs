namespace Scim.Core.Bulk;

/// <summary>
/// The order a BulkRequest's operations run in: request order, in sweeps. An operation whose
/// <c>bulkId</c> references are all resolved runs when the sweep reaches it; one that waits runs
/// in the sweep after the last operation it waits for (the same sweep when that one comes before
/// it in the request). An operation that refers to a bulkId nobody declares, or whose declarer
/// failed, is handed out at once, to fail. When nothing can run and operations are left, they wait
/// on each other: the first POST among them is handed out to break the cycle (RFC 7644 §3.7.1).
/// Each operation is handed out once, and each reference is looked at once, so a request of any
/// shape costs O(n log n) in its operations plus its references.
/// </summary>
internal sealed class BulkSchedule
{
    private readonly List<BulkOperation> _operations;
    private readonly int[] _waiting;
    private readonly bool[] _queued;
    private readonly bool[] _done;
    private readonly Dictionary<string, List<int>> _dependents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _settled = new(StringComparer.Ordinal);
    private readonly PriorityQueue<int, (int Sweep, int Index)> _ready = new();
    private readonly List<int> _breakers;
    private int _nextBreaker;
    private int _sweep;
    private int _cursor = -1;
    private int _left;

    public BulkSchedule(List<BulkOperation> operations)
    {
        _operations = operations;
        _waiting = new int[operations.Count];
        _queued = new bool[operations.Count];
        _done = new bool[operations.Count];
        _left = operations.Count;
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            if (operation.BulkId is not null)
            {
                declared.Add(operation.BulkId);
            }
        }

        foreach (var operation in operations)
        {
            var doomed = false;
            foreach (var reference in operation.References)
            {
                if (!declared.Contains(reference))
                {
                    doomed = true;
                    continue;
                }

                _waiting[operation.Index]++;
                if (!_dependents.TryGetValue(reference, out var list))
                {
                    _dependents[reference] = list = [];
                }

                list.Add(operation.Index);
            }

            if (doomed || _waiting[operation.Index] == 0 || operation.Error is not null)
            {
                Enqueue(operation.Index);
            }
        }

        _breakers = [.. operations.Where(o => o.Method == "POST" && o.Data is not null && o.Error is null).Select(o => o.Index)];
    }

    /// <summary>The next operation to run; <paramref name="breaksCycle"/> when it is run without its unresolved references. False when none is left that can run.</summary>
    public bool Next(out int index, out bool breaksCycle)
    {
        breaksCycle = false;
        if (_ready.TryDequeue(out index, out var at))
        {
            _sweep = at.Sweep;
            _cursor = at.Index;
            return true;
        }

        while (_nextBreaker < _breakers.Count && _done[_breakers[_nextBreaker]])
        {
            _nextBreaker++;
        }

        if (_left == 0 || _nextBreaker == _breakers.Count)
        {
            return false;
        }

        // A new sweep starts with the breaker: whatever it frees runs in that sweep, in request order.
        index = _breakers[_nextBreaker];
        breaksCycle = true;
        _queued[index] = true;
        _sweep++;
        _cursor = -1;
        return true;
    }

    /// <summary>An operation has run; <paramref name="declaredResolved"/> when it created the resource its bulkId names.</summary>
    public void Completed(int index, bool declaredResolved)
    {
        _done[index] = true;
        _left--;
        var bulkId = _operations[index].BulkId;

        // The first declarer to finish settles a bulkId (a second declarer is an error of the request).
        if (bulkId is null || !_dependents.TryGetValue(bulkId, out var dependents) || !_settled.Add(bulkId))
        {
            return;
        }

        foreach (var dependent in dependents)
        {
            // Resolved: one reference fewer to wait for. Failed: it can never run, so it fails now.
            if (!declaredResolved || --_waiting[dependent] == 0)
            {
                Enqueue(dependent);
            }
        }
    }

    /// <summary>The operations never handed out (their references form a cycle no POST can break).</summary>
    public IEnumerable<int> Unrunnable() => Enumerable.Range(0, _operations.Count).Where(i => !_queued[i]);

    private void Enqueue(int index)
    {
        if (_queued[index])
        {
            return;
        }

        _queued[index] = true;
        _ready.Enqueue(index, (index > _cursor ? _sweep : _sweep + 1, index));
    }
}
