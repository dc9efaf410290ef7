using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Resources;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>ToJsonObject / ToUser / ToGroup: the canonical tree and back, as PATCH and PUT use them.</summary>
public sealed class ScimSerializerTreeTests
{
    [Fact]
    public void ToGroup_TreeOfGroup_GivesTheSameGroupAndLeavesTreeUnchanged()
    {
        var group = new Group
        {
            Id = "g1",
            DisplayName = "Tour Guides",
            Members = [new GroupMember { Value = "u1", Type = "User", Display = "Babs Jensen" }],
        };
        var tree = ScimSerializer.ToJsonObject(group);
        var before = tree.ToJsonString();

        var back = ScimSerializer.ToGroup(tree);

        Assert.Equal("Tour Guides", back.DisplayName);
        Assert.Equal("u1", Assert.Single(back.Members).Value);
        Assert.Equal(ScimSerializer.Serialize(group), ScimSerializer.Serialize(back));
        Assert.Equal(before, tree.ToJsonString());
    }

    [Fact]
    public void ToGroup_ValueOfWrongType_Throws400InvalidValue()
    {
        var tree = new JsonObject { ["displayName"] = "Staff", ["members"] = "not a list" };

        var error = Assert.Throws<ScimException>(() => ScimSerializer.ToGroup(tree));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidValue, error.ScimType);
    }

    [Fact]
    public void ToUser_TreeWithHostExtension_KeepsIt()
    {
        var tree = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", "urn:example:params:scim:schemas:extension:MyApp:2.0:User"),
            ["userName"] = "bjensen",
            ["urn:example:params:scim:schemas:extension:MyApp:2.0:User"] = new JsonObject { ["tenantRole"] = "admin" },
        };

        var user = ScimSerializer.ToUser(tree);

        Assert.Equal("bjensen", user.UserName);
        Assert.Equal("admin", (string?)user.Extensions["urn:example:params:scim:schemas:extension:MyApp:2.0:User"]?["tenantRole"]);
    }
}
