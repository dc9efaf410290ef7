using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// <c>If-None-Match</c> on a GET, in the service (RFC 7232 §3.2): the result is
/// <see cref="ScimResourceResult.NotModified"/> exactly when the header names the current version.
/// </summary>
public sealed class ServiceConditionalGetTests
{
    private static async Task<(ServiceKit Kit, string Id, string Version)> UserAsync()
    {
        var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: TestContext.Current.CancellationToken);
        return (kit, created.Id, created.Version);
    }

    private static string Strong(string weak) => weak["W/".Length..];

    [Theory]
    [InlineData("{v}")]
    [InlineData(" {v} ")]
    [InlineData("*")]
    [InlineData("W/\"0000000000000000\", {v}")]
    [InlineData("{v},W/\"0000000000000000\"")]
    [InlineData("{strong}")]
    public async Task Get_IfNoneMatchNamingTheCurrentVersion_IsNotModified(string header)
    {
        var (kit, id, version) = await UserAsync();
        using var _ = kit;

        var result = await kit.GetAsync("Users", id, new ScimRequestOptions { IfNoneMatch = header.Replace("{v}", version, StringComparison.Ordinal).Replace("{strong}", Strong(version), StringComparison.Ordinal) });

        Assert.True(result.NotModified);
        Assert.Equal(version, result.Version);
        Assert.Equal(id, result.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("W/\"0000000000000000\"")]
    [InlineData("W/\"0000000000000000\", W/\"1111111111111111\"")]
    [InlineData("{v}x")]
    [InlineData("W/\"\"")]
    public async Task Get_IfNoneMatchNotNamingTheCurrentVersion_IsTheResource(string? header)
    {
        var (kit, id, version) = await UserAsync();
        using var _ = kit;

        var result = await kit.GetAsync("Users", id, new ScimRequestOptions { IfNoneMatch = header?.Replace("{v}", version[..^1], StringComparison.Ordinal) });

        Assert.False(result.NotModified);
        Assert.Equal("bjensen", (string?)result.ToJson()["userName"]);
    }

    [Fact]
    public async Task Get_WithoutOptions_IsNotNotModified()
    {
        var (kit, id, _) = await UserAsync();
        using var __ = kit;

        Assert.False((await kit.GetAsync("Users", id)).NotModified);
    }

    [Fact]
    public async Task Get_IfNoneMatchTheVersionBeforeAChange_IsTheNewResource()
    {
        var (kit, id, version) = await UserAsync();
        using var _ = kit;
        var patched = await kit.PatchAsync("Users", id, """{"op":"replace","path":"displayName","value":"Babs"}""");

        var result = await kit.GetAsync("Users", id, new ScimRequestOptions { IfNoneMatch = version });

        Assert.False(result.NotModified);
        Assert.NotEqual(version, result.Version);
        Assert.Equal(patched.Version, result.Version);
        Assert.Equal("Babs", (string?)result.ToJson()["displayName"]);
        Assert.True((await kit.GetAsync("Users", id, new ScimRequestOptions { IfNoneMatch = patched.Version })).NotModified);
    }

    [Fact]
    public async Task Get_IfNoneMatchOnAGroup_IsNotModified()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var group = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("Admins", alice), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True((await kit.GetAsync("Groups", group.Id, new ScimRequestOptions { IfNoneMatch = group.Version })).NotModified);
        Assert.False((await kit.GetAsync("Groups", group.Id, new ScimRequestOptions { IfNoneMatch = "W/\"0\"" })).NotModified);
    }

    [Fact]
    public async Task Get_IfNoneMatchStar_UnknownId_Is404()
    {
        using var kit = new ServiceKit();

        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Users", "no-such-id", new ScimRequestOptions { IfNoneMatch = "*" }));
    }

    [Fact]
    public async Task Patch_IfNoneMatchNamingTheVersion_Is412()
    {
        // RFC 9110 §13.1.2: a write whose If-None-Match names the current version is not performed.
        var (kit, id, version) = await UserAsync();
        using var _ = kit;

        await ServiceKit.ThrowsScimAsync(412, null, () => kit.PatchAsync("Users", id, """{"op":"replace","path":"displayName","value":"Babs"}""", new ScimRequestOptions { IfNoneMatch = version }));
    }
}

