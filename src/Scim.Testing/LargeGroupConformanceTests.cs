using System.Globalization;
using Scim.Core.Filtering;
using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// A group of 100,000 members: deltas on it work and report the right effective ids. No timing is
/// asserted (speed belongs to benchmarks), but a store that loads the member list for each delta
/// will make these tests slow. Every member is a user the test created.
/// </summary>
public abstract class LargeGroupConformanceTests : StoreConformanceTests
{
    /// <summary>The number of members of the large group.</summary>
    protected const int Size = 100_000;

    /// <summary>Adding one new member (and one already there) reports just the new one; removing one reports it.</summary>
    [Fact]
    public async Task PatchAsync_OnLargeGroup_ReportsEffectiveIds()
    {
        var (id, memberIds) = await CreateLargeGroupAsync();
        var newcomer = await CreateAsync(NewUser("newcomer"));
        var stranger = await CreateAsync(NewUser("stranger"));
        var v1 = await GroupVersionAsync(id);

        var added = await Groups.PatchAsync(Context, Delta(id, "2", add: [newcomer, memberIds[12_345]]), Cancellation);
        var v2 = await GroupVersionAsync(id);
        var removed = await Groups.PatchAsync(Context, Delta(id, "3", remove: [memberIds[99_999], stranger]), Cancellation);
        var v3 = await GroupVersionAsync(id);
        var unchanged = await Groups.PatchAsync(Context, Delta(id, "4", add: [memberIds[0]]), Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, added.Status);
        Assert.Equal([newcomer], added.AddedMemberIds);
        Assert.Empty(added.RemovedMemberIds);
        Assert.Equal(StoreWriteStatus.Succeeded, removed.Status);
        Assert.Equal([memberIds[99_999]], removed.RemovedMemberIds);
        Assert.Empty(removed.AddedMemberIds);
        Assert.Empty(unchanged.AddedMemberIds);

        var withoutMembers = ReadHints.Excluding("members");
        var group = await Groups.GetAsync(Context, id, withoutMembers, Cancellation);
        Assert.Equal("Everyone", group?.DisplayName);
        AssertVersion(v1, v2, Version("2"), changed: true, $"group {id} after an addition");
        AssertVersion(v2, v3, Version("3"), changed: true, $"group {id} after a removal");
        AssertVersion(v3, group?.Meta?.Version, Version("4"), changed: false, $"group {id} after adding a member already there");
        var memberships = await Groups.GetGroupsOfMembersAsync(Context, [newcomer, memberIds[99_999], memberIds[50_000]], Cancellation);
        Assert.Equal(Sorted([newcomer, memberIds[50_000]]), Sorted(memberships.Select(m => m.MemberId)));
        Assert.All(memberships, m => Assert.Equal(id, m.GroupId));

        var full = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal(Size, full?.Members.Count);
    }

    /// <summary>A deleted member of the large group (deleted as the service does it) is removed by <see cref="IGroupStore.MemberDeletedAsync"/>; the group is found by name.</summary>
    [Fact]
    public async Task MemberDeletedAsync_OnLargeGroup_RemovesTheMember()
    {
        var (id, memberIds) = await CreateLargeGroupAsync();
        var deleted = memberIds[777];
        var before = await GroupVersionAsync(id);
        var former = (await Groups.GetGroupsOfMembersAsync(Context, [deleted], Cancellation)).Select(m => m.GroupId).ToList();
        AssertSucceeded(await Users.DeleteAsync(Context, deleted, null, Cancellation), "delete a member");

        var changed = await Groups.MemberDeletedAsync(Context, deleted, former, Version("5"), Day(5), Cancellation);
        var found = await Groups.QueryAsync(Context, new ScimQuery { Filter = ScimFilterParser.Parse("displayName eq \"everyone\""), Hints = ReadHints.Only("displayName") }, Cancellation);

        Assert.Equal([id], former);
        Assert.Equal([id], changed);
        Assert.Empty(await Groups.GetGroupsOfMembersAsync(Context, [deleted], Cancellation));
        Assert.Equal([id], found.Resources.Select(g => g.Id));
        AssertVersion(before, await GroupVersionAsync(id), Version("5"), changed: true, $"group {id}");
        var full = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal(Size - 1, full?.Members.Count);
        Assert.DoesNotContain(full!.Members, m => m.Value == deleted);
    }

    private async Task<(string Id, List<string> MemberIds)> CreateLargeGroupAsync()
    {
        var memberIds = await SeedUsersAsync(Size, "m");
        var id = await CreateAsync(NewGroup("Everyone", memberIds, version: Version("1")));
        return (id, memberIds);
    }

    private static GroupPatch Delta(string id, string version, IEnumerable<string>? add = null, IEnumerable<string>? remove = null) => new()
    {
        Id = id,
        Members = new MembershipChange(false, [.. (add ?? []).Select(Member)], [.. remove ?? []]),
        NewVersion = Version(version),
        LastModified = Day(int.Parse(version, CultureInfo.InvariantCulture)),
    };
}
