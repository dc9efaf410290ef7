using System.Text;
using System.Text.Json.Nodes;
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
    public ServiceKit(ScimServiceOptions? options = null, InMemoryStoreOptions? storeOptions = null, params IScimEventSubscriber[] extraSubscribers)
    {
        Registry = SchemaRegistry.CreateDefault();
        Users = new InMemoryUserStore(Registry, storeOptions);
        Groups = new InMemoryGroupStore(Registry, storeOptions);
        Service = new ScimService(new ScimSerializer(Registry), Users, Groups, [Events, .. extraSubscribers], options);
    }

    public SchemaRegistry Registry { get; }

    public InMemoryUserStore Users { get; }

    public InMemoryGroupStore Groups { get; }

    public RecordingSubscriber Events { get; } = new();

    public ScimService Service { get; }

    public static ScimContext Tenant(string tenant) => new(tenant, "test-client") { BaseUri = new Uri("https://example.com/scim/v2") };

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
