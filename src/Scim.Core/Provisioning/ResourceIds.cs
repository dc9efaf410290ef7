using System.Buffers.Binary;

namespace Scim.Core.Provisioning;

/// <summary>
/// The ids the service gives new resources: UUID version 7 (RFC 9562 §5.7), strictly increasing
/// within the process. Plain version 7 ids made in the same millisecond (or under a clock that
/// stands still, as in tests) are ordered by their random bits; here such an id is instead the
/// previous one plus one in its 74 random bits (RFC 9562 §6.2, monotonic random), so listing in
/// id order is listing in order of creation, and the in-memory store's id-ordered rows only append.
/// </summary>
internal sealed class ResourceIds
{
    private const int CounterBits = 74; // rand_a (12 bits) and rand_b (62 bits)

    private readonly Lock _gate = new();
    private UInt128 _last;

    /// <summary>The process's generator, which the service uses.</summary>
    public static ResourceIds Shared { get; } = new();

    /// <summary>A new id for a resource created at <paramref name="now"/>, greater than every id this generator made before.</summary>
    public string Next(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(now).TryWriteBytes(bytes, bigEndian: true, out _);
        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        lock (_gate)
        {
            if (value <= _last)
            {
                value = Successor(_last);
            }

            _last = value;
        }

        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>
    /// The next version 7 value after <paramref name="value"/>: its 74 random bits plus one, or,
    /// when they are all ones, the next millisecond with those bits zero. Version and variant
    /// bits stay as they are.
    /// </summary>
    internal static UInt128 Successor(UInt128 value)
    {
        var milliseconds = value >> 80;
        var randA = (value >> 64) & 0xFFF;
        var randB = value & ((UInt128.One << 62) - 1);
        var counter = (randA << 62) | randB;
        counter++;
        if (counter >> CounterBits != 0)
        {
            milliseconds++;
            counter = 0;
        }

        return (milliseconds << 80)
            | ((UInt128)0x7 << 76)
            | ((counter >> 62) << 64)
            | ((UInt128)0b10 << 62)
            | (counter & ((UInt128.One << 62) - 1));
    }
}
