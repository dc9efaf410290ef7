using Scim.Core.InMemory;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Testing;
using Scim.Tests.Shared;

namespace Scim.Core.Tests.InMemory;

/// <summary>The in-memory store of a host-registered type (Device) passes the resource store conformance suite.</summary>
public sealed class InMemoryResourceStoreConformanceTests : ResourceStoreConformanceTests
{
    private static readonly SchemaRegistry Schemas = Devices.NewRegistry();
    private static readonly InMemoryResourceStore Shared = new(Schemas, "Device");

    protected override SchemaRegistry Registry => Schemas;

    protected override ScimResourceType ResourceType => Schemas.FindResourceType("Device")!;

    protected override string KeyAttribute => "serialNumber";

    protected override ValueTask<IResourceStore<JsonResource>> CreateStoreAsync() => ValueTask.FromResult<IResourceStore<JsonResource>>(Shared);

    protected override void Fill(JsonResource resource)
    {
        resource.Attributes["model"] = "X1";
        resource.Attributes["tags"] = new System.Text.Json.Nodes.JsonArray("lab", "loaner");
        resource.Extensions[Devices.Fleet] = new System.Text.Json.Nodes.JsonObject { ["site"] = "Oslo", ["rack"] = 4 };
    }
}
