using System.Text.Json.Nodes;
using Scim.Core.Serialization;
using Scim.Core.Tests.Serialization;

namespace Scim.Core.Tests.Projection;

/// <summary>
/// The <c>returned</c> characteristic of a host extension (<see cref="ProjectionData.HostUrn"/>):
/// <c>plain</c> is default, <c>badge</c> request, <c>tenant</c> always, <c>pin</c> never; the
/// complex <c>clearance</c> has <c>level</c> (default), <c>secret</c> (never), <c>code</c> (always)
/// and <c>note</c> (request). Request attributes come only when named in <c>attributes</c>, always
/// ones even when excluded, never ones never (docs/projection-and-versions.md, the table).
/// </summary>
public sealed class ScimProjectionReturnedTests
{
    private const string Simple = """{"plain":"P","badge":"B-7","tenant":"T-1","pin":"pin-4711-never"}""";

    private const string Complex = """{"clearance":{"level":"3","secret":"secret-0815-never","code":"C-9","note":"N-1"}}""";

    /// <summary>
    /// Projections of a user whose extension holds the four simple attributes; the expected
    /// extension object, or "" when the extension (and its URN in schemas) must be absent.
    /// </summary>
    public static TheoryData<string?, string?, string> SimpleCases => new()
    {
        { null, null, """{"plain":"P","tenant":"T-1"}""" },
        { "badge", null, """{"badge":"B-7","tenant":"T-1"}""" },
        { "BADGE", null, """{"badge":"B-7","tenant":"T-1"}""" },
        { "urn:example:params:scim:schemas:extension:Returned:2.0:User:badge", null, """{"badge":"B-7","tenant":"T-1"}""" },
        { "userName", null, """{"tenant":"T-1"}""" },
        { "plain", null, """{"plain":"P","tenant":"T-1"}""" },
        { "tenant", null, """{"tenant":"T-1"}""" },
        { "pin", null, """{"tenant":"T-1"}""" },
        { "plain,badge,tenant,pin", null, """{"plain":"P","badge":"B-7","tenant":"T-1"}""" },
        { "urn:example:params:scim:schemas:extension:Returned:2.0:User", null, """{"plain":"P","tenant":"T-1"}""" },
        { null, "tenant", """{"plain":"P","tenant":"T-1"}""" },
        { null, "urn:example:params:scim:schemas:extension:Returned:2.0:User:tenant", """{"plain":"P","tenant":"T-1"}""" },
        { null, "urn:example:params:scim:schemas:extension:Returned:2.0:User", """{"tenant":"T-1"}""" },
        { null, "plain", """{"tenant":"T-1"}""" },
        { null, "badge", """{"plain":"P","tenant":"T-1"}""" },
        { null, "pin", """{"plain":"P","tenant":"T-1"}""" },
        { null, "userName", """{"plain":"P","tenant":"T-1"}""" },
        { "badge", "badge", """{"badge":"B-7","tenant":"T-1"}""" },
        { "userName", "tenant", """{"tenant":"T-1"}""" },
    };

    /// <summary>Projections of a user whose extension holds only the complex <c>clearance</c>; the expected extension object.</summary>
    public static TheoryData<string?, string?, string> ComplexCases => new()
    {
        { null, null, """{"clearance":{"level":"3","code":"C-9"}}""" },
        { "clearance.level", null, """{"clearance":{"level":"3","code":"C-9"}}""" },
        { "clearance.note", null, """{"clearance":{"note":"N-1","code":"C-9"}}""" },
        { "clearance.secret", null, """{"clearance":{"code":"C-9"}}""" },
        { "clearance.code", null, """{"clearance":{"code":"C-9"}}""" },
        { "clearance.level,clearance.note,clearance.secret", null, """{"clearance":{"level":"3","note":"N-1","code":"C-9"}}""" },
        { null, "clearance.level", """{"clearance":{"code":"C-9"}}""" },
        { null, "clearance.code", """{"clearance":{"level":"3","code":"C-9"}}""" },
        { null, "clearance.note", """{"clearance":{"level":"3","code":"C-9"}}""" },
        { null, "clearance.secret", """{"clearance":{"level":"3","code":"C-9"}}""" },
    };

    /// <summary>
    /// Projections that return no part of <c>clearance</c> but its <c>always</c> sub-attribute
    /// <c>code</c>: ScimProjection's contract ("always attributes ... are always there") and
    /// RFC 7644 §3.9 ("Attributes whose schema 'returned' setting is 'always' SHALL be returned").
    /// </summary>
    public static TheoryData<string?, string?> ParentNotReturnedCases => new()
    {
        { "userName", null },
        { "plain", null },
        { null, "clearance" },
        { null, "urn:example:params:scim:schemas:extension:Returned:2.0:User:clearance" },
        { null, "urn:example:params:scim:schemas:extension:Returned:2.0:User" },
    };

