using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Stores;
using Scim.Tests.Shared;

namespace Scim.Core.Tests.Provisioning;

/// <summary>The service serves a host-registered type (Device) through the same paths as User and Group.</summary>
public sealed class ServiceHostTypeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReadOnlyMemory<byte> Json(string json) => Encoding.UTF8.GetBytes(json);

    private static ReadOnlyMemory<byte> DeviceBody(string serial, string extra = "") =>
        Json($$"""{"schemas":["{{Devices.Schema}}"],"serialNumber":"{{serial}}","active":true{{extra}}}""");

    private static (ScimService Service, RecordingSubscriber Events, InMemoryUserStore Users) Start(ScimServiceOptions? options = null)
    {
        var registry = Devices.NewRegistry();
        var users = new InMemoryUserStore(registry);
        var events = new RecordingSubscriber();
        var service = ScimService.Create(registry, users, new InMemoryGroupStore(registry), new Dictionary<string, IResourceStore<JsonResource>> { ["Device"] = new InMemoryResourceStore(registry, "Device") }, options, events);
        return (service, events, users);
    }

    [Fact]
    public async Task Changes_PublishCreatedDeactivatedPatchedAndDeleted()
    {
        var (service, events, _) = Start();
        var context = new ScimContext("acme", "mdm");

        var created = await service.CreateAsync(context, "Devices", DeviceBody("SN-1"), cancellationToken: Ct);
        await service.PatchAsync(context, "Device", created.Id, Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}"""), cancellationToken: Ct);
        await service.PatchAsync(context, "Device", created.Id, Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"model","value":"X9"}]}"""), cancellationToken: Ct);
        await service.DeleteAsync(context, "Devices", created.Id, cancellationToken: Ct);

        Assert.Equal(
            [ScimChangeKind.Created, ScimChangeKind.Deactivated, ScimChangeKind.Patched, ScimChangeKind.Deleted],
            events.All.Select(e => e.Kind));
        Assert.All(events.All, e => Assert.Equal(("Device", created.Id, "acme", "mdm"), (e.ResourceType, e.ResourceId, e.Tenant, e.Actor)));
        Assert.Equal(["model"], events.All[2].ChangedPaths);
    }

    [Fact]
    public async Task UnknownOwner_IgnoredWhenTheOptionsSaySo_AndTheRestIsWritten()
    {
        var (service, _, _) = Start(new ScimServiceOptions { UnknownMembers = UnknownMemberHandling.Ignore });

        var created = await service.CreateAsync(ScimContext.Default, "Devices", DeviceBody("SN-1", ""","owner":{"value":"nobody"}"""), cancellationToken: Ct);

        var device = (JsonResource)created.Resource;
        Assert.Null(device.Attributes["owner"]);
        Assert.Equal("SN-1", (string?)device.Attributes["serialNumber"]);
    }

    [Fact]
    public async Task UnknownOwner_RefusedByDefault_NothingWritten()
    {
        var (service, events, _) = Start();

        var error = await Assert.ThrowsAsync<ScimException>(() => service.CreateAsync(ScimContext.Default, "Devices", DeviceBody("SN-1", ""","owner":{"value":"nobody"}"""), cancellationToken: Ct));

        Assert.Equal((400, ScimErrorType.InvalidValue), (error.Status, error.ScimType));
        Assert.Contains("'owner' refers to 'nobody'", error.Message, StringComparison.Ordinal);
        Assert.Empty(events.All);
        Assert.Equal(0, (await service.ListAsync(ScimContext.Default, "Devices", cancellationToken: Ct)).TotalResults);
    }

    [Fact]
    public async Task Owner_OfAnotherTenant_IsRefused()
    {
        var (service, _, _) = Start();
        var other = await service.CreateAsync(new ScimContext("other", "idp"), "Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}"""), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<ScimException>(() => service.CreateAsync(ScimContext.Default, "Devices", DeviceBody("SN-1", $$""","owner":{"value":"{{other.Id}}"}"""), cancellationToken: Ct));

        Assert.Equal(400, error.Status);
    }

    /// <summary>
    /// A deleted owner is let go by the devices that named it, each as a change of its own (a new
    /// version, a Patched event on the device), in the deleting client's tenant only.
    /// </summary>
    [Fact]
    public async Task OwnerDeleted_TheDevicesLetGoOfIt_EachAsAChange()
    {
        var (service, events, _) = Start();
        var context = new ScimContext("acme", "idp");
        var ada = (await service.CreateAsync(context, "Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}"""), cancellationToken: Ct)).Id;
        var grace = (await service.CreateAsync(context, "Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace"}"""), cancellationToken: Ct)).Id;
        var owned = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            owned.Add((await service.CreateAsync(context, "Devices", DeviceBody($"SN-{i}", $$""","owner":{"value":"{{ada}}","display":"Ada"}"""), cancellationToken: Ct)).Id);
        }

        var kept = await service.CreateAsync(context, "Devices", DeviceBody("SN-9", $$""","owner":{"value":"{{grace}}"}"""), cancellationToken: Ct);
        var versions = new Dictionary<string, string?>();
        foreach (var id in owned)
        {
            versions[id] = (await service.GetAsync(context, "Devices", id, cancellationToken: Ct)).Resource.Meta?.Version;
        }

        await service.DeleteAsync(context, "Users", ada, cancellationToken: Ct);

        foreach (var id in owned)
        {
            var device = (await service.GetAsync(context, "Devices", id, cancellationToken: Ct)).Resource;
            Assert.Null(((JsonResource)device).Attributes["owner"]);
            Assert.NotEqual(versions[id], device.Meta?.Version);
        }

        var patched = events.All.Where(e => e.Kind == ScimChangeKind.Patched).ToList();
        Assert.Equal(owned.Order(StringComparer.Ordinal), patched.Select(e => e.ResourceId).Order(StringComparer.Ordinal));
        Assert.All(patched, e =>
        {
            Assert.Equal(("Device", "idp"), (e.ResourceType, e.Actor));
            Assert.Equal(["owner"], e.ChangedPaths);
        });
        Assert.Equal(grace, (string?)((JsonResource)(await service.GetAsync(context, "Devices", kept.Id, cancellationToken: Ct)).Resource).Attributes["owner"]!["value"]);
    }

    /// <summary>
    /// A race the delete's clean-up cannot see: the owner is deleted (clean-up done) after the PATCH
    /// checked it and before the PATCH is written. The writer looks again once written and lets go.
    /// </summary>
    [Fact]
    public async Task OwnerDeletedWhileAPatchNamesIt_TheWriterLetsGo()
    {
        var registry = Devices.NewRegistry();
        var users = new InMemoryUserStore(registry);
        var devices = new HookedStore(new InMemoryResourceStore(registry, "Device"));
        var events = new RecordingSubscriber();
        var service = ScimService.Create(registry, users, new InMemoryGroupStore(registry), new Dictionary<string, IResourceStore<JsonResource>> { ["Device"] = devices }, null, events);
        var ada = (await service.CreateAsync(ScimContext.Default, "Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}"""), cancellationToken: Ct)).Id;
        var device = (await service.CreateAsync(ScimContext.Default, "Devices", DeviceBody("SN-1"), cancellationToken: Ct)).Id;
        devices.BeforeReplace = async _ =>
        {
            devices.BeforeReplace = null;
            await users.DeleteAsync(ScimContext.Default, ada, null, Ct); // the concurrent delete, its clean-up already past
        };

        var patched = await service.PatchAsync(ScimContext.Default, "Devices", device, Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"owner","value":{"value":"{{ada}}"} }]}"""), cancellationToken: Ct);

        Assert.Null(((JsonResource)patched.Resource).Attributes["owner"]);
        Assert.Null(((JsonResource)(await service.GetAsync(ScimContext.Default, "Devices", device, cancellationToken: Ct)).Resource).Attributes["owner"]);
        Assert.Equal(2, events.All.Count(e => e.Kind == ScimChangeKind.Patched && e.ResourceId == device)); // the owner set, then let go
    }

    /// <summary>
    /// Two writes of the same moment that each pass the cycle check (a under b, b under a): the one
    /// written second finds the cycle once written, lets go of its parent and answers 409.
    /// </summary>
    [Fact]
    public async Task ParentsSetAtTheSameMoment_TheCycleIsUndone_AndTheLastWriterIsTold409()
    {
        const string Urn = "urn:example:params:scim:schemas:core:2.0:Node";
        var schema = new Scim.Core.Schema.ScimSchema(Urn, "Node", "A node of a tree",
        [
            new Scim.Core.Schema.SchemaAttribute("name", Scim.Core.Schema.AttributeType.String) { Required = true },
            new Scim.Core.Schema.SchemaAttribute("parent", Scim.Core.Schema.AttributeType.Complex)
            {
                SubAttributes =
                [
                    new Scim.Core.Schema.SchemaAttribute("value", Scim.Core.Schema.AttributeType.String),
                    new Scim.Core.Schema.SchemaAttribute("$ref", Scim.Core.Schema.AttributeType.Reference) { ReferenceTypes = ["Node"] },
                ],
            },
        ]);
        var registry = new ServiceCollection().AddScimCore().AddResourceType(new Scim.Core.Schema.ScimResourceType("Node", "/Nodes", Urn), schema).Registry;
        var inner = new InMemoryResourceStore(registry, "Node");
        var nodes = new HookedStore(inner);
        var service = ScimService.Create(registry, new InMemoryUserStore(registry), null, new Dictionary<string, IResourceStore<JsonResource>> { ["Node"] = nodes });
        var a = (await service.CreateAsync(ScimContext.Default, "Nodes", Json($$"""{"schemas":["{{Urn}}"],"name":"a"}"""), cancellationToken: Ct)).Id;
        var b = (await service.CreateAsync(ScimContext.Default, "Nodes", Json($$"""{"schemas":["{{Urn}}"],"name":"b"}"""), cancellationToken: Ct)).Id;
        nodes.BeforeReplace = async _ =>
        {
            nodes.BeforeReplace = null;
            // The other request, already checked and now written: b under a.
            var other = (JsonResource)(await inner.GetAsync(ScimContext.Default, b, ReadHints.All, Ct))!;
            other.Attributes["parent"] = new System.Text.Json.Nodes.JsonObject { ["value"] = a };
            await inner.ReplaceAsync(ScimContext.Default, other, other.Meta!.Version, Ct);
        };

        var error = await ServiceKit.ThrowsScimAsync(409, null, () => service.PatchAsync(ScimContext.Default, "Nodes", a, Json($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"parent","value":{"value":"{{b}}"} }]}"""), cancellationToken: Ct));

        Assert.Contains("cycle", error.Detail, StringComparison.Ordinal);
        Assert.Null(((JsonResource)(await service.GetAsync(ScimContext.Default, "Nodes", a, cancellationToken: Ct)).Resource).Attributes["parent"]);
        Assert.Equal(a, (string?)((JsonResource)(await service.GetAsync(ScimContext.Default, "Nodes", b, cancellationToken: Ct)).Resource).Attributes["parent"]!["value"]);
    }

    /// <summary>A store that runs a hook before a replace is written (to play a concurrent request's part at that moment).</summary>
    private sealed class HookedStore(IResourceStore<JsonResource> inner) : IResourceStore<JsonResource>
    {
        public Func<JsonResource, Task>? BeforeReplace { get; set; }

        public Task<JsonResource?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => inner.GetAsync(context, id, hints, cancellationToken);

        public Task<ScimPage<JsonResource>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => inner.QueryAsync(context, query, cancellationToken);

        public Task<StoreWriteResult<JsonResource>> CreateAsync(ScimContext context, JsonResource resource, CancellationToken cancellationToken) => inner.CreateAsync(context, resource, cancellationToken);

        public async Task<StoreWriteResult<JsonResource>> ReplaceAsync(ScimContext context, JsonResource resource, string? expectedVersion, CancellationToken cancellationToken)
        {
            if (BeforeReplace is { } hook)
            {
                await hook(resource);
            }

            return await inner.ReplaceAsync(context, resource, expectedVersion, cancellationToken);
        }

        public Task<StoreWriteResult<JsonResource>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => inner.DeleteAsync(context, id, expectedVersion, cancellationToken);
    }

    /// <summary>
    /// A required reference is not emptied by a delete: the holder keeps it, and the service logs a
    /// warning that names both resources (the host decides what a badge without its holder means).
    /// </summary>
    [Fact]
    public async Task RequiredReference_ToADeletedUser_IsKept_AndLogged()
    {
        const string Urn = "urn:example:params:scim:schemas:core:2.0:Badge";
        var schema = new Scim.Core.Schema.ScimSchema(Urn, "Badge", "A badge held by one user",
        [
            new Scim.Core.Schema.SchemaAttribute("code", Scim.Core.Schema.AttributeType.String) { Required = true },
            new Scim.Core.Schema.SchemaAttribute("holder", Scim.Core.Schema.AttributeType.Complex)
            {
                Required = true,
                SubAttributes =
                [
                    new Scim.Core.Schema.SchemaAttribute("value", Scim.Core.Schema.AttributeType.String),
                    new Scim.Core.Schema.SchemaAttribute("$ref", Scim.Core.Schema.AttributeType.Reference) { ReferenceTypes = ["User"] },
                ],
            },
            new Scim.Core.Schema.SchemaAttribute("witnesses", Scim.Core.Schema.AttributeType.Complex)
            {
                MultiValued = true,
                Required = true,
                SubAttributes =
                [
                    new Scim.Core.Schema.SchemaAttribute("value", Scim.Core.Schema.AttributeType.String),
                    new Scim.Core.Schema.SchemaAttribute("$ref", Scim.Core.Schema.AttributeType.Reference) { ReferenceTypes = ["User"] },
                ],
            },
        ]);
        var registry = new ServiceCollection().AddScimCore().AddResourceType(new Scim.Core.Schema.ScimResourceType("Badge", "/Badges", Urn), schema).Registry;
        var logger = new RecordingLogger<ScimService>();
        var service = new ScimService(
            new ScimEngine(registry, new ScimServiceOptions()),
            new InMemoryUserStore(registry),
            new InMemoryGroupStore(registry),
            new InlineDelivery([]),
            logger,
            null,
            type => type.Name == "Badge" ? new InMemoryResourceStore(registry, "Badge") : null);
        var ada = (await service.CreateAsync(ScimContext.Default, "Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}"""), cancellationToken: Ct)).Id;
        var grace = (await service.CreateAsync(ScimContext.Default, "Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace"}"""), cancellationToken: Ct)).Id;
        var badge = (await service.CreateAsync(ScimContext.Default, "Badges", Json($$"""{"schemas":["{{Urn}}"],"code":"B-1","holder":{"value":"{{ada}}"},"witnesses":[{"value":"{{ada}}"},{"value":"{{grace}}"}]}"""), cancellationToken: Ct)).Id;

        await service.DeleteAsync(ScimContext.Default, "Users", ada, cancellationToken: Ct);

        var read = (JsonResource)(await service.GetAsync(ScimContext.Default, "Badges", badge, cancellationToken: Ct)).Resource;
        Assert.Equal(ada, (string?)read.Attributes["holder"]!["value"]);
        Assert.Equal([grace], read.Attributes["witnesses"]!.AsArray().Select(w => (string?)w!["value"])); // one of two goes: the attribute keeps a value
        var warning = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains($"Badge '{badge}'", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"User '{ada}'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("'holder' is required", warning.Message, StringComparison.Ordinal);

        await service.DeleteAsync(ScimContext.Default, "Users", grace, cancellationToken: Ct);
        read = (JsonResource)(await service.GetAsync(ScimContext.Default, "Badges", badge, cancellationToken: Ct)).Resource;
        Assert.Equal([grace], read.Attributes["witnesses"]!.AsArray().Select(w => (string?)w!["value"])); // the last one stays
        Assert.Equal(2, logger.Entries.Count(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning));
    }

    [Fact]
    public async Task HostTypeWithMembersAndAnImmutableAttribute_MembersAreOrdinaryValues_ImmutableIsKept()
    {
        const string Urn = "urn:example:params:scim:schemas:core:2.0:Team";
        var schema = new Scim.Core.Schema.ScimSchema(Urn, "Team", "A team",
        [
            new Scim.Core.Schema.SchemaAttribute("name", Scim.Core.Schema.AttributeType.String) { Required = true },
            new Scim.Core.Schema.SchemaAttribute("code", Scim.Core.Schema.AttributeType.String) { Mutability = Scim.Core.Schema.Mutability.Immutable },
            new Scim.Core.Schema.SchemaAttribute("members", Scim.Core.Schema.AttributeType.Complex)
            {
                MultiValued = true,
                SubAttributes = [new Scim.Core.Schema.SchemaAttribute("value", Scim.Core.Schema.AttributeType.String), new Scim.Core.Schema.SchemaAttribute("role", Scim.Core.Schema.AttributeType.String)],
            },
        ]);
        var registry = new ServiceCollection().AddScimCore().AddResourceType(new Scim.Core.Schema.ScimResourceType("Team", "/Teams", Urn), schema).Registry;
        var service = ScimService.Create(registry, new InMemoryUserStore(registry), new InMemoryGroupStore(registry), new Dictionary<string, IResourceStore<JsonResource>> { ["Team"] = new InMemoryResourceStore(registry, "Team") });
        var created = await service.CreateAsync(ScimContext.Default, "Teams", Json($$"""{"schemas":["{{Urn}}"],"name":"Blue","code":"B1","members":[{"value":"x","role":"lead"}]}"""), cancellationToken: Ct);

        var patched = await service.PatchAsync(ScimContext.Default, "Teams", created.Id, Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"y"}]}]}"""), cancellationToken: Ct);
        var immutable = await Assert.ThrowsAsync<ScimException>(() => service.ReplaceAsync(ScimContext.Default, "Teams", created.Id, Json($$"""{"schemas":["{{Urn}}"],"name":"Blue","code":"B2"}"""), cancellationToken: Ct));

        Assert.Equal(["x", "y"], ((JsonResource)patched.Resource).Attributes["members"]!.AsArray().Select(m => (string?)m!["value"]));
        Assert.Equal((400, ScimErrorType.Mutability), (immutable.Status, immutable.ScimType));
        Assert.Equal("B1", (string?)((JsonResource)(await service.GetAsync(ScimContext.Default, "Teams", created.Id, cancellationToken: Ct)).Resource).Attributes["code"]);
    }

    [Fact]
    public async Task PasswordOfAHostType_IsKeptButNeverReturned()
    {
        const string Urn = "urn:example:params:scim:schemas:core:2.0:ServiceAccount";
        var schema = new Scim.Core.Schema.ScimSchema(Urn, "ServiceAccount", "A service account",
        [
            new Scim.Core.Schema.SchemaAttribute("name", Scim.Core.Schema.AttributeType.String) { Required = true },
            new Scim.Core.Schema.SchemaAttribute("password", Scim.Core.Schema.AttributeType.String) { Mutability = Scim.Core.Schema.Mutability.WriteOnly, Returned = Scim.Core.Schema.Returned.Never },
        ]);
        var registry = new ServiceCollection().AddScimCore().AddResourceType(new Scim.Core.Schema.ScimResourceType("ServiceAccount", "/ServiceAccounts", Urn), schema).Registry;
        var service = ScimService.Create(registry, new InMemoryUserStore(registry), null, new Dictionary<string, IResourceStore<JsonResource>> { ["ServiceAccount"] = new InMemoryResourceStore(registry, "ServiceAccount") }, new ScimServiceOptions { ChangePasswordSupported = true });

        var created = await service.CreateAsync(ScimContext.Default, "ServiceAccounts", Json($$"""{"schemas":["{{Urn}}"],"name":"ci","password":"p@ss"}"""), cancellationToken: Ct);
        var read = await service.GetAsync(ScimContext.Default, "ServiceAccounts", created.Id, cancellationToken: Ct);
        var list = await service.ListAsync(ScimContext.Default, "ServiceAccounts", cancellationToken: Ct);

        Assert.Equal("p@ss", (string?)((JsonResource)read.Resource).Attributes["password"]); // kept for the host
        foreach (var result in new[] { created, read, list.Resources[0] })
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                result.WriteTo(writer);
            }

            var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
            Assert.Contains("\"ci\"", json, StringComparison.Ordinal);
            Assert.DoesNotContain("p@ss", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RegisteredTypeWithoutAStore_FailsAtStartupWithWhatToDo()
    {
        var services = new ServiceCollection();
        var builder = services.AddScimCore().AddDevices();
        services.AddSingleton<IUserStore>(_ => new InMemoryUserStore(builder.Registry));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.CreateScope().ServiceProvider.GetRequiredService<ScimService>());

        Assert.Contains("Resource type 'Device' is registered but has no store", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddResourceStore<TStore>(\"Device\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DependencyInjection_InMemoryStoresServeTheHostType_AndAnExplicitStoreWins()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores().AddDevices();
        await using (var provider = services.BuildServiceProvider())
        {
            var service = provider.GetRequiredService<ScimService>();
            Assert.Contains(service.ResourceTypes, t => t.Name == "Device");
            var created = await service.CreateAsync(ScimContext.Default, "Devices", DeviceBody("SN-1"), cancellationToken: Ct);
            Assert.Equal("SN-1", (string?)((JsonResource)(await service.GetAsync(ScimContext.Default, "Devices", created.Id, cancellationToken: Ct)).Resource).Attributes["serialNumber"]);
        }

        var counting = new ServiceCollection();
        counting.AddScimCore().AddInMemoryStores().AddDevices().AddResourceStore<CountingDevices>("Device");
        counting.AddSingleton<CountingDevices.Counter>();
        await using (var provider = counting.BuildServiceProvider())
        {
            using var scope = provider.CreateScope();
            var service = scope.ServiceProvider.GetRequiredService<ScimService>();
            await service.CreateAsync(ScimContext.Default, "Devices", DeviceBody("SN-1"), cancellationToken: Ct);
            Assert.Equal(1, provider.GetRequiredService<CountingDevices.Counter>().Creates);
        }
    }

    [Fact]
    public void ResourceType_WhoseSchemaIdDiffers_IsRefused()
    {
        var builder = new ServiceCollection().AddScimCore();

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddResourceType(Devices.Type, Devices.FleetSchema));

        Assert.Contains("names schema", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A host's own store of devices (over the in-memory one) that counts its creates.</summary>
    private sealed class CountingDevices(Scim.Core.Schema.SchemaRegistry registry, CountingDevices.Counter counter) : IResourceStore<JsonResource>
    {
        private static InMemoryResourceStore? _inner;

        private InMemoryResourceStore Inner => _inner ??= new InMemoryResourceStore(registry, "Device");

        public Task<JsonResource?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => Inner.GetAsync(context, id, hints, cancellationToken);

        public Task<ScimPage<JsonResource>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => Inner.QueryAsync(context, query, cancellationToken);

        public Task<StoreWriteResult<JsonResource>> CreateAsync(ScimContext context, JsonResource resource, CancellationToken cancellationToken)
        {
            counter.Creates++;
            return Inner.CreateAsync(context, resource, cancellationToken);
        }

        public Task<StoreWriteResult<JsonResource>> ReplaceAsync(ScimContext context, JsonResource resource, string? expectedVersion, CancellationToken cancellationToken) => Inner.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

        public Task<StoreWriteResult<JsonResource>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => Inner.DeleteAsync(context, id, expectedVersion, cancellationToken);

        public sealed class Counter
        {
            public int Creates { get; set; }
        }
    }
}
