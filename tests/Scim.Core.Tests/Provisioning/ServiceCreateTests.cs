using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Provisioning;

/// <summary>POST through the service: what it assigns, what it ignores and what it refuses.</summary>
public sealed class ServiceCreateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_User_AssignsIdAndMeta()
    {
        var clock = new FakeTimeProvider();
        using var kit = new ServiceKit(time: clock);

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);

        Assert.True(Guid.TryParse(created.Id, out _));
        Assert.Matches("^W/\"[0-9a-f]+\"$", created.Version);
        var meta = created.ToJson()["meta"]!.AsObject();
        Assert.Equal("User", (string?)meta["resourceType"]);
        Assert.Equal(ScimDateTime.Format(clock.GetUtcNow()), (string?)meta["created"]);
        Assert.Equal((string?)meta["created"], (string?)meta["lastModified"]);
        Assert.Equal(created.Version, (string?)meta["version"]);
        Assert.Equal($"https://example.com/scim/v2/Users/{created.Id}", (string?)meta["location"]);
        var stored = await kit.StoredUserAsync(created.Id);
        Assert.Equal(created.Version, stored!.Meta!.Version);
        Assert.Equal(clock.GetUtcNow(), stored.Meta.Created);
        Assert.Equal(stored.Meta.Created, stored.Meta.LastModified);
    }

    /// <summary>
    /// A write's time is kept in whole microseconds, what PostgreSQL keeps: the response to a
    /// write shows what every later read of any store shows.
    /// </summary>
    [Fact]
    public async Task WriteTimes_AreWholeMicroseconds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 6, 0, 0, TimeSpan.Zero).AddTicks(1_234_567));
        using var kit = new ServiceKit(time: clock);

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen"), cancellationToken: Ct);
        clock.Advance(TimeSpan.FromTicks(9));
        var patched = await kit.Service.PatchAsync(ServiceKit.Context, "Users", created.Id, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}"""), cancellationToken: Ct);

        Assert.Equal("2026-12-06T06:00:00.123456Z", (string?)created.ToJson()["meta"]!["created"]);
        Assert.Equal("2026-12-06T06:00:00.123457Z", (string?)patched.ToJson()["meta"]!["lastModified"]);
        Assert.Equal(0, (await kit.StoredUserAsync(created.Id))!.Meta!.LastModified!.Value.Ticks % 10);
    }

    [Fact]
    public async Task Create_Group_AssignsIdAndMetaWithGroupResourceType()
    {
        using var kit = new ServiceKit();

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("Admins"), cancellationToken: Ct);

        var meta = created.ToJson()["meta"]!.AsObject();
        Assert.Equal("Group", (string?)meta["resourceType"]);
        Assert.Equal((string?)meta["created"], (string?)meta["lastModified"]);
        Assert.Matches("^W/\"[0-9a-f]+\"$", (string?)meta["version"]);
        Assert.Equal($"https://example.com/scim/v2/Groups/{created.Id}", (string?)meta["location"]);
    }

    [Fact]
    public async Task Create_TwoUsers_GetDifferentIdsAndVersions()
    {
        using var kit = new ServiceKit();
        var a = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("a"), cancellationToken: Ct);
        var b = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("b"), cancellationToken: Ct);
        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(a.Version, b.Version);
    }

    [Fact]
    public async Task Create_ReadOnlyInput_IsIgnored()
    {
        var clock = new FakeTimeProvider();
        using var kit = new ServiceKit(time: clock);
        var group = await kit.CreateGroupAsync("Existing");

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen",
             "id":"client-chosen",
             "meta":{"resourceType":"Group","created":"2001-01-01T00:00:00Z","lastModified":"2001-01-01T00:00:00Z","version":"W/\"client\""},
             "groups":[{"value":"{{group}}","display":"Existing"}]}
            """), cancellationToken: Ct);

        Assert.NotEqual("client-chosen", created.Id);
        Assert.NotEqual("W/\"client\"", created.Version);
        var json = created.ToJson();
        Assert.Equal("User", (string?)json["meta"]!["resourceType"]);
        Assert.Equal(ScimDateTime.Format(clock.GetUtcNow()), (string?)json["meta"]!["created"]);
        Assert.Null(json["groups"]);
        var stored = await kit.StoredUserAsync(created.Id);
        Assert.Empty(stored!.Groups);
        Assert.Empty(await kit.Groups.GetGroupsOfMembersAsync(ServiceKit.Context, [created.Id], Ct));
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Users", "client-chosen"));
    }

    [Fact]
    public async Task Create_ReadOnlyInputInOtherCase_IsIgnored()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","ID":"client-chosen","Meta":{"version":"W/\"client\""},"GROUPS":[{"value":"g"}]}
            """), cancellationToken: Ct);
        Assert.NotEqual("client-chosen", created.Id);
        Assert.NotEqual("W/\"client\"", created.Version);
        Assert.Null(created.ToJson()["groups"]);
    }

    [Fact]
    public async Task Create_ReadOnlySubAttribute_IsIgnored()
    {
        using var kit = new ServiceKit();
        var boss = await kit.CreateUserAsync("boss");
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{ServiceKit.Enterprise}}"],"userName":"bjensen",
             "{{ServiceKit.Enterprise}}":{"manager":{"value":"{{boss}}","displayName":"Claimed by the client"} } }
            """), cancellationToken: Ct);
        var manager = (await kit.StoredUserAsync(created.Id))!.EnterpriseUser!.Manager!;
        Assert.Equal(boss, manager.Value);
        Assert.Null(manager.DisplayName);
    }

    [Fact]
    public async Task Create_UserWithAllowedAttributes_StoresThem()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{ServiceKit.Enterprise}}"],"userName":"bjensen",
             "name":{"givenName":"Barbara","familyName":"Jensen"},"active":true,
             "emails":[{"value":"b@example.com","type":"work","primary":true}],
             "{{ServiceKit.Enterprise}}":{"employeeNumber":"701984"} }
            """), cancellationToken: Ct);

        var json = created.ToJson();
        Assert.Equal("Barbara", (string?)json["name"]!["givenName"]);
        Assert.Equal("b@example.com", (string?)json["emails"]![0]!["value"]);
        Assert.Equal("701984", (string?)json[ServiceKit.Enterprise]!["employeeNumber"]);
        Assert.Equal("701984", (await kit.StoredUserAsync(created.Id))!.EnterpriseUser!.EmployeeNumber);
    }

    [Fact]
    public async Task Create_MissingUserName_Is400InvalidValue_AndNothingStored()
    {
        using var kit = new ServiceKit();
        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"displayName":"No name"}"""), cancellationToken: Ct));
        Assert.Contains("userName", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Create_MissingGroupDisplayName_Is400InvalidValue()
    {
        using var kit = new ServiceKit();
        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}"""), cancellationToken: Ct));
        Assert.Contains("displayName", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).TotalResults);
    }

    [Fact]
    public async Task Create_UnknownAttribute_Is400InvalidSyntax_AndNothingStored()
    {
        using var kit = new ServiceKit();
        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","shoeSize":44}"""), cancellationToken: Ct));
        Assert.Contains("shoeSize", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    [Theory]
    [InlineData("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    public async Task Create_MalformedJson_Is400InvalidSyntax(string body)
    {
        using var kit = new ServiceKit();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json(body), cancellationToken: Ct));
        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    [Fact]
    public async Task Create_WrongValueType_Is400InvalidValue()
    {
        using var kit = new ServiceKit();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","active":"yes"}"""), cancellationToken: Ct));
    }

    [Fact]
    public async Task Create_UnknownResourceType_Is404()
    {
        using var kit = new ServiceKit();
        await ServiceKit.ThrowsScimAsync(404, null, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Devices", ServiceKit.UserBody("x"), cancellationToken: Ct));
    }

    [Theory]
    [InlineData("bjensen")]
    [InlineData("BJENSEN")]
    [InlineData("BJensen")]
    public async Task Create_UserNameTakenInAnyCase_Is409Uniqueness_AndNothingStored(string second)
    {
        using var kit = new ServiceKit();
        var first = await kit.CreateUserAsync("BJensen");

        await ServiceKit.ThrowsScimAsync(409, ScimErrorType.Uniqueness, () => kit.CreateUserAsync(second));

        Assert.Equal(1, kit.Users.Count(ServiceKit.Context.Tenant));
        var list = await kit.Service.ListAsync(ServiceKit.Context, "Users", null, Ct);
        Assert.Equal([first], list.Resources.Select(r => r.Id));
        Assert.Equal([ScimChangeKind.Created], kit.Events.All.Select(e => e.Kind));
    }

    [Fact]
    public async Task Create_SameUserNameInAnotherTenant_IsAllowed()
    {
        using var kit = new ServiceKit();
        await kit.CreateUserAsync("bjensen", ServiceKit.Tenant("a"));
        await kit.CreateUserAsync("BJENSEN", ServiceKit.Tenant("b"));
        Assert.Equal(1, kit.Users.Count("a"));
        Assert.Equal(1, kit.Users.Count("b"));
    }

    [Fact]
    public async Task Create_DuplicateExternalId_IsAllowedByDefault()
    {
        using var kit = new ServiceKit();
        await kit.CreateUserAsync("a", externalId: "ext-1");
        await kit.CreateUserAsync("b", externalId: "ext-1");
        Assert.Equal(2, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    [Fact]
    public async Task Create_DuplicateExternalId_WithUniqueExternalId_Is409Uniqueness()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { UniqueExternalId = true });
        await kit.CreateUserAsync("a", externalId: "ext-1");

        var error = await ServiceKit.ThrowsScimAsync(409, ScimErrorType.Uniqueness, () => kit.CreateUserAsync("b", externalId: "ext-1"));

        Assert.Contains("externalId", error.Detail, StringComparison.Ordinal);
        Assert.Equal(1, kit.Users.Count(ServiceKit.Context.Tenant));
        await kit.CreateUserAsync("c", externalId: "ext-2");
        await kit.CreateUserAsync("d", externalId: "EXT-1"); // externalId is case-exact
        await kit.CreateUserAsync("e", ServiceKit.Tenant("other"), externalId: "ext-1");
    }

    [Fact]
    public async Task Create_DuplicateGroupExternalId_WithUniqueExternalId_Is409Uniqueness()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { UniqueExternalId = true });
        var body = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G1","externalId":"g-ext"}""";
        await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.Json(body), cancellationToken: Ct);

        await ServiceKit.ThrowsScimAsync(409, ScimErrorType.Uniqueness, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.Json(body.Replace("G1", "G2", StringComparison.Ordinal)), cancellationToken: Ct));
        Assert.Equal(1, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).TotalResults);
    }

    [Fact]
    public async Task Create_GroupWithMembers_FillsInMemberType()
    {
        using var kit = new ServiceKit();
        var user = await kit.CreateUserAsync("alice");
        var inner = await kit.CreateGroupAsync("Inner");

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("Outer", user, inner), cancellationToken: Ct);

        var members = created.ToJson()["members"]!.AsArray().ToDictionary(m => (string)m!["value"]!, m => (string?)m!["type"]);
        Assert.Equal(new Dictionary<string, string?> { [user] = "User", [inner] = "Group" }, members);
        var stored = await kit.StoredGroupAsync(created.Id);
        Assert.Equal("User", stored!.Members.Single(m => m.Value == user).Type);
        Assert.Equal("Group", stored.Members.Single(m => m.Value == inner).Type);
    }

    [Fact]
    public async Task Create_GroupWithRightMemberTypeInAnyCase_IsAccepted()
    {
        using var kit = new ServiceKit();
        var user = await kit.CreateUserAsync("alice");
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.Json($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":"{{user}}","type":"user"}]}
            """), cancellationToken: Ct);
        Assert.Equal([user], await kit.MemberIdsAsync(created.Id));
    }

    [Fact]
    public async Task Create_GroupWithDuplicateMember_StoresItOnce()
    {
        using var kit = new ServiceKit();
        var user = await kit.CreateUserAsync("alice");
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("G", user, user), cancellationToken: Ct);
        Assert.Equal([user], await kit.MemberIdsAsync(created.Id));
    }

    [Fact]
    public async Task Create_GroupWithUnknownMember_Is400InvalidValue_AndNoGroupStored()
    {
        using var kit = new ServiceKit();
        var user = await kit.CreateUserAsync("alice");
        kit.Events.Clear();

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("G", user, "no-such-id"), cancellationToken: Ct));

        Assert.Contains("no-such-id", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).TotalResults);
        Assert.Empty(await kit.Groups.GetGroupsOfMembersAsync(ServiceKit.Context, [user], Ct));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Create_GroupWithMemberOfAnotherTenant_Is400InvalidValue()
    {
        using var kit = new ServiceKit();
        var foreign = await kit.CreateUserAsync("alice", ServiceKit.Tenant("other"));
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.GroupBody("G", foreign), cancellationToken: Ct));
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).TotalResults);
    }

    [Fact]
    public async Task Create_GroupWithMemberWithoutValue_Is400InvalidValue()
    {
        using var kit = new ServiceKit();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.Json("""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"display":"nobody"}]}
                """), cancellationToken: Ct));
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).TotalResults);
    }

    [Theory]
    [InlineData("User", "Group")]
    [InlineData("Group", "User")]
    public async Task Create_GroupWithWrongMemberType_Is400InvalidValue(string actual, string claimed)
    {
        using var kit = new ServiceKit();
        var member = actual == "User" ? await kit.CreateUserAsync("alice") : await kit.CreateGroupAsync("Inner");

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.Json($$"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":"{{member}}","type":"{{claimed}}"}]}
                """), cancellationToken: Ct));

        Assert.Equal(actual == "User" ? 0 : 1, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).TotalResults);
    }

    [Fact]
    public async Task Patch_GroupAddingItselfAsMember_Is400InvalidValue()
    {
        using var kit = new ServiceKit();
        var group = await kit.CreateGroupAsync("G");
        var before = await kit.StoredGroupAsync(group);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.PatchAsync("Groups", group, $$"""{"op":"add","path":"members","value":[{"value":"{{group}}"}]}"""));

        Assert.Empty(await kit.MemberIdsAsync(group));
        Assert.Equal(before!.Meta!.Version, (await kit.StoredGroupAsync(group))!.Meta!.Version);
    }

    [Fact]
    public async Task Replace_GroupListingItselfAsMember_Is400InvalidValue()
    {
        using var kit = new ServiceKit();
        var group = await kit.CreateGroupAsync("G");
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.ReplaceAsync(ServiceKit.Context, "Groups", group, ServiceKit.GroupBody("G", group), cancellationToken: Ct));
        Assert.Empty(await kit.MemberIdsAsync(group));
    }

    [Fact]
    public async Task CreateTyped_User_IgnoresIdAndMeta_AndKeepsPassword()
    {
        using var kit = new ServiceKit();
        var user = new User
        {
            Id = "mine",
            UserName = "typed",
            Password = "t0p-secret",
            Meta = new ResourceMeta { Version = "W/\"mine\"" },
        };

        var created = await kit.Service.CreateAsync(ServiceKit.Context, user, Ct);

        Assert.NotEqual("mine", created.Id);
        Assert.NotEqual("W/\"mine\"", created.Version);
        Assert.Equal("typed", (string?)created.ToJson()["userName"]);
        Assert.DoesNotContain("t0p-secret", created.ToJson().ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("t0p-secret", (await kit.StoredUserAsync(created.Id))!.Password);
    }

    [Fact]
    public async Task CreateTyped_UserWithoutUserName_Is400InvalidValue()
    {
        using var kit = new ServiceKit();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => kit.Service.CreateAsync(ServiceKit.Context, new User { DisplayName = "x" }, Ct));
    }

    [Fact]
    public async Task CreateTyped_Group_ChecksMembers()
    {
        using var kit = new ServiceKit();
        var user = await kit.CreateUserAsync("alice");

        var created = await kit.Service.CreateAsync(ServiceKit.Context, new Group { DisplayName = "Typed", Members = [new GroupMember { Value = user }] }, Ct);
        Assert.Equal("User", (await kit.StoredGroupAsync(created.Id))!.Members.Single().Type);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, new Group { DisplayName = "Bad", Members = [new GroupMember { Value = "ghost" }] }, Ct));
    }

    [Fact]
    public async Task Create_Projection_AppliesToTheReturnedResource()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("p", email: "p@example.com"), new ScimRequestOptions { Attributes = "userName" }, Ct);
        var json = created.ToJson();
        Assert.Equal("p", (string?)json["userName"]);
        Assert.NotNull(json["id"]);
        Assert.Null(json["emails"]);
        Assert.Null(json["active"]);
    }
}
