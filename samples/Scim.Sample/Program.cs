// The quick-trial SCIM server. Today it serves the discovery documents (/ServiceProviderConfig,
// /ResourceTypes, /Schemas) built by Scim.Core behind a bearer token; the resource endpoints arrive
// with the ASP.NET Core adapter. Its command line is a stable interface: --urls,
// --Sample:Token=<token>, --Sample:PatchResponse=204|200.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Scim.Core.Discovery;
using Scim.Core.Schema;
using Scim.Core.Serialization;

var builder = WebApplication.CreateBuilder(args);
var options = SampleOptions.From(builder.Configuration);
builder.Services.AddScimCore();

var app = builder.Build();
var registry = app.Services.GetRequiredService<SchemaRegistry>();
var configuration = app.Services.GetRequiredService<ServiceProviderConfiguration>();
configuration.AuthenticationSchemes.Add(AuthenticationScheme.OAuthBearerToken());

var scim = app.MapGroup(SampleOptions.BasePath);
scim.AddEndpointFilter(async (context, next) =>
{
    var header = context.HttpContext.Request.Headers.Authorization.ToString();
    if (!options.IsAuthorized(header))
    {
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"scim\"";
        return ScimResults.Error(401, null, "A valid bearer token is required.");
    }

    return await next(context);
});

foreach (var name in new[] { "ServiceProviderConfig", "ServiceProviderConfigs", "serviceConfiguration" })
{
    scim.MapGet(name, (HttpRequest request) => ScimResults.Json(DiscoveryDocuments.ServiceProviderConfig(configuration, ScimResults.BaseUrl(request))));
}

scim.MapGet("Schemas", (HttpRequest request) => ScimResults.Json(DiscoveryDocuments.Schemas(registry, ScimResults.BaseUrl(request))));
scim.MapGet("Schemas/{id}", (string id, HttpRequest request) => registry.FindSchema(id) is { } schema
    ? ScimResults.Json(DiscoveryDocuments.Schema(schema, ScimResults.BaseUrl(request)))
    : ScimResults.Error(404, null, $"Schema '{id}' not found."));
scim.MapGet("ResourceTypes", (HttpRequest request) => ScimResults.Json(DiscoveryDocuments.ResourceTypes(registry, ScimResults.BaseUrl(request))));
scim.MapGet("ResourceTypes/{name}", (string name, HttpRequest request) => registry.FindResourceType(name) is { } resourceType && string.Equals(resourceType.Name, name, StringComparison.OrdinalIgnoreCase)
    ? ScimResults.Json(DiscoveryDocuments.ResourceType(resourceType, ScimResults.BaseUrl(request)))
    : ScimResults.Error(404, null, $"Resource type '{name}' not found."));
scim.Map("{**rest}", (string? rest) => ScimResults.Error(404, null, $"No SCIM endpoint at '/{rest}' in this sample yet."));

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        Console.WriteLine($"SCIM base URL: {address.TrimEnd('/')}{SampleOptions.BasePath}");
    }

    Console.WriteLine($"Bearer token: {options.Token}");
    Console.WriteLine($"PATCH responses: {options.PatchResponse}");
});

app.Run();

/// <summary>The sample's settings, from the "Sample" configuration section.</summary>
internal sealed class SampleOptions
{
    public const string BasePath = "/scim/v2";

    private byte[] _tokenBytes = [];

    public string Token { get; private init; } = string.Empty;

    public int PatchResponse { get; private init; } = 200;

    public static SampleOptions From(IConfiguration configuration)
    {
        var token = configuration["Sample:Token"];
        if (string.IsNullOrWhiteSpace(token))
        {
            token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        var patch = configuration["Sample:PatchResponse"] ?? "200";
        if (patch is not ("200" or "204"))
        {
            throw new InvalidOperationException($"Sample:PatchResponse must be 200 or 204; got '{patch}'.");
        }

        return new SampleOptions { Token = token, PatchResponse = int.Parse(patch, System.Globalization.CultureInfo.InvariantCulture), _tokenBytes = Encoding.UTF8.GetBytes(token) };
    }

    public bool IsAuthorized(string authorizationHeader)
    {
        const string Prefix = "Bearer ";
        if (!authorizationHeader.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(authorizationHeader[Prefix.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _tokenBytes);
    }
}

/// <summary>Writes SCIM responses (application/scim+json) for the sample.</summary>
internal static class ScimResults
{
    private const string ContentType = "application/scim+json";

    public static IResult Json(JsonObject document) => Results.Text(document.ToJsonString(ScimSerializer.DocumentOptions), ContentType, Encoding.UTF8);

    public static IResult Error(int status, string? scimType, string detail)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.Error),
            ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (scimType is not null)
        {
            body["scimType"] = scimType;
        }

        body["detail"] = detail;
        return Results.Text(body.ToJsonString(ScimSerializer.DocumentOptions), ContentType, Encoding.UTF8, status);
    }

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{SampleOptions.BasePath}";
}

/// <summary>Entry point type, visible to in-process tests.</summary>
public partial class Program;
