using Scim.Core.Patching;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// <see cref="PatchResult.ChangedPaths"/> names exactly the paths whose values differ afterwards,
/// in canonical spelling: top-level attributes, sub-attributes of singular complex attributes,
/// extension attributes with their URN. A request that changes nothing has
/// <see cref="PatchResult.Changed"/> false.
/// </summary>
public sealed class PatchChangedPathTests
{
    private const string EmployeeNumber = Enterprise + ":employeeNumber";

    /// <summary>Operations on Barbara Jensen and the exact changed paths.</summary>
    public static TheoryData<string[], string[]> UserRequests => new()
    {
        // Changes.
        { ["""{"op":"replace","path":"title","value":"Chief Guide"}"""], ["title"] },
        { ["""{"op":"add","path":"nickName","value":"Babs"}"""], ["nickName"] },
        { ["""{"op":"remove","path":"title"}"""], ["title"] },
        { ["""{"op":"replace","path":"active","value":false}"""], ["active"] },
        { ["""{"op":"replace","path":"name.givenName","value":"Babs"}"""], ["name.givenName"] },
        { ["""{"op":"replace","path":"NAME.GIVENNAME","value":"Babs"}"""], ["name.givenName"] },
        { ["""{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName","value":"J"}"""], ["name.familyName"] },
        { ["""{"op":"replace","path":"name","value":{"givenName":"Barbara","familyName":"Jensen-Smith"}}"""], ["name.familyName"] },
        { ["""{"op":"add","path":"name","value":{"middleName":"Jane","honorificSuffix":"III"}}"""], ["name.middleName", "name.honorificSuffix"] },
        { ["""{"op":"remove","path":"name.formatted"}"""], ["name.formatted"] },
        { ["""{"op":"remove","path":"name"}"""], ["name"] },
        { ["""{"op":"replace","path":"emails[type eq \"work\"].value","value":"b@example.com"}"""], ["emails"] },
        { ["""{"op":"remove","path":"emails[type eq \"home\"]"}"""], ["emails"] },
        { ["""{"op":"add","path":"emails","value":[{"value":"new@example.com","type":"other"}]}"""], ["emails"] },
        { ["""{"op":"replace","path":"emails","value":[{"value":"babs@jensen.org","type":"home"},{"value":"bjensen@example.com","type":"work","primary":true}]}"""], ["emails"] },
        { ["""{"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1010 Broadway Ave"}"""], ["addresses"] },
        { [$$"""{"op":"replace","path":"{{Enterprise}}:employeeNumber","value":"42"}"""], [EmployeeNumber] },
        { ["""{"op":"replace","path":"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EMPLOYEENUMBER","value":"42"}"""], [EmployeeNumber] },
        { ["""{"op":"replace","path":"employeeNumber","value":"42"}"""], [EmployeeNumber] },
        { [$$"""{"op":"replace","path":"{{Enterprise}}:manager.value","value":"boss-2"}"""], [Enterprise + ":manager.value"] },
        { [$$$"""{"op":"add","path":"{{{Enterprise}}}:manager","value":{"$ref":"../Users/boss-2"}}"""], [Enterprise + ":manager.$ref"] },
        { [$$"""{"op":"remove","path":"{{Enterprise}}:manager"}"""], [Enterprise + ":manager"] },
        { [$$$"""{"op":"replace","path":"{{{Enterprise}}}","value":{"department":"Tours","employeeNumber":"701984"}}"""], [Enterprise + ":department"] },
        { [$$$$"""{"op":"add","value":{"{{{{Enterprise}}}}":{"division":"West"}}}"""], [Enterprise + ":division"] },
        { [$$"""{"op":"add","path":"{{Acme}}:hireDate","value":"2020-02-02T00:00:00Z"}"""], [Acme + ":hireDate"] },
        {
            [
                """{"op":"replace","path":"title","value":"Chief"}""",
                """{"op":"replace","path":"active","value":false}""",
                """{"op":"replace","path":"name.familyName","value":"Smith"}""",
                $$"""{"op":"replace","path":"{{Enterprise}}:employeeNumber","value":"7"}""",
            ],
            ["title", "active", "name.familyName", EmployeeNumber]
        },
        {
            ["""{"op":"replace","value":{"title":"Tour Guide","displayName":"Babs","name":{"givenName":"Barbara","middleName":"J"},"active":true}}"""],
            ["displayName", "name.middleName"]
        },
        {
            ["""{"op":"replace","path":"title","value":"A"}""", """{"op":"replace","path":"title","value":"B"}""", """{"op":"replace","path":"name.givenName","value":"C"}"""],
            ["title", "name.givenName"]
        },

        // No change at all.
        { ["""{"op":"replace","path":"title","value":"Tour Guide"}"""], [] },
        { ["""{"op":"replace","path":"TITLE","value":"Tour Guide"}"""], [] },
        { ["""{"op":"replace","path":"active","value":"True"}"""], [] },
        { ["""{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","type":"home"}]}"""], [] },
        { ["""{"op":"add","path":"emails","value":[{"type":"home","value":"babs@jensen.org"}]}"""], [] },
        { ["""{"op":"add","path":"emails","value":[]}"""], [] },
        { ["""{"op":"replace","path":"emails","value":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}]}"""], [] },
        { ["""{"op":"replace","path":"emails[type eq \"work\"].value","value":"bjensen@example.com"}"""], [] },
        { ["""{"op":"replace","path":"name","value":{"givenName":"Barbara"}}"""], [] },
        { ["""{"op":"remove","path":"nickName"}"""], [] },
        { ["""{"op":"remove","path":"x509Certificates"}"""], [] },
        { ["""{"op":"remove","path":"emails[type eq \"other\"]"}"""], [] },
        { ["""{"op":"remove","path":"emails[type eq \"home\"].display"}"""], [] },
        { ["""{"op":"remove","path":"name.middleName"}"""], [] },
        { [$$"""{"op":"remove","path":"{{Enterprise}}:department"}"""], [] },
        { [$$"""{"op":"remove","path":"{{Acme}}:hireDate"}"""], [] },
        { ["""{"op":"replace","path":"nickName","value":null}"""], [] },
        { ["""{"op":"add","path":"nickName","value":null}"""], [] },
        { [$$"""{"op":"add","path":"{{Enterprise}}:manager","value":"{{ManagerId}}"}"""], [] },
        { [$$$"""{"op":"add","path":"{{{Enterprise}}}:manager","value":{"value":"{{{ManagerId}}}","displayName":"Someone Else"}}"""], [] },
        { ["""{"op":"replace","value":{"id":"other","meta":{"version":"W/\"1\""}}}"""], [] },
        { ["""{"op":"add","path":"nickName","value":"Babs"}""", """{"op":"remove","path":"nickName"}"""], [] },
        { ["""{"op":"replace","path":"title","value":"X"}""", """{"op":"replace","path":"title","value":"Tour Guide"}"""], [] },
        { ["""{"op":"remove","path":"emails[type eq \"home\"]"}""", """{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","type":"home"}]}"""], [] },
    };

