using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// Group membership by delta (<see cref="IGroupStore.PatchAsync"/>): the effective additions and
/// removals are reported, the version moves only when something changed, concurrent additions
/// are all kept (each member a user of the test, or a group where groups may be members), and the reverse lookups (<see cref="IGroupStore.GetGroupsOfMembersAsync"/>,
/// <see cref="IGroupStore.MemberDeletedAsync"/>) agree with the groups.
/// </summary>
public abstract class MembershipConformanceTests : StoreConformanceTests
{
    /// <summary>Adding members reports only those that were not members yet, and bumps version and lastModified.</summary>
    [Fact]
    public async Task PatchAsync_Add_ReportsOnlyNewMembersAndBumpsVersion()
    {
        var users = await CreateUsersAsync(3);
        var id = await CreateAsync(NewGroup("Team", users[..2], version: Version("1")));
        var before = await GroupVersionAsync(id);

        var result = await Groups.PatchAsync(Context, Delta(id, "2", add: [users[1], users[2]]), Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, result.Status);
        Assert.Equal([users[2]], result.AddedMemberIds);
        Assert.Empty(result.RemovedMemberIds);
        Assert.Equal(Sorted(users), await MemberIdsAsync(id));
        var read = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        AssertVersion(before, read?.Meta?.Version, Version("2"), changed: true, $"group {id}");
        AssertTime(read, "meta.lastModified", Day(2));
        AssertTime(read, "meta.created", Day(0));
    }

    /// <summary>Adding a member already there and removing one that is not change nothing: empty report, same version.</summary>
    [Fact]
    public async Task PatchAsync_NoEffectiveChange_ReportsNothingAndKeepsVersion()
    {
        var users = await CreateUsersAsync(3);
        var id = await CreateAsync(NewGroup("Team", users[..2], version: Version("1")));
        var before = await GroupVersionAsync(id);

        var result = await Groups.PatchAsync(Context, Delta(id, "2", add: [users[0]], remove: [users[2]]), Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, result.Status);
        Assert.Empty(result.AddedMemberIds);
        Assert.Empty(result.RemovedMemberIds);
        var read = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        AssertVersion(before, read?.Meta?.Version, Version("2"), changed: false, $"group {id}");
        AssertTime(read, "meta.lastModified", Day(0));
        Assert.Equal(Sorted(users[..2]), await MemberIdsAsync(id));
    }

    /// <summary>Removing members reports those that were members, and only those.</summary>
    [Fact]
    public async Task PatchAsync_Remove_ReportsOnlyRemovedMembers()
    {
        var users = await CreateUsersAsync(4);
        var id = await CreateAsync(NewGroup("Team", users[..3]));
        var before = await GroupVersionAsync(id);

        var result = await Groups.PatchAsync(Context, Delta(id, "2", remove: [users[0], users[3]]), Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, result.Status);
        Assert.Empty(result.AddedMemberIds);
        Assert.Equal([users[0]], result.RemovedMemberIds);
        Assert.Equal(Sorted(users[1..3]), await MemberIdsAsync(id));
        AssertVersion(before, await GroupVersionAsync(id), Version("2"), changed: true, $"group {id}");
    }

    /// <summary>
    /// Remove-all then add: a member removed and added back is neither added nor removed; the
    /// others are reported as they changed.
    /// </summary>
    [Fact]
    public async Task PatchAsync_RemoveAllThenAdd_ReportsTheNetChange()
    {
        var users = await CreateUsersAsync(4);
        var id = await CreateAsync(NewGroup("Team", users[..3]));

        var result = await Groups.PatchAsync(Context, Delta(id, "2", add: [users[1], users[3]], removeAll: true), Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, result.Status);
        Assert.Equal([users[3]], result.AddedMemberIds);
        Assert.Equal(Sorted([users[0], users[2]]), Sorted(result.RemovedMemberIds));
        Assert.Equal(Sorted([users[1], users[3]]), await MemberIdsAsync(id));
    }

    /// <summary>Remove-all of an empty group changes nothing.</summary>
    [Fact]
    public async Task PatchAsync_RemoveAllOfEmptyGroup_ChangesNothing()
    {
        var id = await CreateAsync(NewGroup("Empty", version: Version("1")));
        var before = await GroupVersionAsync(id);

        var result = await Groups.PatchAsync(Context, Delta(id, "2", removeAll: true), Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, result.Status);
        Assert.Empty(result.RemovedMemberIds);
        AssertVersion(before, await GroupVersionAsync(id), Version("2"), changed: false, $"group {id}");
    }

