using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Agents;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.HostDatabase;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.Resources;

/// <summary>Agents kept by the EF Core store of host types, next to users and groups in the SCIM tables (SQLite).</summary>
public sealed class AgentsOnEntityFrameworkCoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReadOnlyMemory<byte> Json(string json) => Encoding.UTF8.GetBytes(json);

    private static ServiceProvider Host(string connectionString, bool agentsInGroups = false)
    {
        var services = new ServiceCollection();
        services.AddDbContextFactory<ResourcesDbContext>(o => ScimTablesApp.Use(o, Provider.Sqlite, connectionString));
        services.AddScimCore()
            .AddEntityFrameworkCoreStores<ResourcesDbContext>()
            .AddAgents(o => o.AgentsInGroups = agentsInGroups)
            .AddEntityFrameworkCoreResourceStore<ResourcesDbContext>("Agent")
            .AddEntityFrameworkCoreResourceStore<ResourcesDbContext>("AgenticApplication");
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Agent_OwnedByAUser_KeptAcrossARestart_FilteredPatchedDeleted()
    {
        await using var file = SqliteFile.Create();
        string agentId, userId;
        await using (var first = Host(file.ConnectionString))
        {
            await using (var db = await first.GetRequiredService<IDbContextFactory<ResourcesDbContext>>().CreateDbContextAsync(Ct))
            {
                await db.Database.EnsureCreatedAsync(Ct);
            }

            await using var scope = first.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<ScimService>();
            userId = (await service.CreateAsync(ScimContext.Default, "Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}"""), cancellationToken: Ct)).Id;
            agentId = (await service.CreateAsync(ScimContext.Default, "Agents", Json($$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Helpdesk bot","active":true,"owners":[{"value":"{{userId}}"}]}"""), cancellationToken: Ct)).Id;

            var duplicate = await Assert.ThrowsAsync<ScimException>(() => service.CreateAsync(ScimContext.Default, "Agents", Json($$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"HELPDESK BOT"}"""), cancellationToken: Ct));
            Assert.Equal((409, ScimErrorType.Uniqueness), (duplicate.Status, duplicate.ScimType));
        }

        await using var second = Host(file.ConnectionString);
        await using (var scope = second.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<ScimService>();
            var byOwner = await service.ListAsync(ScimContext.Default, "Agents", new ScimListRequest { Filter = $"owners.value eq \"{userId}\" and active eq true" }, Ct);
            Assert.Equal(agentId, Assert.Single(byOwner.Resources).Id);

            await service.PatchAsync(ScimContext.Default, "Agents", agentId, Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}"""), cancellationToken: Ct);
            var read = (JsonResource)(await service.GetAsync(ScimContext.Default, "Agents", agentId, cancellationToken: Ct)).Resource;
            Assert.False((bool)read.Attributes["active"]!);

            await service.DeleteAsync(ScimContext.Default, "Agents", agentId, cancellationToken: Ct);
            Assert.Equal(0, (await service.ListAsync(ScimContext.Default, "Agents", cancellationToken: Ct)).TotalResults);
        }
    }

    [Fact]
    public async Task AgentsInGroups_WithTheResourcesTable_StartsAndKeepsAnAgentMember()
    {
        await using var file = SqliteFile.Create();
        await using var host = Host(file.ConnectionString, agentsInGroups: true);
        await using (var db = await host.GetRequiredService<IDbContextFactory<ResourcesDbContext>>().CreateDbContextAsync(Ct))
        {
            await db.Database.EnsureCreatedAsync(Ct);
        }

        await using var scope = host.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<ScimService>();
        var agent = (await service.CreateAsync(ScimContext.Default, "Agents", Json($$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"Helpdesk bot"}"""), cancellationToken: Ct)).Id;
        var group = (Group)(await service.CreateAsync(ScimContext.Default, "Groups", Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Bots","members":[{"value":"{{agent}}"}]}"""), cancellationToken: Ct)).Resource;

        Assert.Equal(("Agent", agent), (Assert.Single(group.Members).Type, group.Members[0].Value));
    }

    [Fact]
    public async Task AgentsInGroups_ModelWithoutTheResourcesTable_FailsSayingWhatToDo()
    {
        var services = new ServiceCollection();
        services.AddDbContextFactory<ScimTablesDbContext>(o => o.UseSqlite("Data Source=never-opened.db"));
        services.AddScimCore().AddEntityFrameworkCoreStores<ScimTablesDbContext>().AddAgents().AddInMemoryStore("Agent").AddInMemoryStore("AgenticApplication");
        await using var host = services.BuildServiceProvider();
        await using var scope = host.CreateAsyncScope();

        // The options' check, which a host runs when the app starts (ValidateOnStart), refuses it.
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => scope.ServiceProvider.GetRequiredService<ScimService>());

        Assert.Contains("ApplyScimResources()", error.Message, StringComparison.Ordinal);
        Assert.Contains("AgentsInGroups = false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentsInGroups_AgentsKeptOutsideTheDatabase_FailsSayingWhatToDo()
    {
        var services = new ServiceCollection();
        services.AddDbContextFactory<ResourcesDbContext>(o => o.UseSqlite("Data Source=never-opened.db"));
        services.AddScimCore().AddEntityFrameworkCoreStores<ResourcesDbContext>().AddAgents()
            .AddEntityFrameworkCoreResourceStore<ResourcesDbContext>("Agent").AddInMemoryStore("Agent").AddInMemoryStore("AgenticApplication");
        await using var host = services.BuildServiceProvider();
        await using var scope = host.CreateAsyncScope();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => scope.ServiceProvider.GetRequiredService<ScimService>());

        Assert.Contains("AddEntityFrameworkCoreResourceStore<ResourcesDbContext>(\"Agent\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentsInGroups_HostsOwnMembershipEntity_FailsSayingWhatToDo()
    {
        var services = new ServiceCollection();
        services.AddDbContextFactory<HostDatabase.AccountsDbContext>(o => o.UseSqlite("Data Source=never-opened.db"));
        services.AddScimCore().AddAccountsStores().AddAgents().AddInMemoryStore("Agent").AddInMemoryStore("AgenticApplication");
        await using var host = services.BuildServiceProvider();
        await using var scope = host.CreateAsyncScope();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => scope.ServiceProvider.GetRequiredService<ScimService>());

        Assert.Contains("TeamMembership", error.Message, StringComparison.Ordinal);
        Assert.Contains("AgentsInGroups = false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourceStore_OverAProviderItWritesNoSqlFor_FailsWhenTheAppStarts()
    {
        // The queries of host types are SQL written for SQLite and PostgreSQL: another provider is
        // refused when the app starts, not by a failure on every query.
        var services = new ServiceCollection();
        services.AddDbContextFactory<ResourcesDbContext>(o => o.UseInMemoryDatabase("never-queried"));
        services.AddScimCore().AddInMemoryStores().AddAgents().AddEntityFrameworkCoreResourceStore<ResourcesDbContext>("Agent");
        await using var host = services.BuildServiceProvider();
        await using var scope = host.CreateAsyncScope();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => scope.ServiceProvider.GetRequiredService<ScimService>());

        Assert.Contains("'Microsoft.EntityFrameworkCore.InMemory' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourceStore_OverSqlite_Starts()
    {
        var services = new ServiceCollection();
        services.AddDbContextFactory<ResourcesDbContext>(o => o.UseSqlite("Data Source=never-opened.db"));
        services.AddScimCore().AddInMemoryStores().AddAgents().AddEntityFrameworkCoreResourceStore<ResourcesDbContext>("Agent");
        await using var host = services.BuildServiceProvider();
        await using var scope = host.CreateAsyncScope();

        Assert.NotNull(scope.ServiceProvider.GetRequiredService<ScimService>());
    }

    [Fact]
    public async Task ResourceStore_ContextThatCannotBeMadeAtStartup_IsNotCheckedThere()
    {
        // A host's context may need what only a request has (its tenant): the provider is then
        // not checked when the app starts, and the app starts.
        var services = new ServiceCollection();
        services.AddDbContextFactory<RequestOnlyContext>(o => o.UseInMemoryDatabase("never-queried"));
        services.AddScimCore().AddInMemoryStores().AddAgents().AddEntityFrameworkCoreResourceStore<RequestOnlyContext>("Agent");
        await using var host = services.BuildServiceProvider();
        await using var scope = host.CreateAsyncScope();

        Assert.NotNull(scope.ServiceProvider.GetRequiredService<ScimService>());
    }

    private sealed class RequestOnlyContext : DbContext
    {
        public RequestOnlyContext(DbContextOptions<RequestOnlyContext> options)
            : base(options) => throw new InvalidOperationException("No tenant outside a request.");
    }
}
