using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Patching;
using Scim.Core.Resources;
using Scim.Core.Serialization;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// Every PATCH example of RFC 7644 §3.5.2.1–§3.5.2.3, sent exactly as printed (the two no-path
/// examples with the closing brace the RFC drops, errata 8096), each checked against the exact
/// resource or membership delta it must produce. Member examples run twice: as deltas (the
/// default) and applied to the group's JSON (<see cref="PatchOptions.MembersAsDeltas"/> off).
/// </summary>
public sealed class RfcPatchExampleTests
{
    private const string WorkAddress = """
        {"type":"work","streetAddress":"100 Universal City Plaza","locality":"Hollywood","region":"CA","postalCode":"91608","country":"USA","formatted":"100 Universal City Plaza\nHollywood, CA 91608 USA","primary":true}
        """;

    private const string HomeAddress = """
        {"type":"home","streetAddress":"456 Hollywood Blvd","locality":"Hollywood","region":"CA","postalCode":"91608","country":"USA","formatted":"456 Hollywood Blvd\nHollywood, CA 91608 USA"}
        """;

    private const string BabsMember = $$"""{"value":"{{BabsId}}","$ref":"https://example.com/v2/Users/{{BabsId}}","display":"Babs Jensen","type":"User"}""";

    private const string MandyMember = $$"""{"value":"{{MandyId}}","$ref":"https://example.com/v2/Users/{{MandyId}}","display":"Mandy Pepperidge","type":"User"}""";

    // §3.5.2.1, "add a member to a group".
    private static readonly string AddMember = """
        { "schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations":[
           {
            "op":"add",
            "path":"members",
            "value":[
             {
               "display": "Babs Jensen",
               "$ref":
           "https://example.com/v2/Users/2819c223...413861904646",
               "value": "2819c223-7f76-453a-919d-413861904646"
             }
            ]
           }
          ]
        }
        """;

    // §3.5.2.1, "add one or more attributes to a User resource without using a 'path' attribute".
    private static readonly string AddWithoutPath = """
        { "schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations":[{
            "op":"add",
            "value":{
              "emails":[
                {
                  "value":"babs@jensen.org",
                  "type":"home"
                }
              ],
              "nickname":"Babs"
          }}]
        }
        """;

    // §3.5.2.2, "remove all members of a group".
    private static readonly string RemoveAllMembers = """
        { "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations":[{
            "op":"remove","path":"members"
          }]
        }
        """;

    // §3.5.2.2, "remove a single member from a group".
    private static readonly string RemoveSingleMember = """
        { "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations":[{
            "op":"remove",
            "path":"members[value eq \"2819c223-7f76-...413861904646\"]"
          }]
        }
        """;

    // §3.5.2.2, "remove all of a user's work email addresses ending in example.com".
    private static readonly string RemoveWorkEmails = """
        { "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
            "op":"remove",
            "path":"emails[type eq \"work\" and value ew \"example.com\"]"
          }]
        }
        """;

    // §3.5.2.2, "remove and add a member" (the RFC prints no space after 'eq').
    private static readonly string RemoveAndAddMember = """
        { "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [
            {
              "op":"remove",
              "path":
                "members[value eq\"2819c223...919d-413861904646\"]"
            },
            {
              "op":"add",
              "path":"members",
              "value": [
                {
                  "display": "James Smith",
                  "$ref":
            "https://example.com/v2/Users/08e1d05d...473d93df9210",
                  "value": "08e1d05d...473d93df9210"
                }
              ]
            }
          ]
        }
        """;

    // §3.5.2.2, "replace all of the members of a group with a different members list" (remove, then add).
    private static readonly string RemoveThenAddMembers = """
        { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [
            {
              "op":"remove","path":"members"
            },
            {
              "op":"add",
              "path":"members",
              "value":[
              {
                "display": "Babs Jensen",
                "$ref":
                "https://example.com/v2/Users/2819c223...413861904646",
                "value": "2819c223-7f76-453a-919d-413861904646"
              },
              {
                "display": "James Smith",
                "$ref":
                "https://example.com/v2/Users/08e1d05d...473d93df9210",
                "value": "08e1d05d-121c-4561-8b96-473d93df9210"
              }]
            }
          ]
        }
        """;