    [Theory]
    [MemberData(nameof(SimpleCases))]
    public void Apply_HostExtensionSimpleAttributes_ReturnedCharacteristicHonoured(string? attributes, string? excludedAttributes, string expectedExtension)
    {
        var user = HostUser(Simple);

        var projected = ProjectionData.Project(user, attributes, excludedAttributes, ProjectionData.HostRegistry);

        AssertExtension(expectedExtension, projected);
        Assert.DoesNotContain(ProjectionData.Pin, projected.ToJsonString(ScimSerializer.DocumentOptions), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ComplexCases))]
    public void Apply_HostExtensionComplexAttribute_SubAttributeReturnedHonoured(string? attributes, string? excludedAttributes, string expectedExtension)
    {
        var user = HostUser(Complex);

        var projected = ProjectionData.Project(user, attributes, excludedAttributes, ProjectionData.HostRegistry);

        AssertExtension(expectedExtension, projected);
        Assert.DoesNotContain(ProjectionData.Secret, projected.ToJsonString(ScimSerializer.DocumentOptions), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clearance")]
    [InlineData("CLEARANCE")]
    [InlineData("urn:example:params:scim:schemas:extension:Returned:2.0:User:clearance")]
    public void Apply_ComplexAttributeNamedWhole_NeverSubAttributeStillDropped(string attributes)
    {
        var projected = ProjectionData.Project(HostUser(Complex), attributes, null, ProjectionData.HostRegistry);

        var clearance = projected[ProjectionData.HostUrn]!["clearance"]!.AsObject();
        Assert.Equal("3", clearance["level"]!.GetValue<string>());
        Assert.Equal("C-9", clearance["code"]!.GetValue<string>());
        Assert.False(clearance.ContainsKey("secret"));
    }

    [Theory]
    [MemberData(nameof(ParentNotReturnedCases))]
    public void Apply_AlwaysSubAttributeOfParentNotReturned_StillReturned(string? attributes, string? excludedAttributes)
    {
        var projected = ProjectionData.Project(HostUser(Complex), attributes, excludedAttributes, ProjectionData.HostRegistry);

        AssertExtension("""{"clearance":{"code":"C-9"}}""", projected);
    }

    [Fact]
    public void Apply_AllCharacteristicsTogether_DefaultProjectionDropsRequestAndNever()
    {
        var simple = JsonTree.Parse(Simple);
        foreach (var (key, value) in JsonTree.Parse(Complex))
        {
            simple[key] = value!.DeepClone();
        }

        var projected = ProjectionData.Project(HostUser(simple.ToJsonString()), null, null, ProjectionData.HostRegistry);

        var text = projected.ToJsonString(ScimSerializer.DocumentOptions);
        Assert.DoesNotContain(ProjectionData.Pin, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ProjectionData.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("B-7", text, StringComparison.Ordinal);
        Assert.Contains("T-1", text, StringComparison.Ordinal);
        Assert.Contains("C-9", text, StringComparison.Ordinal);
        Assert.Equal([ProjectionData.UserUrn, ProjectionData.HostUrn], ProjectionData.Schemas(projected));
    }

    private static JsonObject HostUser(string extension)
    {
        var user = ProjectionData.FullUser();
        user["schemas"] = new JsonArray(ProjectionData.UserUrn, ProjectionData.HostUrn);
        user[ProjectionData.HostUrn] = JsonTree.Parse(extension);
        return user;
    }

    private static void AssertExtension(string expectedExtension, JsonObject projected)
    {
        if (expectedExtension.Length == 0)
        {
            Assert.False(projected.ContainsKey(ProjectionData.HostUrn), $"Unexpected extension: {projected[ProjectionData.HostUrn]?.ToJsonString()}");
            Assert.Equal([ProjectionData.UserUrn], ProjectionData.Schemas(projected));
            return;
        }

        Assert.True(projected.ContainsKey(ProjectionData.HostUrn), $"The extension is missing from {projected.ToJsonString()}.");
        JsonTree.Equal(JsonTree.Parse(expectedExtension), projected[ProjectionData.HostUrn]!);
        Assert.Contains(ProjectionData.HostUrn, ProjectionData.Schemas(projected));
    }
}