    [Theory]
    [MemberData(nameof(UserRequests))]
    public void Apply_UserRequest_ChangedPathsExact(string[] operations, string[] expected)
    {
        var user = BarbaraTree();

        var result = Apply(user, UserType, Message(operations));

        AssertChanged(result, expected);
        Assert.Equal(expected.Length > 0, result.Changed);
        Assert.Null(result.Members);
    }

    [Theory]
    [MemberData(nameof(UserRequests))]
    public void Apply_UserRequestThatChangesNothing_LeavesTreeByteForByte(string[] operations, string[] expected)
    {
        var user = BarbaraTree();
        var before = user.ToJsonString();

        Apply(user, UserType, Message(operations));

        Assert.Equal(expected.Length == 0, before == user.ToJsonString());
    }

    [Fact]
    public void Apply_HostDateTimeSameInstantInAnotherOffset_ChangesNothing()
    {
        var user = BarbaraTree();
        Apply(user, UserType, Message($$"""{"op":"add","path":"{{Acme}}:hireDate","value":"2020-02-02T10:00:00Z"}"""));

        var result = Apply(user, UserType, Message($$"""{"op":"replace","path":"{{Acme}}:hireDate","value":"2020-02-02T11:00:00+01:00"}"""));

        Assert.False(result.Changed);
        Assert.Equal("2020-02-02T10:00:00Z", (string?)user[Acme]!["hireDate"]);
    }

    [Fact]
    public void Apply_NameCreatedWhereThereWasNone_ChangedPathIsName()
    {
        var user = PlainUserTree();

        var result = Apply(user, UserType, Message("""{"op":"replace","path":"name.givenName","value":"P"}"""));

        AssertChanged(result, "name");
    }

    [Fact]
    public void Apply_GroupRename_ChangedPathIsDisplayNameAndNoDelta()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message("""{"op":"replace","path":"displayName","value":"Guides"}"""));

        AssertChanged(result, "displayName");
        Assert.Null(result.Members);
    }

    [Fact]
    public void Apply_GroupSameName_Unchanged()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message("""{"op":"replace","value":{"displayName":"Tour Guides"}}"""));

        Assert.False(result.Changed);
    }

    [Fact]
    public void Apply_GroupMemberOperations_ChangedWithoutChangedPaths()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message("""{"op":"add","path":"members","value":[{"value":"x"}]}"""));

        Assert.Empty(result.ChangedPaths);
        Assert.True(result.Changed);
        Assert.False(result.Members!.IsEmpty);
    }

    [Fact]
    public void Apply_GroupEmptyMemberDelta_Unchanged()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message("""{"op":"add","path":"members","value":[]}"""));

        Assert.NotNull(result.Members);
        Assert.True(result.Members.IsEmpty);
        Assert.False(result.Changed);
    }
}
