using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// <c>If-None-Match</c> over HTTP (RFC 7232 §3.2, RFC 7644 §3.14): 304 with the ETag and no body
/// when it names the current version, 200 with the resource otherwise.
/// </summary>
public sealed class ConditionalGetTests
{
    private static void NotModified(ScimResponse response, string version)
    {
        Assert.True(response.Status == HttpStatusCode.NotModified, $"expected 304, got {(int)response.Status}: {response.Text}");
        Assert.Equal(version, response.ETag);
        Assert.Equal(string.Empty, response.Text);
    }

    [Theory]
    [InlineData("{v}")]
    [InlineData("*")]
    [InlineData("W/\"0000000000000000\", {v}")]
    [InlineData("{strong}")]
    public async Task GetUser_IfNoneMatchNamingTheCurrentVersion_Is304WithTheETag(string header)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var version = (string)created["meta"]!["version"]!;

        var response = await client.GetAsync("Users/" + created["id"], ("If-None-Match", header.Replace("{v}", version, StringComparison.Ordinal).Replace("{strong}", version["W/".Length..], StringComparison.Ordinal)));

        NotModified(response, version);
    }

    [Theory]
    [InlineData("W/\"0000000000000000\"")]
    [InlineData("W/\"0000000000000000\", W/\"1111111111111111\"")]
    [InlineData("")]
    public async Task GetUser_IfNoneMatchNotNamingTheCurrentVersion_Is200WithTheResource(string header)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var body = Resource(await client.GetAsync("Users/" + created["id"], ("If-None-Match", header)), HttpStatusCode.OK);

        Assert.Equal("bjensen", (string?)body["userName"]);
        Assert.Equal((string?)created["meta"]!["version"], (string?)body["meta"]!["version"]);
    }

    [Fact]
    public async Task GetUser_IfNoneMatchTheVersionBeforeAPut_Is200WithTheNewETag()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var path = "Users/" + created["id"];
        var old = (string)created["meta"]!["version"]!;
        var replaced = Resource(await client.PutAsync(path, $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","displayName":"Babs"}"""), HttpStatusCode.OK);

        var response = await client.GetAsync(path, ("If-None-Match", old));

        var body = Resource(response, HttpStatusCode.OK);
        Assert.Equal("Babs", (string?)body["displayName"]);
        Assert.NotEqual(old, response.ETag);
        NotModified(await client.GetAsync(path, ("If-None-Match", response.ETag!)), (string)replaced["meta"]!["version"]!);
    }

    [Fact]
    public async Task GetGroup_IfNoneMatchTheCurrentVersion_Is304()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var alice = await client.CreateUserAsync("alice");
        var group = await client.CreateGroupAsync("Admins", (string)alice["id"]!);
        var version = (string)group["meta"]!["version"]!;

        NotModified(await client.GetAsync("Groups/" + group["id"], ("If-None-Match", version)), version);
        Resource(await client.GetAsync("Groups/" + group["id"], ("If-None-Match", "W/\"0\"")), HttpStatusCode.OK);
    }

    [Fact]
    public async Task GetUser_IfNoneMatchWithProjection_Is304ForTheSameVersion()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var version = (string)created["meta"]!["version"]!;

        NotModified(await client.GetAsync($"Users/{created["id"]}?attributes=userName", ("If-None-Match", version)), version);
    }

    [Fact]
    public async Task GetUnknownUser_IfNoneMatchStar_Is404()
    {
        await using var server = await ScimTestServer.StartAsync();

        Error(await server.Client().GetAsync("Users/no-such-id", ("If-None-Match", "*")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListUsers_IfNoneMatch_IsIgnored()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        List(await client.GetAsync("Users", ("If-None-Match", "*")), totalResults: 1);
        List(await client.GetAsync("Users", ("If-None-Match", (string)created["meta"]!["version"]!)), totalResults: 1);
    }
}
