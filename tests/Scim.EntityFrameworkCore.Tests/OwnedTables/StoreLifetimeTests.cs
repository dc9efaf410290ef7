using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// How long the EF Core stores and the service over them live: with a context factory, one
/// service and its stores serve every request (they hold nothing of the scope they were made in);
/// without one, each request scope has its own, over the scope's context.
/// </summary>
public sealed class StoreLifetimeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithAContextFactory_OneServiceServesEveryScope_AfterTheFirstIsGone(bool factoryRegisteredLast)
    {
        await using var file = SqliteFile.Create();
        var services = new ServiceCollection();
        if (!factoryRegisteredLast)
        {
            services.AddPooledDbContextFactory<ScimTablesDbContext>(o => o.UseSqlite(file.ConnectionString));
        }

        services.AddScimCore().AddEntityFrameworkCoreStores<ScimTablesDbContext>();
        if (factoryRegisteredLast)
        {
            services.AddPooledDbContextFactory<ScimTablesDbContext>(o => o.UseSqlite(file.ConnectionString));
        }

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await CreateSchemaAsync(provider);

        ScimService first;
        string id;
        await using (var scope = provider.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<ScimService>();
            id = (await first.CreateAsync(ScimContext.Default, new User { UserName = "ann@example.com" }, Ct)).Id;
        }

        // The first scope is disposed; its service and stores go on serving the next one.
        await using (var scope = provider.CreateAsyncScope())
        {
            var second = scope.ServiceProvider.GetRequiredService<ScimService>();
            Assert.Same(first, second);
            var user = Assert.IsType<User>((await second.GetAsync(ScimContext.Default, "Users", id, cancellationToken: Ct)).Resource);
            Assert.Equal("ann@example.com", user.UserName);
        }
    }

    [Fact]
    public async Task WithoutAFactory_EachScopeHasItsOwnService_OverItsOwnContext()
    {
        await using var file = SqliteFile.Create();
        var services = new ServiceCollection();
        services.AddDbContext<ScimTablesDbContext>(o => o.UseSqlite(file.ConnectionString));
        services.AddScimCore().AddEntityFrameworkCoreStores<ScimTablesDbContext>();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await using (var setup = provider.CreateAsyncScope())
        {
            await setup.ServiceProvider.GetRequiredService<ScimTablesDbContext>().Database.EnsureCreatedAsync(Ct);
        }

        await using var one = provider.CreateAsyncScope();
        await using var two = provider.CreateAsyncScope();
        var a = one.ServiceProvider.GetRequiredService<ScimService>();
        var b = two.ServiceProvider.GetRequiredService<ScimService>();
        Assert.NotSame(a, b);

        var id = (await a.CreateAsync(ScimContext.Default, new User { UserName = "bo@example.com" }, Ct)).Id;
        Assert.Equal("bo@example.com", Assert.IsType<User>((await b.GetAsync(ScimContext.Default, "Users", id, cancellationToken: Ct)).Resource).UserName);

    }

    [Fact]
    public async Task ASharedService_DerivesEachRequestsIndirectGroups_FromThatRequestsOwnRead()
    {
        await using var file = SqliteFile.Create();
        var services = new ServiceCollection();
        services.AddPooledDbContextFactory<ScimTablesDbContext>(o => o.UseSqlite(file.ConnectionString));
        services.AddScimCore().AddEntityFrameworkCoreStores<ScimTablesDbContext>();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await CreateSchemaAsync(provider);
        var service = Resolve(provider);

        var ann = (await service.CreateAsync(ScimContext.Default, new User { UserName = "ann@example.com" }, Ct)).Id;
        var team = (await service.CreateAsync(ScimContext.Default, new Group { DisplayName = "Team", Members = [new GroupMember { Value = ann }] }, Ct)).Id;
        Assert.Equal(["Team"], await GroupsOfAsync(service, new ScimContext(ScimContext.DefaultTenant), ann));

        // Team goes into Division: a request right after sees the indirect group, though the last
        // read (another request's) found no nesting.
        await service.CreateAsync(ScimContext.Default, new Group { DisplayName = "Division", Members = [new GroupMember { Value = team, Type = "Group" }] }, Ct);
        Assert.Equal(["Division", "Team"], await GroupsOfAsync(service, new ScimContext(ScimContext.DefaultTenant), ann));

        // Many requests at once, each with its own context: every one gets both groups.
        var all = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => GroupsOfAsync(service, new ScimContext(ScimContext.DefaultTenant), ann)));
        Assert.All(all, groups => Assert.Equal(["Division", "Team"], groups));
    }

    [Fact]
    public void KnownNesting_IsPerContext_AndForgottenByAMembershipChange()
    {
        var nesting = new KnownNesting();
        var one = new ScimContext("t");
        var two = new ScimContext("t");
        nesting.Learn(one, false);
        nesting.Learn(two, null);
        Assert.False(nesting.Of(one));
        Assert.Null(nesting.Of(two));

        nesting.Learn(two, true);
        Assert.False(nesting.Of(one));
        Assert.True(nesting.Of(two));

        nesting.Forget();
        Assert.Null(nesting.Of(one));
        Assert.Null(nesting.Of(two));
    }

    /// <summary>The names of the user's groups in the body of a GET, direct and indirect.</summary>
    private static async Task<string[]> GroupsOfAsync(ScimService service, ScimContext context, string userId)
    {
        var result = await service.GetAsync(context, "Users", userId, cancellationToken: Ct);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            result.WriteTo(writer);
        }

        var groups = JsonNode.Parse(buffer.WrittenSpan)!["groups"]?.AsArray() ?? [];
        return [.. groups.Select(g => (string)g!["display"]!).Order(StringComparer.Ordinal)];
    }

    private static ScimService Resolve(IServiceProvider provider)
    {
        using var scope = provider.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ScimService>();
    }

    private static async Task CreateSchemaAsync(IServiceProvider provider)
    {
        await using var db = await provider.GetRequiredService<IDbContextFactory<ScimTablesDbContext>>().CreateDbContextAsync(Ct);
        await db.Database.EnsureCreatedAsync(Ct);
    }
}
