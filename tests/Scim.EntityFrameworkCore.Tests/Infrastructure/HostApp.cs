using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.AspNetCore;
using Scim.Core;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// A host app over a context of a test's own (a schema as a host has it), on a new database of the
/// provider: the stores the test maps, its tokens, SCIM at <c>/scim/v2</c> and at
/// <c>/tenants/{tenant}/scim/v2</c>, over real HTTP. Disposing it stops the app and drops the database.
/// </summary>
/// <typeparam name="TContext">The test's context.</typeparam>
public sealed class HostApp<TContext> : IAsyncDisposable
    where TContext : DbContext
{
    private readonly WebApplication _app;
    private readonly IAsyncDisposable _database;
    private readonly List<HttpClient> _clients = [];

    internal HostApp(WebApplication app, IAsyncDisposable database, Uri root, ErrorLog errors) =>
        (_app, _database, Root, Errors) = (app, database, root, errors);

    /// <summary>The app's root URL.</summary>
    public Uri Root { get; }

    /// <summary>The errors (and EF Core's warnings) the app logged.</summary>
    public ErrorLog Errors { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>A client of <c>/scim/v2</c>, or of a tenant's route, with a token.</summary>
    public HttpClient Client(string token, string? tenant = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(Root, tenant is null ? "scim/v2/" : $"tenants/{tenant}/scim/v2/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _clients.Add(client);
        return client;
    }

    /// <summary>A context over the app's database, to look at the rows.</summary>
    public TContext Database() => _app.Services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>Starts <see cref="HostApp{TContext}"/>s.</summary>
public static class HostApp
{
    /// <summary>Starts a host app over <typeparamref name="TContext"/>: <paramref name="stores"/> maps the entities, <paramref name="tokens"/> adds the tokens, <paramref name="seed"/> adds rows after the tables are made.</summary>
    /// <param name="provider">The database.</param>
    /// <param name="stores">Maps the entities.</param>
    /// <param name="tokens">Adds the tokens.</param>
    /// <param name="seed">Adds rows after the tables are made.</param>
    /// <param name="context">Registers the context with the options given (a pooled factory when <see langword="null"/>); it must also register an <see cref="IDbContextFactory{TContext}"/> (the test reads the database with it, from the root provider).</param>
    public static async Task<HostApp<TContext>> StartAsync<TContext>(Provider provider, Action<ScimBuilder> stores, Action<ScimBearerTokenOptions> tokens, Func<TContext, Task>? seed = null, Action<IServiceCollection, Action<DbContextOptionsBuilder>>? context = null)
        where TContext : DbContext
    {
        var (database, connectionString) = await TestDatabase.CreateAsync(provider);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var errors = new ErrorLog();
        builder.Logging.AddProvider(errors);
        if (context is null)
        {
            builder.Services.AddPooledDbContextFactory<TContext>(o => ScimTablesApp.Use(o, provider, connectionString));
        }
        else
        {
            context(builder.Services, o => ScimTablesApp.Use(o, provider, connectionString));
        }

        var scim = builder.Services.AddScim();
        stores(scim);
        scim.AddScimBearerTokens(tokens);
        var app = builder.Build();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContextAsync())
        {
            await db.Database.EnsureCreatedAsync();
            if (seed is not null)
            {
                await seed(db);
            }
        }

        app.MapScim("/scim/v2").RequireScimBearerToken();
        app.MapScim("/tenants/{tenant}/scim/v2").RequireScimBearerToken();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HostApp<TContext>(app, database, new Uri(address.TrimEnd('/') + "/"), errors);
    }

}
