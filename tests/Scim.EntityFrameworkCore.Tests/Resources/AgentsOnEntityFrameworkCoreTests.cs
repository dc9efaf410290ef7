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

    /// <summary>
    /// Deleting a user or an agent makes the agents and applications that named it let go of it,
    /// found by a filter on the JSON column (SQL) and written as changes of their own.
    /// </summary>
    [Fact]
    public async Task Delete_OfAnOwnerOrAParent_TheHoldersLetGo()
    {
        await using var file = SqliteFile.Create();
        await using var host = Host(file.ConnectionString);
        await using (var db = await host.GetRequiredService<IDbContextFactory<ResourcesDbContext>>().CreateDbContextAsync(Ct))
        {
            await db.Database.EnsureCreatedAsync(Ct);
        }

        await using var scope = host.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<ScimService>();
        var ada = (await service.CreateAsync(ScimContext.Default, "Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}"""), cancellationToken: Ct)).Id;
        var grace = (await service.CreateAsync(ScimContext.Default, "Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace"}"""), cancellationToken: Ct)).Id;
        var root = (await service.CreateAsync(ScimContext.Default, "Agents", Json($$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"root","owners":[{"value":"{{grace}}"}]}"""), cancellationToken: Ct)).Id;
        var bot = (await service.CreateAsync(ScimContext.Default, "Agents", Json($$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"bot","parent":{"value":"{{root}}"},"owners":[{"value":"{{ada}}"},{"value":"{{grace}}"}]}"""), cancellationToken: Ct)).Id;
        var portal = (await service.CreateAsync(ScimContext.Default, "AgenticApplications", Json($$"""{"schemas":["{{ScimAgents.AgenticApplicationSchema}}"],"name":"portal","agents":[{"value":"{{root}}"},{"value":"{{bot}}"}]}"""), cancellationToken: Ct)).Id;

        async Task<JsonResource> Read(string type, string id) => (JsonResource)(await service.GetAsync(ScimContext.Default, type, id, cancellationToken: Ct)).Resource;
        await service.DeleteAsync(ScimContext.Default, "Users", grace, cancellationToken: Ct);
        Assert.Null((await Read("Agents", root)).Attributes["owners"]);
        Assert.Equal([ada], (await Read("Agents", bot)).Attributes["owners"]!.AsArray().Select(o => (string?)o!["value"]));

        await service.DeleteAsync(ScimContext.Default, "Agents", root, cancellationToken: Ct);
        Assert.Null((await Read("Agents", bot)).Attributes["parent"]);
        Assert.Equal([bot], (await Read("AgenticApplications", portal)).Attributes["agents"]!.AsArray().Select(a => (string?)a!["value"]));

        // A parent that leads back is refused, read through the store.
        var child = (await service.CreateAsync(ScimContext.Default, "Agents", Json($$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"child","parent":{"value":"{{bot}}"} }"""), cancellationToken: Ct)).Id;
        var cycle = await Assert.ThrowsAsync<ScimException>(() => service.PatchAsync(ScimContext.Default, "Agents", bot, Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"parent","value":{"value":"{{child}}"} }]}"""), cancellationToken: Ct));
        Assert.Equal((400, ScimErrorType.InvalidValue), (cycle.Status, cycle.ScimType));
    }

    /// <summary>
    /// Racing a PATCH that names an owner with the owner's delete, round after round: whichever
    /// way each race goes, no agent is left naming a deleted user.
    /// </summary>
    [Fact]
    public async Task OwnerAddedWhileItIsDeleted_NoAgentKeepsADeletedOwner()
    {
        await using var file = SqliteFile.Create();
        await using var host = Host(file.ConnectionString);
        await using (var db = await host.GetRequiredService<IDbContextFactory<ResourcesDbContext>>().CreateDbContextAsync(Ct))
        {
            await db.Database.EnsureCreatedAsync(Ct);
        }

        var service = host.GetRequiredService<ScimService>();
        var agent = (await service.CreateAsync(ScimContext.Default, "Agents", Json($$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"racer"}"""), cancellationToken: Ct)).Id;
        for (var round = 0; round < 25; round++)
        {
            var user = (await service.CreateAsync(ScimContext.Default, "Users", Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u{{round}}"}"""), cancellationToken: Ct)).Id;
            var patch = Task.Run(async () =>
            {
                try
                {
                    await service.PatchAsync(ScimContext.Default, "Agents", agent, Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"owners","value":[{"value":"{{user}}"}]}]}"""), cancellationToken: Ct);
                }
                catch (ScimException refused) when (refused.Status == 400)
                {
                    // The delete came first: the owner is refused, as it should be.
                }
            }, Ct);
            var delete = Task.Run(() => service.DeleteAsync(ScimContext.Default, "Users", user, cancellationToken: Ct), Ct);
            await Task.WhenAll(patch, delete);
        }

        var owners = ((JsonResource)(await service.GetAsync(ScimContext.Default, "Agents", agent, cancellationToken: Ct)).Resource).Attributes["owners"];
        Assert.True(owners is null || owners.AsArray().Count == 0, owners?.ToJsonString());
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
