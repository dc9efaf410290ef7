using Scim.Core.Patching;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// Group membership as a <see cref="MembershipDelta"/> (the default): operations on
/// <c>members</c> combine into one delta — applied by the store as remove all, remove
/// <c>Removed</c>, add <c>Added</c> — that has the same effect as the operations in order; the
/// group's JSON is never touched.
/// </summary>
public sealed class PatchMembershipDeltaTests
{
    /// <summary>Operations on Tour Guides; the delta (RemoveAll, Removed, Added as "value|type|$ref").</summary>
    public static TheoryData<string[], bool, string[], string[]> Requests => new()
    {
        { ["""{"op":"add","path":"members","value":[{"value":"a"},{"value":"b","type":"Group"}]}"""], false, [], ["a||", "b|Group|"] },
        { ["""{"op":"add","path":"members","value":[{"value":"a","$ref":"https://example.com/v2/Users/a","type":"User","display":"A"}]}"""], false, [], ["a|User|https://example.com/v2/Users/a"] },
        { ["""{"op":"add","path":"members","value":[{"value":"a"}]}""", """{"op":"add","path":"members","value":[{"value":"a"}]}"""], false, [], ["a||"] },
        { ["""{"op":"add","path":"members","value":["a","b"]}"""], false, [], ["a||", "b||"] },
        { ["""{"op":"add","path":"members","value":{"value":"a"}}"""], false, [], ["a||"] },
        { ["""{"op":"add","value":{"members":[{"value":"a"}]}}"""], false, [], ["a||"] },
        { ["""{"op":"replace","value":{"members":[{"value":"a"}]}}"""], true, [], ["a||"] },
        { ["""{"op":"remove","path":"members[value eq \"a\"]"}"""], false, ["a"], [] },
        { ["""{"op":"remove","path":"members[value eq \"a\" or value eq \"b\" or value eq \"c\"]"}"""], false, ["a", "b", "c"], [] },
        { ["""{"op":"remove","path":"members[(value eq \"a\") or (value eq \"b\")]"}"""], false, ["a", "b"], [] },
        { ["""{"op":"remove","path":"members[VALUE eq \"a\"]"}"""], false, ["a"], [] },
        { ["""{"op":"remove","path":"members","value":[{"value":"a"},{"value":"b"}]}"""], false, ["a", "b"], [] },
        { ["""{"op":"remove","path":"members"}"""], true, [], [] },
        { ["""{"op":"remove","path":"members","value":null}"""], true, [], [] },
        { ["""{"op":"replace","path":"members","value":[{"value":"a"}]}"""], true, [], ["a||"] },
        { ["""{"op":"replace","path":"members","value":[]}"""], true, [], [] },
        { ["""{"op":"add","path":"members","value":[{"value":"a"}]}""", """{"op":"remove","path":"members[value eq \"a\"]"}"""], false, ["a"], [] },
        { ["""{"op":"remove","path":"members[value eq \"a\"]"}""", """{"op":"add","path":"members","value":[{"value":"a"}]}"""], false, [], ["a||"] },
        { ["""{"op":"add","path":"members","value":[{"value":"a"}]}""", """{"op":"remove","path":"members"}"""], true, [], [] },
        { ["""{"op":"remove","path":"members"}""", """{"op":"add","path":"members","value":[{"value":"a"}]}"""], true, [], ["a||"] },
        { ["""{"op":"remove","path":"members[value eq \"b\"]"}""", """{"op":"replace","path":"members","value":[{"value":"a"}]}"""], true, [], ["a||"] },
        { ["""{"op":"replace","path":"members","value":[{"value":"a"},{"value":"b"}]}""", """{"op":"remove","path":"members[value eq \"b\"]"}"""], true, ["b"], ["a||"] },
        { ["""{"op":"Add","path":"members","value":[{"value":"a"}]}""", """{"op":"Remove","path":"members","value":[{"value":"b"}]}"""], false, ["b"], ["a||"] },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Apply_MemberOperations_GiveDeltaAndLeaveGroupJson(string[] operations, bool removeAll, string[] removed, string[] added)
    {
        var group = TourGuidesTree();
        var before = group.ToJsonString();

        var result = Apply(group, GroupType, Message(operations));

        AssertDelta(result.Members, removeAll, removed, added);
        Assert.Equal(before, group.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Apply_MemberOperations_DeltaHasTheEffectOfTheOperationsInOrder(string[] operations, bool removeAll, string[] removed, string[] added)
    {
        _ = (removeAll, removed, added);
        var start = new[] { BabsId, MandyId, "a", "b" };

        var viaDelta = Apply(TourGuidesTree(), GroupType, Message(operations)).Members!;
        var expected = new HashSet<string>(start, StringComparer.Ordinal);
        if (viaDelta.RemoveAll)
        {
            expected.Clear();
        }

        expected.ExceptWith(viaDelta.Removed);
        expected.UnionWith(viaDelta.Added.Select(m => m.Value!));

        // The same operations on the JSON, starting from the same members.
        var group = TourGuidesTree();
        Apply(group, GroupType, Message("""{"op":"add","path":"members","value":[{"value":"a"},{"value":"b"}]}"""), Patcher(membersAsDeltas: false));
        Apply(group, GroupType, Message(operations), Patcher(membersAsDeltas: false));
        var actual = group["members"]?.AsArray().Select(m => (string)m!["value"]!).ToHashSet(StringComparer.Ordinal) ?? [];

        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Apply_UserPatch_HasNoMembershipDelta()
    {
        var result = Apply(BarbaraTree(), UserType, Message("""{"op":"replace","path":"title","value":"x"}"""));

        Assert.Null(result.Members);
    }

    [Fact]
    public void Apply_GroupPatchWithoutMemberOperations_HasNoMembershipDelta()
    {
        var result = Apply(TourGuidesTree(), GroupType, Message("""{"op":"replace","path":"externalId","value":"tg"}"""));

        Assert.Null(result.Members);
        AssertChanged(result, "externalId");
    }

    [Fact]
    public void Apply_GroupJsonWithoutMembers_DeltaStillComputed()
    {
        // With deltas the group's JSON need not hold its members at all.
        var group = TourGuidesTree();
        group.Remove("members");

        var result = Apply(group, GroupType, Message("""{"op":"remove","path":"members[value eq \"a\"]"}""", """{"op":"add","path":"members","value":[{"value":"c"}]}"""));

        AssertDelta(result.Members, removeAll: false, removed: ["a"], added: ["c||"]);
        Assert.False(group.ContainsKey("members"));
    }

    [Fact]
    public void Apply_EmptyAddedMemberId_ViaBareEmptyString_AddsNothing()
    {
        var result = Apply(TourGuidesTree(), GroupType, Message("""{"op":"add","path":"members","value":""}"""));

        Assert.NotNull(result.Members);
        Assert.True(result.Members.IsEmpty);
        Assert.False(result.Changed);
    }
}
