using System.Text.Json.Nodes;
using Scim.Core.Projection;
using Scim.Core.Tests.Serialization;

namespace Scim.Core.Tests.Projection;

/// <summary>
/// The <c>excludedAttributes</c> parameter (RFC 7644 §3.9) over the RFC 7643 §8.3 enterprise user
/// and the §8.4 group: everything but the named attributes, <c>id</c> kept whatever is asked,
/// both parameters together letting <c>attributes</c> decide, and the input never changed.
/// </summary>
public sealed class ScimProjectionExcludedAttributesTests
{
    /// <summary>An <c>excludedAttributes</c> value and the edit that turns the full user into the expected result.</summary>
    public static TheoryData<string, string> ExclusionCases => new()
    {
        { "emails", "-emails" },
        { "EMAILS", "-emails" },
        { "name.middleName", "-name.middleName" },
        { "urn:ietf:params:scim:schemas:core:2.0:User:name.middleName", "-name.middleName" },
        { "emails.type", "-emails[].type" },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "-$E" },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user", "-$E" },
        { "manager", "-$E.manager" },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName", "-$E.manager.displayName" },
        { "id", "" },
        { "ID", "" },
        { "noSuchAttribute", "" },
        { "emails.noSuchSub", "" },
        { "meta", "-meta" },
        { "emails, name.middleName ,phoneNumbers,  costCenter", "-emails;-name.middleName;-phoneNumbers;-$E.costCenter" },
        { "id,userName", "-userName" },
    };

    [Theory]
    [MemberData(nameof(ExclusionCases))]
    public void Apply_ExcludedAttributes_ReturnsUserWithoutThem(string excludedAttributes, string edits)
    {
        var user = ProjectionData.EnterpriseUser();

        var projected = ProjectionData.Project(user, null, excludedAttributes);

        JsonTree.Equal(Edit(user, edits), projected);
    }

    [Fact]
    public void Apply_ExcludeEveryEnterpriseAttribute_DropsExtensionAndItsSchema()
    {
        var projected = ProjectionData.Project(
            ProjectionData.EnterpriseUser(), null, "employeeNumber,costCenter,organization,division,department,manager");

        Assert.False(projected.ContainsKey(ProjectionData.EnterpriseUrn));
        Assert.Equal([ProjectionData.UserUrn], ProjectionData.Schemas(projected));
    }

    [Theory]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", false)]
    [InlineData("manager", true)]
    [InlineData("manager,department", true)]
    [InlineData("userName", true)]
    public void Apply_ExcludedExtensionOrPart_SchemasListsWhatIsLeft(string excludedAttributes, bool extensionLeft)
    {
        var projected = ProjectionData.Project(ProjectionData.EnterpriseUser(), null, excludedAttributes);

        string[] expected = extensionLeft ? [ProjectionData.UserUrn, ProjectionData.EnterpriseUrn] : [ProjectionData.UserUrn];
        Assert.Equal(expected, ProjectionData.Schemas(projected));
        Assert.Equal(extensionLeft, projected.ContainsKey(ProjectionData.EnterpriseUrn));
    }

    [Theory]
    [InlineData("userName", "userName", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""")]
    [InlineData("userName", "id", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""")]
    [InlineData("emails.value", "emails", """{"schemas":["$U"],"id":"$ID","emails":[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}]}""")]
    [InlineData("manager.value", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", """{"schemas":["$U","$E"],"id":"$ID","$E":{"manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}}""")]
    [InlineData("noSuchAttribute", "userName", """{"schemas":["$U"],"id":"$ID"}""")]
    public void Apply_BothParameters_AttributesDecides(string attributes, string excludedAttributes, string expected)
    {
        var projected = ProjectionData.Project(ProjectionData.EnterpriseUser(), attributes, excludedAttributes);

        JsonTree.Equal(ProjectionData.Json(expected), projected);
    }

    [Fact]
    public void Apply_GroupExcludedMembers_ReturnsGroupWithoutMembers()
    {
        var group = ProjectionData.Group();

        var projected = ProjectionData.Project(group, null, "members", resourceTypeName: "Group");

        var expected = Payloads.FileTree(Payloads.GroupFile);
        Assert.True(expected.Remove("members"));
        JsonTree.Equal(expected, projected);
    }

    [Theory]
    [InlineData(null, null, "")]
    [InlineData(null, "displayName", "-displayName")]
    [InlineData(null, "members.display", "-members[].display")]
    [InlineData(null, "MEMBERS", "-members")]
    [InlineData("displayName", null, "-members;-meta")]
    [InlineData("members", null, "-displayName;-meta")]
    [InlineData("members", "members", "-displayName;-meta")]
    [InlineData("members.value", null, "-displayName;-meta;-members[].$ref;-members[].display")]
    public void Apply_GroupWithMembers_ReturnsExpected(string? attributes, string? excludedAttributes, string edits)
    {
        var group = ProjectionData.Group();

        var projected = ProjectionData.Project(group, attributes, excludedAttributes, resourceTypeName: "Group");

        JsonTree.Equal(Edit(group, edits), projected);
        Assert.Equal([ProjectionData.GroupUrn], ProjectionData.Schemas(projected));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("userName,name.givenName,emails.value,manager.value", null)]
    [InlineData(null, "emails,name.middleName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")]
    [InlineData(null, "emails.type,manager.displayName")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "id")]
    public void Apply_AnyProjection_DoesNotModifyInput(string? attributes, string? excludedAttributes)
    {
        var user = ProjectionData.EnterpriseUser();
        user["password"] = ProjectionData.Password;
        var before = user.DeepClone();

        _ = ProjectionData.Project(user, attributes, excludedAttributes);

        JsonTree.Equal(before, user);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("name,emails,manager")]
    public void Apply_ResultChanged_InputUnchanged(string? attributes)
    {
        var user = ProjectionData.EnterpriseUser();
        var before = user.DeepClone();

        var projected = ProjectionData.Project(user, attributes, null);
        projected["name"]!["givenName"] = "Changed";
        projected["emails"]![0]!["value"] = "changed@example.com";
        projected[ProjectionData.EnterpriseUrn]!["manager"]!["value"] = "changed";

        JsonTree.Equal(before, user);
    }

    [Fact]
    public void Apply_SameProjectionTwice_SameResult()
    {
        var userType = ProjectionData.DefaultRegistry.FindResourceType("User")!;
        var projection = ScimProjection.Create(ProjectionData.DefaultRegistry, userType, null, "emails,manager");

        var first = projection.Apply(ProjectionData.EnterpriseUser());
        var second = projection.Apply(ProjectionData.EnterpriseUser());

        JsonTree.Equal(first, second);
    }

    /// <summary>
    /// Applies ';'-separated removals to a copy: <c>-a</c>, <c>-a.b</c>, <c>-a.b.c</c> (object path),
    /// <c>-a[].b</c> (from every element of array <c>a</c>); <c>$E</c> is the enterprise URN.
    /// </summary>
    private static JsonObject Edit(JsonObject source, string edits)
    {
        var copy = source.DeepClone().AsObject();
        foreach (var edit in edits.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = edit.TrimStart('-').Replace("$E", "\u0001", StringComparison.Ordinal);
            var segments = path.Split('.').Select(s => s.Replace("\u0001", ProjectionData.EnterpriseUrn, StringComparison.Ordinal)).ToArray();
            if (segments[0].EndsWith("[]", StringComparison.Ordinal))
            {
                foreach (var element in copy[segments[0][..^2]]!.AsArray())
                {
                    Assert.True(element!.AsObject().Remove(segments[1]), $"Edit '{edit}': no '{segments[1]}' to remove.");
                }

                continue;
            }

            var parent = copy;
            foreach (var segment in segments[..^1])
            {
                parent = parent[segment]!.AsObject();
            }

            Assert.True(parent.Remove(segments[^1]), $"Edit '{edit}': no '{segments[^1]}' to remove.");
        }

        if (!copy.ContainsKey(ProjectionData.EnterpriseUrn) && copy["schemas"] is JsonArray)
        {
            copy["schemas"] = new JsonArray(copy["schemas"]!.AsArray().Where(s => s!.GetValue<string>() != ProjectionData.EnterpriseUrn).Select(s => s!.DeepClone()).ToArray());
        }

        return copy;
    }
}
