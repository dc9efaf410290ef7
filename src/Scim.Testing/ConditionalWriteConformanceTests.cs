using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// Conditional writes: with an <c>expectedVersion</c> a replace, delete or group patch applies
/// only when the stored version equals it, and otherwise answers
/// <see cref="StoreWriteStatus.VersionMismatch"/> and changes nothing.
/// </summary>
public abstract class ConditionalWriteConformanceTests : StoreConformanceTests
{
    /// <summary>Replace with a stale version is a mismatch and leaves the user as it was.</summary>
    [Fact]
    public async Task User_ReplaceWithStaleVersion_IsVersionMismatchAndChangesNothing()
    {
        var id = await CreateAsync(NewUser("bjensen", version: Version("1")));
        var replacement = NewUser("changed", id, version: Version("2"));

        var result = await Users.ReplaceAsync(Context, replacement, Version("0"), Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, result.Status);
        var read = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal("bjensen", read?.UserName);
        Assert.Equal(Version("1"), read?.Meta?.Version);
    }

    /// <summary>Replace with the current version succeeds; the old version is stale afterwards.</summary>
    [Fact]
    public async Task User_ReplaceWithCurrentVersion_SucceedsAndOldVersionBecomesStale()
    {
        var id = await CreateAsync(NewUser("bjensen", version: Version("1")));

        var first = await Users.ReplaceAsync(Context, NewUser("second", id, version: Version("2")), Version("1"), Cancellation);
        var stale = await Users.ReplaceAsync(Context, NewUser("third", id, version: Version("3")), Version("1"), Cancellation);

        AssertSucceeded(first, "replace with the current version");
        Assert.Equal(StoreWriteStatus.VersionMismatch, stale.Status);
        var read = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal("second", read?.UserName);
        Assert.Equal(Version("2"), read?.Meta?.Version);
    }

    /// <summary>Delete with a stale version is a mismatch and the user stays; with the current version it goes.</summary>
    [Fact]
    public async Task User_DeleteWithStaleThenCurrentVersion_OnlyTheCurrentOneDeletes()
    {
        var id = await CreateAsync(NewUser("bjensen", version: Version("7")));

        var stale = await Users.DeleteAsync(Context, id, Version("6"), Cancellation);
        var stillThere = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        var current = await Users.DeleteAsync(Context, id, Version("7"), Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, stale.Status);
        Assert.NotNull(stillThere);
        AssertSucceeded(current, "delete with the current version");
        Assert.Null(await Users.GetAsync(Context, id, ReadHints.All, Cancellation));
    }

    /// <summary>A missing resource is NotFound whatever version is expected.</summary>
    [Fact]
    public async Task User_ConditionalWriteOfMissing_IsNotFound()
    {
        await CreateAsync(NewUser("someone"));
        var ghost = NewUser("ghost");

        Assert.Equal(StoreWriteStatus.NotFound, (await Users.ReplaceAsync(Context, ghost, Version("1"), Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.NotFound, (await Users.DeleteAsync(Context, NewId("ghost"), Version("1"), Cancellation)).Status);
    }

    /// <summary>Group replace and delete with a stale version change nothing; with the current version they apply.</summary>
    [Fact]
    public async Task Group_ReplaceAndDeleteWithStaleVersion_ChangeNothing()
    {
        var users = await CreateUsersAsync(2);
        var id = await CreateAsync(NewGroup("Team", users[..1], version: Version("1")));

        var staleReplace = await Groups.ReplaceAsync(Context, NewGroup("Renamed", users, id, version: Version("2")), Version("0"), Cancellation);
        var staleDelete = await Groups.DeleteAsync(Context, id, Version("0"), Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, staleReplace.Status);
        Assert.Equal(StoreWriteStatus.VersionMismatch, staleDelete.Status);
        var read = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal("Team", read?.DisplayName);
        Assert.Equal(Version("1"), read?.Meta?.Version);
        Assert.Equal([users[0]], await MemberIdsAsync(id));

        AssertSucceeded(await Groups.ReplaceAsync(Context, NewGroup("Renamed", users, id, version: Version("2")), Version("1"), Cancellation), "replace with the current version");
        Assert.Equal(Sorted(users), await MemberIdsAsync(id));
        AssertSucceeded(await Groups.DeleteAsync(Context, id, Version("2"), Cancellation), "delete with the current version");
        Assert.Null(await Groups.GetAsync(Context, id, ReadHints.All, Cancellation));
    }

    /// <summary>A group patch conditioned on a stale version is a mismatch and adds no member.</summary>
    [Fact]
    public async Task Group_PatchWithStaleVersion_IsVersionMismatchAndChangesNothing()
    {
        var users = await CreateUsersAsync(2);
        var id = await CreateAsync(NewGroup("Team", users[..1], version: Version("1")));

        var stale = await Groups.PatchAsync(Context, Patch(id, Version("0"), users[1]), Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, stale.Status);
        Assert.Equal([users[0]], await MemberIdsAsync(id));
        Assert.Equal(Version("1"), (await Groups.GetAsync(Context, id, ReadHints.All, Cancellation))?.Meta?.Version);

        var current = await Groups.PatchAsync(Context, Patch(id, Version("1"), users[1]), Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, current.Status);
        Assert.Equal([users[1]], current.AddedMemberIds);
        Assert.Equal(Sorted(users), await MemberIdsAsync(id));
        Assert.Equal(Version("2"), (await Groups.GetAsync(Context, id, ReadHints.All, Cancellation))?.Meta?.Version);
    }

    private static GroupPatch Patch(string id, string expectedVersion, string add) => new()
    {
        Id = id,
        ExpectedVersion = expectedVersion,
        Members = new MembershipChange(false, [Member(add)], []),
        NewVersion = Version("2"),
        LastModified = Day(1),
    };
}
