using System.Text.Json.Nodes;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once." Writing a
/// value with <c>primary: true</c> removes <c>primary</c> from the attribute's other values; when
/// one request writes several, the last written keeps it.
/// </summary>
public sealed class PatchPrimaryTests
{
    /// <summary>Operations on Barbara Jensen (work email primary, home not) and the emails afterwards.</summary>
    public static TheoryData<string[], string> EmailRequests => new()
    {
        {
            ["""{"op":"add","path":"emails","value":[{"value":"new@example.com","type":"other","primary":true}]}"""],
            """[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home"},{"value":"new@example.com","type":"other","primary":true}]"""
        },
        {
            ["""{"op":"add","value":{"emails":[{"value":"new@example.com","primary":true}]}}"""],
            """[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home"},{"value":"new@example.com","primary":true}]"""
        },
        {
            ["""{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}"""],
            """[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home","primary":true}]"""
        },
        {
            ["""{"op":"replace","path":"emails[type eq \"home\"]","value":{"primary":true}}"""],
            """[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home","primary":true}]"""
        },
        {
            ["""{"op":"add","path":"emails[type eq \"home\"]","value":{"primary":true,"display":"Home"}}"""],
            """[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home","primary":true,"display":"Home"}]"""
        },
        {
            ["""{"op":"replace","path":"emails","value":[{"value":"a@example.com","primary":true},{"value":"b@example.com","primary":true}]}"""],
            """[{"value":"a@example.com"},{"value":"b@example.com","primary":true}]"""
        },
        {
            ["""{"op":"add","path":"emails","value":[{"value":"a@example.com","primary":true},{"value":"b@example.com","primary":true}]}"""],
            """[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home"},{"value":"a@example.com"},{"value":"b@example.com","primary":true}]"""
        },
        {
            [
                """{"op":"add","path":"emails","value":[{"value":"a@example.com","primary":true}]}""",
                """{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}""",
            ],
            """[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home","primary":true},{"value":"a@example.com"}]"""
        },
        {
            [
                """{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}""",
                """{"op":"add","path":"emails","value":[{"value":"a@example.com","primary":true}]}""",
            ],
            """[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home"},{"value":"a@example.com","primary":true}]"""
        },
        {
            ["""{"op":"add","path":"emails","value":[{"value":"a@example.com","primary":false}]}"""],
            """[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"},{"value":"a@example.com","primary":false}]"""
        },
        {
            ["""{"op":"replace","path":"emails[type eq \"home\"].primary","value":false}"""],
            """[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home","primary":false}]"""
        },
        {
            ["""{"op":"replace","path":"emails[type eq \"home\"].primary","value":"True"}"""],
            """[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home","primary":true}]"""
        },
        {
            ["""{"op":"add","path":"emails","value":[{"value":"bjensen@example.com","type":"work","primary":true}]}"""],
            """[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}]"""
        },
        {
            ["""{"op":"remove","path":"emails[type eq \"work\"]"}""", """{"op":"replace","path":"emails[type eq \"work\" and primary eq true].value","value":"w@example.com"}"""],
            """[{"value":"babs@jensen.org","type":"home"},{"type":"work","primary":true,"value":"w@example.com"}]"""
        },
    };

    [Theory]
    [MemberData(nameof(EmailRequests))]
    public void Apply_WritingPrimaryEmail_AtMostOnePrimaryAndLastWins(string[] operations, string expectedEmails)
    {
        var user = BarbaraTree();

        Apply(user, UserType, Message(operations));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedEmails), user["emails"]), user["emails"]!.ToJsonString());
        Assert.True(user["emails"]!.AsArray().Count(e => e!["primary"] is JsonValue p && p.GetValue<bool>()) <= 1);
    }

    [Fact]
    public void Apply_FilterMatchingSeveralSetsPrimary_OnlyTheLastMatchKeepsIt()
    {
        var user = BarbaraTree();
        Apply(user, UserType, Message("""{"op":"add","path":"emails","value":[{"value":"w2@example.com","type":"work"}]}"""));

        Apply(user, UserType, Message("""{"op":"replace","path":"emails[type eq \"work\"].primary","value":true}"""));

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"value":"bjensen@example.com","type":"work"},{"value":"babs@jensen.org","type":"home"},{"value":"w2@example.com","type":"work","primary":true}]"""),
            user["emails"]));
    }

    [Fact]
    public void Apply_PrimaryEmail_LeavesPrimaryOfOtherAttributes()
    {
        var user = BarbaraTree();

        Apply(user, UserType, Message("""{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}"""));

        Assert.True((bool)user["phoneNumbers"]![0]!["primary"]!);
        Assert.True((bool)user["addresses"]![0]!["primary"]!);
    }

    [Fact]
    public void Apply_PrimaryPhoneNumber_ClearsOtherPhonePrimary()
    {
        var user = BarbaraTree();

        var result = Apply(user, UserType, Message("""{"op":"replace","path":"phoneNumbers[type eq \"mobile\"].primary","value":true}"""));

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"value":"555-555-5555","type":"work"},{"value":"555-555-4444","type":"mobile","primary":true}]"""),
            user["phoneNumbers"]));
        AssertChanged(result, "phoneNumbers");
        Assert.True((bool)user["emails"]![0]!["primary"]!);
    }

    [Fact]
    public void Apply_RfcReplaceWorkAddressWithPrimary_ClearsHomePrimary()
    {
        var user = BarbaraTree();
        Apply(user, UserType, Message("""{"op":"replace","path":"addresses[type eq \"home\"].primary","value":true}"""));

        Apply(user, UserType, Message("""{"op":"replace","path":"addresses[type eq \"work\"]","value":{"type":"work","primary":true}}"""));

        Assert.True((bool)user["addresses"]![0]!["primary"]!);
        Assert.Null(user["addresses"]![1]!["primary"]);
    }

    [Fact]
    public void Apply_PrimaryOnRoleWithoutPrimaryBefore_KeepsSingleRole()
    {
        var user = BarbaraTree();

        Apply(user, UserType, Message(
            """{"op":"add","path":"roles","value":[{"value":"guide","primary":true}]}""",
            """{"op":"add","path":"roles","value":[{"value":"driver"}]}"""));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"value":"guide","primary":true},{"value":"driver"}]"""), user["roles"]));
    }
}
