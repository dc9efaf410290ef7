using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Stores;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>
/// EF Core keeps a context type's model in a memory cache, from which it can be evicted (the cache
/// has a size limit, shared with the query cache) and then built again as a new model. A compiled
/// query works only with the model it was compiled against, so every compiled query of the stores
/// must follow the context's model: after the model is rebuilt, each kind of request that runs one
/// (a read by id, a lookup by one attribute, a create's uniqueness check, a member's groups, a
/// member change) still answers, on a host's own entities and on the SCIM-owned tables. Each test
/// gives its contexts a memory cache of their own (<c>UseMemoryCache</c>), so emptying it touches
/// no other test. SQLite only: what is tested is the model's identity, not the SQL.
/// </summary>
public sealed class ModelRebuiltTests
{
    private static readonly ScimContext Org = new("org-a", "test");

    [Fact]
    public Task HostEntities_AnswerEveryCompiledRequest_AfterTheModelIsRebuilt() =>
        BeforeAndAfterARebuildAsync<OrgContext>(scim => scim.AddEntityFrameworkCoreStores<OrgContext>(stores => stores
            .Users<OrgAccount>(users => users.Id(a => a.Id).Tenant(a => a.Org).Map("userName", a => a.Email))
            .Groups<OrgTeam, OrgMembership>(
                groups => groups.Id(t => t.Id).Tenant(t => t.Org).Map("displayName", t => t.Name),
                members => members.Keys(m => m.TeamId, m => m.AccountId))));

    [Fact]
    public Task ScimOwnedTables_AnswerEveryCompiledRequest_AfterTheModelIsRebuilt() =>
        BeforeAndAfterARebuildAsync<ScimTablesDbContext>(scim => scim.AddEntityFrameworkCoreStores<ScimTablesDbContext>());

    /// <summary>Every compiled request on a new SQLite database, then again after the contexts' model is rebuilt.</summary>
    private static async Task BeforeAndAfterARebuildAsync<TContext>(Action<ScimBuilder> stores)
        where TContext : DbContext
    {
        var (database, connectionString) = await TestDatabase.CreateAsync(Provider.Sqlite);
        await using var _ = database;
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_240 });
        var services = new ServiceCollection();
        services.AddDbContextFactory<TContext>(o => ScimTablesApp.Use(o.UseMemoryCache(cache), Provider.Sqlite, connectionString));
        stores(services.AddScimCore());
        await using var provider = services.BuildServiceProvider();
        var contexts = provider.GetRequiredService<IDbContextFactory<TContext>>();
        await using (var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        }

        await using var scope = provider.CreateAsyncScope();
        await EveryCompiledRequestAsync(scope.ServiceProvider.GetRequiredService<ScimService>(), "first");
        await RebuildModelAsync(contexts, cache);
        await EveryCompiledRequestAsync(scope.ServiceProvider.GetRequiredService<ScimService>(), "second");
    }

    /// <summary>Empties the contexts' memory cache, and checks that a new context then has a new model.</summary>
    private static async Task RebuildModelAsync<TContext>(IDbContextFactory<TContext> contexts, MemoryCache cache)
        where TContext : DbContext
    {
        var ct = TestContext.Current.CancellationToken;
        Microsoft.EntityFrameworkCore.Metadata.IModel before;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            before = db.Model;
            Assert.Same(cache, db.GetService<IMemoryCache>());
        }

        cache.Compact(1.0);
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            Assert.NotSame(before, db.Model);
        }
    }

    /// <summary>Each request that runs a compiled query, checked for what it answers.</summary>
    private static async Task EveryCompiledRequestAsync(ScimService service, string round)
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"{round}@example.com";

        // A create (its userName checked by a compiled lookup), and a taken name refused as before.
        var user = (await service.CreateAsync(Org, new User { UserName = name }, ct)).Id;
        var taken = await Assert.ThrowsAsync<Scim.Core.Errors.ScimException>(() => service.CreateAsync(Org, new User { UserName = name.ToUpperInvariant() }, ct));
        Assert.Equal(409, taken.Status);

        var group = (await service.CreateAsync(Org, new Group { DisplayName = $"team {round}", Members = [new GroupMember { Value = user }] }, ct)).Id;

        // A lookup by userName and by displayName, a read by id, and the user's groups.
        var byName = await service.ListAsync(Org, "Users", new ScimListRequest { Filter = $"userName eq \"{name.ToUpperInvariant()}\"" }, ct);
        Assert.Equal(user, Assert.Single(byName.Resources).Id);
        var byDisplayName = await service.ListAsync(Org, "Groups", new ScimListRequest { Filter = $"displayName eq \"TEAM {round}\"" }, ct);
        Assert.Equal(group, Assert.Single(byDisplayName.Resources).Id);
        Assert.Equal(user, (await service.GetAsync(Org, "Users", user, cancellationToken: ct)).Id);

        // A member removed and added again by PATCH, each answered from the group's rows.
        var remove = $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"{{user}}\"]"}]}""";
        var add = $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{user}}"}]}]}""";
        await service.PatchAsync(Org, "Groups", group, Encoding.UTF8.GetBytes(remove), cancellationToken: ct);
        Assert.Empty(await GroupsOfAsync(service, user));
        await service.PatchAsync(Org, "Groups", group, Encoding.UTF8.GetBytes(add), cancellationToken: ct);
        Assert.Equal([group], await GroupsOfAsync(service, user));
    }

    /// <summary>The <c>groups</c> values of a user read by id, as the response body carries them.</summary>
    private static async Task<List<string>> GroupsOfAsync(ScimService service, string user)
    {
        var read = await service.GetAsync(Org, "Users", user, cancellationToken: TestContext.Current.CancellationToken);
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            read.WriteTo(writer);
        }

        var body = System.Text.Json.Nodes.JsonNode.Parse(buffer.ToArray())!;
        return [.. (body["groups"]?.AsArray() ?? []).Select(g => (string)g!["value"]!)];
    }
}
