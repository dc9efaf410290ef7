namespace Scim.Core.Provisioning;

/// <summary>
/// One gate per resource being written after a lost race, in this process. A write goes straight
/// ahead the first time; when it loses a race (the stored version changed under it), its retries
/// pass through the resource's gate, so the writers of one resource in this process take turns
/// instead of colliding again and again. Races with other processes are still settled by the
/// store's version check. A gate exists only while someone holds or awaits it.
/// </summary>
internal sealed class WriteGates
{
    private readonly Dictionary<(string Tenant, string Type, string Id), Gate> _gates = [];
    private readonly Lock _lock = new();

    /// <summary>Waits for the resource's gate; dispose the result to pass it on.</summary>
    public async ValueTask<Turn> EnterAsync(string tenant, string type, string id, CancellationToken cancellationToken)
    {
        var key = (tenant, type, id);
        Gate gate;
        lock (_lock)
        {
            if (!_gates.TryGetValue(key, out gate!))
            {
                _gates[key] = gate = new Gate();
            }

            gate.Users++;
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, gate, entered: false);
            throw;
        }

        return new Turn(this, key, gate);
    }

    /// <summary>How many resources have a gate now (for tests).</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _gates.Count;
            }
        }
    }

    private void Leave((string, string, string) key, Gate gate, bool entered)
    {
        if (entered)
        {
            gate.Semaphore.Release();
        }

        lock (_lock)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(key);
                gate.Semaphore.Dispose();
            }
        }
    }

    internal sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    /// <summary>A turn at a gate, ended by disposing it.</summary>
    internal readonly struct Turn(WriteGates gates, (string, string, string) key, Gate gate) : IDisposable
    {
        public void Dispose() => gates.Leave(key, gate, entered: true);
    }
}
