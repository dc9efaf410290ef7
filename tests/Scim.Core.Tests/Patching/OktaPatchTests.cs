using Scim.Core.Patching;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// The PATCH requests Okta's SCIM 2.0 reference shows: deactivating a user with a no-path
/// replace, renaming a group with the group's id echoed in the value, and adding and removing
/// group members. docs/patch.md says they are plain RFC 7644 and need no dialect, so each is
/// also applied with <see cref="PatchDialects.None"/>.
/// </summary>
public sealed class OktaPatchTests
{
    private const string Deactivate = """
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{
                "op": "replace",
                "value": {
                    "active": false
                }
            }]
        }
        """;

    private const string AddMember = """
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "add",
                    "path": "members",
                    "value": [
                        {
                            "value": "23a35c27-23d3-4c03-b4c5-6443c09e7173",
                            "display": "test.user@okta.local"
                        }
                    ]
                }
            ]
        }
        """;

    private const string RemoveMember = """
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "remove",
                    "path": "members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]"
                }
            ]
        }
        """;

    private static string Rename(string id) => $$"""
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{
                "op": "replace",
                "value": {
                    "id": "{{id}}",
                    "displayName": "Test SCIMv2"
                }
            }]
        }
        """;

    public static TheoryData<PatchDialects> Dialects => new() { PatchDialects.All, PatchDialects.None };

    [Theory]
    [MemberData(nameof(Dialects))]
    public void Apply_OktaDeactivate_SetsActiveFalseOnly(PatchDialects dialects)
    {
        var user = BarbaraTree();

        var result = Apply(user, UserType, Deactivate, Patcher(dialects));

        var expected = BarbaraTree();
        expected["active"] = false;
        AssertTree(expected, user);
        AssertChanged(result, "active");
    }

    [Fact]
    public void Apply_OktaDeactivateTwice_SecondChangesNothing()
    {
        var user = BarbaraTree();
        Apply(user, UserType, Deactivate);

        var result = Apply(user, UserType, Deactivate);

        Assert.False(result.Changed);
        Assert.Empty(result.ChangedPaths);
    }

    [Fact]
    public void Apply_OktaRenameGroupWithEchoedId_ReplacesDisplayNameAndKeepsId()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Rename(GroupId));

        var expected = TourGuidesTree();
        expected["displayName"] = "Test SCIMv2";
        AssertTree(expected, group);
        AssertChanged(result, "displayName");
        Assert.Null(result.Members);
    }

    [Fact]
    public void Apply_OktaRenameGroupEchoingAnotherId_StillCannotChangeId()
    {
        var group = TourGuidesTree();

        Apply(group, GroupType, Rename("abf4dd94-a4c0-4f67-89c9-76b03340cb9b"));

        Assert.Equal(GroupId, (string?)group["id"]);
        Assert.Equal("Test SCIMv2", (string?)group["displayName"]);
    }

    [Fact]
    public void Apply_OktaRenameGroupWithDialectsNone_ReplacesDisplayName()
    {
        // docs/patch.md: Okta's requests "need no dialect" and the echoed id "is ignored".
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Rename(GroupId), Patcher(PatchDialects.None));

        Assert.Equal("Test SCIMv2", (string?)group["displayName"]);
        AssertChanged(result, "displayName");
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void Apply_OktaAddMember_GivesAddedMemberWithoutDisplay(PatchDialects dialects)
    {
        var group = TourGuidesTree();
        var before = group.ToJsonString();

        var result = Apply(group, GroupType, AddMember, Patcher(dialects));

        AssertDelta(result.Members, removeAll: false, removed: [], added: ["23a35c27-23d3-4c03-b4c5-6443c09e7173||"]);
        Assert.Equal(before, group.ToJsonString());
    }

    [Fact]
    public void Apply_OktaAddMemberWithoutDeltas_AppendsMemberWithoutDisplay()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, AddMember, Patcher(membersAsDeltas: false));

        var expected = TourGuidesTree();
        expected["members"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject { ["value"] = "23a35c27-23d3-4c03-b4c5-6443c09e7173" });
        AssertTree(expected, group);
        AssertChanged(result, "members");
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void Apply_OktaRemoveMember_GivesRemovedId(PatchDialects dialects)
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, RemoveMember, Patcher(dialects));

        AssertDelta(result.Members, removeAll: false, removed: [MandyId], added: []);
    }

    [Fact]
    public void Apply_OktaRemoveMemberWithoutDeltas_RemovesThatMember()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, RemoveMember, Patcher(membersAsDeltas: false));

        var expected = TourGuidesTree();
        expected["members"]!.AsArray().RemoveAt(1);
        AssertTree(expected, group);
        AssertChanged(result, "members");
    }

    [Fact]
    public void Apply_OktaRenameAndMembersInOneRequest_GivesBothChanges()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message(
            $$$"""{"op":"replace","value":{"id":"{{{GroupId}}}","displayName":"Guides"}}""",
            """{"op":"remove","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]"}""",
            """{"op":"add","path":"members","value":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]}"""));

        AssertChanged(result, "displayName");
        AssertDelta(result.Members, removeAll: false, removed: [MandyId], added: ["23a35c27-23d3-4c03-b4c5-6443c09e7173||"]);
    }
}
