using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Projection;
using Scim.Core.Tests.Serialization;

namespace Scim.Core.Tests.Projection;

/// <summary>
/// <c>attributes</c> entries with a value filter (<c>emails[type eq "work"]</c>,
/// <c>emails[type eq "work"].value</c>): only the values the filter matches are returned, on top
/// of what the rest of the list returns; <c>excludedAttributes</c> refuses them.
/// </summary>
public sealed class ScimProjectionValueFilterTests
{
    private const string WorkEmail = """{"value":"bjensen@example.com","type":"work","primary":true}""";
    private const string HomeEmail = """{"value":"babs@jensen.org","type":"home"}""";

    /// <summary><c>attributes</c> values over the RFC 7643 §8.2 full user, with the exact tree each returns.</summary>
    public static TheoryData<string, string> FullUserCases => new()
    {
        { "emails[type eq \"work\"]", $$"""{"schemas":["$U"],"id":"$ID","emails":[{{WorkEmail}}]}""" },
        { "emails[value eq \"babs@jensen.org\"]", $$"""{"schemas":["$U"],"id":"$ID","emails":[{{HomeEmail}}]}""" },
        { "emails[type eq \"work\"].value", """{"schemas":["$U"],"id":"$ID","emails":[{"value":"bjensen@example.com"}]}""" },
        { "emails[type eq \"work\" or type eq \"home\"].value", """{"schemas":["$U"],"id":"$ID","emails":[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}]}""" },
        { "emails[primary eq true and value co \"@example.com\"]", $$"""{"schemas":["$U"],"id":"$ID","emails":[{{WorkEmail}}]}""" },
        { "emails[not (type eq \"work\")].type", """{"schemas":["$U"],"id":"$ID","emails":[{"type":"home"}]}""" },

        // Nothing matches: the attribute is left out, like an attribute without values.
        { "emails[type eq \"other\"]", """{"schemas":["$U"],"id":"$ID"}""" },
        { "userName,emails[type eq \"other\"]", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""" },

        // Named without a filter too: that entry returns every value.
        { "emails[type eq \"work\"],emails", $$"""{"schemas":["$U"],"id":"$ID","emails":[{{WorkEmail}},{{HomeEmail}}]}""" },
        { "emails,emails[type eq \"work\"].value", $$"""{"schemas":["$U"],"id":"$ID","emails":[{{WorkEmail}},{{HomeEmail}}]}""" },

        // Several entries on one attribute: each value gets what the entries that select it ask for.
        { "emails[type eq \"work\"],emails.type", $$"""{"schemas":["$U"],"id":"$ID","emails":[{{WorkEmail}},{"type":"home"}]}""" },
        { "emails[type eq \"work\"].value,emails[type eq \"home\"].type", """{"schemas":["$U"],"id":"$ID","emails":[{"value":"bjensen@example.com"},{"type":"home"}]}""" },
        { "emails[type eq \"work\"].value,emails[primary eq true].type", """{"schemas":["$U"],"id":"$ID","emails":[{"value":"bjensen@example.com","type":"work"}]}""" },

        // With other attributes, other multi-valued attributes, any case, the schema URN.
        { "userName, phoneNumbers[type eq \"mobile\"].value , emails[type eq \"work\"].value", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com","phoneNumbers":[{"value":"555-555-4444"}],"emails":[{"value":"bjensen@example.com"}]}""" },
        { "addresses[type eq \"home\"].streetAddress", """{"schemas":["$U"],"id":"$ID","addresses":[{"streetAddress":"456 Hollywood Blvd"}]}""" },
        { "groups[display sw \"US\"].value", """{"schemas":["$U"],"id":"$ID","groups":[{"value":"71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7"}]}""" },
        { "EMAILS[TYPE eq \"work\"].VALUE", """{"schemas":["$U"],"id":"$ID","emails":[{"value":"bjensen@example.com"}]}""" },
        { "urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\"].value", """{"schemas":["$U"],"id":"$ID","emails":[{"value":"bjensen@example.com"}]}""" },

        // Commas inside a filter's strings do not split the list.
        { "emails[value co \",\" or type eq \"home\"].value,userName", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com","emails":[{"value":"babs@jensen.org"}]}""" },
        { "emails[value eq \"a,\\\"b]\" or type eq \"home\"].type", """{"schemas":["$U"],"id":"$ID","emails":[{"type":"home"}]}""" },

        // Unknown names are ignored, as without a filter.
        { "adreses[type eq \"work\"]", """{"schemas":["$U"],"id":"$ID"}""" },
        { "userName,emails[type eq \"work\"].valu", """{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}""" },
    };

    /// <summary>Entries with a filter that are mistakes, not merely unknown names.</summary>
    public static TheoryData<string, string> Mistakes => new()
    {
        { "name[givenName eq \"Barbara\"]", "not a multi-valued complex attribute" },
        { "userName[value eq \"x\"]", "not a multi-valued complex attribute" },
        { "emails.value[type eq \"work\"]", "filters a sub-attribute" },
        { "emails[type eq \"work\"", "expected" },
        { "emails[type eq \"work\"].value.display", "expected" },
        { "emails[type eq]", "expected" },
        { "emails[typo eq \"work\"]", "typo" },
        { "emails[primary gt true]", "primary" },
    };

    [Theory]
    [MemberData(nameof(FullUserCases))]
    public void Apply_ValueFilterOnFullUser_ReturnsExactTree(string attributes, string expected)
    {
        var projected = ProjectionData.Project(ProjectionData.FullUser(), attributes, null);

        JsonTree.Equal(ProjectionData.Json(expected), projected);
    }

