using System.Text.Json.Nodes;
using Scim.Core.Resources;
using Scim.Core.Serialization;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// What add, remove and replace do for each path form of RFC 7644 §3.5.2 — no path, attribute,
/// sub-attribute, URN-qualified attribute, whole extension, value path, value path with
/// sub-attribute — each checked against the whole resource afterwards (Barbara Jensen with one
/// edit applied by hand to the expected tree).
/// </summary>
public sealed class PatchSemanticsTests
{
    /// <summary>Scenario, operations, the edit that turns Barbara's tree into the expected one.</summary>
    public static TheoryData<string, string[], string> Edits => new()
    {
        { "add to single-valued replaces", ["""{"op":"add","path":"title","value":"Chief"}"""], """{"set":{"title":"Chief"}}""" },
        { "add to absent single-valued sets", ["""{"op":"add","path":"nickName","value":"Babs"}"""], """{"set":{"nickName":"Babs"}}""" },
        { "replace absent attribute acts as add", ["""{"op":"replace","path":"locale","value":"en-US"}"""], """{"set":{"locale":"en-US"}}""" },
        { "attribute names are case-insensitive", ["""{"op":"replace","path":"DisplayName","value":"B"}"""], """{"set":{"displayName":"B"}}""" },
        { "URN-qualified core attribute", ["""{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:userName","value":"babs"}"""], """{"set":{"userName":"babs"}}""" },
        { "replace with null unassigns", ["""{"op":"replace","path":"title","value":null}"""], """{"remove":["title"]}""" },
        { "add with null adds nothing", ["""{"op":"add","path":"title","value":null}"""], "{}" },
        { "value-path sub-attribute add of null makes no element", ["""{"op":"add","path":"emails[type eq \"none\"].value","value":null}"""], "{}" },
        { "value-path sub-attribute replace with null makes no element", ["""{"op":"replace","path":"emails[type eq \"none\"].value","value":null}"""], "{}" },
        { "remove attribute", ["""{"op":"remove","path":"displayName"}"""], """{"remove":["displayName"]}""" },
        { "remove absent attribute", ["""{"op":"remove","path":"nickName"}"""], "{}" },
        { "complex add merges", ["""{"op":"add","path":"name","value":{"givenName":"Babs","middleName":"J"}}"""], """{"name":{"givenName":"Babs","middleName":"J"}}""" },
        { "complex replace merges", ["""{"op":"replace","path":"name","value":{"familyName":"Smith"}}"""], """{"name":{"familyName":"Smith"}}""" },
        { "sub-attribute replace", ["""{"op":"replace","path":"name.givenName","value":"Babs"}"""], """{"name":{"givenName":"Babs"}}""" },
        { "sub-attribute remove", ["""{"op":"remove","path":"name.formatted"}"""], """{"name":{"formatted":null}}""" },
        { "no-path add merges name", ["""{"op":"add","value":{"name":{"honorificPrefix":"Ms."}}}"""], """{"name":{"honorificPrefix":"Ms."}}""" },
        { "no-path replace keys in any case", ["""{"op":"replace","value":{"TITLE":"Chief","NickName":"B"}}"""], """{"set":{"title":"Chief","nickName":"B"}}""" },
        // A schemas list is checked as in a POST body (an unknown URN is refused: see ServicePatchReadingTests), then left alone.
        { "no-path value ignores schemas", ["""{"op":"replace","value":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"title":"Chief"}}"""], """{"set":{"title":"Chief"}}""" },
        { "multi-valued add appends", ["""{"op":"add","path":"emails","value":[{"value":"c@example.com","type":"other"}]}"""], """{"append":{"emails":[{"value":"c@example.com","type":"other"}]}}""" },
        { "multi-valued add skips equal values", ["""{"op":"add","path":"emails","value":[{"type":"home","value":"babs@jensen.org"},{"value":"c@example.com"}]}"""], """{"append":{"emails":[{"value":"c@example.com"}]}}""" },
        { "multi-valued add of one object", ["""{"op":"add","path":"emails","value":{"value":"c@example.com"}}"""], """{"append":{"emails":[{"value":"c@example.com"}]}}""" },
        { "multi-valued add of a plain string", ["""{"op":"add","path":"emails","value":"c@example.com"}"""], """{"append":{"emails":[{"value":"c@example.com"}]}}""" },
        { "multi-valued replace", ["""{"op":"replace","path":"emails","value":[{"value":"c@example.com"}]}"""], """{"set":{"emails":[{"value":"c@example.com"}]}}""" },
        { "multi-valued replace with null", ["""{"op":"replace","path":"emails","value":null}"""], """{"remove":["emails"]}""" },
        { "multi-valued replace with empty list", ["""{"op":"replace","path":"emails","value":[]}"""], """{"remove":["emails"]}""" },
        { "multi-valued remove", ["""{"op":"remove","path":"phoneNumbers"}"""], """{"remove":["phoneNumbers"]}""" },
        { "remove listed values", ["""{"op":"remove","path":"emails","value":[{"value":"babs@jensen.org"}]}"""], """{"set":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]}}""" },
        { "remove listed values, none matching", ["""{"op":"remove","path":"emails","value":[{"value":"nobody@example.com"}]}"""], "{}" },
        { "remove by filter", ["""{"op":"remove","path":"emails[type eq \"home\"]"}"""], """{"set":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]}}""" },
        { "remove by filter with or", ["""{"op":"remove","path":"emails[type eq \"home\" or type eq \"work\"]"}"""], """{"remove":["emails"]}""" },
        { "remove by filter without match", ["""{"op":"remove","path":"emails[type eq \"other\"]"}"""], "{}" },
        { "remove sub-attribute of filtered values", ["""{"op":"remove","path":"addresses[locality eq \"Hollywood\"].formatted"}"""], """{"addresses":{"formatted":null}}""" },
        { "replace sub-attribute of filtered values", ["""{"op":"replace","path":"addresses[region eq \"CA\"].country","value":"US"}"""], """{"addresses":{"country":"US"}}""" },
        { "replace filtered value merges", ["""{"op":"replace","path":"emails[type eq \"home\"]","value":{"display":"Home"}}"""], """{"set":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home","display":"Home"}]}}""" },
        { "replace filtered sub-attribute with null", ["""{"op":"replace","path":"emails[type eq \"home\"].value","value":null}"""], """{"set":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"type":"home"}]}}""" },
        { "filter comparison is case-insensitive for strings", ["""{"op":"remove","path":"emails[TYPE eq \"HOME\"]"}"""], """{"set":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]}}""" },
        { "extension attribute by URN", [$$"""{"op":"replace","path":"{{Enterprise}}:department","value":"Tours"}"""], """{"enterprise":{"department":"Tours"}}""" },
        { "extension attribute unqualified", ["""{"op":"replace","path":"costCenter","value":"9"}"""], """{"enterprise":{"costCenter":"9"}}""" },
        { "extension sub-attribute by URN", [$$"""{"op":"replace","path":"{{Enterprise}}:manager.value","value":"boss"}"""], """{"enterprise":{"manager":{"value":"boss","$ref":"../Users/26118915-6090-4610-87e4-49d8ca9f808d","displayName":"John Smith"}}}""" },
        { "whole extension path merges", [$$$"""{"op":"add","path":"{{{Enterprise}}}","value":{"division":"West","costCenter":"1"}}"""], """{"enterprise":{"division":"West","costCenter":"1"}}""" },
        { "extension nested in no-path value", [$$$$"""{"op":"replace","value":{"{{{{Enterprise}}}}":{"organization":"Universal"}}}"""], """{"enterprise":{"organization":"Universal"}}""" },
        { "manager's read-only displayName is dropped", [$$$"""{"op":"replace","path":"{{{Enterprise}}}:manager","value":{"value":"boss","displayName":"Client Says"}}"""], """{"enterprise":{"manager":{"value":"boss","$ref":"../Users/26118915-6090-4610-87e4-49d8ca9f808d","displayName":"John Smith"}}}""" },
        { "remove extension attribute", [$$"""{"op":"remove","path":"{{Enterprise}}:costCenter"}"""], """{"enterprise":{"costCenter":null}}""" },
        { "ops apply in order", ["""{"op":"replace","path":"title","value":"A"}""", """{"op":"remove","path":"title"}""", """{"op":"add","path":"title","value":"C"}"""], """{"set":{"title":"C"}}""" },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void Apply_PathForm_GivesExpectedResource(string scenario, string[] operations, string edit)
    {
        var user = BarbaraTree();
        var expected = Edit(BarbaraTree(), edit);

        Apply(user, UserType, Message(operations));

        Assert.True(JsonNode.DeepEquals(expected, user), $"{scenario}:\nexpected {expected.ToJsonString()}\nactual   {user.ToJsonString()}");
    }

    [Fact]
    public void Apply_LastExtensionAttributeRemoved_ExtensionAndItsSchemaUrnGone()
    {
        var user = BarbaraTree();

        Apply(user, UserType, Message(
            $$"""{"op":"remove","path":"{{Enterprise}}:employeeNumber"}""",
            $$"""{"op":"remove","path":"{{Enterprise}}:costCenter"}""",
            $$"""{"op":"remove","path":"{{Enterprise}}:manager"}"""));

        Assert.False(user.ContainsKey(Enterprise));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($"""["{UserUrn}"]"""), user["schemas"]));
    }

    [Fact]
    public void Apply_HostExtensionAttributeAdded_ExtensionCreatedAndListedInSchemas()
    {
        var user = BarbaraTree();

        var result = Apply(user, UserType, Message($$"""{"op":"add","path":"{{Acme}}:tags","value":["a","b"]}""", $$"""{"op":"add","path":"{{Acme}}:tags","value":["b","c"]}"""));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"tags":["a","b","c"]}"""), user[Acme]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($"""["{UserUrn}","{Enterprise}","{Acme}"]"""), user["schemas"]));
        AssertChanged(result, Acme + ":tags");
    }

    [Fact]
    public void Apply_HostDateTime_StoredInUtc()
    {
        var user = BarbaraTree();

        Apply(user, UserType, Message($$"""{"op":"add","path":"{{Acme}}:hireDate","value":"2020-01-01T01:00:00+01:00"}"""));

        Assert.Equal("2020-01-01T00:00:00Z", (string?)user[Acme]!["hireDate"]);
    }

    [Fact]
    public void Apply_SameRequestTwoResources_PatchesBoth()
    {
        var request = Read(Message("""{"op":"replace","path":"title","value":"Chief"}""", """{"op":"add","path":"emails","value":[{"value":"c@example.com"}]}"""));
        var first = BarbaraTree();
        var second = PlainUserTree();

        Default.Apply(first, UserType, request);
        Default.Apply(second, UserType, request);

        Assert.Equal("Chief", (string?)first["title"]);
        Assert.Equal("Chief", (string?)second["title"]);
        Assert.Equal("c@example.com", (string?)first["emails"]![2]!["value"]);
        Assert.Equal("c@example.com", (string?)second["emails"]![1]!["value"]);
    }

    [Fact]
    public void Apply_SamePathTextOnUserAndGroup_ResolvedPerResourceType()
    {
        var user = BarbaraTree();
        var group = TourGuidesTree();
        var body = Message("""{"op":"replace","path":"displayName","value":"Renamed"}""");

        Apply(user, UserType, body);
        Apply(group, GroupType, body);

        Assert.Equal("Renamed", (string?)user["displayName"]);
        Assert.Equal("Renamed", (string?)group["displayName"]);
    }

    [Fact]
    public void Apply_ResultConvertsBackToTypedUser()
    {
        var user = BarbaraTree();

        Apply(user, UserType, Message(
            """{"op":"Replace","path":"active","value":"False"}""",
            """{"op":"replace","path":"emails[type eq \"work\"].value","value":"b@example.com"}""",
            $$"""{"op":"replace","path":"{{Enterprise}}:manager","value":"boss"}"""));

        var typed = ScimSerializer.ToUser(user);
        Assert.False(typed.Active);
        Assert.Equal("b@example.com", typed.Emails[0].Value);
        Assert.Equal("boss", typed.EnterpriseUser!.Manager!.Value);
    }

    /// <summary>
    /// <c>remove</c> and <c>replace</c> with <c>null</c> both unassign (RFC 7644 §3.5.2.2, RFC 7643
    /// §2.5), so they must leave the same resource and report the same paths.
    /// </summary>
    [Theory]
    [InlineData("title", "user")]
    [InlineData("emails", "user")]
    [InlineData("name", "user")]
    [InlineData("name.formatted", "user")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", "user")]
    [InlineData("emails[type eq \\\"home\\\"].value", "user")]
    [InlineData("name.givenName", "givenNameOnly")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "managerValueOnly")]
    public void Apply_ReplaceWithNull_SameAsRemove(string path, string resource)
    {
        var removed = Sample(resource);
        var replaced = Sample(resource);

        var removeResult = Apply(removed, UserType, Message($$"""{"op":"remove","path":"{{path}}"}"""));
        var replaceResult = Apply(replaced, UserType, Message($$"""{"op":"replace","path":"{{path}}","value":null}"""));

        Assert.Equal(removed.ToJsonString(), replaced.ToJsonString());
        Assert.Equal(removeResult.ChangedPaths.Order(StringComparer.Ordinal), replaceResult.ChangedPaths.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Apply_EntraRemoveMembersWithEmptyValueList_RemovesNoMember()
    {
        // With RemoveListedValues, a remove that lists values removes those values only; an empty
        // list removes none (as it does for emails and for members applied to the JSON).
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message("""{"op":"Remove","path":"members","value":[]}"""));

        Assert.False(result.Members?.RemoveAll ?? false, "An empty value list emptied the group.");
        Assert.False(result.Changed);
    }

    [Fact]
    public void Apply_RemoveMembersWithEmptyValueListWithoutDeltas_RemovesNoMember()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message("""{"op":"Remove","path":"members","value":[]}"""), Patcher(membersAsDeltas: false));

        AssertTree(TourGuidesTree(), group);
        Assert.False(result.Changed);
    }

    [Fact]
    public void Apply_AddExistingMemberWithoutDeltas_DoesNotDuplicateIt()
    {
        // The client sends the member as it reads it back (display included); display is the
        // server's, so the value is the one already there.
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message($$"""{"op":"add","path":"members","value":[{"value":"{{BabsId}}","$ref":"https://example.com/v2/Users/{{BabsId}}","display":"Babs Jensen","type":"User"}]}"""), Patcher(membersAsDeltas: false));

        Assert.Equal(2, group["members"]!.AsArray().Count);
        Assert.False(result.Changed);
    }

    private static JsonObject Sample(string name) => name switch
    {
        "user" => BarbaraTree(),
        "givenNameOnly" => ScimSerializer.ToJsonObject(new User { UserName = "g", Name = new Name { GivenName = "G" } }),
        "managerValueOnly" => ScimSerializer.ToJsonObject(new User
        {
            UserName = "m",
            EnterpriseUser = new EnterpriseUser { EmployeeNumber = "1", Manager = new Manager { Value = "boss" } },
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown sample."),
    };

    /// <summary>
    /// Applies a hand-written edit to a tree: "set" (top-level values), "remove" (top-level names),
    /// "append" (elements added to arrays), "name" / "enterprise" (sub-attributes; null removes),
    /// "addresses" (sub-attributes set on every address; null removes).
    /// </summary>
    private static JsonObject Edit(JsonObject tree, string edit)
    {
        var spec = JsonNode.Parse(edit)!.AsObject();
        foreach (var (kind, body) in spec)
        {
            switch (kind)
            {
                case "set":
                    foreach (var (key, value) in body!.AsObject())
                    {
                        tree[key] = value?.DeepClone();
                    }

                    break;
                case "remove":
                    foreach (var key in body!.AsArray())
                    {
                        tree.Remove((string)key!);
                    }

                    break;
                case "append":
                    foreach (var (key, value) in body!.AsObject())
                    {
                        foreach (var element in value!.AsArray())
                        {
                            tree[key]!.AsArray().Add(element?.DeepClone());
                        }
                    }

                    break;
                case "addresses":
                    foreach (var address in tree["addresses"]!.AsArray())
                    {
                        SetMembers(address!.AsObject(), body!.AsObject());
                    }

                    break;
                case "name":
                    SetMembers(tree["name"]!.AsObject(), body!.AsObject());
                    break;
                case "enterprise":
                    SetMembers(tree[Enterprise]!.AsObject(), body!.AsObject());
                    break;
                default:
                    throw new ArgumentException($"Unknown edit '{kind}'.", nameof(edit));
            }
        }

        return tree;
    }

    private static void SetMembers(JsonObject target, JsonObject values)
    {
        foreach (var (key, value) in values)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
