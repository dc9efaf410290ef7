using System.Text;
using BenchmarkDotNet.Attributes;
using Scim.Core.Bulk;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Benchmarks;

/// <summary>
/// 1,000-operation bulks: 999 user creates and one group whose members refer to all of them by
/// bulkId; and a reversed chain of 1,000 groups, each containing the next one by bulkId, which
/// runs back to front (the scheduling's worst case: one more operation freed per sweep).
/// </summary>
[MemoryDiagnoser]
public class BulkBenchmarks
{
    private byte[] _request = null!;
    private byte[] _chain = null!;
    private SchemaRegistry _registry = null!;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _registry = SchemaRegistry.CreateDefault();
        var users = Enumerable.Range(0, 999).Select(i => $$$"""{"method":"POST","path":"/Users","bulkId":"u{{{i}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"user{{{i}}}@example.com","name":{"givenName":"G{{{i}}}","familyName":"F{{{i}}}"},"emails":[{"value":"user{{{i}}}@example.com","type":"work","primary":true}],"active":true}}""");
        var members = string.Join(",", Enumerable.Range(0, 999).Select(i => $$"""{"value":"bulkId:u{{i}}"}"""));
        var group = $$$"""{"method":"POST","path":"/Groups","bulkId":"all","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Everyone","members":[{{{members}}}]}}""";
        _request = Encoding.UTF8.GetBytes($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{string.Join(",", [.. users, group])}}]}""");
        var chain = Enumerable.Range(0, 1000).Select(i => i == 999
            ? $$$"""{"method":"POST","path":"/Groups","bulkId":"g{{{i}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G{{{i}}}"}}"""
            : $$$"""{"method":"POST","path":"/Groups","bulkId":"g{{{i}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G{{{i}}}","members":[{"value":"bulkId:g{{{i + 1}}}"}]}}""");
        _chain = Encoding.UTF8.GetBytes($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{string.Join(",", chain)}}]}""");
    }

    [Benchmark(Description = "bulk: 999 user creates + 1 group of all of them (fresh tenant each time)")]
    public async Task<int> ThousandOperations()
    {
        // A new tenant per invocation: the same userNames can be created again.
        using var userStore = new InMemoryUserStore(_registry);
        using var groupStore = new InMemoryGroupStore(_registry);
        var service = ScimService.Create(_registry, userStore, groupStore);
        var response = await new ScimBulkProcessor(service).ProcessAsync(new ScimContext("bulk" + _round++), _request);
        return response.Body["Operations"]!.AsArray().Count;
    }

    [Benchmark(Description = "bulk: reversed chain of 1,000 groups, each containing the next (fresh tenant each time)")]
    public async Task<int> ReversedChainOfThousand()
    {
        using var userStore = new InMemoryUserStore(_registry);
        using var groupStore = new InMemoryGroupStore(_registry);
        var service = ScimService.Create(_registry, userStore, groupStore);
        var response = await new ScimBulkProcessor(service).ProcessAsync(new ScimContext("chain" + _round++), _chain);
        return response.Body["Operations"]!.AsArray().Count;
    }
}