    /// <summary>New attributes are stored with the new version, and the members stay (the attributes' member list is ignored).</summary>
    [Fact]
    public async Task PatchAsync_Attributes_StoresThemAndKeepsMembers()
    {
        var users = await CreateUsersAsync(2);
        var id = await CreateAsync(NewGroup("Before", users, externalId: "ext-1", version: Version("1")));
        var before = await GroupVersionAsync(id);
        var attributes = NewGroup("After", id: id, externalId: "ext-2", version: Version("2"));
        attributes.Meta!.LastModified = Day(5);
        var expected = Claims.Reduce(attributes);
        expected.Remove("members"); // the patch's member list is ignored: the members stay

        var result = await Groups.PatchAsync(Context, new GroupPatch { Id = id, Attributes = attributes, NewVersion = Version("2"), LastModified = Day(5) }, Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, result.Status);
        Assert.Empty(result.AddedMemberIds);
        Assert.Empty(result.RemovedMemberIds);
        var read = await Groups.GetAsync(Context, id, ReadHints.Excluding("members"), Cancellation);
        Assert.NotNull(read);
        read.Members = [];
        AssertHolds(expected, id, read, $"group {id} after the patch");
        Assert.Equal("After", read.DisplayName);
        AssertVersion(before, read.Meta?.Version, Version("2"), changed: true, $"group {id}");
        Assert.Equal(Sorted(users), await MemberIdsAsync(id));
    }

    /// <summary>Patching a group that does not exist is NotFound.</summary>
    [Fact]
    public async Task PatchAsync_MissingGroup_IsNotFound()
    {
        var users = await CreateUsersAsync(1);
        await CreateAsync(NewGroup("Existing"));

        var result = await Groups.PatchAsync(Context, Delta(NewId("missing"), "2", add: [users[0]]), Cancellation);

        Assert.Equal(StoreWriteStatus.NotFound, result.Status);
        Assert.Empty(await Groups.GetGroupsOfMembersAsync(Context, users, Cancellation));
    }

    /// <summary>50 unconditional additions of different members to one group, at the same time, are all kept.</summary>
    [Fact]
    public async Task PatchAsync_FiftyParallelAdditions_AllMembersPresent()
    {
        var users = await CreateUsersAsync(50);
        var first = await CreateUsersAsync(1, "first");
        var id = await CreateAsync(NewGroup("Crowd", first));

        var results = await Task.WhenAll(users.Select((user, i) => Task.Run(() => Groups.PatchAsync(Context, Delta(id, $"p{i}", add: [user]), Cancellation), Cancellation)));

        Assert.All(results, r => Assert.Equal(StoreWriteStatus.Succeeded, r.Status));
        Assert.Equal(Sorted(users), Sorted(results.SelectMany(r => r.AddedMemberIds)));
        Assert.Equal(Sorted([.. users, .. first]), await MemberIdsAsync(id));
    }

