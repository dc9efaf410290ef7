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
    public async Task Patch_IfNoneMatch_IsNotAPrecondition()
    {
        // If-None-Match is a GET's header: a write with it (and without If-Match) goes ahead.
        var (kit, id, version) = await UserAsync();
        using var _ = kit;

        var patched = await kit.PatchAsync("Users", id, """{"op":"replace","path":"displayName","value":"Babs"}""", new ScimRequestOptions { IfNoneMatch = version });

        Assert.True(patched.Changed);
        Assert.False(patched.NotModified);
    }
}
