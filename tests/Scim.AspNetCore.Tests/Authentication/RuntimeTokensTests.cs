using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scim.AspNetCore.Tests.Authentication;

/// <summary>
/// Tokens change while the app runs, as customers are onboarded and their tokens rotated or
/// revoked: the configure action reads them from where the host keeps them, and clearing the
/// options' cache makes the next request read them again, on both registrations. A revoked token
/// is refused at once, also on a connection that presented it before.
/// </summary>
public sealed class RuntimeTokensTests
{
    public static readonly TheoryData<bool> Registrations = new(true, false);

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task TokensAddedAndRevoked_TakeEffectWithoutARestart(bool asAuthenticationScheme)
    {
        var ct = TestContext.Current.CancellationToken;
        var kept = new ConcurrentDictionary<string, (string Tenant, string Client)>
        {
            ["first-token-0123456789"] = ("default", "first"),
        };
        void Configure(ScimBearerTokenOptions tokens)
        {
            foreach (var (token, (tenant, client)) in kept)
            {
                tokens.AddToken(tenant, client, token);
            }
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var scim = builder.Services.AddScim().AddInMemoryStores();
        if (asAuthenticationScheme)
        {
            builder.Services.AddAuthentication().AddScimBearerTokens(Configure);
            builder.Services.AddAuthorization();
        }
        else
        {
            scim.AddScimBearerTokens(Configure);
        }

        var app = builder.Build();
        if (asAuthenticationScheme)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        app.MapScim("/scim/v2").RequireScimBearerToken();
        await using (app)
        {
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/scim/v2/") };
            async Task<HttpStatusCode> Get(string token)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "Users");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, ct);
                return response.StatusCode;
            }

            void Reload() => app.Services.GetRequiredService<IOptionsMonitorCache<ScimBearerTokenOptions>>().TryRemove(ScimBearerTokenDefaults.AuthenticationScheme);

            Assert.Equal(HttpStatusCode.OK, await Get("first-token-0123456789"));
            Assert.Equal(HttpStatusCode.Unauthorized, await Get("second-token-0123456789"));

            kept["second-token-0123456789"] = ("default", "second");
            Reload();
            Assert.Equal(HttpStatusCode.OK, await Get("second-token-0123456789"));

            // Revoked: refused at once, on the same connection that presented it a moment ago.
            kept.TryRemove("first-token-0123456789", out _);
            Reload();
            Assert.Equal(HttpStatusCode.Unauthorized, await Get("first-token-0123456789"));
            Assert.Equal(HttpStatusCode.OK, await Get("second-token-0123456789"));
            await app.StopAsync(ct);
        }
    }
}