    [Fact]
    public void Apply_MembersValueFilterOnGroup_ReturnsTheMatchingMemberWithIdAndSchemas()
    {
        var projected = ProjectionData.Project(ProjectionData.Group(), "members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]", null, resourceTypeName: "Group");

        var member = Assert.Single(projected["members"]!.AsArray());
        Assert.Equal(("902c246b-6245-4190-8e05-00816be7344a", "Mandy Pepperidge"), ((string?)member!["value"], (string?)member["display"]));
        Assert.Equal(ProjectionData.GroupId, (string?)projected["id"]);
        Assert.Equal([ProjectionData.GroupUrn], ProjectionData.Schemas(projected));
        Assert.Null(projected["displayName"]);
    }

    [Fact]
    public void Apply_ValueFilter_LeavesTheResourceUnchanged()
    {
        var user = ProjectionData.FullUser();
        var before = user.DeepClone();

        ProjectionData.Project(user, "emails[type eq \"work\"].value", null);

        JsonTree.Equal(before, user);
    }

    [Theory]
    [InlineData("emails[type eq \"work\"]", "emails", true)]
    [InlineData("emails[type eq \"work\"].value", "emails", true)]
    [InlineData("emails[type eq \"work\"]", "phoneNumbers", false)]
    [InlineData("groups[type eq \"direct\"]", "groups", true)]
    public void Includes_AttributeWithAValueFilter_IsLoaded(string attributes, string attribute, bool included)
    {
        var projection = ScimProjection.Create(ProjectionData.DefaultRegistry, ProjectionData.DefaultRegistry.FindResourceType("User")!, attributes, null);

        Assert.Equal(included, projection.Includes(attribute));
        Assert.Equal(included, projection.Hints.Includes(attribute));
    }

    [Fact]
    public void Hints_MembersValueFilter_IncludesMembers()
    {
        var projection = ScimProjection.Create(ProjectionData.DefaultRegistry, ProjectionData.DefaultRegistry.FindResourceType("Group")!, "members[value eq \"x\"]", null);

        Assert.True(projection.Hints.IncludesMembers);
    }

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Create_MistakenValueFilter_Throws400InvalidPathNamingTheEntry(string attributes, string detail)
    {
        var userType = ProjectionData.DefaultRegistry.FindResourceType("User")!;

        var error = Assert.Throws<ScimException>(() => ScimProjection.Create(ProjectionData.DefaultRegistry, userType, attributes, null));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
        Assert.Contains(attributes, error.Detail, StringComparison.Ordinal);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownAttributeInsideFilter_FilterOptionsNoMatch_MatchesNothing()
    {
        var registry = ProjectionData.DefaultRegistry;
        var binder = new FilterBinder(registry, new FilterOptions { UnknownAttributes = UnknownFilterAttribute.NoMatch });
        var projection = ScimProjection.Create(registry, registry.FindResourceType("User")!, "userName,emails[typo eq \"work\"]", null, binder);

        var projected = projection.Apply(ProjectionData.FullUser());

        JsonTree.Equal(ProjectionData.Json("""{"schemas":["$U"],"id":"$ID","userName":"bjensen@example.com"}"""), projected);
    }

    [Theory]
    [InlineData("emails[type eq \"home\"]")]
    [InlineData("userName,emails[type eq \"home\"].value")]
    [InlineData("adreses[type eq \"home\"]")]
    public void Create_ValueFilterInExcludedAttributes_Throws400InvalidPathSayingWhere(string excluded)
    {
        var userType = ProjectionData.DefaultRegistry.FindResourceType("User")!;

        var error = Assert.Throws<ScimException>(() => ScimProjection.Create(ProjectionData.DefaultRegistry, userType, null, excluded));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
        Assert.Contains("excludedAttributes", error.Detail, StringComparison.Ordinal);
        Assert.Contains("attributes parameter only", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_RequestSubAttributeNamedAfterAFilter_IsReturnedForTheMatchingValuesOnly()
    {
        var registry = Scim.Core.Schema.SchemaRegistry.CreateDefault();
        const string Urn = "urn:example:params:scim:schemas:extension:Keys:2.0:User";
        registry.AddSchemaExtension("User", new Scim.Core.Schema.ScimSchema(Urn, "Keys", "Keys with a fingerprint returned on request.",
        [
            new Scim.Core.Schema.SchemaAttribute("keys", Scim.Core.Schema.AttributeType.Complex)
            {
                MultiValued = true,
                SubAttributes =
                [
                    new Scim.Core.Schema.SchemaAttribute("kind", Scim.Core.Schema.AttributeType.String),
                    new Scim.Core.Schema.SchemaAttribute("fingerprint", Scim.Core.Schema.AttributeType.String) { Returned = Scim.Core.Schema.Returned.Request },
                ],
            },
        ]));
        var user = JsonTree.Parse($$$"""{"schemas":["$U","{{{Urn}}}"],"id":"$ID","userName":"k","{{{Urn}}}":{"keys":[{"kind":"ssh","fingerprint":"f1"},{"kind":"gpg","fingerprint":"f2"}]}}""".Replace("$U", ProjectionData.UserUrn, StringComparison.Ordinal).Replace("$ID", ProjectionData.UserId, StringComparison.Ordinal));

        var whole = ProjectionData.Project(user, "keys[kind eq \"ssh\"]", null, registry);
        var named = ProjectionData.Project(user, "keys[kind eq \"ssh\"].fingerprint", null, registry);

        Assert.Equal("""[{"kind":"ssh"}]""", whole[Urn]!["keys"]!.ToJsonString());
        Assert.Equal("""[{"fingerprint":"f1"}]""", named[Urn]!["keys"]!.ToJsonString());
        Assert.Equal([ProjectionData.UserUrn, Urn], ProjectionData.Schemas(named));
    }
}
