using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Stores;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>The two ways a result is rendered — the typed fast path and the projected tree — give the same JSON.</summary>
public sealed class RenderingTests
{
    private static JsonNode Written(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return JsonNode.Parse(Encoding.UTF8.GetString(stream.ToArray()))!;
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("userName,emails", null)]
    [InlineData(null, "emails,groups")]
    [InlineData(null, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")]
    public async Task WriteTo_IsToJson_ForEveryProjection(string? attributes, string? excluded)
    {
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName":"render","password":"Secret-1","name":{"givenName":"R","familyName":"Ender"},
             "emails":[{"value":"r@example.com","type":"work","primary":true}],"active":true,
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7","manager":{"value":"m1"}}}
            """), cancellationToken: ct);
        await kit.CreateGroupAsync("Renderers", null, created.Id);

        var result = await kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, new ScimRequestOptions { Attributes = attributes, ExcludedAttributes = excluded }, ct);
        var tree = result.ToJson();
        var written = Written(result.WriteTo);

        Assert.True(JsonNode.DeepEquals(tree, written), $"tree: {tree.ToJsonString()}\nwritten: {written.ToJsonString()}");
        Assert.DoesNotContain("Secret-1", written.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(result.Location!.AbsoluteUri, (string?)written["meta"]?["location"] ?? result.Location.AbsoluteUri);
    }

    [Fact]
    public async Task ListWriteTo_IsListToJson()
    {
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var a = await kit.CreateUserAsync("a");
        await kit.CreateUserAsync("b");
        await kit.CreateGroupAsync("G", null, a);

        var list = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName" }, ct);

        Assert.True(JsonNode.DeepEquals(list.ToJson(), Written(list.WriteTo)));
        Assert.Equal("direct", (string?)list.ToJson()["Resources"]![0]!["groups"]![0]!["type"]);
    }

    [Fact]
    public async Task ListWriteTo_UsersSharingGroupEntries_AreWrittenAsEachAlone()
    {
        // A page's users share one groups entry per group; the writer encodes each shared entry once
        // and copies it, keeping the last few. Six groups (more than it keeps), met in an order that
        // comes back to old ones, with indirect entries and a display name that needs escaping.
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var users = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            users.Add(await kit.CreateUserAsync($"user{i:D2}"));
        }

        string[] names = ["Zero", "One \"quoted\" é", "Two", "Three", "Four", "Five"];
        var groups = new List<string>();
        for (var g = 0; g < names.Length; g++)
        {
            groups.Add(await kit.CreateGroupAsync(names[g], null, [.. users.Where((_, i) => (i + g) % 3 == 0 || i % names.Length == g)]));
        }

        await kit.CreateGroupAsync("Parent", null, groups[1], groups[4]);

        var list = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName" }, ct);
        var written = Written(list.WriteTo);

        Assert.True(JsonNode.DeepEquals(list.ToJson(), written), written.ToJsonString());
        var resources = written["Resources"]!.AsArray();
        Assert.Equal(users.Count, resources.Count);
        for (var i = 0; i < users.Count; i++)
        {
            var alone = Written((await kit.Service.GetAsync(ServiceKit.Context, "Users", users[i], cancellationToken: ct)).WriteTo);
            Assert.True(JsonNode.DeepEquals(alone, resources[i]), $"alone: {alone.ToJsonString()}\nin the list: {resources[i]!.ToJsonString()}");
            Assert.True(resources[i]!["groups"]!.AsArray().Count >= 2);
        }

        var entries = resources.SelectMany(r => r!["groups"]!.AsArray()).ToList();
        Assert.Contains(entries, e => (string?)e!["display"] == names[1] && (string?)e["type"] == "direct");
        Assert.Contains(entries, e => (string?)e!["display"] == "Parent" && (string?)e["type"] == "indirect");
    }

    [Fact]
    public async Task StoredUser_IsNotChangedByRendering()
    {
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var id = await kit.CreateUserAsync("stays");
        await kit.CreateGroupAsync("G", null, id);

        var result = await kit.Service.GetAsync(ServiceKit.Context, "Users", id, cancellationToken: ct);
        _ = result.ToJson();
        _ = Written(result.WriteTo);

        var stored = await kit.Users.GetAsync(ServiceKit.Context, id, ReadHints.All, ct);
        Assert.Null(stored!.Meta!.Location);
        Assert.Empty(stored.Groups);
    }

    [Fact]
    public async Task IndexedLookups_MatchWhatTheFilterMeans()
    {
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var a = await kit.CreateUserAsync("Alice.Smith", externalId: "X-1");
        var b = await kit.CreateUserAsync("bob", externalId: "x-1");

        async Task<IEnumerable<string>> Ids(string filter) =>
            (await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = filter }, ct)).Resources.Select(r => r.Id).Order(StringComparer.Ordinal);

        Assert.Equal([a], await Ids("userName eq \"alice.smith\""));
        Assert.Equal([a], await Ids("externalId eq \"X-1\""));           // externalId is caseExact
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), await Ids($"id eq \"{a}\" or id eq \"{b}\""));
        Assert.Empty(await Ids("userName eq \"alice\""));
        Assert.Equal([b], await Ids("userName eq \"BOB\" and externalId eq \"x-1\""));
        Assert.Empty(await Ids("userName eq \"BOB\" and externalId eq \"X-1\""));
    }
}
