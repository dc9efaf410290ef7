using System.Text.Json.Nodes;
using Scim.Core.Projection;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Tests.Serialization;

namespace Scim.Core.Tests.Projection;

/// <summary>
/// Registries, resources and a projection shortcut shared by the projection tests. Resources are
/// read from the RFC 7643 §8 examples and turned into canonical JSON with
/// <see cref="ScimSerializer.ToJsonObject"/>, which is what <see cref="ScimProjection.Apply"/> expects.
/// </summary>
internal static class ProjectionData
{
    public const string UserUrn = Payloads.UserUrn;
    public const string GroupUrn = Payloads.GroupUrn;
    public const string EnterpriseUrn = Payloads.EnterpriseUrn;

    /// <summary>A host extension with one attribute per <c>returned</c> value and a complex attribute mixing them.</summary>
    public const string HostUrn = "urn:example:params:scim:schemas:extension:Returned:2.0:User";

    /// <summary>The <c>id</c> of the RFC 7643 §8.2 and §8.3 users.</summary>
    public const string UserId = "2819c223-7f76-453a-919d-413861904646";

    /// <summary>The <c>id</c> of the RFC 7643 §8.4 group.</summary>
    public const string GroupId = "e9e30dba-f08f-4109-8486-d5c6a331660a";

    /// <summary>The password the RFC 7643 §8.2 user is sent with.</summary>
    public const string Password = "t1meMa$heen";

    /// <summary>The value of the host extension's <c>returned: never</c> attribute <c>pin</c>.</summary>
    public const string Pin = "pin-4711-never";

    /// <summary>The value of the host extension's <c>returned: never</c> sub-attribute <c>clearance.secret</c>.</summary>
    public const string Secret = "secret-0815-never";

    public static SchemaRegistry DefaultRegistry { get; } = SchemaRegistry.CreateDefault();

    /// <summary>The default registry plus <see cref="HostUrn"/> on User.</summary>
    public static SchemaRegistry HostRegistry { get; } = CreateHostRegistry();

    /// <summary>The RFC 7643 §8.2 full user (no extension) in canonical JSON; a new tree per call.</summary>
    public static JsonObject FullUser() => ReadUser(Payloads.FullUserFile);

    /// <summary>The RFC 7643 §8.3 enterprise user in canonical JSON; a new tree per call.</summary>
    public static JsonObject EnterpriseUser() => ReadUser(Payloads.EnterpriseUserFile);

    /// <summary>The RFC 7643 §8.4 group (two members) in canonical JSON; a new tree per call.</summary>
    public static JsonObject Group() =>
        ScimSerializer.ToJsonObject(new ScimSerializer(DefaultRegistry).ReadGroup(Payloads.FileBytes(Payloads.GroupFile)));

    /// <summary>Creates a projection for <paramref name="resourceTypeName"/> and applies it to <paramref name="resource"/>.</summary>
    public static JsonObject Project(
        JsonObject resource, string? attributes, string? excludedAttributes, SchemaRegistry? registry = null, string resourceTypeName = "User")
    {
        registry ??= DefaultRegistry;
        var resourceType = registry.FindResourceType(resourceTypeName) ?? throw new InvalidOperationException($"No resource type '{resourceTypeName}'.");
        return ScimProjection.Create(registry, resourceType, attributes, excludedAttributes).Apply(resource);
    }

    /// <summary>The <c>schemas</c> values of a projected resource, in order.</summary>
    public static string[] Schemas(JsonObject resource) =>
        [.. resource["schemas"]!.AsArray().Select(s => s!.GetValue<string>())];

    /// <summary>A JSON literal with <c>$U</c>, <c>$E</c>, <c>$H</c>, <c>$G</c> and <c>$ID</c> replaced by the URNs and the user id.</summary>
    public static JsonObject Json(string template) => JsonTree.Parse(template
        .Replace("$U", UserUrn, StringComparison.Ordinal)
        .Replace("$E", EnterpriseUrn, StringComparison.Ordinal)
        .Replace("$H", HostUrn, StringComparison.Ordinal)
        .Replace("$G", GroupUrn, StringComparison.Ordinal)
        .Replace("$ID", UserId, StringComparison.Ordinal));

    private static JsonObject ReadUser(string fileName) =>
        ScimSerializer.ToJsonObject(new ScimSerializer(DefaultRegistry).ReadUser(Payloads.FileBytes(fileName)));

    private static SchemaRegistry CreateHostRegistry()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(HostUrn, "Returned", "One attribute per 'returned' characteristic.",
        [
            new SchemaAttribute("plain", AttributeType.String),
            new SchemaAttribute("badge", AttributeType.String) { Returned = Returned.Request },
            new SchemaAttribute("tenant", AttributeType.String) { Returned = Returned.Always, Mutability = Mutability.ReadOnly },
            new SchemaAttribute("pin", AttributeType.String) { Returned = Returned.Never, Mutability = Mutability.WriteOnly },
            new SchemaAttribute("clearance", AttributeType.Complex)
            {
                SubAttributes =
                [
                    new SchemaAttribute("level", AttributeType.String),
                    new SchemaAttribute("secret", AttributeType.String) { Returned = Returned.Never, Mutability = Mutability.WriteOnly },
                    new SchemaAttribute("code", AttributeType.String) { Returned = Returned.Always },
                    new SchemaAttribute("note", AttributeType.String) { Returned = Returned.Request },
                ],
            },
        ]));
        return registry;
    }
}
