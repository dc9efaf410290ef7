using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// Uniqueness per tenant: <c>userName</c> always, compared case-insensitively (RFC 7643 §4.1.1);
/// <c>externalId</c> only when <see cref="StoreUnderTest.EnforcesUniqueExternalId"/> (the
/// <c>externalId</c> tests are skipped for stores that do not keep it, see
/// <see cref="StoreUnderTest.Schemas"/>). A broken rule is <see cref="StoreWriteStatus.Conflict"/>
/// naming the attribute, and nothing is written.
/// </summary>
public abstract class UniquenessConformanceTests : StoreConformanceTests
{
    /// <summary>Creating a user whose userName differs only in case is a conflict on userName.</summary>
    /// <param name="second">The second userName.</param>
    [Theory]
    [InlineData("BJensen")]
    [InlineData("bjensen")]
    [InlineData("BJENSEN")]
    public async Task CreateUser_UserNameTakenInAnyCase_IsConflict(string second)
    {
        var first = await CreateAsync(NewUser("BJensen"));

        var result = await Users.CreateAsync(Context, NewUser(second), Cancellation);

        Assert.Equal(StoreWriteStatus.Conflict, result.Status);
        Assert.Equal("userName", result.ConflictAttribute);
        Assert.Equal([first], (await Users.QueryAsync(Context, new ScimQuery(), Cancellation)).Resources.Select(u => u.Id));
    }

    /// <summary>Renaming a user to another user's userName (in other case) is a conflict and changes nothing.</summary>
    [Fact]
    public async Task ReplaceUser_ToTakenUserName_IsConflictAndChangesNothing()
    {
        await CreateAsync(NewUser("BJensen"));
        var id = await CreateAsync(NewUser("other"));

        var result = await Users.ReplaceAsync(Context, NewUser("bjensen", id, version: Version("2")), null, Cancellation);

        Assert.Equal(StoreWriteStatus.Conflict, result.Status);
        Assert.Equal("userName", result.ConflictAttribute);
        Assert.Equal("other", (await Users.GetAsync(Context, id, ReadHints.All, Cancellation))?.UserName);
    }

    /// <summary>A user may change the case of its own userName.</summary>
    [Fact]
    public async Task ReplaceUser_OwnUserNameInOtherCase_Succeeds()
    {
        var id = await CreateAsync(NewUser("bjensen"));

        var result = await Users.ReplaceAsync(Context, NewUser("BJensen", id, version: Version("2")), null, Cancellation);

        AssertSucceeded(result, "replace with the own userName in other case");
        Assert.Equal("BJensen", (await Users.GetAsync(Context, id, ReadHints.All, Cancellation))?.UserName);
    }

    /// <summary>A renamed user frees its old userName.</summary>
    [Fact]
    public async Task ReplaceUser_Renamed_FreesTheOldUserName()
    {
        var id = await CreateAsync(NewUser("bjensen"));
        AssertSucceeded(await Users.ReplaceAsync(Context, NewUser("barbara", id, version: Version("2")), null, Cancellation), "rename");

        var result = await Users.CreateAsync(Context, NewUser("BJENSEN"), Cancellation);

        AssertSucceeded(result, "create with the freed userName");
    }

    /// <summary>A second user with the same externalId: a conflict when the store enforces it, accepted otherwise.</summary>
    [Fact]
    public async Task CreateUser_SameExternalId_ConflictOnlyWhenEnforced()
    {
        SkipUnlessKept(Claims.UserType, "externalId");
        var first = await CreateAsync(NewUser("first", externalId: "ext-1"));
        var second = NewUser("second", externalId: "ext-1");
        var proposed = second.Id!;

        var result = await Users.CreateAsync(Context, second, Cancellation);

        if (Stores.EnforcesUniqueExternalId)
        {
            Assert.Equal(StoreWriteStatus.Conflict, result.Status);
            Assert.Equal("externalId", result.ConflictAttribute);
            Assert.Equal([first], (await Users.QueryAsync(Context, new ScimQuery(), Cancellation)).Resources.Select(u => u.Id));
        }
        else
        {
            AssertSucceeded(result, "create with an externalId already used");
            var id = IdOf(result.Resource, proposed, "create with an externalId already used");
            Assert.Equal("ext-1", (await Users.GetAsync(Context, id, ReadHints.All, Cancellation))?.ExternalId);
        }
    }

    /// <summary>Changing a user's externalId to one in use: a conflict when enforced, accepted otherwise; its own externalId is always fine.</summary>
    [Fact]
    public async Task ReplaceUser_ToUsedExternalId_ConflictOnlyWhenEnforced()
    {
        SkipUnlessKept(Claims.UserType, "externalId");
        await CreateAsync(NewUser("first", externalId: "ext-1"));
        var id = await CreateAsync(NewUser("second", externalId: "ext-2"));

        var same = await Users.ReplaceAsync(Context, NewUser("second", id, externalId: "ext-2", version: Version("2")), null, Cancellation);
        var taken = await Users.ReplaceAsync(Context, NewUser("second", id, externalId: "ext-1", version: Version("3")), null, Cancellation);

        AssertSucceeded(same, "replace keeping the own externalId");
        if (Stores.EnforcesUniqueExternalId)
        {
            Assert.Equal(StoreWriteStatus.Conflict, taken.Status);
            Assert.Equal("externalId", taken.ConflictAttribute);
            Assert.Equal("ext-2", (await Users.GetAsync(Context, id, ReadHints.All, Cancellation))?.ExternalId);
        }
        else
        {
            AssertSucceeded(taken, "replace with an externalId already used");
        }
    }

    /// <summary>externalId is case-exact: values differing in case never collide.</summary>
    [Fact]
    public async Task CreateUser_ExternalIdDifferingInCase_IsNoConflict()
    {
        SkipUnlessKept(Claims.UserType, "externalId");
        await CreateAsync(NewUser("first", externalId: "EXT-1"));

        var result = await Users.CreateAsync(Context, NewUser("second", externalId: "ext-1"), Cancellation);

        AssertSucceeded(result, "create with an externalId differing in case");
    }

    /// <summary>A second group with the same externalId: a conflict when enforced, accepted otherwise.</summary>
    [Fact]
    public async Task CreateGroup_SameExternalId_ConflictOnlyWhenEnforced()
    {
        SkipUnlessKept(Claims.GroupType, "externalId");
        await CreateAsync(NewGroup("First", externalId: "ext-g"));

        var result = await Groups.CreateAsync(Context, NewGroup("Second", externalId: "ext-g"), Cancellation);

        if (Stores.EnforcesUniqueExternalId)
        {
            Assert.Equal(StoreWriteStatus.Conflict, result.Status);
            Assert.Equal("externalId", result.ConflictAttribute);
        }
        else
        {
            AssertSucceeded(result, "create a group with an externalId already used");
        }
    }
}
