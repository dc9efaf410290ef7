using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Scim.Sample.Tests;

/// <summary>The sample's discovery endpoints, over in-process HTTP.</summary>
public sealed class DiscoveryEndpointTests : IClassFixture<DiscoveryEndpointTests.SampleFactory>
{
    private const string Token = "test-token-7b1f";
    private readonly SampleFactory _factory;
    private readonly HttpClient _client;

    public DiscoveryEndpointTests(SampleFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    [Theory]
    [InlineData("/scim/v2/ServiceProviderConfig")]
    [InlineData("/scim/v2/ServiceProviderConfigs")]
    [InlineData("/scim/v2/serviceConfiguration")]
    public async Task GetServiceProviderConfig_AnyKnownName_ReturnsDocument(string path)
    {
        var (response, body) = await GetJson(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", (string?)body["schemas"]![0]);
        Assert.Equal("oauthbearertoken", (string?)body["authenticationSchemes"]![0]!["type"]);
        Assert.Equal("http://localhost/scim/v2/ServiceProviderConfig", (string?)body["meta"]!["location"]);
    }

    [Fact]
    public async Task GetSchemas_ListsUserGroupAndEnterpriseUser()
    {
        var (response, body) = await GetJson("/scim/v2/Schemas");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (int)body["totalResults"]!);
        var ids = body["Resources"]!.AsArray().Select(r => (string?)r!["id"]).ToList();
        Assert.Equal(
            ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            ids);
    }

    [Fact]
    public async Task GetSchemaById_Enterprise_ReturnsItWithReadableText()
    {
        var response = await _client.GetAsync("/scim/v2/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("EnterpriseUser", (string?)JsonNode.Parse(text)!["name"]);
        Assert.Contains("User's manager", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResourceType_User_HasEnterpriseExtension()
    {
        var (response, body) = await GetJson("/scim/v2/ResourceTypes/User");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/Users", (string?)body["endpoint"]);
        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", (string?)body["schemaExtensions"]![0]!["schema"]);
    }

    [Theory]
    [InlineData("/scim/v2/Schemas/urn:example:nothing")]
    [InlineData("/scim/v2/ResourceTypes/Device")]
    [InlineData("/scim/v2/NoSuchEndpoint")]
    public async Task Get_UnknownThing_Returns404ScimError(string path)
    {
        var (response, body) = await GetJson(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string?)body["schemas"]![0]);
        Assert.Equal("404", (string?)body["status"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Basic dGVzdDp0ZXN0")]
    public async Task Get_WithoutValidToken_Returns401WithScimBodyAndChallenge(string? authorization)
    {
        using var anonymous = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/scim/v2/Schemas");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("401", (string?)body["status"]);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private async Task<(HttpResponseMessage Response, JsonNode Body)> GetJson(string path)
    {
        var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        return (response, body);
    }

    /// <summary>Hosts the sample in-process with a fixed token.</summary>
    public sealed class SampleFactory : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
            builder.UseSetting("Sample:Token", Token).UseSetting("Sample:Store", "memory");
    }
}