    // §3.5.2.3, "replace all of the members of a group ... in a single replace operation".
    private static readonly string ReplaceMembers = """
        { "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
            "op":"replace",
            "path":"members",
            "value":[
              {
                "display": "Babs Jensen",
                "$ref":
                "https://example.com/v2/Users/2819c223...413861904646",
                "value": "2819c223...413861904646"
              },
              {
                "display": "James Smith",
                "$ref":
                "https://example.com/v2/Users/08e1d05d...473d93df9210",
                "value": "08e1d05d...473d93df9210"
              }
            ]
          }]
        }
        """;

    // §3.5.2.3, "change a User's entire 'work' address, using a 'valuePath' filter".
    private static readonly string ReplaceWorkAddress = """
        { "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
            "op":"replace",
            "path":"addresses[type eq \"work\"]",
            "value":
            {
              "type": "work",
              "streetAddress": "911 Universal City Plaza",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "US",
              "formatted":
        "911 Universal City Plaza\nHollywood, CA 91608 US",
              "primary": true
            }
          }]
        }
        """;

    // §3.5.2.3, "change a specific sub-attribute 'streetAddress' of complex attribute 'emails' selected by a 'valuePath' filter".
    private static readonly string ReplaceStreetAddress = """
        { "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
            "op":"replace",
            "path":"addresses[type eq \"work\"].streetAddress",
            "value":"1010 Broadway Ave"
          }]
        }
        """;

    // §3.5.2.3, "replace all values of one or more specific attributes of a User resource".
    private static readonly string ReplaceWithoutPath = """
        { "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
            "op":"replace",
            "value":{
              "emails":[
                {
                  "value":"bjensen@example.com",
                  "type":"work",
                  "primary":true
                },
                {
                  "value":"babs@jensen.org",
                  "type":"home"
                }
              ],
              "nickname":"Babs"
          }}]
        }
        """;

    private static JsonObject RfcUser(params Email[] emails) => ScimSerializer.ToJsonObject(new User
    {
        Id = BabsId,
        UserName = "bjensen",
        Emails = [.. emails],
        Addresses =
        [
            new Address { Type = "work", StreetAddress = "100 Universal City Plaza", Locality = "Hollywood", Region = "CA", PostalCode = "91608", Country = "USA", Formatted = "100 Universal City Plaza\nHollywood, CA 91608 USA", Primary = true },
            new Address { Type = "home", StreetAddress = "456 Hollywood Blvd", Locality = "Hollywood", Region = "CA", PostalCode = "91608", Country = "USA", Formatted = "456 Hollywood Blvd\nHollywood, CA 91608 USA" },
        ],
    });

    private static Email Work => new() { Value = "bjensen@example.com", Type = "work", Primary = true };

    private static Email Home => new() { Value = "babs@jensen.org", Type = "home" };

    private static string ExpectedUser(string emails, string extra = "", string addresses = WorkAddress + "," + HomeAddress) =>
        $$"""{"schemas":["{{UserUrn}}"],"id":"{{BabsId}}","userName":"bjensen"{{(emails.Length == 0 ? string.Empty : $",\"emails\":[{emails}]")}},"addresses":[{{addresses}}]{{extra}}}""";

    private static string ExpectedGroup(string members) =>
        $$"""{"schemas":["{{GroupUrn}}"],"id":"{{GroupId}}","displayName":"Tour Guides"{{(members.Length == 0 ? string.Empty : $",\"members\":[{members}]")}}}""";

    private static JsonObject GroupWithMandyOnly()
    {
        var group = TourGuides();
        group.Members.RemoveAt(0);
        return ScimSerializer.ToJsonObject(group);
    }

