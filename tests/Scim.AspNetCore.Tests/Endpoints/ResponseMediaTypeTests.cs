using System.Net;
using Scim.AspNetCore.Tests;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// The response's media type (RFC 7644 §3.1, §8.1): <c>application/scim+json</c>, or
/// <c>application/json</c> for a client whose <c>Accept</c> prefers it (OneLogin documents that it
/// expects it), with the same body either way; errors follow the same rule.
/// </summary>
public sealed class ResponseMediaTypeTests
{
    [Theory]
    [InlineData(null, "application/scim+json")]
    [InlineData("*/*", "application/scim+json")]
    [InlineData("application/scim+json", "application/scim+json")]
    [InlineData("application/json", "application/json")]
    [InlineData("APPLICATION/JSON; charset=utf-8", "application/json")]
    [InlineData("application/json, application/scim+json", "application/scim+json")]
    [InlineData("application/scim+json;q=0.5, application/json", "application/json")]
    [InlineData("application/json;q=0.5, application/scim+json", "application/scim+json")]
    [InlineData("application/json;q=0.9, */*;q=1", "application/json")]
    [InlineData("text/html, application/xhtml+xml", "application/scim+json")]
    [InlineData("application/json;q=0", "application/scim+json")]
    public async Task GetUser_Accept_ChoosesTheMediaType_TheBodyIsTheSame(string? accept, string expected)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var plain = await client.GetAsync("Users/" + created["id"]);

        var response = accept is null ? plain : await client.GetAsync("Users/" + created["id"], ("Accept", accept));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(expected, response.MediaType);
        Assert.Equal(plain.Text, response.Text);
    }

    [Fact]
    public async Task AcceptChangingFromRequestToRequest_EachResponseFollowsItsOwn()
    {
        // The last Accept parsed is remembered: a request with another one must not be answered
        // with the remembered choice.
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var id = (string)(await client.CreateUserAsync("bjensen"))["id"]!;
        (string Accept, string Expected)[] sequence =
        [
            ("application/json", "application/json"),
            ("application/json", "application/json"),
            ("application/json;q=0.5, application/scim+json", "application/scim+json"),
            ("application/json", "application/json"),
            ("application/scim+json;q=0.5, application/json", "application/json"),
            ("application/json;q=0.5, application/scim+json", "application/scim+json"),
            ("*/*", "application/scim+json"),
        ];

        foreach (var (accept, expected) in sequence)
        {
            var response = await client.GetAsync("Users/" + id, ("Accept", accept));
            Assert.Equal(HttpStatusCode.OK, response.Status);
            Assert.Equal(expected, response.MediaType);
        }
    }

    [Fact]
    public async Task Errors_ListsAndWrites_FollowTheAcceptHeader()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        (string, string)[] json = [("Accept", "application/json")];

        var missing = await client.GetAsync("Users/no-such-user", json);
        var badFilter = await client.GetAsync("Users?filter=userName zz \"x\"", json);
        var list = await client.GetAsync("Users", json);
        var created = await client.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}""", headers: json);
        var discovery = await client.GetAsync("ServiceProviderConfig", json);

        Assert.Equal((HttpStatusCode.NotFound, "application/json"), (missing.Status, missing.MediaType));
        Assert.Equal((HttpStatusCode.BadRequest, "application/json"), (badFilter.Status, badFilter.MediaType));
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string?)badFilter.Json["schemas"]![0]);
        Assert.Equal((HttpStatusCode.OK, "application/json"), (list.Status, list.MediaType));
        Assert.Equal((HttpStatusCode.Created, "application/json"), (created.Status, created.MediaType));
        Assert.Equal((HttpStatusCode.OK, "application/json"), (discovery.Status, discovery.MediaType));
    }
}
