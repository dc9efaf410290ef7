using System.Text;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Patching;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Patching;

/// <summary>PUT by mutability (RFC 7644 §3.5.1).</summary>
public sealed class ScimReplacerTests
{
    private static readonly SchemaRegistry Registry = CreateRegistry();
    private static readonly ScimResourceType UserType = Registry.FindResourceType("User")!;
    private static readonly ScimResourceType GroupType = Registry.FindResourceType("Group")!;
    private static readonly ScimSerializer Serializer = new(Registry);
    private static readonly ScimReplacer Replacer = new(Registry);

    [Fact]
    public void Replace_AttributeNotSent_IsCleared()
    {
        var existing = Stored(new User { Id = "u1", UserName = "bjensen", Title = "Tour Guide", NickName = "Babs" });

        var result = Replacer.Replace(existing, Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","nickName":"Babs"}"""), UserType);

        Assert.Null(existing["title"]);
        Assert.Equal("Babs", (string?)existing["nickName"]);
        Assert.Equal(["title"], result.ChangedPaths);
    }

    [Fact]
    public void Replace_ReadOnlyAttributesSent_KeepServerValues()
    {
        var existing = Stored(new User
        {
            Id = "u1",
            UserName = "bjensen",
            Groups = [new UserGroup { Value = "g1", Display = "Staff" }],
            Meta = new ResourceMeta { ResourceType = "User", Version = "W/\"1\"" },
        });

        var result = Replacer.Replace(existing, Body("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"bjensen",
             "groups":[{"value":"hacked"}],"meta":{"resourceType":"User","version":"W/\"999\""}}
            """), UserType);

        Assert.Equal("g1", (string?)existing["groups"]![0]!["value"]);
        Assert.Equal("W/\"1\"", (string?)existing["meta"]!["version"]);
        Assert.False(result.Changed);
    }

    [Fact]
    public void Replace_IdInBodyDiffers_Throws400InvalidValueAndChangesNothing()
    {
        var existing = Stored(new User { Id = "u1", UserName = "bjensen" });
        var before = existing.ToJsonString();

        var error = Assert.Throws<ScimException>(() => Replacer.Replace(existing, Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u2","userName":"other"}"""), UserType));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidValue, error.ScimType);
        Assert.Equal(before, existing.ToJsonString());
    }

    [Fact]
    public void Replace_PasswordNotSent_IsKept_AndWhenSent_IsReplacedButNeverWritten()
    {
        var existing = Stored(new User { Id = "u1", UserName = "bjensen" });
        existing["password"] = "old-secret";

        Replacer.Replace(existing, Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}"""), UserType);
        Assert.Equal("old-secret", (string?)existing["password"]);

        var result = Replacer.Replace(existing, Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","password":"new-secret"}"""), UserType);
        Assert.Equal("new-secret", (string?)existing["password"]);
        Assert.Contains("password", result.ChangedPaths);
        Assert.DoesNotContain("new-secret", ScimSerializer.Serialize(ScimSerializer.ToUser(existing)), StringComparison.Ordinal);
    }

    [Fact]
    public void Replace_ImmutableAttributeChanged_Throws400Mutability_AndSameValuePasses()
    {
        var existing = Stored(new User { Id = "u1", UserName = "bjensen" });
        existing["urn:example:params:scim:schemas:extension:Badge:2.0:User"] = new JsonObject { ["badgeId"] = "B-1" };
        var before = existing.ToJsonString();

        var error = Assert.Throws<ScimException>(() => Replacer.Replace(existing, Body("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:example:params:scim:schemas:extension:Badge:2.0:User"],
             "userName":"bjensen","urn:example:params:scim:schemas:extension:Badge:2.0:User":{"badgeId":"B-2"}}
            """), UserType));
        Assert.Equal(ScimErrorType.Mutability, error.ScimType);
        Assert.Contains("badgeId", error.Detail, StringComparison.Ordinal);
        Assert.Equal(before, existing.ToJsonString());

        var same = Replacer.Replace(existing, Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}"""), UserType);
        Assert.Equal("B-1", (string?)existing["urn:example:params:scim:schemas:extension:Badge:2.0:User"]!["badgeId"]);
        Assert.DoesNotContain(same.ChangedPaths, p => p.Contains("badgeId", StringComparison.Ordinal));
    }

    [Fact]
    public void Replace_ManagerDisplayNameSent_KeepsServerValue()
    {
        var existing = Stored(new User
        {
            Id = "u1",
            UserName = "bjensen",
            EnterpriseUser = new EnterpriseUser { Manager = new Manager { Value = "m1", DisplayName = "John Smith" } },
        });

        Replacer.Replace(existing, Body("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName":"bjensen","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m2","displayName":"Someone Else"}}}
            """), UserType);

        var manager = existing["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["manager"]!;
        Assert.Equal("m2", (string?)manager["value"]);
        Assert.Equal("John Smith", (string?)manager["displayName"]);
    }

    [Fact]
    public void Replace_ExtensionNotSent_IsRemoved()
    {
        var existing = Stored(new User { Id = "u1", UserName = "bjensen", EnterpriseUser = new EnterpriseUser { Department = "Tours" } });

        var result = Replacer.Replace(existing, Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}"""), UserType);

        Assert.False(existing.ContainsKey("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
        Assert.Equal(["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"], result.ChangedPaths);
    }

    [Fact]
    public void Replace_Group_GivesWholeMemberListAsDelta()
    {
        var existing = ScimSerializer.ToJsonObject(new Group { Id = "g1", DisplayName = "Staff", Members = [new GroupMember { Value = "a" }] });

        var result = Replacer.Replace(existing, Serializer.ReadResource(Encoding.UTF8.GetBytes("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Staff","members":[{"value":"b","type":"User","display":"ignored"},{"value":"c"}]}
            """), GroupType), GroupType);

        Assert.NotNull(result.Members);
        Assert.True(result.Members.RemoveAll);
        Assert.Equal(["b", "c"], result.Members.Added.Select(m => m.Value));
        Assert.Equal("User", result.Members.Added[0].Type);
        Assert.Null(existing["members"]![0]!["display"]);
    }

    [Fact]
    public void Replace_SameRepresentation_ChangesNothing()
    {
        var user = new User { Id = "u1", UserName = "bjensen", Name = new Name { GivenName = "Barbara" }, Emails = [new Email { Value = "b@example.com", Type = "work" }] };
        var existing = Stored(user);

        var result = Replacer.Replace(existing, ScimSerializer.ToJsonObject(user), UserType);

        Assert.False(result.Changed);
    }

    private static JsonObject Stored(User user) => ScimSerializer.ToJsonObject(user);

    private static JsonObject Body(string json) => Serializer.ReadResource(Encoding.UTF8.GetBytes(json), UserType);

    private static SchemaRegistry CreateRegistry()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(
            "urn:example:params:scim:schemas:extension:Badge:2.0:User", "Badge", "Badges",
            [new SchemaAttribute("badgeId", AttributeType.String) { Mutability = Mutability.Immutable }]));
        return registry;
    }
}