    // RFC 7644 §3.5.2.1.
    [Fact]
    public void Apply_RfcAddMember_GivesDeltaAndLeavesGroupJson()
    {
        var group = GroupWithMandyOnly();
        var before = group.ToJsonString();

        var result = Apply(group, GroupType, AddMember);

        AssertDelta(result.Members, removeAll: false, removed: [], added: [$"{BabsId}||https://example.com/v2/Users/2819c223...413861904646"]);
        Assert.Empty(result.ChangedPaths);
        Assert.True(result.Changed);
        Assert.Equal(before, group.ToJsonString());
    }

    // RFC 7644 §3.5.2.1.
    [Fact]
    public void Apply_RfcAddMemberWithoutDeltas_AppendsMemberWithoutDisplay()
    {
        var group = GroupWithMandyOnly();

        var result = Apply(group, GroupType, AddMember, Patcher(membersAsDeltas: false));

        AssertTree(ExpectedGroup(MandyMember + $$""",{"value":"{{BabsId}}","$ref":"https://example.com/v2/Users/2819c223...413861904646"}"""), group);
        Assert.Null(result.Members);
        AssertChanged(result, "members");
    }

    // RFC 7644 §3.5.2.1.
    [Fact]
    public void Apply_RfcAddWithoutPath_AppendsEmailAndSetsNickName()
    {
        var user = RfcUser(Work);

        var result = Apply(user, UserType, AddWithoutPath);

        AssertTree(ExpectedUser(
            """{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}""",
            extra: ""","nickName":"Babs" """), user);
        AssertChanged(result, "emails", "nickName");
    }

    // RFC 7644 §3.5.2.1.
    [Fact]
    public void Apply_RfcAddWithoutPathWhenEmailPresent_AddsOnlyNickName()
    {
        var user = RfcUser(Work, Home);

        var result = Apply(user, UserType, AddWithoutPath);

        AssertTree(ExpectedUser(
            """{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}""",
            extra: ""","nickName":"Babs" """), user);
        AssertChanged(result, "nickName");
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveAllMembers_GivesRemoveAll()
    {
        var group = TourGuidesTree();
        var before = group.ToJsonString();

        var result = Apply(group, GroupType, RemoveAllMembers);

        AssertDelta(result.Members, removeAll: true, removed: [], added: []);
        Assert.True(result.Changed);
        Assert.Equal(before, group.ToJsonString());
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveAllMembersWithoutDeltas_UnassignsMembers()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, RemoveAllMembers, Patcher(membersAsDeltas: false));

        AssertTree(ExpectedGroup(string.Empty), group);
        AssertChanged(result, "members");
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveSingleMember_GivesRemovedId()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, RemoveSingleMember);

        AssertDelta(result.Members, removeAll: false, removed: ["2819c223-7f76-...413861904646"], added: []);
        AssertTree(ExpectedGroup(BabsMember + "," + MandyMember), group);
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveSingleMemberWithoutDeltas_RemovesOnlyThatMember()
    {
        var group = TourGuidesTree();
        var body = RemoveSingleMember.Replace("2819c223-7f76-...413861904646", BabsId, StringComparison.Ordinal);

        var result = Apply(group, GroupType, body, Patcher(membersAsDeltas: false));

        AssertTree(ExpectedGroup(MandyMember), group);
        AssertChanged(result, "members");
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveSingleMemberWithoutDeltasNoMatch_ChangesNothing()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, RemoveSingleMember, Patcher(membersAsDeltas: false));

