using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.AspNetCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.Readme;

/// <summary>The README's quick start is this code, and it serves SCIM from PostgreSQL.</summary>
public sealed class ReadmeQuickStartTests
{
    private const string StartMarker = "// README snippet: start";
    private const string EndMarker = "// README snippet: end";

    [Fact]
    public void Readme_QuickStart_IsTheCodeThisTestRuns()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Scim.Core.sln")))
        {
            root = root.Parent!;
        }

        var readme = File.ReadAllText(Path.Combine(root.FullName, "README.md"));
        var section = readme.IndexOf("## Quick start", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has a 'Quick start' section");
        var codeStart = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        var fromReadme = Lines(readme[codeStart..readme.IndexOf("```", codeStart, StringComparison.Ordinal)]);

        var source = File.ReadAllText(Path.Combine(root.FullName, "tests", "Scim.EntityFrameworkCore.Tests", "Readme", "ReadmeQuickStartTests.cs"));
        var snippetStart = source.IndexOf(StartMarker + "\n", StringComparison.Ordinal) + StartMarker.Length + 1;
        var fromTest = Lines(source[snippetStart..source.LastIndexOf(EndMarker, StringComparison.Ordinal)]);

        Assert.Equal(fromReadme, fromTest);
    }

    [Fact]
    public async Task QuickStart_ServesScimFromPostgres()
    {
        await using var database = await Postgres.CreateDatabaseAsync();
        var connectionString = database.ConnectionString;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var token = "quick-start-token";

        // README snippet: start
        builder.Services.AddPooledDbContextFactory<AppDbContext>(o => o.UseNpgsql(connectionString));
        builder.Services.AddScim()
            .AddEntityFrameworkCoreStores<AppDbContext>();   // the SCIM tables (modelBuilder.ApplyScimModel()), or
                                                              // .AddEntityFrameworkCoreStores<AppDbContext>(map => ...) over your own entities,
                                                              // or .AddUserStore<MyUserStore>().AddGroupStore<MyGroupStore>()
        builder.Services.AddAuthentication().AddScimBearerTokens(t => t.AddToken("default", "entra", token));
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapScim("/scim/v2").RequireScimBearerToken();
        // README snippet: end

        await using (app)
        {
            await using (var context = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
            {
                await context.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
            }

            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/scim/v2/") };

            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("Users", TestContext.Current.CancellationToken)).StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var created = await http.PostAsync("Users", new StringContent("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"quick"}""", null, "application/scim+json"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var list = await http.GetStringAsync("Users?filter=userName%20eq%20%22QUICK%22", TestContext.Current.CancellationToken);
            Assert.Contains("\"totalResults\":1", list, StringComparison.Ordinal);
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    private static string[] Lines(string text) => [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    /// <summary>The host's context: here it has nothing but the SCIM tables.</summary>
    private sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyScimModel();
    }
}
