using System.Buffers;

namespace Scim.AspNetCore;

/// <summary>A growable buffer on <see cref="ArrayPool{T}.Shared"/> (a page of 1,000 users is about a megabyte).</summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>What a body starts with unless the caller expects more.</summary>
    public const int DefaultSize = 16 * 1024;

    // Starting at the expected size saves a page of users the copies of growing from 16 KB.
    private byte[] _array;

    public PooledBuffer(int sizeHint = DefaultSize) =>
        _array = ArrayPool<byte>.Shared.Rent(Math.Clamp(sizeHint, DefaultSize, 4 * 1024 * 1024));

    public int WrittenCount { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, WrittenCount);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _array.Length - WrittenCount);
        WrittenCount += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsSpan(WrittenCount);
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_array.Length - WrittenCount >= needed)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, WrittenCount + needed));
        _array.AsSpan(0, WrittenCount).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_array);
        _array = grown;
    }
}
