using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>A service over fresh in-memory stores, with a recording subscriber, for the provisioning tests.</summary>
internal sealed class ServiceKit : IDisposable
{
    /// <summary>An extension with an immutable attribute, registered on User in every kit.</summary>
    public const string Badge = "urn:example:params:scim:schemas:extension:Badge:2.0:User";

    public const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    public ServiceKit(
        ScimServiceOptions? options = null,
        TimeProvider? time = null,
        ILogger<ScimService>? logger = null,
        params IScimEventSubscriber[] extraSubscribers)
    {
        Registry = SchemaRegistry.CreateDefault();
        Registry.AddSchemaExtension("User", new ScimSchema(Badge, "Badge", "A badge a user keeps for life.", [new SchemaAttribute("badgeId", AttributeType.String) { Mutability = Mutability.Immutable }]));
        options ??= new ScimServiceOptions();
        Users = new InMemoryUserStore(Registry, options.UniqueExternalId);
        Groups = new InMemoryGroupStore(Registry, options.UniqueExternalId);
        Service = new ScimService(new ScimEngine(Registry, options), Users, Groups, new InlineDelivery([Events, .. extraSubscribers], logger), logger, time);
    }

    public SchemaRegistry Registry { get; }

    public InMemoryUserStore Users { get; }

    public InMemoryGroupStore Groups { get; }

    public RecordingSubscriber Events { get; } = new();

    public ScimService Service { get; }

    public static ScimContext Tenant(string tenant) => new(tenant, "test-client") { BaseUrl = "https://example.com/scim/v2" };

    public static ScimContext Context { get; } = Tenant("acme");

    public static ReadOnlyMemory<byte> Json(string json) => Encoding.UTF8.GetBytes(json);

    public static ReadOnlyMemory<byte> UserBody(string userName, string? externalId = null, bool? active = true, string? email = null)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = userName,
        };
        if (externalId is not null)
        {
            body["externalId"] = externalId;
        }

        if (active is not null)
        {
            body["active"] = active.Value;
        }

        if (email is not null)
        {
            body["emails"] = new JsonArray(new JsonObject { ["value"] = email, ["type"] = "work", ["primary"] = true });
        }

        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    public static ReadOnlyMemory<byte> GroupBody(string displayName, params string[] memberIds)
    {
        var members = new JsonArray();
        foreach (var id in memberIds)
        {
            members.Add(new JsonObject { ["value"] = id });
        }

        var body = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
            ["displayName"] = displayName,
            ["members"] = members,
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    public static ReadOnlyMemory<byte> Patch(params string[] operations) =>
        Encoding.UTF8.GetBytes($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{string.Join(",", operations)}}]}""");

    public async Task<string> CreateUserAsync(string userName, ScimContext? context = null, string? externalId = null) =>
        (await Service.CreateAsync(context ?? Context, "User", UserBody(userName, externalId))).Id;

    public async Task<string> CreateGroupAsync(string displayName, ScimContext? context = null, params string[] memberIds) =>
        (await Service.CreateAsync(context ?? Context, "Group", GroupBody(displayName, memberIds))).Id;

    /// <summary>Runs a call that must fail and checks the exact status and scimType.</summary>
    public static async Task<ScimException> ThrowsScimAsync(int status, string? scimType, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ScimException>(call);
        Assert.Equal((status, scimType), (error.Status, error.ScimType));
        return error;
    }

    public Task<ScimResourceResult> GetAsync(string resourceType, string id, ScimRequestOptions? options = null) =>
        Service.GetAsync(Context, resourceType, id, options, TestContext.Current.CancellationToken);

    public Task<ScimResourceResult> PatchAsync(string resourceType, string id, string operation, ScimRequestOptions? options = null) =>
        Service.PatchAsync(Context, resourceType, id, Patch(operation), options, TestContext.Current.CancellationToken);

    /// <summary>The store's own object for a user (not a copy): the same instance means the store was not written.</summary>
    public async Task<Scim.Core.Resources.User?> StoredUserAsync(string id) => await Users.GetAsync(Context, id, ReadHints.All, TestContext.Current.CancellationToken);

    public async Task<Scim.Core.Resources.Group?> StoredGroupAsync(string id) => await Groups.GetAsync(Context, id, ReadHints.All, TestContext.Current.CancellationToken);

    public async Task<IReadOnlyList<string>> MemberIdsAsync(string groupId) =>
        [.. (await StoredGroupAsync(groupId))!.Members.Select(m => m.Value!).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        Users.Dispose();
        Groups.Dispose();
    }
}

/// <summary>Keeps every event it receives.</summary>
internal sealed class RecordingSubscriber : IScimEventSubscriber
{
    private readonly List<ScimChangeEvent> _events = [];

    public IReadOnlyList<ScimChangeEvent> All
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public Task OnChangeAsync(ScimChangeEvent change, CancellationToken cancellationToken)
    {
        lock (_events)
        {
            _events.Add(change);
        }

        return Task.CompletedTask;
    }

    public void Clear()
    {
        lock (_events)
        {
            _events.Clear();
        }
    }
}

/// <summary>A clock that stands still until moved.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public FakeTimeProvider()
        : this(new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Keeps every log entry.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message, Exception? Exception)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception), exception));
        }
    }
}
