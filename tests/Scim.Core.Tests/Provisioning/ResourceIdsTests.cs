using System.Buffers.Binary;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>The ids the service gives new resources: version 7 UUIDs, strictly increasing in the process.</summary>
public sealed class ResourceIdsTests
{
    private static void AssertVersion7(string id)
    {
        var guid = Guid.Parse(id);
        Assert.Equal(7, guid.Version);
        Assert.Equal(0b10, guid.Variant >> 2);
    }

    [Fact]
    public void Next_ManyInOneMillisecond_AreStrictlyIncreasingVersion7Ids()
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

        var generator = new ResourceIds();

        var ids = Enumerable.Range(0, 10_000).Select(_ => generator.Next(now)).ToList();

        Assert.All(ids, AssertVersion7);
        Assert.All(ids.Zip(ids.Skip(1)), pair => Assert.True(string.CompareOrdinal(pair.First, pair.Second) < 0, $"{pair.First} !< {pair.Second}"));
    }

    [Fact]
    public void Next_ClockGoingBack_StillIncreases()
    {
        var generator = new ResourceIds();
        var later = generator.Next(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));

        var earlier = generator.Next(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.True(string.CompareOrdinal(later, earlier) < 0);
        AssertVersion7(earlier);
    }

    [Fact]
    public async Task Next_FromManyThreads_AllDistinct()
    {
        var now = DateTimeOffset.UtcNow;
        var generator = new ResourceIds();

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 5_000).Select(_ => generator.Next(now)).ToList())));

        Assert.Equal(40_000, batches.SelectMany(b => b).Distinct(StringComparer.Ordinal).Count());
        Assert.All(batches, batch => Assert.Equal(batch.Order(StringComparer.Ordinal), batch));
    }

    [Fact]
    public void Successor_RandomBitsFull_CarriesIntoTheNextMillisecond()
    {
        var full = Value("0190a1b2-c3d4-7fff-bfff-ffffffffffff");

        var next = ResourceIds.Successor(full);

        Assert.Equal("0190a1b2-c3d5-7000-8000-000000000000", Text(next));
        Assert.Equal("0190a1b2-c3d4-7000-8000-000000000001", Text(ResourceIds.Successor(Value("0190a1b2-c3d4-7000-8000-000000000000"))));
        Assert.Equal("0190a1b2-c3d4-7001-8000-000000000000", Text(ResourceIds.Successor(Value("0190a1b2-c3d4-7000-bfff-ffffffffffff"))));
    }

    private static UInt128 Value(string id)
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.Parse(id).TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static string Text(UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
