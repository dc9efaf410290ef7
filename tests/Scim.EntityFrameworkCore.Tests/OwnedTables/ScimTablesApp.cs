using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.Core;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>The database a test runs on.</summary>
public enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A host that keeps its SCIM data in the SCIM-owned tables, on a SQLite file or a PostgreSQL
/// database of its own, started on Kestrel over real HTTP with two tenants' tokens.
/// </summary>
public sealed class ScimTablesApp : IScimApp
{
    public const string Token = "scim-tables-token-4f2a";
    public const string OtherTenantToken = "scim-tables-token-b-91c0";

    private readonly WebApplication _app;
    private readonly IAsyncDisposable _database;

    private readonly Provider _provider;
    private readonly string _connectionString;
    private bool _handedOver;

    private ScimTablesApp(WebApplication app, Provider provider, string connectionString, IAsyncDisposable database, Uri root, SqlLog sql, ErrorLog errors)
    {
        _app = app;
        _provider = provider;
        _connectionString = connectionString;
        _database = database;
        Root = root;
        Sql = sql;
        Errors = errors;
    }

    /// <summary>The server's root URL.</summary>
    public Uri Root { get; }

    public SqlLog Sql { get; }

    public ErrorLog Errors { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Options for a context over this app's database.</summary>
    public static void Use(DbContextOptionsBuilder options, Provider provider, string connectionString)
    {
        _ = provider == Provider.Sqlite ? options.UseSqlite(connectionString) : options.UseNpgsql(connectionString);
    }

    /// <summary>
    /// Starts the app over a new, empty database of the provider, its tables made by
    /// <paramref name="createTables"/> (by default the model's own), its connection string as
    /// <paramref name="connection"/> makes it from the database's (as it is, by default).
    /// </summary>
    public static async Task<ScimTablesApp> StartAsync(Provider provider, Action<ScimBuilder>? scim = null, Func<ScimTablesDbContext, Task>? createTables = null, Func<string, string>? connection = null)
    {
        var (database, connectionString) = await TestDatabase.CreateAsync(provider);
        connectionString = connection?.Invoke(connectionString) ?? connectionString;

        var setup = new DbContextOptionsBuilder<ScimTablesDbContext>();
        Use(setup, provider, connectionString);
        await using (var db = new ScimTablesDbContext(setup.Options))
        {
            await (createTables is null ? db.Database.EnsureCreatedAsync() : createTables(db));
        }

        return await StartOnAsync(provider, connectionString, database, scim);
    }

    /// <summary>
    /// Starts the app as <see cref="StartAsync"/> does, with its event dispatcher idle: it polls the
    /// outbox at its start and then once an hour, and nothing wakes it. This returns once that first
    /// poll's claim has run, so from then on only the test takes events from the outbox (a test that
    /// writes event rows itself and claims them would otherwise race the dispatcher's first poll).
    /// An app without subscribers reads no outbox at all, and returns at once.
    /// </summary>
    public static async Task<ScimTablesApp> StartWithIdleDispatcherAsync(Provider provider, Action<ScimBuilder>? scim = null)
    {
        var app = await StartAsync(provider, s =>
        {
            s.ConfigureService(o => o.EventDelivery.PollInterval = TimeSpan.FromHours(1));
            scim?.Invoke(s);
        });
        if (app.Services.GetServices<Scim.Core.Events.IScimEventSubscriber>().Any())
        {
            await Eventually.HoldsAsync(() => app.Sql.Commands.Any(c => c.Text.TrimStart().StartsWith("UPDATE \"ScimEvents\"", StringComparison.Ordinal) && c.Text.Contains("\"LeaseToken\"", StringComparison.Ordinal)));
        }

        return app;
    }

    /// <summary>
    /// Stops this app as a host stops (in-flight requests finish; events it took and did not
    /// deliver are handed back) and starts a new one over the same database; this instance is
    /// then done. A process that is killed is tested with the sample (SIGKILL).
    /// </summary>
    public async Task<ScimTablesApp> RestartAsync(Action<ScimBuilder>? scim = null)
    {
        _handedOver = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
        return await StartOnAsync(_provider, _connectionString, _database, scim);
    }

    /// <summary>
    /// Starts a second instance over this app's database while this one runs (as two instances
    /// behind a load balancer); the database goes with this one, not with the second.
    /// </summary>
    public Task<ScimTablesApp> StartAnotherInstanceAsync(Action<ScimBuilder>? scim = null) =>
        StartOnAsync(_provider, _connectionString, new KeptDatabase(), scim);

    private sealed class KeptDatabase : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static async Task<ScimTablesApp> StartOnAsync(Provider provider, string connectionString, IAsyncDisposable database, Action<ScimBuilder>? scim)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var errors = new ErrorLog();
        builder.Logging.AddProvider(errors);
        var log = new SqlLog();
        builder.Services.AddPooledDbContextFactory<ScimTablesDbContext>(o =>
        {
            Use(o, provider, connectionString);
            o.AddInterceptors(log);
            if (provider == Provider.Sqlite)
            {
                // Every SQLite test of the SCIM-owned tables runs its reads on kept statements, as
                // the sample does; the host-entity apps (AccountsApp and others) run without them.
                o.KeepSqliteStatementsPrepared();
            }
        });
        var registration = builder.Services.AddScim().AddEntityFrameworkCoreStores<ScimTablesDbContext>().AddScimBearerTokens(t =>
        {
            t.AddToken(ScimContext.DefaultTenant, "test", Token);
            t.AddToken("b", "test-b", OtherTenantToken);
        });
        scim?.Invoke(registration);
        var app = builder.Build();
        app.MapScim("/scim/v2").RequireScimBearerToken();
        app.MapScim("/tenants/{tenant}/scim/v2").RequireScimBearerToken();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ScimTablesApp(app, provider, connectionString, database, new Uri(address.TrimEnd('/') + "/"), log, errors);
    }

    public HttpClient Client() => Client("scim/v2/", Token);

    /// <summary>
    /// For a test of how a delivery loop paces its reads: waits for the loop's first read (at the
    /// start) and a quiet spell of <paramref name="interval"/>, forgets the statements so far, then
    /// creates ten users one after another (<paramref name="afterEach"/> after each); their ids in
    /// order, and how long the creates took.
    /// </summary>
    public async Task<(List<string> Ids, TimeSpan Elapsed)> CreateTenAfterAQuietSpellAsync(Func<SqlCommand, bool> isRead, TimeSpan interval, Func<int, Task>? afterEach = null)
    {
        using var client = Client();
        await Eventually.HoldsAsync(() => Sql.Commands.Any(isRead));
        await Task.Delay(interval + TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        Sql.Clear();

        var ids = new List<string>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            var created = (await client.Post("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"user{{i}}"}""")).Expect(System.Net.HttpStatusCode.Created, Errors);
            ids.Add((string)created.Json["id"]!);
            if (afterEach is not null)
            {
                await afterEach(ids.Count);
            }
        }

        return (ids, started.Elapsed);
    }

    /// <summary>A client of tenant "b".</summary>
    public HttpClient OtherTenant() => Client("tenants/b/scim/v2/", OtherTenantToken);

    /// <summary>A context over the app's database.</summary>
    public ScimTablesDbContext Database() => Services.GetRequiredService<IDbContextFactory<ScimTablesDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        if (_handedOver)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private HttpClient Client(string path, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Root, path) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
