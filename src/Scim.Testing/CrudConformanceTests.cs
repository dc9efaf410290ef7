using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// Create, get, replace and delete of users and groups: what is written is read back (reduced to
/// what the stores keep, see <see cref="StoreUnderTest.Schemas"/>), id and meta are kept as the
/// service assigned them (or as the stores claim to set them), what a write returns is what a read
/// returns afterwards, and missing resources are <see langword="null"/> or <see cref="StoreWriteStatus.NotFound"/>.
/// </summary>
public abstract class CrudConformanceTests : StoreConformanceTests
{
    /// <summary>A created user reads back with every kept attribute, its id and its meta as given.</summary>
    [Fact]
    public async Task User_CreateThenGet_ReturnsWhatWasStored()
    {
        var user = ConformanceUsers.Create(RunId)[14];
        var expected = Claims.Reduce(user);

        var id = await CreateAsync(user);
        var read = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);

        AssertHolds(expected, id, read, $"user {id} read back");
    }

    /// <summary>Every user of the population reads back as it was given (all attribute kinds, nulls included), reduced to what is kept.</summary>
    [Fact]
    public async Task User_CreatePopulation_EveryUserReadsBackTheSame()
    {
        var expected = await SeedPopulationAsync();

        foreach (var user in expected)
        {
            var read = await Users.GetAsync(Context, user.Id!, ReadHints.All, Cancellation);
            AssertHolds(CanonicalTree.Of(user), user.Id!, read, $"user {user.Id} read back");
        }
    }

    /// <summary>
    /// What CreateAsync returns is the user as stored: what a GetAsync right after returns, and
    /// the input reduced to the kept attributes. A store that returns the resource it was given
    /// shows attributes it never stored.
    /// </summary>
    [Fact]
    public async Task User_Create_ReturnsWhatIsStored()
    {
        var user = ConformanceUsers.Create(RunId)[14];
        var expected = Claims.Reduce(user);

        var result = await Users.CreateAsync(Context, user, Cancellation);

        AssertSucceeded(result, "create");
        var id = IdOf(result.Resource, ConformanceUsers.IdOf(14, RunId), "create");
        var read = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        AssertHolds(expected, id, result.Resource, $"user {id}: what CreateAsync returned, against the input reduced to the kept attributes");
        Assert.NotNull(read);
        CanonicalTree.AssertSame(CanonicalTree.Of(read), CanonicalTree.Of(result.Resource!), $"user {id}: what CreateAsync returned, against what GetAsync returns");
    }

    /// <summary>What ReplaceAsync returns is the user as stored: what a GetAsync right after returns, and the new state reduced to the kept attributes.</summary>
    [Fact]
    public async Task User_Replace_ReturnsWhatIsStored()
    {
        var id = await CreateAsync(NewUser("bjensen"));
        var replacement = ConformanceUsers.Create(RunId)[22];
        replacement.Id = id;
        replacement.Meta = new ResourceMeta { ResourceType = "User", Created = Day(0), LastModified = Day(4), Version = Version("2") };
        var expected = Claims.Reduce(replacement);

        var result = await Users.ReplaceAsync(Context, replacement, null, Cancellation);

        AssertSucceeded(result, "replace");
        var read = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        AssertHolds(expected, id, result.Resource, $"user {id}: what ReplaceAsync returned, against the new state reduced to the kept attributes");
        Assert.NotNull(read);
        CanonicalTree.AssertSame(CanonicalTree.Of(read), CanonicalTree.Of(result.Resource!), $"user {id}: what ReplaceAsync returned, against what GetAsync returns");
    }

    /// <summary>Get of an id nobody created gives <see langword="null"/>.</summary>
    [Fact]
    public async Task User_GetMissing_ReturnsNull()
    {
        await CreateAsync(NewUser("someone"));

        Assert.Null(await Users.GetAsync(Context, NewId("missing"), ReadHints.All, Cancellation));
    }

    /// <summary>Replace stores the new state (attributes and meta) under the same id.</summary>
    [Fact]
    public async Task User_Replace_StoresTheNewState()
    {
        var id = await CreateAsync(NewUser("bjensen"));
        var before = await UserVersionAsync(id);
        var replacement = NewUser("bjensen2", id, externalId: "ext-2", version: Version("2"));
        replacement.Title = "Tour Guide";
        replacement.Active = false;
        replacement.Emails = [new Email { Value = "b@other.org", Type = "home" }];
        replacement.Meta!.LastModified = Day(3);
        var expected = Claims.Reduce(replacement);

        var result = await Users.ReplaceAsync(Context, replacement, null, Cancellation);

        AssertSucceeded(result, "replace");
        var read = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        AssertHolds(expected, id, read, $"user {id} read after the replace");
        Assert.Equal("bjensen2", read?.UserName);
        AssertVersion(before, read?.Meta?.Version, Version("2"), changed: true, $"user {id}");
        AssertTime(read, "meta.lastModified", Day(3));
        AssertTime(read, "meta.created", Day(0));
    }

    /// <summary>Replace of a user that does not exist is <see cref="StoreWriteStatus.NotFound"/> and creates nothing.</summary>
    [Fact]
    public async Task User_ReplaceMissing_IsNotFound()
    {
        var ghost = NewUser("ghost");
        var id = ghost.Id!;

        var result = await Users.ReplaceAsync(Context, ghost, null, Cancellation);

        Assert.Equal(StoreWriteStatus.NotFound, result.Status);
        Assert.Null(await Users.GetAsync(Context, id, ReadHints.All, Cancellation));
    }

    /// <summary>Delete removes the user; a second delete is <see cref="StoreWriteStatus.NotFound"/>.</summary>
    [Fact]
    public async Task User_Delete_RemovesItAndSecondDeleteIsNotFound()
    {
        var id = await CreateAsync(NewUser("bjensen"));
        var other = await CreateAsync(NewUser("other"));

        var deleted = await Users.DeleteAsync(Context, id, null, Cancellation);
        var again = await Users.DeleteAsync(Context, id, null, Cancellation);

        AssertSucceeded(deleted, "delete");
        Assert.Equal(StoreWriteStatus.NotFound, again.Status);
        Assert.Null(await Users.GetAsync(Context, id, ReadHints.All, Cancellation));
        Assert.NotNull(await Users.GetAsync(Context, other, ReadHints.All, Cancellation));
        var all = await Users.QueryAsync(Context, new ScimQuery(), Cancellation);
        Assert.Equal([other], all.Resources.Select(u => u.Id));
    }

    /// <summary>Delete of a user that does not exist is <see cref="StoreWriteStatus.NotFound"/>.</summary>
    [Fact]
    public async Task User_DeleteMissing_IsNotFound()
    {
        await CreateAsync(NewUser("someone"));

        var result = await Users.DeleteAsync(Context, NewId("missing"), null, Cancellation);

        Assert.Equal(StoreWriteStatus.NotFound, result.Status);
    }

    /// <summary>A deleted userName can be used again.</summary>
    [Fact]
    public async Task User_DeleteThenCreateSameUserName_Succeeds()
    {
        var id = await CreateAsync(NewUser("bjensen"));
        AssertSucceeded(await Users.DeleteAsync(Context, id, null, Cancellation), "delete");

        var again = await Users.CreateAsync(Context, NewUser("BJensen"), Cancellation);

        AssertSucceeded(again, "create after delete");
    }

    /// <summary>A created group reads back with its kept attributes, members, id and meta as given.</summary>
    [Fact]
    public async Task Group_CreateThenGet_ReturnsWhatWasStored()
    {
        var members = await CreateUsersAsync(3);
        var group = NewGroup("Tour Guides", members, externalId: "ext-g", version: Version("g1"));
        var expected = Claims.Reduce(group);

        var id = await CreateAsync(group);

        var read = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        AssertHolds(expected, id, read, $"group {id} read back");
        Assert.Equal("Tour Guides", read?.DisplayName);
        Assert.Equal(Sorted(members), await MemberIdsAsync(id));
    }

    /// <summary>What CreateAsync returns is the group as stored: what a GetAsync right after returns (members included), and the input reduced to the kept attributes.</summary>
    [Fact]
    public async Task Group_Create_ReturnsWhatIsStored()
    {
        var members = await CreateUsersAsync(2);
        var group = NewGroup("Tour Guides", members, externalId: "ext-g", version: Version("g1"));
        var proposed = group.Id!;
        var expected = Claims.Reduce(group);

        var result = await Groups.CreateAsync(Context, group, Cancellation);

        AssertSucceeded(result, "create");
        var id = IdOf(result.Resource, proposed, "create");
        var read = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        AssertHolds(expected, id, result.Resource, $"group {id}: what CreateAsync returned, against the input reduced to the kept attributes");
        Assert.NotNull(read);
        CanonicalTree.AssertSame(CanonicalTree.Of(read), CanonicalTree.Of(result.Resource!), $"group {id}: what CreateAsync returned, against what GetAsync returns");
    }

    /// <summary>What ReplaceAsync returns is the group as stored: what a GetAsync right after returns (members included), and the new state reduced to the kept attributes.</summary>
    [Fact]
    public async Task Group_Replace_ReturnsWhatIsStored()
    {
        var users = await CreateUsersAsync(3);
        var id = await CreateAsync(NewGroup("Before", users[..1]));
        var replacement = NewGroup("After", users[1..], id, externalId: "ext-2", version: Version("2"));
        replacement.Meta!.LastModified = Day(2);
        var expected = Claims.Reduce(replacement);

        var result = await Groups.ReplaceAsync(Context, replacement, null, Cancellation);

        AssertSucceeded(result, "replace");
        var read = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        AssertHolds(expected, id, result.Resource, $"group {id}: what ReplaceAsync returned, against the new state reduced to the kept attributes");
        Assert.NotNull(read);
        CanonicalTree.AssertSame(CanonicalTree.Of(read), CanonicalTree.Of(result.Resource!), $"group {id}: what ReplaceAsync returned, against what GetAsync returns");
    }

    /// <summary>An empty group is stored and read back empty.</summary>
    [Fact]
    public async Task Group_CreateEmpty_ReadsBackWithNoMembers()
    {
        var id = await CreateAsync(NewGroup("Empty"));

        Assert.Empty(await MemberIdsAsync(id));
    }

    /// <summary>Replace stores the new attributes and the new member list (members not in it are gone).</summary>
    [Fact]
    public async Task Group_Replace_StoresNewAttributesAndMembers()
    {
        var users = await CreateUsersAsync(4);
        var id = await CreateAsync(NewGroup("Before", users[..2]));
        var before = await GroupVersionAsync(id);

        var result = await Groups.ReplaceAsync(Context, NewGroup("After", users[1..], id, version: Version("2")), null, Cancellation);

        AssertSucceeded(result, "replace");
        var read = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.NotNull(read);
        Assert.Equal("After", read.DisplayName);
        AssertVersion(before, read.Meta?.Version, Version("2"), changed: true, $"group {id}");
        Assert.Equal(Sorted(users[1..]), await MemberIdsAsync(id));
    }

    /// <summary>Get, replace and delete of a missing group: <see langword="null"/>, NotFound, NotFound.</summary>
    [Fact]
    public async Task Group_Missing_GetIsNullReplaceAndDeleteAreNotFound()
    {
        await CreateAsync(NewGroup("Existing"));
        var ghost = NewGroup("Ghost");
        var id = ghost.Id!;

        Assert.Null(await Groups.GetAsync(Context, id, ReadHints.All, Cancellation));
        Assert.Equal(StoreWriteStatus.NotFound, (await Groups.ReplaceAsync(Context, ghost, null, Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.NotFound, (await Groups.DeleteAsync(Context, id, null, Cancellation)).Status);
        Assert.Null(await Groups.GetAsync(Context, id, ReadHints.All, Cancellation));
    }

    /// <summary>Delete removes the group and its memberships.</summary>
    [Fact]
    public async Task Group_Delete_RemovesGroupAndItsMemberships()
    {
        var users = await CreateUsersAsync(2);
        var id = await CreateAsync(NewGroup("Doomed", users));
        var kept = await CreateAsync(NewGroup("Kept", users[..1]));

        var result = await Groups.DeleteAsync(Context, id, null, Cancellation);

        AssertSucceeded(result, "delete");
        Assert.Null(await Groups.GetAsync(Context, id, ReadHints.All, Cancellation));
        var memberships = await Groups.GetGroupsOfMembersAsync(Context, users, Cancellation);
        Assert.Equal([(users[0], kept)], memberships.Select(m => (m.MemberId, m.GroupId)));
    }

    /// <summary>A group listing finds the groups of the tenant, with their members.</summary>
    [Fact]
    public async Task Group_Query_ReturnsGroupsWithMembers()
    {
        var users = await CreateUsersAsync(2);
        var first = await CreateAsync(NewGroup("First", users));
        var second = await CreateAsync(NewGroup("Second"));

        var page = await Groups.QueryAsync(Context, new ScimQuery(), Cancellation);

        Assert.Equal(2, page.TotalResults);
        Assert.Equal(Sorted([first, second]), Sorted(page.Resources.Select(g => g.Id)));
        Assert.Equal(Sorted(users), Sorted(page.Resources.Single(g => g.Id == first).Members.Select(m => m.Value)));
    }
}