/// <summary>
/// A user's version covers its derived <c>groups</c>: joining, leaving, a group's rename and a
/// group's deletion change the ETag a GET answers with, so <c>If-None-Match</c> no longer says
/// 304 over a stale copy; the version a response gave is accepted by <c>If-Match</c> exactly while
/// the response would be the same; a response without groups keeps the stored version.
/// </summary>
public sealed class ServiceDerivedVersionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReadOnlyMemory<byte> Patch(string operation) =>
        ServiceKit.Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{operation}}]}""");

    [Fact]
    public async Task UserVersion_ChangesWithItsGroups_AndOnlyThen()
    {
        using var kit = new ServiceKit();
        var context = ServiceKit.Context;
        var user = (await kit.Service.CreateAsync(context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct)).Id;
        async Task<string> VersionAsync(ScimRequestOptions? options = null) => (await kit.Service.GetAsync(context, "Users", user, options, Ct)).Version;
        var alone = await VersionAsync();
        var seen = new HashSet<string> { alone };

        var group = (await kit.Service.CreateAsync(context, "Groups", ServiceKit.GroupBody("Guides", user), cancellationToken: Ct)).Id;
        var member = await VersionAsync();
        Assert.True(seen.Add(member));
        Assert.True((await kit.Service.GetAsync(context, "Users", user, new ScimRequestOptions { IfNoneMatch = member }, Ct)).NotModified);
        Assert.False((await kit.Service.GetAsync(context, "Users", user, new ScimRequestOptions { IfNoneMatch = alone }, Ct)).NotModified);
        Assert.Equal(alone, await VersionAsync(new ScimRequestOptions { ExcludedAttributes = "groups" })); // no groups in it: the stored version
        var written = (await kit.Service.GetAsync(context, "Users", user, cancellationToken: Ct)).ToJson();
        Assert.Equal(member, (string?)written["meta"]!["version"]);

        await kit.Service.PatchAsync(context, "Groups", group, Patch("""{"op":"replace","path":"displayName","value":"Tour Guides"}"""), cancellationToken: Ct);
        var renamed = await VersionAsync();
        Assert.True(seen.Add(renamed));
        Assert.Equal(renamed, await VersionAsync()); // stable while nothing changes

        // If-Match: the version the client saw passes; the one before the rename no longer does.
        await ServiceKit.ThrowsScimAsync(412, null, () => kit.Service.PatchAsync(context, "Users", user, Patch("""{"op":"replace","path":"title","value":"x"}"""), new ScimRequestOptions { IfMatch = member }, Ct));
        var patched = await kit.Service.PatchAsync(context, "Users", user, Patch("""{"op":"replace","path":"title","value":"x"}"""), new ScimRequestOptions { IfMatch = renamed }, Ct);
        Assert.True(seen.Add(patched.Version));
        Assert.Equal(patched.Version, await VersionAsync());

        await kit.Service.DeleteAsync(context, "Groups", group, cancellationToken: Ct);
        var left = await VersionAsync();
        Assert.True(seen.Add(left));
        Assert.Equal((await kit.Service.GetAsync(context, "Users", user, new ScimRequestOptions { ExcludedAttributes = "groups" }, Ct)).Version, left);
        await kit.Service.DeleteAsync(context, "Users", user, new ScimRequestOptions { IfMatch = left }, Ct);
    }

    [Fact]
    public async Task IfMatch_DerivedVersionOfTheUser_PassesForDelete_AndFailsOnceTheGroupsChange()
    {
        using var kit = new ServiceKit();
        var context = ServiceKit.Context;
        var user = (await kit.Service.CreateAsync(context, "Users", ServiceKit.UserBody("ada"), cancellationToken: Ct)).Id;
        await kit.Service.CreateAsync(context, "Groups", ServiceKit.GroupBody("One", user), cancellationToken: Ct);
        var seen = (await kit.Service.GetAsync(context, "Users", user, cancellationToken: Ct)).Version;
        await kit.Service.CreateAsync(context, "Groups", ServiceKit.GroupBody("Two", user), cancellationToken: Ct);

        await ServiceKit.ThrowsScimAsync(412, null, () => kit.Service.DeleteAsync(context, "Users", user, new ScimRequestOptions { IfMatch = seen }, Ct));
        await ServiceKit.ThrowsScimAsync(412, null, () => kit.Service.DeleteAsync(context, "Users", user, new ScimRequestOptions { IfMatch = seen[..^2] + "0\"" }, Ct));

        var now = (await kit.Service.GetAsync(context, "Users", user, cancellationToken: Ct)).Version;
        await kit.Service.DeleteAsync(context, "Users", user, new ScimRequestOptions { IfMatch = now }, Ct);
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.Service.GetAsync(context, "Users", user, cancellationToken: Ct));
    }
}

/// <summary>
/// The other two conditions of RFC 9110 §13.1: <c>If-Match</c> on a GET and <c>If-None-Match</c>
/// on a PUT, PATCH or DELETE; a failed one is 412 and the method is not performed.
/// </summary>
public sealed class ServiceOtherConditionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReadOnlyMemory<byte> Title(string value) =>
        ServiceKit.Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"{{value}}"}]}""");

    [Fact]
    public async Task Get_IfMatch_PassesOnTheVersion_Fails412Otherwise()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);

        Assert.Equal(created.Id, (await kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, new ScimRequestOptions { IfMatch = created.Version }, Ct)).Id);
        Assert.Equal(created.Id, (await kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, new ScimRequestOptions { IfMatch = "*" }, Ct)).Id);
        await ServiceKit.ThrowsScimAsync(412, null, () => kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, new ScimRequestOptions { IfMatch = "W/\"0000000000000000\"" }, Ct));
    }

    [Theory]
    [InlineData("{v}")]
    [InlineData("*")]
    [InlineData("W/\"0000000000000000\", {v}")]
    public async Task Writes_IfNoneMatchNamingTheResource_Are412_AndChangeNothing(string header)
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);
        var options = new ScimRequestOptions { IfNoneMatch = header.Replace("{v}", created.Version, StringComparison.Ordinal) };

        await ServiceKit.ThrowsScimAsync(412, null, () => kit.Service.PatchAsync(ServiceKit.Context, "Users", created.Id, Title("x"), options, Ct));
        await ServiceKit.ThrowsScimAsync(412, null, () => kit.Service.ReplaceAsync(ServiceKit.Context, "Users", created.Id, ServiceKit.UserBody("bjensen"), options, Ct));
        await ServiceKit.ThrowsScimAsync(412, null, () => kit.Service.DeleteAsync(ServiceKit.Context, "Users", created.Id, options, Ct));

        Assert.Equal(created.Version, (await kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: Ct)).Version);
    }

    [Fact]
    public async Task Writes_IfNoneMatchNamingAnotherVersion_AreDone()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);
        var options = new ScimRequestOptions { IfNoneMatch = "W/\"0000000000000000\"" };

        var patched = await kit.Service.PatchAsync(ServiceKit.Context, "Users", created.Id, Title("x"), options, Ct);
        Assert.NotEqual(created.Version, patched.Version);
        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", created.Id, options, Ct);
    }
}
