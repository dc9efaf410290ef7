using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>Building the service through <c>AddScimCore()</c> and the builder.</summary>
public sealed class ServiceDependencyInjectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddInMemoryStores_AndSubscriber_ServiceWorksInAScope()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores().AddEventSubscriber<CollectingSubscriber>();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await StartDeliveryAsync(provider);

        string id;
        using (var scope = provider.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<ScimService>();
            Assert.Contains(service.ResourceTypes, t => t.Name == "Group");
            Assert.True(service.SupportsCursorPaging);
            id = (await service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct)).Id;
            await service.CreateAsync(ScimContext.Default, "Groups", ServiceKit.GroupBody("G", id), cancellationToken: Ct);
        }

        using (var scope = provider.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<ScimService>();
            var user = await service.GetAsync(ScimContext.Default, "Users", id, cancellationToken: Ct);
            Assert.Single(user.ToJson()["groups"]!.AsArray());
        }

        var subscriber = Assert.IsType<CollectingSubscriber>(Assert.Single(provider.GetServices<IScimEventSubscriber>()));
        await WaitForAsync(() => subscriber.Kinds.Count == 2);
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Created], subscriber.Kinds);
        Assert.Same(provider.GetRequiredService<InMemoryUserStore>(), provider.GetRequiredService<IUserStore>());
        Assert.Same(provider.GetRequiredService<InMemoryGroupStore>(), provider.GetRequiredService<IGroupStore>());
    }

    [Fact]
    public void WithSingletonStores_EveryScopeSharesOneService_PerProvider()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores().AddEventSubscriber<CollectingSubscriber>();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        using var other = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        var a = Resolve(provider);
        Assert.Same(a, Resolve(provider));
        Assert.Same(a, Resolve(provider));

        // Another provider of the same registrations has its own stores, so its own service.
        var b = Resolve(other);
        Assert.NotSame(a, b);
        Assert.Same(b, Resolve(other));
    }

    [Theory]
    [InlineData("store")]
    [InlineData("groupStore")]
    [InlineData("clock")]
    public async Task WithAScopedDependency_EachScopeGetsItsOwnService(string scoped)
    {
        var services = new ServiceCollection();
        var scim = services.AddScimCore().AddInMemoryStores();
        switch (scoped)
        {
            case "store":
                services.AddScoped<IUserStore>(sp => new InMemoryUserStore(sp.GetRequiredService<Scim.Core.Schema.SchemaRegistry>()));
                break;
            case "groupStore":
                services.AddScoped<IGroupStore>(sp => sp.GetRequiredService<InMemoryGroupStore>());
                break;
            default:
                services.AddScoped<TimeProvider>(_ => TimeProvider.System);
                break;
        }

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        using var first = provider.CreateScope();
        using var second = provider.CreateScope();

        var a = first.ServiceProvider.GetRequiredService<ScimService>();
        Assert.Same(a, first.ServiceProvider.GetRequiredService<ScimService>());
        Assert.NotSame(a, second.ServiceProvider.GetRequiredService<ScimService>());
        Assert.NotSame(a, Resolve(provider));
        await a.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AScopedStoreSaidToHoldNothingOfItsScope_IsSharedWithTheService_WhileThatHolds(bool holds)
    {
        IServiceCollection services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores();
        var users = ServiceDescriptor.Scoped<IUserStore>(sp => new InMemoryUserStore(sp.GetRequiredService<Scim.Core.Schema.SchemaRegistry>()));
        services.Add(users);
        services.AddSingleton(new ScopeFreeStore(users, _ => holds));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        var a = Resolve(provider);
        var b = Resolve(provider);
        Assert.Equal(holds, ReferenceEquals(a, b));
        await a.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
    }

    [Fact]
    public void AStoreRegisteredInPlaceOfAScopeFreeOne_IsJudgedByItsOwnLifetime()
    {
        IServiceCollection services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores();
        var users = ServiceDescriptor.Scoped<IUserStore>(sp => new InMemoryUserStore(sp.GetRequiredService<Scim.Core.Schema.SchemaRegistry>()));
        services.Add(users);
        services.AddSingleton(new ScopeFreeStore(users, _ => true));

        // The host's own scoped store, registered afterwards: the statement about the first says nothing of it.
        services.AddScoped<IUserStore>(sp => new InMemoryUserStore(sp.GetRequiredService<Scim.Core.Schema.SchemaRegistry>()));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        Assert.NotSame(Resolve(provider), Resolve(provider));
    }

    [Fact]
    public async Task ScopedSubscriber_DoesNotStopSharing_AndIsCalledInAScopeOfItsOwnPerEvent()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores();
        services.AddScoped<IScimEventSubscriber, ScopedSubscriber>();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await StartDeliveryAsync(provider);

        var service = Resolve(provider);
        Assert.Same(service, Resolve(provider)); // subscribers are the dispatcher's, not the service's
        await service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
        await service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("bob"), cancellationToken: Ct);

        await WaitForAsync(() => ScopedSubscriber.Instances.Count(i => i.Seen > 0) == 2);
        Assert.All(ScopedSubscriber.Instances.Where(i => i.Seen > 0), i => Assert.Equal(1, i.Seen));
    }

    /// <summary>Starts the hosted services (the event dispatcher) as a host would.</summary>
    private static async Task StartDeliveryAsync(IServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
        {
            await hosted.StartAsync(Ct);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Events were not delivered within 10 seconds.");
            await Task.Delay(10, Ct);
        }
    }

    private static ScimService Resolve(IServiceProvider provider)
    {
        using var scope = provider.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ScimService>();
    }

    [Fact]
    public void AddEventSubscriberTwice_RegistersItOnce()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores().AddEventSubscriber<CollectingSubscriber>().AddEventSubscriber<CollectingSubscriber>();
        using var provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IScimEventSubscriber>());
    }

    [Fact]
    public void NoStore_ResolvingTheService_ThrowsWithGuidance()
    {
        var services = new ServiceCollection();
        services.AddScimCore();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        var error = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<ScimService>());

        Assert.Contains("AddUserStore", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddInMemoryStores", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigureService_OptionsReachTheService()
    {
        var services = new ServiceCollection();
        services.AddScimCore()
            .ConfigureService(o =>
            {
                o.MaxCount = 2;
                o.DefaultCount = 1;
                o.UniqueExternalId = true;
            })
            .AddInMemoryStores();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<ScimService>();

        Assert.Equal(2, service.Options.MaxCount);
        Assert.True(service.Options.UniqueExternalId);
        for (var i = 0; i < 3; i++)
        {
            await service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody($"u{i}", $"ext-{i}"), cancellationToken: Ct);
        }

        Assert.Equal(2, (await service.ListAsync(ScimContext.Default, "Users", new ScimListRequest { Count = 50 }, Ct)).ItemsPerPage);
        Assert.Equal(1, (await service.ListAsync(ScimContext.Default, "Users", null, Ct)).ItemsPerPage);
        var error = await ServiceKit.ThrowsScimAsync(409, Scim.Core.Errors.ScimErrorType.Uniqueness, () =>
            service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("other", "ext-0"), cancellationToken: Ct));
        Assert.Contains("externalId", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigureService_InvalidOptions_FailWhenTheServiceIsBuilt()
    {
        var services = new ServiceCollection();
        services.AddScimCore().ConfigureService(o => o.MaxCount = 0).AddInMemoryStores();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => scope.ServiceProvider.GetRequiredService<ScimService>());
        Assert.Contains("MaxCount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeProviderInTheContainer_IsTheServicesClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddScimCore().AddInMemoryStores();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var created = await scope.ServiceProvider.GetRequiredService<ScimService>().CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);
        Assert.Equal("2030-01-02T03:04:05Z", (string?)created.ToJson()["meta"]!["created"]);
    }

    [Fact]
    public async Task AddUserStore_OnlyUsers_ServesNoGroups()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddUserStore<UserOnlyStore>();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<ScimService>();

        Assert.DoesNotContain(service.ResourceTypes, t => t.Name == "Group");
        Assert.Null(service.FindResourceType("Groups"));
        Assert.Equal(["User"], service.ResourceTypes.Select(t => t.Name));
        await ServiceKit.ThrowsScimAsync(404, null, () => service.ListAsync(ScimContext.Default, "Groups", null, Ct));
        var id = (await service.CreateAsync(ScimContext.Default, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct)).Id;
        Assert.Null((await service.GetAsync(ScimContext.Default, "Users", id, cancellationToken: Ct)).ToJson()["groups"]);
        await service.DeleteAsync(ScimContext.Default, "Users", id, cancellationToken: Ct);
    }

    [Fact]
    public async Task AddInMemoryStores_AfterConfigureService_StoreEnforcesUniqueExternalId()
    {
        var services = new ServiceCollection();
        services.AddScimCore().ConfigureService(o => o.UniqueExternalId = true).AddInMemoryStores();
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IUserStore>();
        var context = new ScimContext("di");
        var ct = TestContext.Current.CancellationToken;

        Assert.True((await store.CreateAsync(context, new User { Id = "1", UserName = "a", ExternalId = "e" }, ct)).Succeeded);
        var second = await store.CreateAsync(context, new User { Id = "2", UserName = "b", ExternalId = "e" }, ct);

        Assert.Equal((StoreWriteStatus.Conflict, "externalId"), (second.Status, second.ConflictAttribute));
    }

    [Fact]
    public async Task ConfigureServiceAfterAddInMemoryStores_StoreStillEnforcesUniqueExternalId()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores().ConfigureService(o => o.UniqueExternalId = true);
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IUserStore>();
        var context = new ScimContext("di");
        var ct = TestContext.Current.CancellationToken;

        Assert.True((await store.CreateAsync(context, new User { Id = "1", UserName = "a", ExternalId = "e" }, ct)).Succeeded);
        var second = await store.CreateAsync(context, new User { Id = "2", UserName = "b", ExternalId = "e" }, ct);

        Assert.Equal((StoreWriteStatus.Conflict, "externalId"), (second.Status, second.ConflictAttribute));
    }

    private sealed class ScopedSubscriber : IScimEventSubscriber
    {
        public static readonly System.Collections.Concurrent.ConcurrentBag<ScopedSubscriber> Instances = [];

        public ScopedSubscriber() => Instances.Add(this);

        public int Seen { get; private set; }

        public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
        {
            Seen++;
            return Task.CompletedTask;
        }
    }

    private sealed class CollectingSubscriber : IScimEventSubscriber
    {
        private readonly List<ScimChangeKind> _kinds = [];

        public IReadOnlyList<ScimChangeKind> Kinds
        {
            get
            {
                lock (_kinds)
                {
                    return [.. _kinds];
                }
            }
        }

        public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
        {
            lock (_kinds)
            {
                _kinds.Add(change.Kind);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>A host's own user store, here backed by the in-memory one.</summary>
    private sealed class UserOnlyStore(Scim.Core.Schema.SchemaRegistry registry) : IUserStore, IDisposable
    {
        private readonly InMemoryUserStore _inner = new(registry);

        public void Dispose() => _inner.Dispose();

        public Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => _inner.GetAsync(context, id, hints, cancellationToken);

        public Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => _inner.QueryAsync(context, query, cancellationToken);

        public Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken) => _inner.CreateAsync(context, resource, cancellationToken);

        public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken) => _inner.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

        public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => _inner.DeleteAsync(context, id, expectedVersion, cancellationToken);
    }
}
