using System.Net;
using System.Text.Json.Nodes;
using DescribedScheme = Scim.Core.Discovery.AuthenticationScheme;
using Microsoft.Extensions.DependencyInjection;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// What /ServiceProviderConfig says comes from the host's options, and the service does what it
/// says: no passwords when changePassword is not supported, no /Bulk when bulk is not, the payload
/// limit it advertises, the authentication schemes clients use.
/// </summary>
public sealed class ServiceProviderConfigTests
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    public static readonly TheoryData<TokenRegistration> Registrations = new(TokenRegistration.AuthenticationScheme, TokenRegistration.ScimBuilder);

    private static async Task<JsonObject> ConfigAsync(ScimClient client)
    {
        var response = await client.GetAsync("ServiceProviderConfig");
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        Assert.Equal("application/scim+json", response.MediaType);
        return response.Json;
    }

    private static string Patch(string operation) => $$"""{"schemas":["{{PatchOp}}"],"Operations":[{{operation}}]}""";

    // ---------------------------------------------------------------- changePassword

    [Fact]
    public async Task ChangePasswordNotSupported_IsAdvertisedFalse()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.ChangePasswordSupported = false));

        var config = await ConfigAsync(server.Client());

        Assert.False((bool)config["changePassword"]!["supported"]!);
    }

    [Fact]
    public async Task ChangePasswordNotSupported_PostWithAPassword_Is400Mutability_WithoutOneIs201()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.ChangePasswordSupported = false));
        var client = server.Client();

        var refused = Error(await client.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","password":"t1meMa$heen"}"""), HttpStatusCode.BadRequest, "mutability");

        Assert.Contains("password", (string)refused["detail"]!, StringComparison.Ordinal);
        List(await client.GetAsync("Users"), totalResults: 0);
        Resource(await client.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen"}"""), HttpStatusCode.Created);
        List(await client.GetAsync("Users"), totalResults: 1);
    }

    [Fact]
    public async Task ChangePasswordNotSupported_PutWithAPassword_Is400Mutability_WithoutOneIs200()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.ChangePasswordSupported = false));
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var path = "Users/" + created["id"];

        Error(await client.PutAsync(path, $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","displayName":"B","password":"t1meMa$heen"}"""), HttpStatusCode.BadRequest, "mutability");

        var unchanged = Resource(await client.GetAsync(path), HttpStatusCode.OK);
        Assert.Equal((string?)created["meta"]!["version"], (string?)unchanged["meta"]!["version"]);
        Assert.Null(unchanged["displayName"]);
        var replaced = Resource(await client.PutAsync(path, $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","displayName":"B"}"""), HttpStatusCode.OK);
        Assert.Equal("B", (string?)replaced["displayName"]);
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"password","value":"t1meMa$heen"}""")]
    [InlineData("""{"op":"add","value":{"password":"t1meMa$heen"}}""")]
    [InlineData("""{"op":"replace","value":{"displayName":"B","password":"t1meMa$heen"}}""")]
    public async Task ChangePasswordNotSupported_PatchSettingAPassword_Is400Mutability(string operation)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.ChangePasswordSupported = false));
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var path = "Users/" + created["id"];

        Error(await client.PatchAsync(path, Patch(operation)), HttpStatusCode.BadRequest, "mutability");

        var unchanged = Resource(await client.GetAsync(path), HttpStatusCode.OK);
        Assert.Equal((string?)created["meta"]!["version"], (string?)unchanged["meta"]!["version"]);
        Assert.Null(unchanged["displayName"]);
    }

    [Fact]
    public async Task ChangePasswordNotSupported_PatchWithoutAPassword_Is200()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.ChangePasswordSupported = false));
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var patched = Resource(await client.PatchAsync("Users/" + created["id"], Patch("""{"op":"replace","path":"displayName","value":"B"}""")), HttpStatusCode.OK);

        Assert.Equal("B", (string?)patched["displayName"]);
    }

    [Fact]
    public async Task ChangePasswordSupportedByDefault_IsAdvertised_AndAPasswordIsAcceptedButNeverReturned()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        Assert.True((bool)(await ConfigAsync(client))["changePassword"]!["supported"]!);
        var created = Resource(await client.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","password":"t1meMa$heen"}"""), HttpStatusCode.Created);
        var patched = await client.PatchAsync("Users/" + created["id"], Patch("""{"op":"replace","path":"password","value":"n3w"}"""));

        Assert.Null(created["password"]);
        Assert.DoesNotContain("n3w", Resource(patched, HttpStatusCode.OK).ToJsonString(), StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- documentationUri

    [Fact]
    public async Task DocumentationUri_AppearsAsConfigured()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.DocumentationUri = new Uri("https://example.com/help/scim")));

        var config = await ConfigAsync(server.Client());

        Assert.Equal("https://example.com/help/scim", (string?)config["documentationUri"]);
    }

    [Fact]
    public async Task DocumentationUri_NotConfigured_IsLeftOut()
    {
        await using var server = await ScimTestServer.StartAsync();

        Assert.False((await ConfigAsync(server.Client())).ContainsKey("documentationUri"));
    }

    // ---------------------------------------------------------------- authenticationSchemes

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task BearerTokens_EitherRegistration_DescribeTheBearerScheme(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Tokens = registration);

        var schemes = (await ConfigAsync(server.Client()))["authenticationSchemes"]!.AsArray();

        var scheme = Assert.Single(schemes)!;
        Assert.Equal("oauthbearertoken", (string?)scheme["type"]);
        Assert.Equal("OAuth Bearer Token", (string?)scheme["name"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)scheme["description"]));
        Assert.Equal("https://www.rfc-editor.org/info/rfc6750", (string?)scheme["specUri"]);
        Assert.True((bool)scheme["primary"]!);
    }

    [Fact]
    public async Task BearerTokens_RegisteredBothWays_AreDescribedOnce()
    {
        await using var server = await ScimTestServer.StartAsync(o =>
        {
            o.Tokens = TokenRegistration.ScimBuilder;
            o.Authentication = auth => auth.AddScimBearerTokens(t => t.AddToken("c", "client-c", "tenant-c-token-77aa"));
        });

        var schemes = (await ConfigAsync(server.Client()))["authenticationSchemes"]!.AsArray();

        Assert.Equal(["oauthbearertoken"], schemes.Select(s => (string?)s!["type"]));
    }

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task HostDescribedScheme_IsKeptInsteadOfTheBearerScheme(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o =>
        {
            o.Tokens = registration;
            o.Scim = s => s.ConfigureService(c => c.AuthenticationSchemes.Add(new DescribedScheme("httpbasic", "HTTP Basic", "Authentication scheme using the HTTP Basic Standard")
            {
                SpecUri = new Uri("https://www.rfc-editor.org/info/rfc2617"),
                Primary = true,
            }));
        });

        var schemes = (await ConfigAsync(server.Client()))["authenticationSchemes"]!.AsArray();

        var scheme = Assert.Single(schemes)!;
        Assert.Equal("httpbasic", (string?)scheme["type"]);
        Assert.Equal("HTTP Basic", (string?)scheme["name"]);
        Assert.Equal("https://www.rfc-editor.org/info/rfc2617", (string?)scheme["specUri"]);
    }

    // ---------------------------------------------------------------- bulk and maxPayloadSize

    [Fact]
    public async Task BulkDisabled_IsAdvertisedUnsupported_AndPostBulkIs501()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.Bulk.Enabled = false));
        var client = server.Client();

        Assert.False((bool)(await ConfigAsync(client))["bulk"]!["supported"]!);
        var error = Error(await client.PostAsync("Bulk", $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["{{{UserSchema}}}"],"userName":"a"}}]}
            """), HttpStatusCode.NotImplemented);

        Assert.Contains("bulk", (string)error["detail"]!, StringComparison.OrdinalIgnoreCase);
        List(await client.GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task BulkEnabled_IsAdvertisedWithItsLimit_AndPostBulkIs200()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.Bulk.MaxOperations = 3));
        var client = server.Client();

        var bulk = (await ConfigAsync(client))["bulk"]!;
        var response = await client.PostAsync("Bulk", $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["{{{UserSchema}}}"],"userName":"a"}}]}
            """);

        Assert.True((bool)bulk["supported"]!);
        Assert.Equal(3, (int)bulk["maxOperations"]!);
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    [InlineData(2_000_000)]
    public async Task MaxPayloadSize_IsAdvertised_AndABodyOneByteLargerIs413(int maxPayloadSize)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.MaxPayloadSize = maxPayloadSize));
        var client = server.Client();
        string Body(int size)
        {
            var prefix = $$"""{"schemas":["{{UserSchema}}"],"userName":"u{{size}}","displayName":" """;
            return prefix + new string('x', size - prefix.Length - 2) + "\"}";
        }

        Assert.Equal(maxPayloadSize, (int)(await ConfigAsync(client))["bulk"]!["maxPayloadSize"]!);
        Error(await client.PostAsync("Users", Body(maxPayloadSize + 1)), HttpStatusCode.RequestEntityTooLarge);
        Resource(await client.PostAsync("Users", Body(maxPayloadSize)), HttpStatusCode.Created);
    }

    [Fact]
    public async Task PageSizes_AreAdvertisedAsConfigured()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c =>
        {
            c.MaxCount = 25;
            c.DefaultCount = 5;
        }));

        var config = await ConfigAsync(server.Client());

        Assert.Equal(25, (int)config["filter"]!["maxResults"]!);
        Assert.Equal(25, (int)config["pagination"]!["maxPageSize"]!);
        Assert.Equal(5, (int)config["pagination"]!["defaultPageSize"]!);
    }

    [Fact]
    public async Task ServiceProviderConfig_ClaimsPatchSortAndETag()
    {
        await using var server = await ScimTestServer.StartAsync();

        var config = await ConfigAsync(server.Client());

        Assert.True((bool)config["patch"]!["supported"]!);
        Assert.True((bool)config["sort"]!["supported"]!);
        Assert.True((bool)config["etag"]!["supported"]!);
        Assert.True((bool)config["filter"]!["supported"]!);
    }
}
