using System.Collections.Concurrent;

namespace Scim.Core.Caching;

/// <summary>
/// The one cache of the library: what is worked out once per distinct input (a compiled filter, a
/// bound attribute path, a projection, a PATCH target) is kept here, thread-safe, within a bound.
/// Inputs come from clients, so their variety has no limit; the bound keeps memory flat whatever
/// they send. Eviction is by generation: entries go into the current generation; when it is full
/// it becomes the previous one (the one before is dropped), and an entry found in the previous
/// generation moves back into the current one. What is used keeps its place, what is not goes
/// after two turnovers, and about twice the capacity is held (threads adding at the moment of a
/// turnover may each slip one entry past it). Values must be immutable (or safe to share), since
/// two threads that miss at once may both compute one and either may win.
/// </summary>
/// <typeparam name="TKey">The key: structural equality of the input that determines the value.</typeparam>
/// <typeparam name="TValue">The value.</typeparam>
internal sealed class BoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _capacity;
    private readonly IEqualityComparer<TKey>? _comparer;
    private volatile ConcurrentDictionary<TKey, TValue> _current;
    private volatile ConcurrentDictionary<TKey, TValue> _previous;
    private readonly Lock _turnover = new();

    /// <summary>Creates an empty cache.</summary>
    /// <param name="capacity">The entries of one generation.</param>
    /// <param name="comparer">The key comparer, or <see langword="null"/> for the default.</param>
    public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _comparer = comparer;
        _current = new ConcurrentDictionary<TKey, TValue>(comparer);
        _previous = new ConcurrentDictionary<TKey, TValue>(comparer);
    }

    /// <summary>The number of entries held (both generations).</summary>
    public int Count => _current.Count + _previous.Count;

    /// <summary>Finds a value without computing it.</summary>
    public bool TryGetValue(TKey key, out TValue value)
    {
        if (_current.TryGetValue(key, out value!))
        {
            return true;
        }

        if (_previous.TryGetValue(key, out value!))
        {
            Add(key, value);
            return true;
        }

        return false;
    }

    /// <summary>The value of a key, computed by <paramref name="create"/> on a miss.</summary>
    public TValue GetOrAdd<TState>(TKey key, Func<TKey, TState, TValue> create, TState state)
    {
        if (TryGetValue(key, out var value))
        {
            return value;
        }

        value = create(key, state);
        Add(key, value);
        return value;
    }

    /// <summary>Keeps a value (replacing one already kept for the key).</summary>
    public void Add(TKey key, TValue value)
    {
        var current = _current;
        if (current.Count >= _capacity)
        {
            lock (_turnover)
            {
                if (ReferenceEquals(current, _current))
                {
                    _previous = current;
                    _current = new ConcurrentDictionary<TKey, TValue>(_comparer);
                }
            }

            current = _current;
        }

        current[key] = value;
    }
}