        AssertTree(ExpectedGroup(BabsMember + "," + MandyMember), group);
        Assert.False(result.Changed);
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveWorkEmailsEndingInExampleCom_RemovesThatEmail()
    {
        var user = RfcUser(Work, Home);

        var result = Apply(user, UserType, RemoveWorkEmails);

        AssertTree(ExpectedUser("""{"value":"babs@jensen.org","type":"home"}"""), user);
        AssertChanged(result, "emails");
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveWorkEmailsWhenOnlyOneLeft_UnassignsEmails()
    {
        var user = RfcUser(Work);

        var result = Apply(user, UserType, RemoveWorkEmails);

        AssertTree(ExpectedUser(string.Empty), user);
        Assert.False(user.ContainsKey("emails"));
        AssertChanged(result, "emails");
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveWorkEmailsWhenDomainDiffers_ChangesNothing()
    {
        var user = RfcUser(new Email { Value = "bjensen@other.org", Type = "work" }, Home);
        var before = user.ToJsonString();

        var result = Apply(user, UserType, RemoveWorkEmails);

        Assert.Equal(before, user.ToJsonString());
        Assert.False(result.Changed);
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveSubAttributeOfFilteredEmail_RemovesOnlyThatSubAttribute()
    {
        var user = RfcUser(Work, Home);
        var body = RemoveWorkEmails.Replace("example.com\\\"]\"", "example.com\\\"].primary\"", StringComparison.Ordinal);
        Assert.Contains("].primary", body, StringComparison.Ordinal);

        var result = Apply(user, UserType, body);

        AssertTree(ExpectedUser("""{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home"}"""), user);
        AssertChanged(result, "emails");
    }

    [Theory]
    [InlineData("members[value eq \\\"2819c223-7f76-453a-919d-413861904646\\\" and type eq \\\"User\\\"]")]
    [InlineData("members[value eq \\\"2819c223-7f76-453a-919d-413861904646\\\" and value eq \\\"x\\\"]")]
    [InlineData("members[value sw \\\"2819c223\\\"]")]
    [InlineData("members[type eq \\\"User\\\"]")]
    [InlineData("members[not (value eq \\\"2819c223-7f76-453a-919d-413861904646\\\")]")]
    public void Apply_RemoveMembersWithFilterOtherThanValueEqOr_Throws400InvalidFilter(string path)
    {
        var group = TourGuidesTree();

        var error = Rejects(group, GroupType, Message($$"""{"op":"remove","path":"{{path}}"}"""));

        AssertError(error, ScimErrorType.InvalidFilter, "Operations[0]: ");
    }

    [Fact]
    public void Apply_RemoveMembersWithAndFilterWithoutDeltas_RemovesMatchingMember()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message($$"""{"op":"remove","path":"members[value eq \"{{BabsId}}\" and type eq \"User\"]"}"""), Patcher(membersAsDeltas: false));

        AssertTree(ExpectedGroup(MandyMember), group);
        AssertChanged(result, "members");
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveAndAddMember_GivesRemovedAndAdded()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, RemoveAndAddMember);

        AssertDelta(result.Members, removeAll: false,
            removed: ["2819c223...919d-413861904646"],
            added: ["08e1d05d...473d93df9210||https://example.com/v2/Users/08e1d05d...473d93df9210"]);
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveAndAddMemberWithoutDeltas_AppendsJamesAndKeepsUnmatched()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, RemoveAndAddMember, Patcher(membersAsDeltas: false));

