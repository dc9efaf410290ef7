using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.AspNetCore;
using Scim.Core;
using Scim.Core.Stores;

namespace Scim.AspNetCore.Tests;

/// <summary>What a test changes in the host it starts.</summary>
public sealed class ScimTestServerOptions
{
    /// <summary>Changes AddScim's options (PATCH response, payload limit, tenant resolver).</summary>
    public Action<ScimHttpOptions>? Http { get; set; }

    /// <summary>Changes the builder AddScim returns, after AddInMemoryStores (e.g. to replace the user store).</summary>
    public Action<ScimBuilder>? Scim { get; set; }

    /// <summary>Serves the app under this PathBase (app.UsePathBase), e.g. "/app".</summary>
    public string? PathBase { get; set; }

    /// <summary>Honours X-Forwarded-Proto and X-Forwarded-Host (app.UseForwardedHeaders).</summary>
    public bool ForwardedHeaders { get; set; }

    /// <summary>Calls UseAuthentication before UseRouting (so the bearer handler runs before route values exist).</summary>
    public bool AuthenticateBeforeRouting { get; set; }

    /// <summary>Where the built-in tokens are registered.</summary>
    public TokenRegistration Tokens { get; set; } = TokenRegistration.AuthenticationScheme;

    /// <summary>Adds other authentication schemes (AddAuthentication and its middleware are then used whatever <see cref="Tokens"/> says).</summary>
    public Action<AuthenticationBuilder>? Authentication { get; set; }

    /// <summary>Decorates the /scim/v2 route group after RequireScimBearerToken (host policies, extra endpoints).</summary>
    public Action<RouteGroupBuilder>? SinglePrefix { get; set; }

    /// <summary>Maps more endpoints on the app (after the SCIM ones).</summary>
    public Action<WebApplication>? Map { get; set; }

    /// <summary>Adds logging providers (the host starts with none).</summary>
    public Action<ILoggingBuilder>? Logging { get; set; }

    /// <summary>Changes Kestrel's options (its limits).</summary>
    public Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>? Kestrel { get; set; }
}

/// <summary>The two ways a host registers the built-in tokens.</summary>
public enum TokenRegistration
{
    /// <summary><c>AddAuthentication().AddScimBearerTokens(...)</c>, with the authentication and authorization middleware (the scheme is the default one).</summary>
    AuthenticationScheme,

    /// <summary><c>AddScim().AddScimBearerTokens(...)</c>, with no authentication middleware at all (as the sample does).</summary>
    ScimBuilder,

    /// <summary>RequireScimBearerToken with no token registered anywhere (a host's mistake).</summary>
    None,
}

/// <summary>
/// Scim.AspNetCore hosted in-process on Kestrel over real HTTP (http://127.0.0.1:0), with the
/// in-memory stores, the built-in bearer tokens, and both the single-tenant prefix (/scim/v2) and
/// the tenant prefix (/tenants/{tenant}/scim/v2).
/// </summary>
public sealed class ScimTestServer : IAsyncDisposable
{
    /// <summary>The token of the default tenant (used on /scim/v2).</summary>
    public const string DefaultToken = "default-tenant-token-5c1d";

    /// <summary>Tenant "a"'s token.</summary>
    public const string TokenA = "tenant-a-token-93be";

    /// <summary>Tenant "b"'s token.</summary>
    public const string TokenB = "tenant-b-token-41f0";

    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];

    private ScimTestServer(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    /// <summary>The server's root: scheme, loopback address, bound port, and the PathBase if any (ends with '/').</summary>
    public Uri Root { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a host.</summary>
    /// <param name="configure">Per-test variations.</param>
    /// <returns>The running server.</returns>
    public static async Task<ScimTestServer> StartAsync(Action<ScimTestServerOptions>? configure = null)
    {
        var options = new ScimTestServerOptions();
        configure?.Invoke(options);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        options.Logging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (options.Kestrel is not null)
        {
            builder.WebHost.ConfigureKestrel(options.Kestrel);
        }

        var scim = builder.Services.AddScim(options.Http).AddInMemoryStores();
        options.Scim?.Invoke(scim);
        static void Tokens(ScimBearerTokenOptions tokens) => tokens
            .AddToken(ScimContext.DefaultTenant, "default-client", DefaultToken)
            .AddToken("a", "client-a", TokenA)
            .AddToken("b", "client-b", TokenB);
        var authentication = options.Tokens == TokenRegistration.AuthenticationScheme || options.Authentication is not null;
        if (options.Tokens == TokenRegistration.ScimBuilder)
        {
            scim.AddScimBearerTokens(Tokens);
        }

        if (authentication)
        {
            var auth = builder.Services.AddAuthentication();
            if (options.Tokens == TokenRegistration.AuthenticationScheme)
            {
                auth.AddScimBearerTokens(Tokens);
            }

            options.Authentication?.Invoke(auth);
            builder.Services.AddAuthorization();
        }

        if (options.ForwardedHeaders)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost);
        }

        var app = builder.Build();
        if (options.ForwardedHeaders)
        {
            app.UseForwardedHeaders();
        }

        if (options.PathBase is not null)
        {
            app.UsePathBase(options.PathBase);
        }

        if (!authentication)
        {
            app.UseRouting();
        }
        else if (options.AuthenticateBeforeRouting)
        {
            app.UseAuthentication();
            app.UseRouting();
            app.UseAuthorization();
        }
        else
        {
            app.UseRouting();
            app.UseAuthentication();
            app.UseAuthorization();
        }

        var single = app.MapScim("/scim/v2").RequireScimBearerToken();
        options.SinglePrefix?.Invoke(single);
        app.MapScim("/tenants/{tenant}/scim/v2").RequireScimBearerToken();
        options.Map?.Invoke(app);

        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ScimTestServer(app, new Uri(address.TrimEnd('/') + (options.PathBase ?? string.Empty) + "/"));
    }

    /// <summary>A client of /scim/v2 with the default tenant's token.</summary>
    /// <returns>The client.</returns>
    public ScimClient Client() => Client("scim/v2", DefaultToken);

    /// <summary>A client of /tenants/{tenant}/scim/v2.</summary>
    /// <param name="tenant">The tenant in the route.</param>
    /// <param name="token">The token sent, or <see langword="null"/> for none.</param>
    /// <returns>The client.</returns>
    public ScimClient TenantClient(string tenant, string? token) => Client($"tenants/{tenant}/scim/v2", token);

    /// <summary>A client of a prefix below the root with a token (or none).</summary>
    /// <param name="prefix">The prefix, e.g. "scim/v2".</param>
    /// <param name="token">The token.</param>
    /// <returns>The client.</returns>
    public ScimClient Client(string prefix, string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri(Root, prefix.TrimEnd('/') + "/") };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _clients.Add(http);
        return new ScimClient(http);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
