using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Benchmarks;

/// <summary>
/// What the HTTP adapter does for the load test's read scenarios, in process: 10,000 users, one
/// group of 5,000 of them, 99 small groups. A page of 100 users (listed, with their derived
/// groups, then written) and one user by id.
/// </summary>
[MemoryDiagnoser]
public class ResponseBenchmarks
{
    private readonly ScimContext _context = new("bench", "bench-client") { BaseUrl = "http://localhost:5000/scim/v2/" };
    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private readonly ScimListRequest _page = new() { StartIndex = 4_001, Count = 100 };
    private ScimService _service = null!;
    private Utf8JsonWriter _writer = null!;
    private ScimListResult _listed = null!;
    private string _userId = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = SchemaRegistry.CreateDefault();
        var users = new InMemoryUserStore(registry);
        var groups = new InMemoryGroupStore(registry);
        _service = ScimService.Create(registry, users, groups);
        var ids = Seed.Users(users, _context, 10_000);
        Seed.Group(groups, _context, "large", ids.Take(5_000));
        for (var i = 0; i < 99; i++)
        {
            Seed.Group(groups, _context, $"group{i}", ids.Skip(i * 50).Take(20));
        }

        _writer = new Utf8JsonWriter(_buffer, ScimSerializer.WriterOptions);
        _listed = _service.ListAsync(_context, "Users", _page).GetAwaiter().GetResult();
        _userId = ids[4_321];
    }

    [Benchmark(Description = "page of 100 users: list (store, derived groups, results)")]
    public async Task<int> ListPage() => (await _service.ListAsync(_context, "Users", _page)).ItemsPerPage;

    [Benchmark(Description = "page of 100 users: write the ListResponse")]
    public long WritePage()
    {
        Reset();
        _listed.WriteTo(_writer);
        _writer.Flush();
        return _writer.BytesCommitted;
    }

    [Benchmark(Description = "page of 100 users: list and write")]
    public async Task<long> ListAndWritePage()
    {
        var page = await _service.ListAsync(_context, "Users", _page);
        Reset();
        page.WriteTo(_writer);
        _writer.Flush();
        return _writer.BytesCommitted;
    }

    [Benchmark(Description = "one user by id: get and write")]
    public async Task<long> GetAndWriteUser()
    {
        var user = await _service.GetAsync(_context, "Users", _userId);
        Reset();
        user.WriteTo(_writer);
        _writer.Flush();
        return _writer.BytesCommitted;
    }

    private void Reset()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
    }
}
