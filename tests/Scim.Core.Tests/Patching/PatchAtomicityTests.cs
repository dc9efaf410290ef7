using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Patching;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// RFC 5789 §2 and RFC 7644 §3.5.2: a PATCH is atomic. Requests whose later (or middle)
/// operation fails leave the resource byte for byte as it was — same tree and same property
/// order — and the error is the failing operation's.
/// </summary>
public sealed class PatchAtomicityTests
{
    private const string BadActive = """{"op":"replace","path":"active","value":"maybe"}""";

    /// <summary>Scenario, sample resource, operations, index of the failing one, its scimType.</summary>
    public static TheoryData<string, string, string[], int, string> FailingRequests => new()
    {
        {
            "replace then bad value", "user",
            ["""{"op":"replace","path":"title","value":"Chief"}""", BadActive], 1, ScimErrorType.InvalidValue
        },
        {
            "remove emails, remove name, then bad value", "user",
            ["""{"op":"remove","path":"emails"}""", """{"op":"remove","path":"name"}""", BadActive], 2, ScimErrorType.InvalidValue
        },
        {
            "remove name, remove emails, then bad value", "user",
            ["""{"op":"remove","path":"name"}""", """{"op":"remove","path":"emails"}""", BadActive], 2, ScimErrorType.InvalidValue
        },
        {
            "extension created, then bad value", "plain",
            [$$"""{"op":"add","path":"{{Enterprise}}:manager","value":"{{ManagerId}}"}""", $$"""{"op":"add","path":"{{Enterprise}}:employeeNumber","value":"1"}""", BadActive], 2, ScimErrorType.InvalidValue
        },
        {
            "host extension created, then unknown path", "user",
            [$$"""{"op":"add","path":"{{Acme}}:hireDate","value":"2020-02-02T00:00:00Z"}""", """{"op":"replace","path":"nosuch","value":"x"}"""], 1, ScimErrorType.InvalidPath
        },
        {
            "extension emptied, then bad value", "user",
            [
                $$"""{"op":"remove","path":"{{Enterprise}}:employeeNumber"}""",
                $$"""{"op":"remove","path":"{{Enterprise}}:costCenter"}""",
                $$"""{"op":"remove","path":"{{Enterprise}}:manager"}""",
                BadActive,
            ], 3, ScimErrorType.InvalidValue
        },
        {
            "name edited, then userName removed", "user",
            ["""{"op":"replace","path":"name.givenName","value":"Babs"}""", """{"op":"add","path":"name.middleName","value":"J"}""", """{"op":"remove","path":"userName"}"""], 2, ScimErrorType.Mutability
        },
        {
            "primary moved, then id replaced", "user",
            ["""{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}""", """{"op":"add","path":"phoneNumbers","value":[{"value":"555-0000","primary":true}]}""", """{"op":"replace","path":"id","value":"x"}"""], 2, ScimErrorType.Mutability
        },
        {
            "no-path replace, then filter without match", "user",
            ["""{"op":"replace","value":{"nickName":"Babs","title":"Chief","name.givenName":"B"}}""", """{"op":"replace","path":"addresses[type eq \"other\"]","value":{"locality":"Burbank"}}"""], 1, ScimErrorType.NoTarget
        },
        {
            "middle operation has a bad path", "user",
            ["""{"op":"replace","path":"title","value":"Chief"}""", """{"op":"replace","path":"emails[type eq ","value":"x"}""", """{"op":"replace","path":"displayName","value":"B"}"""], 1, ScimErrorType.InvalidPath
        },
        {
            "middle operation removes a read-only attribute", "user",
            ["""{"op":"remove","path":"emails[type eq \"home\"]"}""", """{"op":"remove","path":"groups"}""", """{"op":"replace","path":"title","value":"x"}"""], 1, ScimErrorType.Mutability
        },
        {
            "whole list replaced, extension edited, then meta", "user",
            [
                """{"op":"replace","path":"emails","value":[{"value":"new@example.com","type":"work"}]}""",
                $$$"""{"op":"replace","path":"{{{Enterprise}}}","value":{"department":"Tours","employeeNumber":"1"}}""",
                """{"op":"replace","path":"meta.version","value":"W/\"x\""}""",
            ], 2, ScimErrorType.Mutability
        },
        {
            "element created on filter miss, then bad value", "user",
            ["""{"op":"remove","path":"emails[type eq \"work\"]"}""", """{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@example.com"}""", BadActive], 2, ScimErrorType.InvalidValue
        },
        {
            "sub-attribute of every match, then bad value", "user",
            ["""{"op":"replace","path":"addresses[locality eq \"Hollywood\"].locality","value":"Burbank"}""", """{"op":"remove","path":"addresses[type eq \"home\"].formatted"}""", BadActive], 2, ScimErrorType.InvalidValue
        },
        {
            "rename, members, then required removed", "group",
            ["""{"op":"replace","path":"displayName","value":"Guides"}""", """{"op":"add","path":"members","value":[{"value":"x"}]}""", """{"op":"remove","path":"displayName"}"""], 2, ScimErrorType.Mutability
        },
        {
            "member removed by filter, then invalid filter", "group",
            [$$"""{"op":"remove","path":"members[value eq \"{{BabsId}}\"]"}""", """{"op":"remove","path":"members[value sw \"9\"]"}"""], 1, ScimErrorType.InvalidFilter
        },
    };