        AssertTree(ExpectedGroup(BabsMember + "," + MandyMember + "," + """{"value":"08e1d05d...473d93df9210","$ref":"https://example.com/v2/Users/08e1d05d...473d93df9210"}"""), group);
        AssertChanged(result, "members");
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveThenAddMembers_GivesRemoveAllAndBothAdded()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, RemoveThenAddMembers);

        AssertDelta(result.Members, removeAll: true, removed: [], added:
        [
            $"{BabsId}||https://example.com/v2/Users/2819c223...413861904646",
            "08e1d05d-121c-4561-8b96-473d93df9210||https://example.com/v2/Users/08e1d05d...473d93df9210",
        ]);
    }

    // RFC 7644 §3.5.2.2.
    [Fact]
    public void Apply_RfcRemoveThenAddMembersWithoutDeltas_HoldsExactlyTheNewMembers()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, RemoveThenAddMembers, Patcher(membersAsDeltas: false));

        AssertTree(ExpectedGroup($$"""
            {"value":"{{BabsId}}","$ref":"https://example.com/v2/Users/2819c223...413861904646"},
            {"value":"08e1d05d-121c-4561-8b96-473d93df9210","$ref":"https://example.com/v2/Users/08e1d05d...473d93df9210"}
            """), group);
        AssertChanged(result, "members");
    }

    // RFC 7644 §3.5.2.3.
    [Fact]
    public void Apply_RfcReplaceMembers_GivesRemoveAllAndAdded()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, ReplaceMembers);

        AssertDelta(result.Members, removeAll: true, removed: [], added:
        [
            "2819c223...413861904646||https://example.com/v2/Users/2819c223...413861904646",
            "08e1d05d...473d93df9210||https://example.com/v2/Users/08e1d05d...473d93df9210",
        ]);
    }

    // RFC 7644 §3.5.2.3.
    [Fact]
    public void Apply_RfcReplaceMembersWithoutDeltas_ReplacesTheList()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, ReplaceMembers, Patcher(membersAsDeltas: false));

        AssertTree(ExpectedGroup("""
            {"value":"2819c223...413861904646","$ref":"https://example.com/v2/Users/2819c223...413861904646"},
            {"value":"08e1d05d...473d93df9210","$ref":"https://example.com/v2/Users/08e1d05d...473d93df9210"}
            """), group);
        AssertChanged(result, "members");
    }

    // RFC 7644 §3.5.2.3.
    [Fact]
    public void Apply_RfcReplaceWorkAddress_ReplacesThatAddressOnly()
    {
        var user = RfcUser(Work);

        var result = Apply(user, UserType, ReplaceWorkAddress);

        AssertTree(ExpectedUser(
            """{"value":"bjensen@example.com","type":"work","primary":true}""",
            addresses: """
                {"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood","region":"CA","postalCode":"91608","country":"US","formatted":"911 Universal City Plaza\nHollywood, CA 91608 US","primary":true},
                """ + HomeAddress), user);
        AssertChanged(result, "addresses");
    }

    // RFC 7644 §3.5.2.3.
    [Fact]
    public void Apply_RfcReplaceWorkAddressWhenNoneMatches_Throws400NoTarget()
    {
        var user = ScimSerializer.ToJsonObject(new User { Id = BabsId, UserName = "bjensen" });

        var error = Rejects(user, UserType, ReplaceWorkAddress);

        AssertError(error, ScimErrorType.NoTarget, "Operations[0]: ");
    }

    // RFC 7644 §3.5.2.3.
    [Fact]
    public void Apply_RfcReplaceStreetAddress_ChangesThatSubAttributeOnly()
    {
        var user = RfcUser(Work);

        var result = Apply(user, UserType, ReplaceStreetAddress);

        AssertTree(ExpectedUser(
            """{"value":"bjensen@example.com","type":"work","primary":true}""",
            addresses: WorkAddress.Replace("\"streetAddress\":\"100 Universal City Plaza\"", "\"streetAddress\":\"1010 Broadway Ave\"", StringComparison.Ordinal) + "," + HomeAddress), user);
        AssertChanged(result, "addresses");
    }

    // RFC 7644 §3.5.2.3.
    [Fact]
    public void Apply_RfcReplaceWithoutPath_ReplacesEmailsAndSetsNickName()
    {
        var user = RfcUser(new Email { Value = "old@example.com", Type = "other", Primary = true });

        var result = Apply(user, UserType, ReplaceWithoutPath);

        AssertTree(ExpectedUser(
            """{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}""",
            extra: ""","nickName":"Babs" """), user);
        AssertChanged(result, "emails", "nickName");
    }

    [Fact]
    public void Apply_ReplaceWithoutPathUserNameNameAndEmails_ReplacesEachAndMergesName()
    {
        var user = BarbaraTree();
        var expected = BarbaraTree();
        expected["userName"] = "babs";
        expected["name"]!["givenName"] = "Babs";
        expected["emails"] = JsonNode.Parse("""[{"value":"babs@example.com","type":"work","primary":true}]""");

        var result = Apply(user, UserType, Message("""
            {"op":"replace","value":{"userName":"babs","name":{"givenName":"Babs"},"emails":[{"value":"babs@example.com","type":"work","primary":true}]}}
            """));

        AssertTree(expected, user);
        AssertChanged(result, "userName", "name.givenName", "emails");
    }
}
