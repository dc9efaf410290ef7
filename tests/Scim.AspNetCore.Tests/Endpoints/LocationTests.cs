using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>meta.location and Location follow the request's PathBase and the forwarded scheme and host.</summary>
public sealed class LocationTests
{
    [Fact]
    public async Task PathBase_IsInLocations()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.PathBase = "/app");
        var client = server.Client();
        Assert.EndsWith("/app/", server.Root.AbsoluteUri, StringComparison.Ordinal);

        var response = await client.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""");

        var body = Resource(response, HttpStatusCode.Created);
        var expected = new Uri(server.Root, "scim/v2/Users/" + body["id"]).AbsoluteUri;
        Assert.Contains("/app/scim/v2/Users/", expected, StringComparison.Ordinal);
        Assert.Equal(expected, (string?)body["meta"]!["location"]);
        Assert.Equal(expected, response.Location);
        Assert.Equal(expected, (string?)Resource(await client.GetAsync("Users/" + body["id"]), HttpStatusCode.OK)["meta"]!["location"]);
        Assert.Equal(new Uri(server.Root, "scim/v2/ServiceProviderConfig").AbsoluteUri, (string?)(await client.GetAsync("ServiceProviderConfig")).Json["meta"]!["location"]);

        var tenant = server.TenantClient("a", ScimTestServer.TokenA);
        var inTenant = await tenant.CreateUserAsync("bjensen");
        Assert.Equal(new Uri(server.Root, "tenants/a/scim/v2/Users/" + inTenant["id"]).AbsoluteUri, (string?)inTenant["meta"]!["location"]);
    }

    [Fact]
    public async Task PathBase_GroupMembersAndUserGroupsRefsUseIt()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.PathBase = "/app");
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Guides", (string)user["id"]!);

        var withGroups = Resource(await client.GetAsync("Users/" + user["id"]), HttpStatusCode.OK);

        Assert.Equal(new Uri(server.Root, "scim/v2/Groups/" + group["id"]).AbsoluteUri, (string?)withGroups["groups"]![0]!["$ref"]);
    }

    [Fact]
    public async Task ForwardedProtoAndHost_AreInLocations()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.ForwardedHeaders = true);
        var client = server.Client();

        var response = await client.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""", headers: [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "scim.example.com")]);

        var body = Resource(response, HttpStatusCode.Created);
        var expected = "https://scim.example.com/scim/v2/Users/" + body["id"];
        Assert.Equal(expected, (string?)body["meta"]!["location"]);
        Assert.Equal(expected, response.Location);

        var list = List(await client.GetAsync("Users", ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "scim.example.com:8443")), totalResults: 1);
        Assert.Equal("https://scim.example.com:8443/scim/v2/Users/" + body["id"], (string?)list["Resources"]![0]!["meta"]!["location"]);
    }

    [Fact]
    public async Task ManyForwardedHosts_EachResponseUsesItsOwn()
    {
        // More hosts than the handler keeps parsed base URIs for: past that bound every request
        // still gets its own host, and the hosts seen first are still answered right.
        await using var server = await ScimTestServer.StartAsync(o => o.ForwardedHeaders = true);
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var id = (string)user["id"]!;

        foreach (var n in Enumerable.Range(0, 1_100).Concat([0, 1, 1_099]))
        {
            var host = $"h{n}.example.com";
            var body = Resource(await client.GetAsync("Users/" + id, ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", host)), HttpStatusCode.OK);
            Assert.Equal($"https://{host}/scim/v2/Users/{id}", (string?)body["meta"]!["location"]);
        }
    }

    [Fact]
    public async Task WithoutForwardedHeadersMiddleware_ForwardedHeadersAreIgnored()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        var response = await client.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""", headers: [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "evil.example.com")]);

        var body = Resource(response, HttpStatusCode.Created);
        Assert.Equal(new Uri(server.Root, "scim/v2/Users/" + body["id"]).AbsoluteUri, response.Location);
    }

    [Fact]
    public async Task TrailingSlashAndEscapedSegments_GiveTheSameLocation()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var expected = (string?)user["meta"]!["location"];

        Assert.Equal(expected, (string?)Resource(await client.GetAsync("Users/" + user["id"] + "/"), HttpStatusCode.OK)["meta"]!["location"]);
        Assert.Equal(expected, (string?)Resource(await client.GetAsync("users/" + user["id"]), HttpStatusCode.OK)["meta"]!["location"]);
    }
}
