using Scim.Core.Filtering;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// Tenant isolation (<see cref="ScimContext.Tenant"/>): what tenant A stored is invisible to
/// tenant B and cannot be changed from it, through any store method; names are unique per
/// tenant only. Skipped for stores that claim <see cref="StoreUnderTest.SingleTenant"/>.
/// </summary>
public abstract class TenantIsolationConformanceTests : StoreConformanceTests
{
    /// <summary>Tenant B cannot get, query, replace or delete tenant A's user.</summary>
    [Fact]
    public async Task Users_OfTenantA_AreInvisibleAndUnchangeableFromTenantB()
    {
        SkipWhenSingleTenant();
        var other = NewTenant();
        var id = await CreateAsync(NewUser("bjensen", version: Version("1")));
        var before = await UserVersionAsync(id);

        Assert.Null(await Users.GetAsync(other, id, ReadHints.All, Cancellation));
        var all = await Users.QueryAsync(other, new ScimQuery(), Cancellation);
        Assert.Empty(all.Resources);
        Assert.Equal(0, all.TotalResults);
        var byName = await Users.QueryAsync(other, new ScimQuery { Filter = ScimFilterParser.Parse("userName eq \"bjensen\"") }, Cancellation);
        Assert.Equal(0, byName.TotalResults);
        var byId = await Users.QueryAsync(other, new ScimQuery { Filter = ScimFilterParser.Parse($"id eq \"{id}\"") }, Cancellation);
        Assert.Equal(0, byId.TotalResults);
        Assert.Equal(StoreWriteStatus.NotFound, (await Users.ReplaceAsync(other, NewUser("hijacked", id, version: Version("2")), null, Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.NotFound, (await Users.DeleteAsync(other, id, null, Cancellation)).Status);

        var read = await Users.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal("bjensen", read?.UserName);
        AssertVersion(before, read?.Meta?.Version, Version("2"), changed: false, $"user {id}");
    }

    /// <summary>A query of tenant B with data of its own returns only its own users.</summary>
    [Fact]
    public async Task Query_OfTenantB_ReturnsOnlyItsOwnUsers()
    {
        SkipWhenSingleTenant();
        var other = NewTenant();
        await CreateUsersAsync(5, "mine");
        var theirs = await CreateAsync(NewUser("theirs"), other);

        var page = await Users.QueryAsync(other, new ScimQuery { Filter = ScimFilterParser.Parse("userName pr") }, Cancellation);

        Assert.Equal([theirs], page.Resources.Select(u => u.Id));
        Assert.Equal(1, page.TotalResults);
    }

    /// <summary>Tenant B cannot get, query, replace, delete or patch tenant A's group, nor see or remove its memberships.</summary>
    [Fact]
    public async Task Groups_OfTenantA_AreInvisibleAndUnchangeableFromTenantB()
    {
        SkipWhenSingleTenant();
        var other = NewTenant();
        var users = await CreateUsersAsync(2);
        var id = await CreateAsync(NewGroup("Admins", users[..1], version: Version("1")));
        var before = await GroupVersionAsync(id);

        Assert.Null(await Groups.GetAsync(other, id, ReadHints.All, Cancellation));
        Assert.Equal(0, (await Groups.QueryAsync(other, new ScimQuery(), Cancellation)).TotalResults);
        Assert.Equal(0, (await Groups.QueryAsync(other, new ScimQuery { Filter = ScimFilterParser.Parse("displayName eq \"Admins\"") }, Cancellation)).TotalResults);
        Assert.Equal(StoreWriteStatus.NotFound, (await Groups.ReplaceAsync(other, NewGroup("Hijacked", users, id), null, Cancellation)).Status);
        Assert.Equal(StoreWriteStatus.NotFound, (await Groups.DeleteAsync(other, id, null, Cancellation)).Status);
        var patch = new GroupPatch { Id = id, Members = new MembershipChange(true, [Member(users[1])], []), NewVersion = Version("2"), LastModified = Day(2) };
        Assert.Equal(StoreWriteStatus.NotFound, (await Groups.PatchAsync(other, patch, Cancellation)).Status);
        Assert.Empty(await Groups.GetGroupsOfMembersAsync(other, users, Cancellation));
        Assert.Empty(await Groups.MemberDeletedAsync(other, users[0], [], Version("3"), Day(3), Cancellation));

        var read = await Groups.GetAsync(Context, id, ReadHints.All, Cancellation);
        Assert.Equal("Admins", read?.DisplayName);
        AssertVersion(before, read?.Meta?.Version, Version("2"), changed: false, $"group {id}");
        Assert.Equal([users[0]], await MemberIdsAsync(id));
        Assert.Equal([(users[0], id)], (await Groups.GetGroupsOfMembersAsync(Context, users, Cancellation)).Select(m => (m.MemberId, m.GroupId)));
    }

    /// <summary>Member deletions in tenant B, of its own member or naming tenant A's, leave tenant A's memberships alone.</summary>
    [Fact]
    public async Task MemberDeleted_InTenantB_LeavesTenantAMemberships()
    {
        SkipWhenSingleTenant();
        var other = NewTenant();
        var users = await CreateUsersAsync(1);
        var mine = await CreateAsync(NewGroup("Mine", users));
        var theirUser = await CreateAsync(NewUser("theirs"), other);
        var theirs = await CreateAsync(NewGroup("Theirs", [theirUser]), other);

        var foreign = await Groups.MemberDeletedAsync(other, users[0], [], Version("2"), Day(2), Cancellation);
        AssertSucceeded(await Users.DeleteAsync(other, theirUser, null, Cancellation), "delete tenant B's user");
        var changed = await Groups.MemberDeletedAsync(other, theirUser, [theirs], Version("2"), Day(2), Cancellation);

        Assert.Empty(foreign);
        Assert.Equal([theirs], changed);
        Assert.Equal(users, await MemberIdsAsync(mine));
        Assert.Empty(await MemberIdsAsync(theirs, other));
    }

    /// <summary>The same userName may exist in two tenants, and each tenant's lookup finds its own.</summary>
    [Fact]
    public async Task SameUserName_InTwoTenants_IsAllowed()
    {
        SkipWhenSingleTenant();
        var other = NewTenant();
        var mine = await CreateAsync(NewUser("bjensen"));

        var user = NewUser("BJensen");
        var proposed = user.Id!;
        var theirs = await Users.CreateAsync(other, user, Cancellation);

        AssertSucceeded(theirs, "create the same userName in another tenant");
        var theirId = IdOf(theirs.Resource, proposed, "create the same userName in another tenant");
        var filter = ScimFilterParser.Parse("userName eq \"bjensen\"");
        Assert.Equal([mine], (await Users.QueryAsync(Context, new ScimQuery { Filter = filter }, Cancellation)).Resources.Select(u => u.Id));
        Assert.Equal([theirId], (await Users.QueryAsync(other, new ScimQuery { Filter = filter }, Cancellation)).Resources.Select(u => u.Id));
    }
}
