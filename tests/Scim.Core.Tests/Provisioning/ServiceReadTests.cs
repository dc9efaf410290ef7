using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>GET by id and list (filter, sort, paging, projection) through the service.</summary>
public sealed class ServiceReadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Names = ["carol", "alice", "eve", "bob", "dave"];

    [Fact]
    public async Task List_UsersCreatedUnderAClockThatStandsStill_ComeBackInOrderOfCreation()
    {
        using var kit = new ServiceKit(time: new FakeTimeProvider());
        var created = new List<string>();
        foreach (var name in Enumerable.Range(0, 50).Select(i => $"user{i}"))
        {
            created.Add(await kit.CreateUserAsync(name));
        }

        var list = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Count = 100 }, Ct);

        Assert.Equal(created, list.Resources.Select(r => r.Id));
    }

    [Fact]
    public async Task Get_ExistingUser_ReturnsIt()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");
        var found = await kit.GetAsync("Users", id);
        Assert.Equal(id, found.Id);
        Assert.Equal("alice", (string?)found.ToJson()["userName"]);
        Assert.False(found.Changed);
    }

    [Fact]
    public async Task Get_UnknownId_Is404()
    {
        using var kit = new ServiceKit();
        await kit.CreateUserAsync("alice");
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Users", "no-such-id"));
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Groups", "no-such-id"));
    }

    [Fact]
    public async Task Get_UnknownIdInEmptyTenant_Is404()
    {
        using var kit = new ServiceKit();
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Users", "anything"));
    }

    [Fact]
    public async Task Get_AnotherTenantsId_Is404()
    {
        using var kit = new ServiceKit();
        var theirs = await kit.CreateUserAsync("alice", ServiceKit.Tenant("other"));
        var theirGroup = await kit.CreateGroupAsync("Theirs", ServiceKit.Tenant("other"));
        await kit.CreateUserAsync("mine");

        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Users", theirs));
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Groups", theirGroup));
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Groups", theirs));
    }

    [Fact]
    public async Task Get_UserIdAsGroup_Is404()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.GetAsync("Groups", id));
    }

    [Fact]
    public async Task List_Filter_ReturnsMatchesAndTotal()
    {
        using var kit = await KitWithUsersAsync();
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = "userName sw \"a\" or userName eq \"BOB\"" }, Ct);
        Assert.Equal(2, page.TotalResults);
        Assert.Equal(["alice", "bob"], page.Resources.Select(r => (string)r.ToJson()["userName"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task List_NoMatches_IsEmptyPage()
    {
        using var kit = await KitWithUsersAsync();
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = "userName eq \"zed\"" }, Ct);
        Assert.Equal(0, page.TotalResults);
        Assert.Empty(page.Resources);
    }

    [Fact]
    public async Task List_OnlyTheCallersTenant()
    {
        using var kit = await KitWithUsersAsync();
        await kit.CreateUserAsync("alice", ServiceKit.Tenant("other"));
        var page = await kit.Service.ListAsync(ServiceKit.Tenant("other"), "Users", new ScimListRequest { Filter = "userName pr" }, Ct);
        Assert.Equal(1, page.TotalResults);
    }

    [Theory]
    [InlineData(null, new[] { "alice", "bob", "carol", "dave", "eve" })]
    [InlineData("ascending", new[] { "alice", "bob", "carol", "dave", "eve" })]
    [InlineData("descending", new[] { "eve", "dave", "carol", "bob", "alice" })]
    public async Task List_SortBy_Orders(string? order, string[] expected)
    {
        using var kit = await KitWithUsersAsync();
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName", SortOrder = order }, Ct);
        Assert.Equal(expected, page.Resources.Select(r => (string)r.ToJson()["userName"]!));
    }

    [Fact]
    public async Task List_InvalidSortOrder_Is400InvalidValue()
    {
        using var kit = await KitWithUsersAsync();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName", SortOrder = "sideways" }, Ct));
    }

    [Fact]
    public async Task List_StartIndexAndCount_CutThePage()
    {
        using var kit = await KitWithUsersAsync();
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName", StartIndex = 2, Count = 2 }, Ct);
        Assert.Equal(5, page.TotalResults);
        Assert.Equal(2, page.StartIndex);
        Assert.Equal(2, page.ItemsPerPage);
        Assert.Equal(["bob", "carol"], page.Resources.Select(r => (string)r.ToJson()["userName"]!));
    }

    [Fact]
    public async Task List_StartIndexPastTheEnd_IsEmptyWithTotal()
    {
        using var kit = await KitWithUsersAsync();
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { StartIndex = 6 }, Ct);
        Assert.Equal(5, page.TotalResults);
        Assert.Equal(6, page.StartIndex);
        Assert.Empty(page.Resources);
    }

    [Fact]
    public async Task List_UnsortedPages_AreDisjointAndCoverAll()
    {
        using var kit = await KitWithUsersAsync();
        var ids = new List<string>();
        for (var start = 1; start <= 5; start += 2)
        {
            var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { StartIndex = start, Count = 2 }, Ct);
            ids.AddRange(page.Resources.Select(r => r.Id));
        }

        Assert.Equal(5, ids.Distinct().Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-100)]
    public async Task List_StartIndexBelowOne_CountsAsOne(int startIndex)
    {
        using var kit = await KitWithUsersAsync();
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName", StartIndex = startIndex, Count = 1 }, Ct);
        Assert.Equal(1, page.StartIndex);
        Assert.Equal("alice", (string?)page.Resources.Single().ToJson()["userName"]);
        Assert.Equal(1, (int)page.ToJson()["startIndex"]!);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(0)]
    public async Task List_CountZeroOrNegative_ReturnsOnlyTheTotal(int count)
    {
        using var kit = await KitWithUsersAsync();
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Count = count }, Ct);
        Assert.Equal(5, page.TotalResults);
        Assert.Empty(page.Resources);
        Assert.Equal(0, (int)page.ToJson()["itemsPerPage"]!);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public async Task List_CountAboveMaxCount_IsClamped(int count)
    {
        using var kit = await KitWithUsersAsync(new ScimServiceOptions { MaxCount = 3, DefaultCount = 2 });
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Count = count }, Ct);
        Assert.Equal(3, page.ItemsPerPage);
        Assert.Equal(5, page.TotalResults);
    }

    [Fact]
    public async Task List_NoCount_UsesDefaultCount()
    {
        using var kit = await KitWithUsersAsync(new ScimServiceOptions { MaxCount = 3, DefaultCount = 2 });
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", null, Ct);
        Assert.Equal(2, page.ItemsPerPage);
        Assert.Equal(5, page.TotalResults);
    }

    [Theory]
    [InlineData("userName eq")]
    [InlineData("userName zz \"a\"")]
    [InlineData("(userName eq \"a\"")]
    [InlineData("userName eq \"a\" and")]
    public async Task List_MalformedFilter_Is400InvalidFilter(string filter)
    {
        using var kit = await KitWithUsersAsync();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidFilter, () =>
            kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = filter }, Ct));
    }

    [Fact]
    public async Task List_FilterOnUnknownAttribute_Is400InvalidFilter()
    {
        using var kit = await KitWithUsersAsync();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidFilter, () =>
            kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = "shoeSize gt 40" }, Ct));
    }

    [Theory]
    [InlineData("shoeSize")]
    [InlineData("name.shoeSize")]
    [InlineData("urn:example:unknown:attr")]
    public async Task List_UnknownSortBy_Is400InvalidPath(string sortBy)
    {
        using var kit = await KitWithUsersAsync();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidPath, () =>
            kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = sortBy }, Ct));
    }

    [Fact]
    public async Task List_UnknownResourceType_Is404()
    {
        using var kit = new ServiceKit();
        await ServiceKit.ThrowsScimAsync(404, null, () => kit.Service.ListAsync(ServiceKit.Context, "Devices", null, Ct));
    }

    [Fact]
    public async Task List_CursorPaging_WalksEveryResourceOnce()
    {
        using var kit = await KitWithUsersAsync();
        Assert.True(kit.Service.SupportsCursorPaging);
        var seen = new List<string>();
        string? cursor = string.Empty;
        var pages = 0;
        while (cursor is not null)
        {
            var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = cursor, Count = 2 }, Ct);
            Assert.True(page.CursorPaging);
            Assert.Equal(5, page.TotalResults);
            Assert.True(page.ItemsPerPage <= 2);
            seen.AddRange(page.Resources.Select(r => r.Id));
            cursor = page.NextCursor;
            Assert.True(++pages <= 3, "The cursor chain does not end.");
        }

        Assert.Equal(3, pages);
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task List_CursorPaging_WithFilter_CoversOnlyMatches()
    {
        using var kit = await KitWithUsersAsync();
        var first = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = "", Count = 1, Filter = "userName lt \"c\"" }, Ct);
        Assert.Equal(2, first.TotalResults);
        Assert.NotNull(first.NextCursor);
        var second = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = first.NextCursor, Count = 1, Filter = "userName lt \"c\"" }, Ct);
        Assert.Single(second.Resources);
        Assert.Null(second.NextCursor);
        Assert.NotEqual(first.Resources[0].Id, second.Resources[0].Id);
    }

    [Fact]
    public async Task List_CursorPaging_LastPageExactlyFull_HasNoNextCursor()
    {
        using var kit = await KitWithUsersAsync();
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = "", Count = 5 }, Ct);
        Assert.Equal(5, page.ItemsPerPage);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task List_CursorPaging_ResourceDeletedBetweenPages_IsNotRepeatedOrSkipped()
    {
        using var kit = await KitWithUsersAsync();
        var first = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = "", Count = 2 }, Ct);
        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", first.Resources[1].Id, cancellationToken: Ct);
        var rest = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = first.NextCursor, Count = 10 }, Ct);
        Assert.Equal(3, rest.ItemsPerPage);
        Assert.Empty(rest.Resources.Select(r => r.Id).Intersect(first.Resources.Select(r => r.Id)));
    }

    [Theory]
    [InlineData("not-a-cursor!")]
    [InlineData("aWQ6")] // "id:" with no id
    [InlineData("Zm9v")] // "foo"
    public async Task List_InvalidCursor_Is400InvalidCursor(string cursor)
    {
        using var kit = await KitWithUsersAsync();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidCursor, () =>
            kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = cursor }, Ct));
    }

    [Fact]
    public async Task List_CursorWithSortBy_Is400InvalidValue()
    {
        using var kit = await KitWithUsersAsync();
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = "", SortBy = "userName" }, Ct));
    }

    [Fact]
    public async Task ListResult_ToJson_HasTheListResponseShape()
    {
        using var kit = await KitWithUsersAsync();
        var json = (await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName", StartIndex = 2, Count = 2 }, Ct)).ToJson();

        Assert.Equal(["schemas", "totalResults", "itemsPerPage", "startIndex", "Resources"], json.Select(p => p.Key));
        Assert.Equal(["urn:ietf:params:scim:api:messages:2.0:ListResponse"], json["schemas"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(5, (int)json["totalResults"]!);
        Assert.Equal(2, (int)json["itemsPerPage"]!);
        Assert.Equal(2, (int)json["startIndex"]!);
        var resources = json["Resources"]!.AsArray();
        Assert.Equal(["bob", "carol"], resources.Select(r => (string)r!["userName"]!));
        Assert.All(resources, r => Assert.StartsWith("https://example.com/scim/v2/Users/", (string)r!["meta"]!["location"]!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListResult_ToJson_CursorPage_HasNextCursorAndNoStartIndex()
    {
        using var kit = await KitWithUsersAsync();
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = "", Count = 2 }, Ct);
        var json = page.ToJson();
        Assert.Null(json["startIndex"]);
        Assert.Equal(page.NextCursor, (string?)json["nextCursor"]);
        Assert.Equal(2, json["Resources"]!.AsArray().Count);

        var last = (await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Cursor = "", Count = 10 }, Ct)).ToJson();
        Assert.False(last.ContainsKey("nextCursor"));
    }

    [Fact]
    public async Task ListResult_ToJson_EmptyPage_HasEmptyResources()
    {
        using var kit = new ServiceKit();
        var json = (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).ToJson();
        Assert.Equal(0, (int)json["totalResults"]!);
        Assert.Equal(0, (int)json["itemsPerPage"]!);
        Assert.Equal(1, (int)json["startIndex"]!);
        Assert.Empty(json["Resources"]!.AsArray());
    }

    [Fact]
    public async Task Get_Attributes_ProjectsToThemAndTheAlwaysOnes()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");
        await kit.PatchAsync("Users", id, """{"op":"add","value":{"displayName":"Alice","emails":[{"value":"a@example.com","type":"work"}]}}""");

        var json = (await kit.GetAsync("Users", id, new ScimRequestOptions { Attributes = "displayName" })).ToJson();

        Assert.Equal("Alice", (string?)json["displayName"]);
        Assert.Equal(id, (string?)json["id"]);
        Assert.NotNull(json["schemas"]);
        Assert.Null(json["userName"]);
        Assert.Null(json["emails"]);
        Assert.Null(json["active"]);
    }

    [Fact]
    public async Task Get_ExcludedAttributes_DropsThem()
    {
        using var kit = new ServiceKit();
        var id = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("alice", email: "a@example.com"), cancellationToken: Ct)).Id;

        var json = (await kit.GetAsync("Users", id, new ScimRequestOptions { ExcludedAttributes = "emails,active" })).ToJson();

        Assert.Equal("alice", (string?)json["userName"]);
        Assert.Null(json["emails"]);
        Assert.Null(json["active"]);
        Assert.Equal(id, (string?)json["id"]);
    }

    [Fact]
    public async Task Get_SubAttribute_ProjectsInsideComplex()
    {
        using var kit = new ServiceKit();
        var id = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("alice", email: "a@example.com"), cancellationToken: Ct)).Id;
        var json = (await kit.GetAsync("Users", id, new ScimRequestOptions { Attributes = "emails.value" })).ToJson();
        var email = json["emails"]![0]!.AsObject();
        Assert.Equal("a@example.com", (string?)email["value"]);
        Assert.False(email.ContainsKey("type"));
    }

    [Fact]
    public async Task Get_UnknownAttributesParameter_Is400InvalidPath()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("alice");
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidPath, () => kit.GetAsync("Users", id, new ScimRequestOptions { Attributes = "name..givenName" }));
    }

    [Fact]
    public async Task List_AttributesProjection_AppliesToEveryResource()
    {
        using var kit = await KitWithUsersAsync();
        var json = (await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Attributes = "userName" }, Ct)).ToJson();
        Assert.All(json["Resources"]!.AsArray(), r =>
        {
            Assert.NotNull(r!["userName"]);
            Assert.NotNull(r["id"]);
            Assert.Null(r["active"]);
        });
    }

    [Fact]
    public async Task List_GroupsExcludingMembers_HaveNoMembers()
    {
        using var kit = new ServiceKit();
        var user = await kit.CreateUserAsync("alice");
        await kit.CreateGroupAsync("G", null, user);
        var with = (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).Resources.Single().ToJson();
        var without = (await kit.Service.ListAsync(ServiceKit.Context, "Groups", new ScimListRequest { ExcludedAttributes = "members" }, Ct)).Resources.Single().ToJson();
        Assert.Single(with["members"]!.AsArray());
        Assert.Null(without["members"]);
        Assert.Equal("G", (string?)without["displayName"]);
    }

    [Fact]
    public async Task List_GroupsFilteredByMember_FindTheGroup()
    {
        using var kit = new ServiceKit();
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var g1 = await kit.CreateGroupAsync("G1", null, alice);
        await kit.CreateGroupAsync("G2", null, bob);
        var page = await kit.Service.ListAsync(ServiceKit.Context, "Groups", new ScimListRequest { Filter = $"members[value eq \"{alice}\"]", ExcludedAttributes = "members" }, Ct);
        Assert.Equal([g1], page.Resources.Select(r => r.Id));
        Assert.Null(page.Resources[0].ToJson()["members"]);
    }

    public static TheoryData<string?, string?> ProjectionCombinations => new()
    {
        { null, null },
        { "password", null },
        { "userName,password", null },
        { null, "password" },
        { null, "userName" },
        { null, "userName,emails" },
        { "id", null },
        { "schemas,meta", null },
        { "urn:ietf:params:scim:schemas:core:2.0:User:password", null },
        { "urn:ietf:params:scim:schemas:core:2.0:User", null },
    };

    [Theory]
    [MemberData(nameof(ProjectionCombinations))]
    public async Task Password_NeverInAnyToJson(string? attributes, string? excluded)
    {
        using var kit = new ServiceKit();
        var options = new ScimRequestOptions { Attributes = attributes, ExcludedAttributes = excluded };
        var outputs = new List<JsonObject>();

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"p","password":"pa55-WORD-1"}"""), options, Ct);
        var id = created.Id;
        outputs.Add(created.ToJson());
        outputs.Add((await kit.GetAsync("Users", id, options)).ToJson());
        outputs.Add((await kit.PatchAsync("Users", id, """{"op":"replace","path":"password","value":"pa55-WORD-2"}""", options)).ToJson());
        outputs.Add((await kit.PatchAsync("Users", id, """{"op":"replace","value":{"password":"pa55-WORD-3","displayName":"P"}}""", options)).ToJson());
        outputs.Add((await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"p","password":"pa55-WORD-4"}"""), options, Ct)).ToJson());
        outputs.Add((await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Attributes = attributes, ExcludedAttributes = excluded }, Ct)).ToJson());
        outputs.Add((await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Attributes = attributes, ExcludedAttributes = excluded, Cursor = "" }, Ct)).ToJson());

        Assert.Equal("pa55-WORD-4", (await kit.StoredUserAsync(id))!.Password);
        Assert.All(outputs, json =>
        {
            var text = json.ToJsonString();
            Assert.DoesNotContain("pa55-WORD", text, StringComparison.Ordinal);
            Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
        });
    }

    private static async Task<ServiceKit> KitWithUsersAsync(ScimServiceOptions? options = null)
    {
        var kit = new ServiceKit(options);
        foreach (var name in Names)
        {
            await kit.CreateUserAsync(name);
        }

        return kit;
    }
}