    [Theory]
    [MemberData(nameof(FailingRequests))]
    public void Apply_LaterOperationFails_ResourceUnchangedAndErrorIsThatOperations(string scenario, string resource, string[] operations, int failing, string scimType)
    {
        var (tree, type) = Resource(resource);

        var error = Rejects(tree, type, Message(operations));

        Assert.True(scimType == error.ScimType, $"{scenario}: expected {scimType}, got {error.ScimType} ({error.Detail})");
        Assert.StartsWith($"Operations[{failing}]: ", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_MemberEditsWithoutDeltasThenFailure_MembersRestored()
    {
        var group = TourGuidesTree();

        var error = Rejects(group, GroupType, Message(
            $$"""{"op":"remove","path":"members[value eq \"{{BabsId}}\"]"}""",
            """{"op":"add","path":"members","value":[{"value":"x","type":"User"}]}""",
            """{"op":"replace","path":"displayName","value":7}"""), Patcher(membersAsDeltas: false));

        AssertError(error, ScimErrorType.InvalidValue, "Operations[2]: ");
    }

    [Fact]
    public void Apply_ReplaceMembersWithoutDeltasThenFailure_MembersRestoredInPlace()
    {
        var group = TourGuidesTree();

        Rejects(group, GroupType, Message(
            """{"op":"replace","path":"members","value":[{"value":"x"}]}""",
            """{"op":"replace","path":"displayName","value":null}"""), Patcher(membersAsDeltas: false));

        AssertTree(TourGuidesTree(), group);
    }

    [Fact]
    public void Apply_RemoveThenAddSameAttributeThenFailure_KeepsPropertyOrder()
    {
        // emails is removed and then added again (now the last property); the rollback must put
        // it back where it was, not leave it at the end.
        var user = BarbaraTree();

        Rejects(user, UserType, Message(
            """{"op":"remove","path":"emails"}""",
            """{"op":"add","path":"emails","value":[{"value":"x@example.com"}]}""",
            BadActive));
    }

    [Fact]
    public void Apply_RemoveThenAddNameThenFailure_KeepsPropertyOrder()
    {
        var user = BarbaraTree();

        Rejects(user, UserType, Message(
            """{"op":"remove","path":"name"}""",
            """{"op":"add","path":"name","value":{"givenName":"B"}}""",
            BadActive));
    }

    [Fact]
    public void Apply_AfterFailedRequest_SamePatcherAndTreeStillPatch()
    {
        var user = BarbaraTree();
        Rejects(user, UserType, Message("""{"op":"replace","path":"title","value":"Chief"}""", BadActive));

        var result = Apply(user, UserType, Message("""{"op":"replace","path":"title","value":"Chief"}"""));

        Assert.Equal("Chief", (string?)user["title"]);
        AssertChanged(result, "title");
    }

    [Fact]
    public void Apply_FailedRequest_ReturnsNoPartialDelta()
    {
        var group = TourGuidesTree();
        var body = Message("""{"op":"add","path":"members","value":[{"value":"x"}]}""", """{"op":"remove","path":"displayName"}""");

        Rejects(group, GroupType, body);

        var result = Apply(group, GroupType, Message("""{"op":"replace","path":"displayName","value":"Guides"}"""));
        Assert.Null(result.Members);
    }

    [Fact]
    public void Apply_FailingRequest_RestoresTheSameNodeValues()
    {
        var user = BarbaraTree();
        var emails = user["emails"]!.ToJsonString();

        Rejects(user, UserType, Message(
            """{"op":"add","path":"emails","value":[{"value":"a@example.com","primary":true}]}""",
            """{"op":"replace","path":"emails[type eq \"home\"].value","value":"h@example.com"}""",
            BadActive));

        Assert.Equal(emails, user["emails"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(BarbaraTree(), user));
    }
}
