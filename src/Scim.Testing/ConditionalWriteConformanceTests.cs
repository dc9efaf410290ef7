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
        var current = await UserVersionAsync(id);
        var replacement = NewUser("changed", id, version: Version("2"));

        var result = await Users.ReplaceAsync(Context, replacement, Version("0"), Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, result.Status);
        var read = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal("bjensen", read?.UserName);
        AssertVersion(current, read?.Meta?.Version, Version("2"), changed: false, $"user {id}");
    }

    /// <summary>Replace with the current version succeeds; the old version is stale afterwards.</summary>
    [Fact]
    public async Task User_ReplaceWithCurrentVersion_SucceedsAndOldVersionBecomesStale()
    {
        var id = await CreateAsync(NewUser("bjensen", version: Version("1")));
        var old = await UserVersionAsync(id);

        var first = await Users.ReplaceAsync(Context, NewUser("second", id, version: Version("2")), old, Cancellation);
        var current = await UserVersionAsync(id);
        var stale = await Users.ReplaceAsync(Context, NewUser("third", id, version: Version("3")), old, Cancellation);

        AssertSucceeded(first, "replace with the current version");
        AssertVersion(old, current, Version("2"), changed: true, $"user {id}");
        Assert.Equal(StoreWriteStatus.VersionMismatch, stale.Status);
        var read = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal("second", read?.UserName);
        Assert.Equal(current, read?.Meta?.Version);
    }

    /// <summary>Delete with a stale version is a mismatch and the user stays; with the current version it goes.</summary>
    [Fact]
    public async Task User_DeleteWithStaleThenCurrentVersion_OnlyTheCurrentOneDeletes()
    {
        var id = await CreateAsync(NewUser("bjensen", version: Version("7")));
        var current = await UserVersionAsync(id);

        var stale = await Users.DeleteAsync(Context, id, Version("6"), Cancellation);
        var stillThere = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        var deleted = await Users.DeleteAsync(Context, id, current, Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, stale.Status);
        Assert.NotNull(stillThere);
        AssertSucceeded(deleted, "delete with the current version");
        Assert.Null(await Users.GetAsync(Context, id, ReadHints.All, Cancellation));
    }

    /// <summary>A delete conditioned on a version the user had before it changed is a mismatch.</summary>
    [Fact]
    public async Task User_DeleteWithVersionBeforeAReplace_IsVersionMismatch()
    {
        var id = await CreateAsync(NewUser("bjensen", version: Version("1")));
        var old = await UserVersionAsync(id);
        AssertSucceeded(await Users.ReplaceAsync(Context, NewUser("renamed", id, version: Version("2")), null, Cancellation), "replace");

        var stale = await Users.DeleteAsync(Context, id, old, Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, stale.Status);
        Assert.Equal("renamed", (await Users.GetAsync(Context, id, ReadHints.All, Cancellation))?.UserName);
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
        var v1 = await GroupVersionAsync(id);

        var staleReplace = await Groups.ReplaceAsync(Context, NewGroup("Renamed", users, id, version: Version("2")), Version("0"), Cancellation);
        var staleDelete = await Groups.DeleteAsync(Context, id, Version("0"), Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, staleReplace.Status);
        Assert.Equal(StoreWriteStatus.VersionMismatch, staleDelete.Status);
        var read = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal("Team", read?.DisplayName);
        AssertVersion(v1, read?.Meta?.Version, Version("2"), changed: false, $"group {id}");
        Assert.Equal([users[0]], await MemberIdsAsync(id));

        AssertSucceeded(await Groups.ReplaceAsync(Context, NewGroup("Renamed", users, id, version: Version("2")), v1, Cancellation), "replace with the current version");
        Assert.Equal(Sorted(users), await MemberIdsAsync(id));
        var v2 = await GroupVersionAsync(id);
        AssertVersion(v1, v2, Version("2"), changed: true, $"group {id}");
        Assert.Equal(StoreWriteStatus.VersionMismatch, (await Groups.DeleteAsync(Context, id, v1, Cancellation)).Status);
        AssertSucceeded(await Groups.DeleteAsync(Context, id, v2, Cancellation), "delete with the current version");
        Assert.Null(await Groups.GetAsync(Context, id, ReadHints.All, Cancellation));
    }

    /// <summary>A group patch conditioned on a stale version is a mismatch and adds no member.</summary>
    [Fact]
    public async Task Group_PatchWithStaleVersion_IsVersionMismatchAndChangesNothing()
    {
        var users = await CreateUsersAsync(2);
        var id = await CreateAsync(NewGroup("Team", users[..1], version: Version("1")));
        var v1 = await GroupVersionAsync(id);

        var stale = await Groups.PatchAsync(Context, Patch(id, Version("0"), users[1]), Cancellation);

        Assert.Equal(StoreWriteStatus.VersionMismatch, stale.Status);
        Assert.Equal([users[0]], await MemberIdsAsync(id));
        AssertVersion(v1, await GroupVersionAsync(id), Version("2"), changed: false, $"group {id}");

        var current = await Groups.PatchAsync(Context, Patch(id, v1!, users[1]), Cancellation);

        Assert.Equal(StoreWriteStatus.Succeeded, current.Status);
        Assert.Equal([users[1]], current.AddedMemberIds);
        Assert.Equal(Sorted(users), await MemberIdsAsync(id));
        AssertVersion(v1, await GroupVersionAsync(id), Version("2"), changed: true, $"group {id}");
        Assert.Equal(StoreWriteStatus.VersionMismatch, (await Groups.PatchAsync(Context, Patch(id, v1!, users[0]), Cancellation)).Status);
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
