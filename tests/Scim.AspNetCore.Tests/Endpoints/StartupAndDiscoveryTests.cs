using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.AspNetCore.Tests;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>What MapScim checks at startup, and what ServiceProviderConfig advertises.</summary>
public sealed class StartupAndDiscoveryTests
{
    [Fact]
    public async Task MapScimWithoutAddScim_ThrowsAtStartupNamingAddScim()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapScim("/scim/v2"));

        Assert.Contains("AddScim", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddScimWithoutAStore_ThrowsAtStartupNamingTheStore()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddScim();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapScim("/scim/v2"));

        Assert.Contains("AddInMemoryStores", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooSmallMaxPayloadSize_ThrowsAtStartup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddScim().AddInMemoryStores().ConfigureService(o => o.MaxPayloadSize = 10);
        await using var app = builder.Build();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => app.MapScim("/scim/v2"));

        Assert.Contains("MaxPayloadSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceProviderConfig_ReflectsCapabilities()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.MaxPayloadSize = 65_536));

        var response = await server.Client().GetAsync("ServiceProviderConfig");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/scim+json", response.MediaType);
        var config = response.Json;
        Assert.True((bool)config["patch"]!["supported"]!);
        Assert.True((bool)config["filter"]!["supported"]!);
        Assert.Equal(1000, (int)config["filter"]!["maxResults"]!);
        Assert.True((bool)config["etag"]!["supported"]!);
        Assert.True((bool)config["sort"]!["supported"]!);
        Assert.True((bool)config["changePassword"]!["supported"]!);
        Assert.True((bool)config["bulk"]!["supported"]!);
        Assert.Equal(1000, (int)config["bulk"]!["maxOperations"]!);
        Assert.Equal(65_536, (int)config["bulk"]!["maxPayloadSize"]!);
        Assert.True((bool)config["pagination"]!["cursor"]!);
        Assert.True((bool)config["pagination"]!["index"]!);
        Assert.Equal(100, (int)config["pagination"]!["defaultPageSize"]!);
        Assert.Equal(1000, (int)config["pagination"]!["maxPageSize"]!);
    }

    [Fact]
    public async Task ServiceProviderConfig_DefaultMaxPayloadSizeIsOneMebibyte()
    {
        await using var server = await ScimTestServer.StartAsync();

        var config = (await server.Client().GetAsync("ServiceProviderConfig")).Json;

        Assert.Equal(1_048_576, (int)config["bulk"]!["maxPayloadSize"]!);
    }
}
