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

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>
/// The host application of the host-database tests, started on Kestrel over real HTTP: its
/// existing schema in a SQLite file of its own, plus the one index SCIM asks for (userName is
/// compared case-insensitively, so the unique index is on lower(Email)), and Scim.AspNetCore over
/// the EF Core stores the <see cref="AccountsScim"/> mapping configures.
/// </summary>
public sealed class AccountsApp : IScimApp
{
    public const string Token = "accounts-app-token-7d21";

    private readonly WebApplication _app;
    private readonly SqliteFile _file;

    private AccountsApp(WebApplication app, SqliteFile file, Uri baseAddress, SqlLog sql, ErrorLog errors)
    {
        Errors = errors;
        _app = app;
        _file = file;
        BaseAddress = baseAddress;
        Sql = sql;
    }

    /// <summary>The SCIM base URL, ending in a slash.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The SQL the app ran, in order (statements as EF Core logged them).</summary>
    public SqlLog Sql { get; }

    /// <summary>The errors the app logged (none, unless a request failed unexpectedly).</summary>
    public ErrorLog Errors { get; }

    /// <summary>Starts the app over a new database.</summary>
    /// <param name="scim">Changes the SCIM registration after the stores are added.</param>
    /// <param name="createSchema">Creates the schema; <see cref="CreateSchemaAsync"/> when not given.</param>
    public static async Task<AccountsApp> StartAsync(Action<ScimBuilder>? scim = null, Func<AccountsDbContext, Task>? createSchema = null)
    {
        var file = SqliteFile.Create();
        await using (var db = new AccountsDbContext(new DbContextOptionsBuilder<AccountsDbContext>().UseSqlite(file.ConnectionString).Options))
        {
            await (createSchema ?? CreateSchemaAsync)(db);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var errors = new ErrorLog();
        builder.Logging.AddProvider(errors);
        var log = new SqlLog();
        builder.Services.AddPooledDbContextFactory<AccountsDbContext>(o => o.UseSqlite(file.ConnectionString).AddInterceptors(log));
        var registration = builder.Services.AddScim().AddAccountsStores().AddScimBearerTokens(t => t.AddToken(ScimContext.DefaultTenant, "test", Token));
        scim?.Invoke(registration);
        var app = builder.Build();
        app.MapScim("/scim/v2").RequireScimBearerToken();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AccountsApp(app, file, new Uri(address.TrimEnd('/') + "/scim/v2/"), log, errors);
    }

    /// <summary>The host's schema as EF Core creates it, and the case-insensitive unique index on the login.</summary>
    public static async Task CreateSchemaAsync(AccountsDbContext db)
    {
        await db.Database.EnsureCreatedAsync();
        await db.Database.ExecuteSqlRawAsync("CREATE UNIQUE INDEX \"IX_Accounts_Email_lower\" ON \"Accounts\" (lower(\"Email\"))");
    }

    /// <summary>A client with the app's token.</summary>
    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>A context over the app's database, to look at the rows.</summary>
    public AccountsDbContext Database() => Services.GetRequiredService<IDbContextFactory<AccountsDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _file.DisposeAsync();
    }
}
