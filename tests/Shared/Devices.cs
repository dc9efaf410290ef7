using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Schema;

namespace Scim.Tests.Shared;

/// <summary>
/// A resource type the library has never heard of, registered the way a host would: <c>Device</c>
/// at <c>/Devices</c> with its own core schema (a unique, case-insensitive serial number, a
/// reference to its owning user) and an extension (where it is racked).
/// </summary>
internal static class Devices
{
    public const string Schema = "urn:example:params:scim:schemas:core:2.0:Device";

    public const string Fleet = "urn:example:params:scim:schemas:extension:fleet:2.0:Device";

    public static ScimResourceType Type { get; } = new("Device", "/Devices", Schema, "Managed devices");

    public static ScimSchema CoreSchema { get; } = new(Schema, "Device", "A managed device",
    [
        new SchemaAttribute("serialNumber", AttributeType.String) { Required = true, Uniqueness = Uniqueness.Server, Description = "The serial number; unique." },
        new SchemaAttribute("displayName", AttributeType.String),
        new SchemaAttribute("model", AttributeType.String) { CaseExact = true },
        new SchemaAttribute("active", AttributeType.Boolean),
        new SchemaAttribute("purchased", AttributeType.DateTime),
        new SchemaAttribute("tags", AttributeType.String) { MultiValued = true },
        new SchemaAttribute("owner", AttributeType.Complex)
        {
            SubAttributes =
            [
                new SchemaAttribute("value", AttributeType.String),
                new SchemaAttribute("$ref", AttributeType.Reference) { ReferenceTypes = ["User"] },
                new SchemaAttribute("display", AttributeType.String),
            ],
        },
    ]);

    public static ScimSchema FleetSchema { get; } = new(Fleet, "Fleet", "Where a device is racked",
    [
        new SchemaAttribute("site", AttributeType.String),
        new SchemaAttribute("rack", AttributeType.Integer),
    ]);

    /// <summary>Registers Device and its extension.</summary>
    public static ScimBuilder AddDevices(this ScimBuilder builder) =>
        builder.AddResourceType(Type, CoreSchema).AddSchemaExtension("Device", FleetSchema);

    /// <summary>The built-in schemas and Device, as a host's builder registers them (for tests without a host).</summary>
    public static SchemaRegistry NewRegistry() =>
        new ServiceCollection().AddScimCore().AddDevices().Registry;
}
