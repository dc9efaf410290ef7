using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Provisioning;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// <see cref="ScimRequestOptions.ReturnResource"/> and <see cref="ScimResourceResult.BodyOmitted"/>
/// after a patch or replace: <see langword="null"/> returns the resource unless it would carry a
/// group's members (never read by the write, and not read for the response either);
/// <see langword="true"/> always returns it, <see langword="false"/> never.
/// </summary>
public sealed class ServiceReturnResourceTests
{
    private const string Rename = """{"op":"replace","path":"displayName","value":"Renamed"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScimContext Context => ServiceKit.Context;

    private static JsonObject Written(ScimResourceResult result)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            result.WriteTo(writer);
        }

        return JsonNode.Parse(Encoding.UTF8.GetString(stream.ToArray()))!.AsObject();
    }

    /// <summary>A kit with users alice and bob and a group "Team" whose only member is alice; the spy is reset.</summary>
    private static async Task<(DeclaredKit Kit, string Team, string Alice, string Bob)> TeamAsync()
    {
        var kit = new DeclaredKit(_ => { });
        var alice = (await kit.Service.CreateAsync(Context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct)).Id;
        var bob = (await kit.Service.CreateAsync(Context, "Users", ServiceKit.UserBody("bob"), cancellationToken: Ct)).Id;
        var team = (await kit.Service.CreateAsync(Context, "Groups", ServiceKit.GroupBody("Team", alice), cancellationToken: Ct)).Id;
        kit.Groups.Reset();
        return (kit, team, alice, bob);
    }

    private static string AddMember(string id) => $$"""{"op":"add","path":"members","value":[{"value":"{{id}}"}]}""";

    private static Task<ScimResourceResult> PatchAsync(DeclaredKit kit, string type, string id, string operation, ScimRequestOptions? options) =>
        kit.Service.PatchAsync(Context, type, id, ServiceKit.Patch(operation), options, Ct);

    private static async Task<string> CurrentVersionAsync(DeclaredKit kit, string type, string id) =>
        (await kit.Service.GetAsync(Context, type, id, cancellationToken: Ct)).Version;

    [Fact]
    public void ReturnResource_DefaultsToTrue()
    {
        Assert.True(new ScimRequestOptions().ReturnResource);
    }

    // ---------------------------------------------------------------- null: only when cheap

    [Theory]
    [InlineData("member")]
    [InlineData("rename")]
    public async Task PatchGroup_ReturnWhenCheap_WouldCarryMembers_OmitsTheBodyAndReadsNoMembers(string change)
    {
        var (kit, team, _, bob) = await TeamAsync();
        using var _ = kit;

        var patched = await PatchAsync(kit, "Groups", team, change == "member" ? AddMember(bob) : Rename, new ScimRequestOptions { ReturnResource = null });

        Assert.True(patched.BodyOmitted);
        Assert.True(patched.Changed);
        Assert.Equal(0, kit.Groups.MemberReads);
        Assert.StartsWith("W/\"", patched.Version, StringComparison.Ordinal);
        Assert.Equal(await CurrentVersionAsync(kit, "Groups", team), patched.Version);
        Assert.Equal(team, patched.Id);
    }

    [Fact]
    public async Task PatchGroup_ReturnWhenCheap_AttributesNamingMembers_OmitsTheBody()
    {
        var (kit, team, _, bob) = await TeamAsync();
        using var _ = kit;

        var patched = await PatchAsync(kit, "Groups", team, AddMember(bob), new ScimRequestOptions { ReturnResource = null, Attributes = "displayName,members" });

        Assert.True(patched.BodyOmitted);
        Assert.Equal(0, kit.Groups.MemberReads);
    }

    [Theory]
    [InlineData(null, "members")]
    [InlineData("displayName", null)]
    [InlineData("externalId,displayName", "members")]
    public async Task PatchGroup_ReturnWhenCheap_ProjectionWithoutMembers_ReturnsTheBody(string? attributes, string? excluded)
    {
        var (kit, team, alice, bob) = await TeamAsync();
        using var _ = kit;

        var patched = await PatchAsync(kit, "Groups", team, AddMember(bob), new ScimRequestOptions { ReturnResource = null, Attributes = attributes, ExcludedAttributes = excluded });

        Assert.False(patched.BodyOmitted);
        Assert.Equal(0, kit.Groups.MemberReads);
        var body = Written(patched);
        Assert.Equal("Team", (string?)body["displayName"]);
        Assert.Null(body["members"]);
        Assert.Equal(patched.Version, (string?)body["meta"]?["version"] ?? patched.Version);
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), (await kit.Groups.GetAsync(Context, team, ReadHints.All, Ct))!.Members.Select(m => m.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PatchUser_ReturnWhenCheap_ReturnsTheBody()
    {
        var (kit, _, alice, _) = await TeamAsync();
        using var _ = kit;

        var patched = await PatchAsync(kit, "Users", alice, """{"op":"replace","path":"active","value":false}""", new ScimRequestOptions { ReturnResource = null });

        Assert.False(patched.BodyOmitted);
        var body = Written(patched);
        Assert.False((bool)body["active"]!);
        Assert.Equal("Team", (string?)body["groups"]![0]!["display"]);
    }

    [Fact]
    public async Task PatchGroup_ReturnWhenCheap_NothingChanged_OmitsTheBodyWithTheSameVersion()
    {
        var (kit, team, alice, _) = await TeamAsync();
        using var _ = kit;
        var before = await CurrentVersionAsync(kit, "Groups", team);
        kit.Groups.Reset();

        var patched = await PatchAsync(kit, "Groups", team, AddMember(alice), new ScimRequestOptions { ReturnResource = null });

        Assert.False(patched.Changed);
        Assert.True(patched.BodyOmitted);
        Assert.Equal(before, patched.Version);
        Assert.Equal(0, kit.Groups.MemberReads);
    }

    [Fact]
    public async Task ReplaceGroup_ReturnWhenCheap_OmitsTheBodyAndReadsNoMembers()
    {
        var (kit, team, alice, bob) = await TeamAsync();
        using var _ = kit;

        var replaced = await kit.Service.ReplaceAsync(Context, "Groups", team, ServiceKit.GroupBody("Team", alice, bob), new ScimRequestOptions { ReturnResource = null }, Ct);

        Assert.True(replaced.BodyOmitted);
        Assert.Equal(0, kit.Groups.MemberReads);
        Assert.Equal(await CurrentVersionAsync(kit, "Groups", team), replaced.Version);
    }

    [Fact]
    public async Task ReplaceUser_ReturnWhenCheap_ReturnsTheBody()
    {
        var (kit, _, alice, _) = await TeamAsync();
        using var _ = kit;

        var replaced = await kit.Service.ReplaceAsync(Context, "Users", alice, ServiceKit.UserBody("alice", active: false), new ScimRequestOptions { ReturnResource = null }, Ct);

        Assert.False(replaced.BodyOmitted);
        Assert.False((bool)Written(replaced)["active"]!);
    }

    // ---------------------------------------------------------------- true: always

    [Fact]
    public async Task PatchGroup_ReturnAlways_ReturnsTheBodyWithTheMembers()
    {
        var (kit, team, alice, bob) = await TeamAsync();
        using var _ = kit;

        var patched = await PatchAsync(kit, "Groups", team, AddMember(bob), new ScimRequestOptions { ReturnResource = true });

        Assert.False(patched.BodyOmitted);
        Assert.True(kit.Groups.MemberReads > 0);
        var members = Written(patched)["members"]!.AsArray().Select(m => (string?)m!["value"]).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), members);
    }

    [Fact]
    public async Task PatchGroup_NoOptions_ReturnsTheBodyWithTheMembers()
    {
        var (kit, team, _, bob) = await TeamAsync();
        using var _ = kit;

        var patched = await kit.Service.PatchAsync(Context, "Groups", team, ServiceKit.Patch(AddMember(bob)), null, Ct);

        Assert.False(patched.BodyOmitted);
        Assert.Equal(2, Written(patched)["members"]!.AsArray().Count);
    }

    [Fact]
    public async Task ReplaceGroup_ReturnAlways_ReturnsTheBodyWithTheMembers()
    {
        var (kit, team, _, bob) = await TeamAsync();
        using var _ = kit;

        var replaced = await kit.Service.ReplaceAsync(Context, "Groups", team, ServiceKit.GroupBody("Renamed", bob), new ScimRequestOptions { ReturnResource = true }, Ct);

        Assert.False(replaced.BodyOmitted);
        var body = Written(replaced);
        Assert.Equal("Renamed", (string?)body["displayName"]);
        Assert.Equal([bob], body["members"]!.AsArray().Select(m => (string?)m!["value"]));
    }

    // ---------------------------------------------------------------- false: never

    [Fact]
    public async Task PatchGroup_ReturnNever_OmitsTheBodyAndReadsNoMembers()
    {
        var (kit, team, _, bob) = await TeamAsync();
        using var _ = kit;

        var patched = await PatchAsync(kit, "Groups", team, AddMember(bob), new ScimRequestOptions { ReturnResource = false });

        Assert.True(patched.BodyOmitted);
        Assert.Equal(0, kit.Groups.MemberReads);
        Assert.Equal(await CurrentVersionAsync(kit, "Groups", team), patched.Version);
    }

    [Fact]
    public async Task PatchGroup_ReturnNever_ProjectionWithoutMembers_StillOmitsTheBody()
    {
        var (kit, team, _, _) = await TeamAsync();
        using var _ = kit;

        var patched = await PatchAsync(kit, "Groups", team, Rename, new ScimRequestOptions { ReturnResource = false, ExcludedAttributes = "members" });

        Assert.True(patched.BodyOmitted);
        Assert.Equal(await CurrentVersionAsync(kit, "Groups", team), patched.Version);
    }

    [Fact]
    public async Task PatchUser_ReturnNever_OmitsTheBody()
    {
        var (kit, _, alice, _) = await TeamAsync();
        using var _ = kit;

        var patched = await PatchAsync(kit, "Users", alice, """{"op":"replace","path":"active","value":false}""", new ScimRequestOptions { ReturnResource = false });

        Assert.True(patched.BodyOmitted);
        Assert.True(patched.Changed);
        Assert.Equal(await CurrentVersionAsync(kit, "Users", alice), patched.Version);
    }

    [Fact]
    public async Task Get_NeverOmitsTheBody()
    {
        var (kit, team, _, _) = await TeamAsync();
        using var _ = kit;

        var got = await kit.Service.GetAsync(Context, "Groups", team, new ScimRequestOptions { ReturnResource = false }, Ct);

        Assert.False(got.BodyOmitted);
        Assert.Single(Written(got)["members"]!.AsArray());
    }
}
