using Scim.Core.Filtering;
using Scim.Core.Patching;
using Scim.Core.Projection;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Schema;

/// <summary>
/// The schema registry is open until the first component that reads it is built, and frozen from
/// then on, so nothing such a component resolved can go stale.
/// </summary>
public sealed class RegistryFreezeTests
{
    private const string LateUrn = "urn:example:params:scim:schemas:extension:Late:2.0:User";

    private static ScimSchema Late(string urn = LateUrn) =>
        new(urn, "Late", null, [new SchemaAttribute("late", AttributeType.String)]);

    /// <summary>Each component that reads the registry, built over it.</summary>
    public static TheoryData<string, Action<SchemaRegistry>> Readers => new()
    {
        { "serializer", r => _ = new ScimSerializer(r) },
        { "patcher", r => _ = new ScimPatcher(r) },
        { "replacer", r => _ = new ScimReplacer(r) },
        { "filter binder", r => _ = new FilterBinder(r, new FilterOptions()) },
        { "projection", r => _ = ScimProjection.Create(r, r.FindResourceType("Group")!, "displayName") },
        { "engine", r => _ = new ScimEngine(r, new ScimServiceOptions()) },
    };

    [Fact]
    public void NewRegistry_IsOpen_AndLookupsDoNotFreezeIt()
    {
        var registry = SchemaRegistry.CreateDefault();

        _ = registry.FindResourceType("User");
        _ = registry.FindSchema(ScimSchemaUris.User);
        _ = registry.Schemas.Count;

        Assert.False(registry.IsFrozen);
        registry.AddSchemaExtension("User", Late());
        Assert.NotNull(registry.FindSchema(LateUrn));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void BuildingAReader_FreezesTheRegistry_AndLaterRegistrationsThrowAndChangeNothing(string reader, Action<SchemaRegistry> build)
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", Late("urn:example:params:scim:schemas:extension:Early:2.0:User")); // still open
        var schemas = registry.Schemas.Count;

        build(registry);

        Assert.True(registry.IsFrozen, reader);
        var extension = Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("User", Late()));
        Assert.Contains("frozen", extension.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => registry.AddSchema(Late()));
        Assert.Equal(schemas, registry.Schemas.Count);
        Assert.Null(registry.FindSchema(LateUrn));
        Assert.DoesNotContain(registry.FindResourceType("User")!.SchemaExtensions, e => e.Schema == LateUrn);
    }

    [Fact]
    public void Engine_WithInvalidOptions_ThrowsBeforeFreezing()
    {
        var registry = SchemaRegistry.CreateDefault();

        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new ScimEngine(registry, new ScimServiceOptions { MaxCount = 0 }));

        Assert.False(registry.IsFrozen);
        registry.AddSchemaExtension("User", Late());
    }
}
