using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Patching;
using Scim.Core.Schema;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// A remove whose path names a whole extension (RFC 7644 §3.5.2.2 takes no value): every attribute
/// of it the resource has is removed, each with the checks a remove of that attribute alone makes,
/// and the extension leaves the resource and its <c>schemas</c>; an extension the resource type
/// requires stays.
/// </summary>
public sealed class PatchRemoveExtensionTests
{
    private const string Locked = "urn:example:params:scim:schemas:extension:locked:2.0:User";
    private const string Needed = "urn:example:params:scim:schemas:extension:needed:2.0:User";

    [Theory]
    [InlineData(Enterprise)]
    [InlineData("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER")]
    public void RemoveWholeExtension_RemovesItsAttributes_AndItsSchema(string path)
    {
        var user = BarbaraTree();
        var expected = BarbaraTree();
        expected.Remove(Enterprise);
        expected["schemas"] = new JsonArray(UserUrn);

        var result = Apply(user, UserType, Message($$"""{"op":"remove","path":"{{path}}"}"""));

        Assert.True(JsonNode.DeepEquals(expected, user), user.ToJsonString());
        Assert.Contains(result.ChangedPaths, p => p.StartsWith(Enterprise + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void RemoveWholeExtension_TheResourceDoesNotHave_ChangesNothing()
    {
        var user = BarbaraTree();
        var before = user.DeepClone();

        var result = Apply(user, UserType, Message($$"""{"op":"remove","path":"{{Acme}}"}"""));

        Assert.True(JsonNode.DeepEquals(before, user));
        Assert.Empty(result.ChangedPaths);
    }

    [Fact]
    public void RemoveWholeExtension_WithAnImmutableOrRequiredAttribute_IsRefusedWhole()
    {
        var (registry, type) = Registry();
        var patcher = new ScimPatcher(registry);
        var user = User();

        var error = Rejects(user, type, Message($$"""{"op":"remove","path":"{{Locked}}"}"""), patcher);

        AssertError(error, ScimErrorType.Mutability, "badge");
    }

    [Fact]
    public void RemoveWholeExtension_TheTypeRequires_IsRefused()
    {
        var (registry, type) = Registry();
        var patcher = new ScimPatcher(registry);
        var user = User();

        var error = Rejects(user, type, Message($$"""{"op":"remove","path":"{{Needed}}"}"""), patcher);

        AssertError(error, ScimErrorType.Mutability, $"The extension '{Needed}' is required");
    }

    /// <summary>User with an extension holding an immutable attribute beside a plain one, and a required extension.</summary>
    private static (SchemaRegistry Registry, ScimResourceType Type) Registry()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(Locked, "Locked", "Kept for life.", [
            new SchemaAttribute("note", AttributeType.String),
            new SchemaAttribute("badge", AttributeType.String) { Mutability = Mutability.Immutable },
        ]));
        registry.AddSchemaExtension("User", new ScimSchema(Needed, "Needed", "Every user has one.", [new SchemaAttribute("level", AttributeType.String)]), required: true);
        return (registry, registry.FindResourceType("User")!);
    }

    private static JsonObject User() => JsonNode.Parse($$"""
        {"schemas":["{{UserUrn}}","{{Locked}}","{{Needed}}"],"id":"u1","userName":"ada",
         "{{Locked}}":{"note":"n","badge":"B-1"},"{{Needed}}":{"level":"1"} }
        """)!.AsObject();
}
