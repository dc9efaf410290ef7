using System.Text;
using BenchmarkDotNet.Attributes;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Benchmarks;

/// <summary>
/// The provisioning service over the in-memory stores with 100,000 Entra-shaped users: the lookup
/// IdPs make on every sync (userName eq), a filtered page that has to scan every user, and one
/// member added to (and removed from) a group of 10 and of 100,000 members through the delta path.
/// Ids increase in creation order, as the service makes them, so the rows lie in memory in id
/// order; the scan is measured a second time over a store whose ids were handed out at random.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int Users = 100_000;

    private static readonly ScimRequestOptions NoBody = new() { ReturnResource = false };

    private readonly ScimContext _context = new("bench", "bench-client");
    private ScimService _service = null!;
    private ScimService _scrambled = null!;
    private ScimListRequest _lookup = null!;
    private ScimListRequest _scan = null!;
    private string _smallGroup = null!;
    private string _largeGroup = null!;
    private byte[] _addMember = null!;
    private byte[] _removeMember = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = SchemaRegistry.CreateDefault();
        var users = new InMemoryUserStore(registry);
        var groups = new InMemoryGroupStore(registry);
        _service = ScimService.Create(registry, users, groups);
        var ids = Seed.Users(users, _context, Users);
        _smallGroup = Seed.Group(groups, _context, "small", ids.Take(10));
        _largeGroup = Seed.Group(groups, _context, "large", ids);
        _lookup = new ScimListRequest { Filter = "userName eq \"user50000@example.com\"" };
        _scan = new ScimListRequest { Filter = "emails[type eq \"work\" and value co \"example.com\"] and active eq true", Count = 100 };
        var scrambledUsers = new InMemoryUserStore(registry);
        var scrambledGroups = new InMemoryGroupStore(registry);
        var scrambledIds = Seed.Users(scrambledUsers, _context, Users, scrambled: true);
        Seed.Group(scrambledGroups, _context, "small", scrambledIds.Take(10));
        Seed.Group(scrambledGroups, _context, "large", scrambledIds);
        _scrambled = ScimService.Create(registry, scrambledUsers, scrambledGroups);
        var extra = Seed.Users(users, _context, 1, prefix: "extra")[0];
        _addMember = Encoding.UTF8.GetBytes($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{extra}}"}]}]}""");
        _removeMember = Encoding.UTF8.GetBytes($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"{{extra}}\"]"}]}""");
    }

    [Benchmark(Description = "userName eq lookup, 100k users (service)")]
    public async Task<int> LookupByUserName() => (await _service.ListAsync(_context, "Users", _lookup)).TotalResults;

    [Benchmark(Description = "filtered page of 100, full scan of 100k users")]
    public async Task<int> FilteredPageFullScan() => (await _service.ListAsync(_context, "Users", _scan)).ItemsPerPage;

    [Benchmark(Description = "the same page, rows in memory out of id order")]
    public async Task<int> FilteredPageFullScanScrambled() => (await _scrambled.ListAsync(_context, "Users", _scan)).ItemsPerPage;

    [Benchmark(Description = "add + remove one member, group of 10")]
    public async Task SmallGroupDelta()
    {
        await _service.PatchAsync(_context, "Groups", _smallGroup, _addMember, NoBody);
        await _service.PatchAsync(_context, "Groups", _smallGroup, _removeMember, NoBody);
    }

    [Benchmark(Description = "add + remove one member, group of 100,000")]
    public async Task LargeGroupDelta()
    {
        await _service.PatchAsync(_context, "Groups", _largeGroup, _addMember, NoBody);
        await _service.PatchAsync(_context, "Groups", _largeGroup, _removeMember, NoBody);
    }
}
