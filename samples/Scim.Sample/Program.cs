// The quick-trial SCIM server: Scim.AspNetCore over the in-memory stores, protected by the built-in
// bearer-token scheme. Its command line is a stable interface: --urls, --Sample:Token=<token>,
// --Sample:PatchResponse=204|200. Multi-tenant endpoints live at /tenants/{tenant}/scim/v2, with
// tokens from Sample:Tenants:<tenant>=<token>.
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Scim.AspNetCore;
using Scim.Core.Stores;

var builder = WebApplication.CreateBuilder(args);
var options = SampleOptions.From(builder.Configuration);
builder.Services.AddScim(o => o.PatchResponse = options.PatchResponse)
    .AddInMemoryStores()
    .AddScimBearerTokens(tokens =>
    {
        // Checked by the SCIM endpoints themselves (RequireScimBearerToken below): this app has no
        // other authentication, so it needs no authentication or authorization middleware.
        tokens.AddToken(ScimContext.DefaultTenant, "sample", options.Token);
        foreach (var (tenant, token) in options.Tenants)
        {
            tokens.AddToken(tenant, tenant + "-client", token);
        }
    });

var app = builder.Build();
app.MapScim(SampleOptions.BasePath).RequireScimBearerToken();
app.MapScim(SampleOptions.TenantBasePath).RequireScimBearerToken();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        Console.WriteLine($"SCIM base URL: {address.TrimEnd('/')}{SampleOptions.BasePath}");
    }

    Console.WriteLine($"Bearer token: {options.Token}");
    Console.WriteLine(options.PatchResponse switch
    {
        ScimPatchResponse.Ok => "PATCH responses: 200",
        ScimPatchResponse.NoContent => "PATCH responses: 204",
        _ => "PATCH responses: auto (200 with the resource; 204 when it would carry a group's members)",
    });
    foreach (var tenant in options.Tenants.Keys)
    {
        Console.WriteLine($"Tenant '{tenant}': {SampleOptions.TenantBasePath.Replace("{tenant}", tenant, StringComparison.Ordinal)}");
    }
});

app.Run();

/// <summary>The sample's settings, from the "Sample" configuration section.</summary>
internal sealed class SampleOptions
{
    public const string BasePath = "/scim/v2";

    public const string TenantBasePath = "/tenants/{tenant}/scim/v2";

    public string Token { get; private init; } = string.Empty;

    /// <summary>Sample:PatchResponse: 200 (always the resource), 204 (never), or unset (the library's default: 204 only where the body would carry a group's members).</summary>
    public ScimPatchResponse PatchResponse { get; private init; } = ScimPatchResponse.Auto;

    /// <summary>Per-tenant tokens for the multi-tenant endpoints (Sample:Tenants:&lt;tenant&gt;=&lt;token&gt;).</summary>
    public IReadOnlyDictionary<string, string> Tenants { get; private init; } = new Dictionary<string, string>();

    public static SampleOptions From(IConfiguration configuration)
    {
        var token = configuration["Sample:Token"];
        if (string.IsNullOrWhiteSpace(token))
        {
            token = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        var patch = configuration["Sample:PatchResponse"] switch
        {
            null => ScimPatchResponse.Auto,
            "200" => ScimPatchResponse.Ok,
            "204" => ScimPatchResponse.NoContent,
            var other => throw new InvalidOperationException($"Sample:PatchResponse must be 200 or 204; got '{other}'."),
        };

        return new SampleOptions { Token = token, PatchResponse = patch, Tenants = TenantsFrom(configuration) };
    }

    private static Dictionary<string, string> TenantsFrom(IConfiguration configuration)
    {
        var tenants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection("Sample:Tenants").GetChildren())
        {
            if (string.IsNullOrWhiteSpace(entry.Value))
            {
                throw new InvalidOperationException($"Sample:Tenants:{entry.Key} must be a token.");
            }

            tenants[entry.Key] = entry.Value;
        }

        return tenants;
    }
}

/// <summary>Entry point type, visible to in-process tests.</summary>
public partial class Program;
