using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.Core;
using Scim.Core.Agents;
using Scim.Core.Provisioning;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.Resources;

/// <summary>
/// A host with the SCIM tables and the table of other types, serving agents beside users and
/// groups over real HTTP, on a new database of the provider.
/// </summary>
public sealed class AgentsApp : IAsyncDisposable
{
    private const string Token = "agents-in-groups-token-7d1e";

    private readonly WebApplication _app;
    private readonly IAsyncDisposable _database;

    private AgentsApp(WebApplication app, IAsyncDisposable database, Uri root, SqlLog sql, ErrorLog errors)
    {
        (_app, _database, Root, Sql, Errors) = (app, database, root, sql, errors);
    }

    public Uri Root { get; }

    public SqlLog Sql { get; }

    public ErrorLog Errors { get; }

    /// <summary>Starts the app.</summary>
    /// <param name="provider">The database.</param>
    /// <param name="options">The service's options.</param>
    /// <param name="context">More of the context's options, after the provider's (a retrying execution strategy).</param>
    /// <param name="services">More services (an event subscriber).</param>
    /// <returns>The running app.</returns>
    public static async Task<AgentsApp> StartAsync(Provider provider, Action<ScimServiceOptions>? options = null, Action<DbContextOptionsBuilder, string>? context = null, Action<IServiceCollection>? services = null)
    {
        var (database, connectionString) = await TestDatabase.CreateAsync(provider);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var errors = new ErrorLog();
        builder.Logging.AddProvider(errors);
        var sql = new SqlLog();
        builder.Services.AddDbContextFactory<ResourcesDbContext>(o =>
        {
            ScimTablesApp.Use(o, provider, connectionString);
            context?.Invoke(o, connectionString);
            o.AddInterceptors(sql);
        });
        services?.Invoke(builder.Services);
        builder.Services.AddScim()
            .ConfigureService(o => options?.Invoke(o))
            .AddEntityFrameworkCoreStores<ResourcesDbContext>()
            .AddAgents()
            .AddEntityFrameworkCoreResourceStore<ResourcesDbContext>("Agent")
            .AddEntityFrameworkCoreResourceStore<ResourcesDbContext>("AgenticApplication")
            .AddScimBearerTokens(t => t.AddToken(ScimContext.DefaultTenant, "test", Token));
        var app = builder.Build();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ResourcesDbContext>>().CreateDbContextAsync())
        {
            await db.Database.EnsureCreatedAsync();
        }

        app.MapScim("/scim/v2").RequireScimBearerToken();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AgentsApp(app, database, new Uri(address.TrimEnd('/') + "/"), sql, errors);
    }

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = new Uri(Root, "scim/v2/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public ResourcesDbContext Database() => _app.Services.GetRequiredService<IDbContextFactory<ResourcesDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }
}