    /// <summary>The groups of members: one entry per (member, group), with the group's displayName; a user in no group gives nothing.</summary>
    [Fact]
    public async Task GetGroupsOfMembersAsync_ReturnsEveryDirectMembership()
    {
        var users = await CreateUsersAsync(4);
        var admins = await CreateAsync(NewGroup("Admins", users[..1]));
        var staff = await CreateAsync(NewGroup("Staff", users[..2]));
        await CreateAsync(NewGroup("Others", users[3..]));

        var result = await Groups.GetGroupsOfMembersAsync(Context, [users[0], users[1], users[2]], Cancellation);

        var expected = new[] { (users[0], admins, "Admins"), (users[0], staff, "Staff"), (users[1], staff, "Staff") };
        Assert.Equal(
            expected.Select(e => $"{e.Item1} {e.Item2} {e.Item3}").Order(StringComparer.Ordinal),
            result.Select(m => $"{m.MemberId} {m.GroupId} {m.GroupDisplayName}").Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A user store that reads users' groups with them (<see cref="IUserGroupsStore"/>, for this
    /// group store): a user read by id or listed carries its direct groups with their names, a user
    /// in none an empty list, and the groups follow membership changes.
    /// </summary>
    [Fact]
    public async Task UserReads_OfAStoreThatReadsGroups_CarryTheDirectGroups()
    {
        Assert.SkipUnless(Users is IUserGroupsStore reading && reading.ReadsGroupsOf(Groups), $"{Users.GetType().Name} does not read users' groups with them (IUserGroupsStore)");
        var users = await CreateUsersAsync(3);
        var admins = await CreateAsync(NewGroup("Admins", users[..1]));
        var staff = await CreateAsync(NewGroup("Staff", users[..2]));
        var expected = new Dictionary<string, List<string>>
        {
            [users[0]] = Sorted([$"{admins} Admins", $"{staff} Staff"]),
            [users[1]] = [$"{staff} Staff"],
            [users[2]] = [],
        };

        foreach (var user in users)
        {
            var read = await Users.GetAsync(Context, user, ReadHints.All, Cancellation);
            Assert.Equal(expected[user], Sorted(read!.Groups.Select(g => $"{g.Value} {g.Display}")));
        }

        var page = await Users.QueryAsync(Context, new ScimQuery { Count = 100, Hints = ReadHints.All }, Cancellation);
        var listed = page.Resources.Where(u => expected.ContainsKey(u.Id!)).ToList();
        Assert.Equal(3, listed.Count);
        Assert.All(listed, u => Assert.Equal(expected[u.Id!], Sorted(u.Groups.Select(g => $"{g.Value} {g.Display}"))));

        await Groups.PatchAsync(Context, Delta(staff, "2", add: [users[2]], remove: [users[0]]), Cancellation);
        Assert.Equal([$"{admins} Admins"], (await Users.GetAsync(Context, users[0], ReadHints.All, Cancellation))!.Groups.Select(g => $"{g.Value} {g.Display}"));
        Assert.Equal([$"{staff} Staff"], (await Users.GetAsync(Context, users[2], ReadHints.All, Cancellation))!.Groups.Select(g => $"{g.Value} {g.Display}"));
    }

    /// <summary>A group that is a member of another group is reported as its member, beside the users.</summary>
    [Fact]
    public async Task GetGroupsOfMembersAsync_NestedGroup_ReportsTheGroupsItIsIn()
    {
        SkipUnlessGroupsMayBeMembers();
        var users = await CreateUsersAsync(2);
        var staff = await CreateAsync(NewGroup("Staff", users));
        var everyone = NewGroup("Everyone", users[1..]);
        everyone.Members.Add(GroupAsMember(staff));
        var nested = await CreateAsync(everyone);

        var result = await Groups.GetGroupsOfMembersAsync(Context, [staff, users[1]], Cancellation);

        var expected = new[] { (staff, nested, "Everyone"), (users[1], staff, "Staff"), (users[1], nested, "Everyone") };
        Assert.Equal(
            expected.Select(e => $"{e.Item1} {e.Item2} {e.Item3}").Order(StringComparer.Ordinal),
            result.Select(m => $"{m.MemberId} {m.GroupId} {m.GroupDisplayName}").Order(StringComparer.Ordinal));
        var read = await Groups.GetAsync(Context, nested, ReadHints.All, Cancellation);
        Assert.Equal("Group", read?.Members.Single(m => m.Value == staff).Type);
    }

    /// <summary>A deleted group that was a member of another is removed from it by <see cref="IGroupStore.MemberDeletedAsync"/>.</summary>
    [Fact]
    public async Task MemberDeletedAsync_DeletedNestedGroup_RemovesItFromItsParent()
    {
        SkipUnlessGroupsMayBeMembers();
        var users = await CreateUsersAsync(1);
        var child = await CreateAsync(NewGroup("Child", users));
        var parent = NewGroup("Parent", users);
        parent.Members.Add(GroupAsMember(child));
        var parentId = await CreateAsync(parent);
        var before = await GroupVersionAsync(parentId);
        var former = (await Groups.GetGroupsOfMembersAsync(Context, [child], Cancellation)).Select(m => m.GroupId).ToList();
        AssertSucceeded(await Groups.DeleteAsync(Context, child, null, Cancellation), "delete the nested group");

        var changed = await Groups.MemberDeletedAsync(Context, child, former, Version("9"), Day(9), Cancellation);

        Assert.Equal([parentId], changed);
        Assert.Equal(users, await MemberIdsAsync(parentId));
        AssertVersion(before, await GroupVersionAsync(parentId), Version("9"), changed: true, $"group {parentId}");
    }

    /// <summary>Memberships changed by a patch show in the reverse lookup.</summary>
    [Fact]
    public async Task GetGroupsOfMembersAsync_FollowsPatches()
    {
        var users = await CreateUsersAsync(2);
        var id = await CreateAsync(NewGroup("Team", users[..1]));

        await Groups.PatchAsync(Context, Delta(id, "2", add: [users[1]], remove: [users[0]]), Cancellation);
        var result = await Groups.GetGroupsOfMembersAsync(Context, users, Cancellation);

        Assert.Equal([(users[1], id)], result.Select(m => (m.MemberId, m.GroupId)));
    }

    /// <summary>
    /// A deleted member, handled as the service does (its groups read first, then the delete, then
    /// <see cref="IGroupStore.MemberDeletedAsync"/>): exactly the groups that listed it change, with
    /// the given version and time, and no membership of it is left, whether the store's rows went
    /// with the member (a cascading foreign key) or not.
    /// </summary>
    [Fact]
    public async Task MemberDeletedAsync_AfterTheDelete_RemovesItEverywhereAndBumpsOnlyThoseGroups()
    {
        var users = await CreateUsersAsync(2);
        var first = await CreateAsync(NewGroup("First", users, version: Version("1")));
        var second = await CreateAsync(NewGroup("Second", users[..1], version: Version("1")));
        var untouched = await CreateAsync(NewGroup("Untouched", users[1..], version: Version("1")));
        var before = new Dictionary<string, string?>();
        foreach (var id in new[] { first, second, untouched })
        {
            before[id] = await GroupVersionAsync(id);
        }

        var former = (await Groups.GetGroupsOfMembersAsync(Context, [users[0]], Cancellation)).Select(m => m.GroupId).ToList();
        Assert.True((await Users.DeleteAsync(Context, users[0], null, Cancellation)).Succeeded);

        var changed = await Groups.MemberDeletedAsync(Context, users[0], former, Version("9"), Day(9), Cancellation);

        Assert.Equal(Sorted([first, second]), Sorted(changed));
        Assert.Equal([users[1]], await MemberIdsAsync(first));
        Assert.Empty(await MemberIdsAsync(second));
        Assert.Equal([users[1]], await MemberIdsAsync(untouched));
        foreach (var id in new[] { first, second })
        {
            var group = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
            AssertVersion(before[id], group?.Meta?.Version, Version("9"), changed: true, $"group {id}");
            AssertTime(group, "meta.lastModified", Day(9));
        }

        AssertVersion(before[untouched], await GroupVersionAsync(untouched), Version("9"), changed: false, $"group {untouched}");
        Assert.Empty(await Groups.GetGroupsOfMembersAsync(Context, [users[0]], Cancellation));
    }

    /// <summary>A deleted member that was in no group changes nothing.</summary>
    [Fact]
    public async Task MemberDeletedAsync_NotAMember_ChangesNothing()
    {
        var users = await CreateUsersAsync(2);
        var id = await CreateAsync(NewGroup("Team", users[..1], version: Version("1")));
        var before = await GroupVersionAsync(id);
        Assert.True((await Users.DeleteAsync(Context, users[1], null, Cancellation)).Succeeded);

        var changed = await Groups.MemberDeletedAsync(Context, users[1], [], Version("9"), Day(9), Cancellation);

        Assert.Empty(changed);
        AssertVersion(before, await GroupVersionAsync(id), Version("9"), changed: false, $"group {id}");
        Assert.Equal([users[0]], await MemberIdsAsync(id));
    }

    /// <summary>A membership delta as the service makes it.</summary>
    /// <param name="id">The group id.</param>
    /// <param name="version">The tag of the new version (also the day of lastModified when it is a number).</param>
    /// <param name="add">Ids to add.</param>
    /// <param name="remove">Ids to remove.</param>
    /// <param name="removeAll">Whether every member is removed first.</param>
    /// <returns>The patch.</returns>
    protected static GroupPatch Delta(string id, string version, IEnumerable<string>? add = null, IEnumerable<string>? remove = null, bool removeAll = false) => new()
    {
        Id = id,
        Members = new MembershipChange(removeAll, [.. (add ?? []).Select(Member)], [.. remove ?? []]),
        NewVersion = Version(version),
        LastModified = Day(int.TryParse(version, System.Globalization.CultureInfo.InvariantCulture, out var day) ? day : 1),
    };
}
