using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Scim.AspNetCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>The app's notion of the current tenant, scoped: for a SCIM request, the tenant the bearer check proved.</summary>
public sealed class CurrentTenant(IHttpContextAccessor http)
{
    public string? Name => http.HttpContext?.User.FindFirst(ScimClaimTypes.Tenant)?.Value;
}

/// <summary>The app's audit stamping: a new concurrency stamp and the acting client on every row it saves.</summary>
public sealed class AuditStamps(IHttpContextAccessor http) : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        foreach (var entry in eventData.Context!.ChangeTracker.Entries<TenantAccount>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                entry.Entity.Stamp = Guid.NewGuid().ToString();
                entry.Entity.UpdatedBy = http.HttpContext?.User.FindFirst(ScimClaimTypes.Client)?.Value ?? "app";
            }
        }

        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }
}

public class TenantAccount
{
    public int Id { get; set; }

    public string Tenant { get; set; } = string.Empty;

    public string UserName { get; set; } = string.Empty;

    public string? Stamp { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>A context as multi-tenant apps write them: a scoped dependency, and a query filter on it.</summary>
public class TenantFilteredDbContext(DbContextOptions<TenantFilteredDbContext> options, CurrentTenant tenant) : DbContext(options)
{
    public DbSet<TenantAccount> Accounts => Set<TenantAccount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TenantAccount>().HasIndex(a => new { a.Tenant, a.UserName }).IsUnique();
        modelBuilder.Entity<TenantAccount>().HasQueryFilter(a => a.Tenant == tenant.Name);
    }
}

/// <summary>
/// An app whose context has scoped dependencies, registered with a scoped factory: the stores
/// take their contexts in the request's scope (a store shared by every request used to keep the
/// first scope's factory, and every request after it was a 500); the app's query filter sees the
/// SCIM request's tenant through the claim the bearer check sets; and the app's interceptor, which
/// stamps the version column as rows are saved, is what the response's ETag says (it used to carry
/// the version from before the interceptor ran, and If-Match with it was 412).
/// </summary>
public abstract class HostContextTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task AContextWithScopedServices_FiltersAndStamps_SeeTheScimRequest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await HostApp.StartAsync<TenantFilteredDbContext>(
            Provider,
            scim => scim.AddEntityFrameworkCoreStores<TenantFilteredDbContext>(stores => stores
                .Users<TenantAccount>(users => users.Id(a => a.Id).Tenant(a => a.Tenant).Map("userName", a => a.UserName).Version(a => a.Stamp))),
            tokens =>
            {
                tokens.AddToken("acme", "idp-acme", "host-context-acme-token");
                tokens.AddToken("globex", "idp-globex", "host-context-globex-token");
            },
            context: (services, use) =>
            {
                services.AddHttpContextAccessor();
                services.AddScoped<CurrentTenant>();
                services.AddScoped<AuditStamps>();
                services.AddDbContextFactory<TenantFilteredDbContext>((sp, o) => use(o.AddInterceptors(sp.GetRequiredService<AuditStamps>())), ServiceLifetime.Scoped);
            });
        var acme = app.Client("host-context-acme-token");
        var globex = app.Client("host-context-globex-token");
        var errors = app.Errors;

        var created = (await acme.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada"}""")).Expect(HttpStatusCode.Created, errors);
        var id = (string)created.Json["id"]!;
        var read = (await acme.Get($"Users/{id}")).Expect(HttpStatusCode.OK, errors);
        Assert.Equal(created.ETag, read.ETag);
        Assert.Single(List((await acme.Get("Users")).Expect(HttpStatusCode.OK, errors).Json));
        Assert.Empty(List((await globex.Get("Users")).Expect(HttpStatusCode.OK, errors).Json));
        (await globex.Get($"Users/{id}")).Expect(HttpStatusCode.NotFound, errors);

        var patched = (await acme.Patch($"Users/{id}", Http.PatchOp("""{"op":"replace","path":"userName","value":"ada2"}"""))).Expect(HttpStatusCode.OK, errors);
        await using (var db = app.Database())
        {
            var row = await db.Accounts.IgnoreQueryFilters().AsNoTracking().SingleAsync(ct);
            Assert.Equal($"W/\"{row.Stamp}\"", patched.ETag);
            Assert.Equal("idp-acme", row.UpdatedBy);
        }

        (await acme.Send(HttpMethod.Patch, $"Users/{id}", Http.PatchOp("""{"op":"replace","path":"userName","value":"ada3"}"""), ("If-Match", patched.ETag!))).Expect(HttpStatusCode.OK, errors);
        Assert.Empty(errors.Errors);
    }

    private static JsonArray List(JsonNode page) => page["Resources"]?.AsArray() ?? [];
}

/// <summary>The host's own context services on SQLite.</summary>
public sealed class SqliteHostContextTests : HostContextTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The host's own context services on PostgreSQL.</summary>
public sealed class PostgresHostContextTests : HostContextTests
{
    protected override Provider Provider => Provider.Postgres;
}
