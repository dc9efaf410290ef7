using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scim.AspNetCore.Tests;
using Scim.Core.Events;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Authentication;

/// <summary>
/// RequireScimBearerToken with the tokens on the SCIM builder or as an authentication scheme, beside
/// the host's own schemes, policies and endpoints.
/// </summary>
public sealed class BearerTokenRegistrationTests
{
    public static readonly TheoryData<TokenRegistration> Registrations = new(TokenRegistration.AuthenticationScheme, TokenRegistration.ScimBuilder);

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task TheTokensClient_IsTheTenantAndActorOfTheChange(TokenRegistration registration)
    {
        var events = new EventRecorder();
        await using var server = await ScimTestServer.StartAsync(o =>
        {
            o.Tokens = registration;
            o.Scim = scim => scim.Services.AddSingleton<IScimEventSubscriber>(events);
        });

        await server.TenantClient("a", ScimTestServer.TokenA).CreateUserAsync("in-a");
        await server.Client().CreateUserAsync("in-default");

        await events.WaitForAsync(2);
        Assert.Equal([("a", "client-a"), ("default", "default-client")], events.Changes.Select(e => (e.Tenant, e.Actor)));
    }

    /// <summary>
    /// A token names one tenant and client: the same token for a second tenant or client is refused
    /// when it is added (it used to make the later one unreachable, every request 401), while the
    /// same registration twice changes nothing.
    /// </summary>
    [Fact]
    public void AToken_OfTwoTenantsOrClients_IsRefused_TheSameOneTwice_IsKept()
    {
        var options = new ScimBearerTokenOptions().AddToken("a", "client-a", "shared-token-0123456789");

        var otherTenant = Assert.Throws<ArgumentException>(() => options.AddToken("b", "client-b", "shared-token-0123456789"));
        Assert.Contains("tenant 'a' (client 'client-a')", otherTenant.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => options.AddToken("a", "other-client", "shared-token-0123456789"));
        Assert.Throws<ArgumentException>(() => options.AddTokenHash("b", "client-b", ScimBearerTokenOptions.Hash("shared-token-0123456789")));

        options.AddToken("a", "client-a", "shared-token-0123456789").AddToken("b", "client-b", "another-token-0123456789");
        Assert.Equal(2, options.Tokens.Count);
    }

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task AnotherDefaultScheme_DoesNotStandInForTheToken(TokenRegistration registration)
    {
        var events = new EventRecorder();
        await using var server = await ScimTestServer.StartAsync(o =>
        {
            o.Tokens = registration;
            o.Scim = scim => scim.Services.AddSingleton<IScimEventSubscriber>(events);
            o.Authentication = auth =>
            {
                auth.AddScheme<AuthenticationSchemeOptions, HeaderUserHandler>(HeaderUserHandler.Name, null);
                auth.Services.Configure<AuthenticationOptions>(a => a.DefaultScheme = HeaderUserHandler.Name);
            };
        });
        var header = ("X-User", "alice");

        var withoutToken = await server.Client("scim/v2", null).GetAsync("Users", header);
        Error(withoutToken, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", withoutToken.Message.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Error(await server.TenantClient("b", ScimTestServer.TokenA).GetAsync("Users", header), HttpStatusCode.Unauthorized);

        var created = Resource(await server.TenantClient("b", ScimTestServer.TokenB).PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""", headers: header), HttpStatusCode.Created);

        Assert.Equal("bjensen", (string?)created["userName"]);
        await events.WaitForAsync(1);
        Assert.Equal(("b", "client-b"), (events.Changes.Single().Tenant, events.Changes.Single().Actor));
    }

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task OneKeptAliveConnection_EveryRequestsTokenIsCheckedAgain(TokenRegistration registration)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Tokens = registration);
        var connections = 0;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (endpoint, cancellationToken) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endpoint.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = server.Root };
        var near = ScimTestServer.DefaultToken[..^1] + (ScimTestServer.DefaultToken[^1] == 'x' ? 'y' : 'x');
        var sequence = new (string Path, string? Token, HttpStatusCode Expected)[]
        {
            ("scim/v2/Users", ScimTestServer.DefaultToken, HttpStatusCode.OK),
            ("scim/v2/Users", near, HttpStatusCode.Unauthorized),
            ("scim/v2/Users", ScimTestServer.DefaultToken, HttpStatusCode.OK),
            ("scim/v2/Users", ScimTestServer.DefaultToken + "x", HttpStatusCode.Unauthorized),
            ("scim/v2/Users", null, HttpStatusCode.Unauthorized),
            ("tenants/a/scim/v2/Users", ScimTestServer.DefaultToken, HttpStatusCode.Unauthorized),
            ("tenants/a/scim/v2/Users", ScimTestServer.TokenA, HttpStatusCode.OK),
            ("tenants/b/scim/v2/Users", ScimTestServer.TokenA, HttpStatusCode.Unauthorized),
            ("tenants/a/scim/v2/Users", ScimTestServer.TokenA, HttpStatusCode.OK),
            ("scim/v2/Users", ScimTestServer.DefaultToken, HttpStatusCode.OK),
        };

        foreach (var (path, token, expected) in sequence)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
            {
                request.Headers.Add("Authorization", "Bearer " + token);
            }

            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.True(expected == response.StatusCode, $"{path} with {token ?? "no token"}: {response.StatusCode}");
        }

        // The point is one connection, kept alive through the 401s.
        Assert.Equal(1, connections);
    }

    [Fact]
    public async Task OtherEndpointsOfTheGroup_AreGuardedThroughTheScheme()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.SinglePrefix = group => group.MapGet("/host-status", () => "fine"));

        using var anonymous = new HttpClient { BaseAddress = server.Root };
        var refused = await anonymous.GetAsync(new Uri("scim/v2/host-status", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.StartsWith("Bearer", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "scim/v2/host-status") { Headers = { { "Authorization", "Bearer " + ScimTestServer.DefaultToken } } };
        var served = await anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("fine", await served.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AHostPolicyBesideTheToken_StillApplies_WithAScim403()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.SinglePrefix = group => group.RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(ScimBearerTokenDefaults.AuthenticationScheme)
            .RequireClaim(ScimClaimTypes.Client, "default-client")));

        // Tenant a's token is valid on the single prefix (its claim names the tenant), but the policy wants another client.
        Error(await server.Client("scim/v2", ScimTestServer.TokenA).GetAsync("Users"), HttpStatusCode.Forbidden);
        Error(await server.Client("scim/v2", null).GetAsync("Users"), HttpStatusCode.Unauthorized);
        List(await server.Client().GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task NoTokenConfigured_RefusesEveryRequest()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Tokens = TokenRegistration.None);

        foreach (var token in new[] { ScimTestServer.DefaultToken, ScimTestServer.TokenA, "anything" })
        {
            Error(await server.Client("scim/v2", token).GetAsync("Users"), HttpStatusCode.Unauthorized);
            Error(await server.Client("scim/v2", token).PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}"""), HttpStatusCode.Unauthorized);
        }
    }

    [Theory]
    [InlineData(TokenRegistration.None, 1)]
    [InlineData(TokenRegistration.ScimBuilder, 0)]
    [InlineData(TokenRegistration.AuthenticationScheme, 0)]
    public async Task NoTokenWarning_IsLoggedOnce_AndOnlyWhenNoTokenIsConfigured(TokenRegistration tokens, int warnings)
    {
        using var logs = new FakeLoggerProvider();
        await using var server = await ScimTestServer.StartAsync(o =>
        {
            o.Tokens = tokens;
            o.Logging = logging => logging.AddProvider(logs);
        });

        // Refused requests, one after another and then side by side.
        for (var i = 0; i < 3; i++)
        {
            Error(await server.Client("scim/v2", "not-a-token").GetAsync("Users"), HttpStatusCode.Unauthorized);
        }

        var parallel = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.Client("scim/v2", "not-a-token").GetAsync("Users")));
        Assert.All(parallel, response => Error(response, HttpStatusCode.Unauthorized));

        var logged = logs.Collector.GetSnapshot().Where(r => r.Message.Contains("no token is configured", StringComparison.Ordinal)).ToList();
        Assert.Equal(warnings, logged.Count);
        Assert.All(logged, r => Assert.Equal(LogLevel.Warning, r.Level));
    }

    [Fact]
    public async Task ATokenOfAnotherTenant_IsRefused_AndTheWarningNamesBothTenants()
    {
        using var logs = new FakeLoggerProvider();
        await using var server = await ScimTestServer.StartAsync(o =>
        {
            o.Tokens = TokenRegistration.ScimBuilder;
            o.Logging = logging => logging.AddProvider(logs);
        });

        Error(await server.TenantClient("b", ScimTestServer.TokenA).GetAsync("Users"), HttpStatusCode.Unauthorized);
        Error(await server.TenantClient("b", "not-a-token").GetAsync("Users"), HttpStatusCode.Unauthorized);

        // Only the valid token at the wrong tenant is worth a line: which tenant it is of, and which the URL names; never the token.
        var logged = Assert.Single(logs.Collector.GetSnapshot(), r => r.Message.Contains("was presented for tenant", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Contains("tenant 'a'", logged.Message, StringComparison.Ordinal);
        Assert.Contains("for tenant 'b'", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Collector.GetSnapshot(), r => r.Message.Contains(ScimTestServer.TokenA, StringComparison.Ordinal));
    }

    private sealed class EventRecorder : IScimEventSubscriber
    {
        private readonly List<ScimChangeEvent> _changes = [];

        public IReadOnlyList<ScimChangeEvent> Changes
        {
            get
            {
                lock (_changes)
                {
                    return [.. _changes];
                }
            }
        }

        /// <summary>Events are delivered after the response: waits until <paramref name="count"/> have arrived.</summary>
        public async Task WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Changes.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Only {Changes.Count} of {count} events arrived within 10 seconds.");
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }
        }

        public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
        {
            lock (_changes)
            {
                _changes.Add(change);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>A host's own scheme: anyone naming themselves in X-User is authenticated (no SCIM claims).</summary>
    private sealed class HeaderUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "HeaderUser";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.TryGetValue("X-User", out var user)
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], Name)), Name))
                : AuthenticateResult.NoResult());
    }
}
