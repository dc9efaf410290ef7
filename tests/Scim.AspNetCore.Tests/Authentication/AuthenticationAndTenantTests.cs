using System.Net;
using Microsoft.AspNetCore.Routing;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Authentication;

/// <summary>The built-in bearer tokens, their tenants, and tenant isolation.</summary>
public sealed class AuthenticationAndTenantTests
{
    public static readonly MatrixTheoryData<string?, TokenRegistration> BadHeaders = new(
        [null, "Bearer not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "bearer default-tenant-token-5c1dX", "Bearer " + new string('x', 2000)],
        [TokenRegistration.AuthenticationScheme, TokenRegistration.ScimBuilder]);

    public static readonly TheoryData<TokenRegistration> Registrations = new(TokenRegistration.AuthenticationScheme, TokenRegistration.ScimBuilder);

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task MissingOrInvalidToken_Returns401WithChallengeAndScimBody(string? authorization, TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Tokens = registration);
        var client = server.Client("scim/v2", null);

        foreach (var (method, path) in new[] { ("GET", "Users"), ("GET", "ServiceProviderConfig"), ("POST", "Users"), ("DELETE", "Users/x"), ("GET", "NoSuchThing") })
        {
            var headers = authorization is null ? [] : new[] { ("Authorization", authorization) };
            var response = await client.SendAsync(new HttpMethod(method), path, method == "POST" ? """{"userName":"x"}""" : null, headers: headers);

            Error(response, HttpStatusCode.Unauthorized);
            Assert.StartsWith("Bearer", response.Message.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        List(await server.Client().GetAsync("Users"), totalResults: 0);
    }

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task TokenIsCaseSensitiveButSchemeIsNot(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Tokens = registration);
        var client = server.Client("scim/v2", null);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Schemas", ("Authorization", "bearer " + ScimTestServer.DefaultToken))).Status);
        Error(await client.GetAsync("Schemas", ("Authorization", "Bearer " + ScimTestServer.DefaultToken.ToUpperInvariant())), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task TokenOfTenantA_OnTenantB_Returns401AndLeavesBUntouched(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Tokens = registration);
        var b = server.TenantClient("b", ScimTestServer.TokenB);
        var user = await b.CreateUserAsync("bjensen");
        var path = "Users/" + user["id"];
        var before = (await b.GetAsync(path)).Text;
        var intruder = server.TenantClient("b", ScimTestServer.TokenA);

        var attempts = new[]
        {
            await intruder.GetAsync("Users"),
            await intruder.GetAsync(path),
            await intruder.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"intruder"}"""),
            await intruder.PatchAsync(path, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}"""),
            await intruder.PutAsync(path, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"renamed"}"""),
            await intruder.DeleteAsync(path),
        };

        Assert.All(attempts, response =>
        {
            Error(response, HttpStatusCode.Unauthorized);
            Assert.StartsWith("Bearer", response.Message.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        });
        Assert.Equal(before, (await b.GetAsync(path)).Text);
        Assert.Equal([(string)user["id"]!], Ids(List(await b.GetAsync("Users"), totalResults: 1)));
    }

    [Fact]
    public async Task TokenOfTenantA_OnTenantB_WhenAuthenticationRunsBeforeRouting_IsRefusedAndBIsUntouched()
    {
        // The bearer handler cannot see the route's tenant before routing; the dispatcher must still refuse.
        await using var server = await ScimTestServer.StartAsync(o => o.AuthenticateBeforeRouting = true);
        var b = server.TenantClient("b", ScimTestServer.TokenB);
        var user = await b.CreateUserAsync("bjensen");
        var path = "Users/" + user["id"];
        var before = (await b.GetAsync(path)).Text;
        var intruder = server.TenantClient("b", ScimTestServer.TokenA);

        var attempts = new[]
        {
            await intruder.GetAsync("Users"),
            await intruder.GetAsync(path),
            await intruder.PostAsync(".search", "{}"),
            await intruder.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"intruder"}"""),
            await intruder.PatchAsync(path, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}"""),
            await intruder.DeleteAsync(path),
        };

        Assert.All(attempts, response => Error(response, HttpStatusCode.Forbidden));
        Assert.Equal(before, (await b.GetAsync(path)).Text);
        Assert.Equal([(string)user["id"]!], Ids(List(await b.GetAsync("Users"), totalResults: 1)));
        List(await server.TenantClient("a", ScimTestServer.TokenA).GetAsync("Users"), totalResults: 0);
    }

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task DefaultTenantToken_OnATenantRoute_Returns401(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Tokens = registration);

        Error(await server.TenantClient("a", ScimTestServer.DefaultToken).GetAsync("Users"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task Tenants_AreIsolated_SameUserNameInEach_ListsDisjoint(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Tokens = registration);
        var a = server.TenantClient("a", ScimTestServer.TokenA);
        var b = server.TenantClient("b", ScimTestServer.TokenB);
        var single = server.Client();

        var inA = await a.CreateUserAsync("bjensen");
        var inB = await b.CreateUserAsync("bjensen");
        var inDefault = await single.CreateUserAsync("bjensen");

        var listA = Ids(List(await a.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"bjensen\"")), totalResults: 1));
        var listB = Ids(List(await b.GetAsync("Users"), totalResults: 1));
        var listDefault = Ids(List(await single.GetAsync("Users"), totalResults: 1));
        Assert.Equal([(string)inA["id"]!], listA);
        Assert.Equal([(string)inB["id"]!], listB);
        Assert.Equal([(string)inDefault["id"]!], listDefault);
        Assert.Equal(3, new[] { listA[0], listB[0], listDefault[0] }.Distinct().Count());

        // One tenant's id means nothing in another.
        Error(await b.GetAsync("Users/" + inA["id"]), HttpStatusCode.NotFound);
        Error(await b.DeleteAsync("Users/" + inA["id"]), HttpStatusCode.NotFound);
        Error(await b.PostAsync("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[{"value":"{{inA["id"]}}"}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        Resource(await a.GetAsync("Users/" + inA["id"]), HttpStatusCode.OK);

        // Locations carry the tenant's prefix.
        Assert.Equal(new Uri(server.Root, "tenants/a/scim/v2/Users/" + inA["id"]).AbsoluteUri, (string?)inA["meta"]!["location"]);
    }

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task TenantFromTheTokenClaim_OnTheSinglePrefix(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Tokens = registration);
        var viaClaim = server.Client("scim/v2", ScimTestServer.TokenA);

        var created = await viaClaim.CreateUserAsync("claimed");

        Resource(await server.TenantClient("a", ScimTestServer.TokenA).GetAsync("Users/" + created["id"]), HttpStatusCode.OK);
        List(await server.Client().GetAsync("Users"), totalResults: 0);
    }

    /// <summary>
    /// The host's resolver names the tenant (here from a header), and a token provisions only the
    /// tenant it was added for: another tenant's token is refused, whatever the resolver says.
    /// </summary>
    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task HostSuppliedTenantResolver_DecidesTheTenant_OfItsOwnTokensOnly(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => (o.Tokens, o.Http) = (registration, h => h.TenantResolver = context =>
            context.Request.Headers.TryGetValue("X-Tenant", out var tenant) ? tenant.ToString() : null));
        var a = server.Client("scim/v2", ScimTestServer.TokenA);
        var b = server.Client("scim/v2", ScimTestServer.TokenB);

        var inA = Resource(await a.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""", headers: ("X-Tenant", "a")), HttpStatusCode.Created);
        var inB = Resource(await b.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""", headers: ("X-Tenant", "b")), HttpStatusCode.Created);
        Assert.Equal([(string)inA["id"]!], Ids(List(await a.GetAsync("Users", ("X-Tenant", "a")), totalResults: 1)));
        Assert.Equal([(string)inB["id"]!], Ids(List(await b.GetAsync("Users", ("X-Tenant", "b")), totalResults: 1)));

        // A token of a, or of the default tenant, on a request the resolver gives to b: refused, nothing read.
        Assert.True((await a.GetAsync("Users/" + inB["id"], ("X-Tenant", "b"))).Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
        Assert.True((await server.Client().GetAsync("Users", ("X-Tenant", "b"))).Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);

        // Without the header the resolver says nothing: the token's tenant is used.
        Assert.Equal([(string)inA["id"]!], Ids(List(await a.GetAsync("Users"), totalResults: 1)));
    }

    /// <summary>
    /// A resolver that maps the route's name of a tenant to the id the stores know it by: the
    /// tokens are added under that id, and work on the tenant's route (they were compared with the
    /// route's raw value, so every request was 401).
    /// </summary>
    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task ResolverMappingTheRoutesName_TokensOfTheResolvedTenant_Work(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => (o.Tokens, o.Http) = (registration, h => h.TenantResolver = context =>
            context.GetRouteValue("tenant") switch { "alpha" => "a", "bravo" => "b", _ => null }));

        var created = await server.TenantClient("alpha", ScimTestServer.TokenA).CreateUserAsync("in-alpha");
        Assert.Equal([(string)created["id"]!], Ids(List(await server.TenantClient("a", ScimTestServer.TokenA).GetAsync("Users"), totalResults: 1)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.TenantClient("bravo", ScimTestServer.TokenA).GetAsync("Users")).Status);
        List(await server.TenantClient("bravo", ScimTestServer.TokenB).GetAsync("Users"), totalResults: 0);
    }
}
