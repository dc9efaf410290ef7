using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// A service whose user store declared what it keeps (userName, name.givenName, active, emails,
/// the enterprise department): anything else is an unknown attribute on the way in (refused, or
/// dropped under <see cref="Serialization.UnknownAttributeHandling.Ignore"/>), never in a response,
/// and a 400 in a filter or sortBy.
/// </summary>
public sealed class ServiceDeclaredAttributesTests
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;
    private const string CoreUser = ScimSchemaUris.User;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScimContext Context => ServiceKit.Context;

    /// <summary>Attributes (as JSON members of a User body) the narrow store does not keep, and the name the error must give.</summary>
    public static TheoryData<string, string> Undeclared => new()
    {
        { "\"title\":\"Tour Guide\"", "title" },
        { "\"nickName\":\"Babs\"", "nickName" },
        { "\"externalId\":\"ext-1\"", "externalId" },
        { "\"name\":{\"givenName\":\"Barbara\",\"familyName\":\"Jensen\"}", "familyName" },
        { "\"phoneNumbers\":[{\"value\":\"555\"}]", "phoneNumbers" },
        { $"\"{Enterprise}\":{{\"department\":\"Tours\",\"costCenter\":\"4130\"}}", "costCenter" },
    };

    private static string UserJson(string userName, string? extra = null, bool enterprise = false) =>
        $$"""{"schemas":["{{CoreUser}}"{{(enterprise ? $",\"{Enterprise}\"" : string.Empty)}}],"userName":"{{userName}}"{{(extra is null ? string.Empty : "," + extra)}}}""";

    private static ReadOnlyMemory<byte> Bytes(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>What the response body would be on the wire.</summary>
    private static JsonObject Written(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return JsonNode.Parse(Encoding.UTF8.GetString(stream.ToArray()))!.AsObject();
    }

    private static async Task<string> CreateAsync(DeclaredKit kit, string userName, string? extra = null) =>
        (await kit.Service.CreateAsync(Context, "Users", Bytes(UserJson(userName, extra)), cancellationToken: Ct)).Id;

    private static Task<User?> StoredAsync(DeclaredKit kit, string id) => kit.Users.GetAsync(Context, id, ReadHints.All, Ct);

    // ---------------------------------------------------------------- POST

    [Theory]
    [MemberData(nameof(Undeclared))]
    public async Task Create_UndeclaredAttribute_IsInvalidSyntaxNamingItAndStoresNothing(string member, string name)
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.Service.CreateAsync(Context, "Users", Bytes(UserJson("bjensen", member, enterprise: member.Contains(Enterprise, StringComparison.Ordinal))), cancellationToken: Ct));

        Assert.Contains($"'{name}'", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, kit.Users.Count(Context.Tenant));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Create_AttributeOfAnExtensionWithNothingDeclared_IsInvalidSyntax()
    {
        using var kit = new DeclaredKit(r => r.DeclareStoredAttributes("User", ["userName"]));

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.Service.CreateAsync(Context, "Users", Bytes(UserJson("bjensen", $"\"{Enterprise}\":{{\"department\":\"Tours\"}}", enterprise: true)), cancellationToken: Ct));

        Assert.Contains(Enterprise, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnqualifiedExtensionAttributeWithNothingDeclared_IsInvalidSyntax()
    {
        using var kit = new DeclaredKit(r => r.DeclareStoredAttributes("User", ["userName"]));

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.Service.CreateAsync(Context, "Users", Bytes(UserJson("bjensen", "\"department\":\"Tours\"")), cancellationToken: Ct));

        Assert.Contains("'department'", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_DeclaredAttributesOnly_IsStoredAndReturned()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);

        var created = await kit.Service.CreateAsync(Context, "Users", Bytes(UserJson("bjensen",
            $"\"name\":{{\"givenName\":\"Barbara\"}},\"active\":true,\"emails\":[{{\"value\":\"b@example.com\",\"type\":\"work\",\"display\":\"B\"}}],\"{Enterprise}\":{{\"department\":\"Tours\"}}",
            enterprise: true)), cancellationToken: Ct);

        var stored = await StoredAsync(kit, created.Id);
        Assert.Equal(("bjensen", "Barbara", true, "b@example.com", "Tours"), (stored!.UserName, stored.Name!.GivenName, stored.Active, stored.Emails[0].Value, stored.EnterpriseUser!.Department));
        var body = Written(created.WriteTo);
        Assert.Equal("Tours", (string?)body[Enterprise]!["department"]);
        Assert.Equal([CoreUser, Enterprise], body["schemas"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public async Task Create_UndeclaredAttributes_ReadingIgnores_AreDroppedAndTheRestKept()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers, DeclaredKit.Ignoring);

        var created = await kit.Service.CreateAsync(Context, "Users", Bytes(UserJson("bjensen",
            $"\"title\":\"Tour Guide\",\"externalId\":\"ext-1\",\"name\":{{\"givenName\":\"Barbara\",\"familyName\":\"Jensen\"}},\"{Enterprise}\":{{\"department\":\"Tours\",\"costCenter\":\"4130\"}}",
            enterprise: true)), cancellationToken: Ct);

        var stored = await StoredAsync(kit, created.Id);
        Assert.Equal(("Barbara", "Tours"), (stored!.Name!.GivenName, stored.EnterpriseUser!.Department));
        Assert.All([stored.Title, stored.ExternalId, stored.Name.FamilyName, stored.EnterpriseUser.CostCenter], Assert.Null);
        var body = Written(created.WriteTo).ToJsonString();
        Assert.DoesNotContain("Tour Guide", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ext-1", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Jensen", body, StringComparison.Ordinal);
        Assert.DoesNotContain("4130", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ExtensionWithNothingDeclared_ReadingIgnores_IsDropped()
    {
        using var kit = new DeclaredKit(r => r.DeclareStoredAttributes("User", ["userName"]), DeclaredKit.Ignoring);

        var created = await kit.Service.CreateAsync(Context, "Users", Bytes(UserJson("bjensen", $"\"{Enterprise}\":{{\"department\":\"Tours\"}}", enterprise: true)), cancellationToken: Ct);

        Assert.Null((await StoredAsync(kit, created.Id))!.EnterpriseUser?.Department);
        Assert.Equal([CoreUser], Written(created.WriteTo)["schemas"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public async Task Create_ExternalIdDeclared_IsKept()
    {
        using var kit = new DeclaredKit(r => r.DeclareStoredAttributes("User", ["userName", "externalId"]));

        var created = await kit.Service.CreateAsync(Context, "Users", Bytes(UserJson("bjensen", "\"externalId\":\"ext-1\"")), cancellationToken: Ct);

        Assert.Equal("ext-1", (await StoredAsync(kit, created.Id))!.ExternalId);
        Assert.Equal("ext-1", (string?)Written(created.WriteTo)["externalId"]);
    }

    // ---------------------------------------------------------------- PUT

    [Theory]
    [MemberData(nameof(Undeclared))]
    public async Task Replace_UndeclaredAttribute_IsInvalidSyntaxAndChangesNothing(string member, string name)
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);
        var id = await CreateAsync(kit, "bjensen", "\"active\":true");
        var before = await StoredAsync(kit, id);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.Service.ReplaceAsync(Context, "Users", id, Bytes(UserJson("bjensen", "\"active\":false," + member, enterprise: member.Contains(Enterprise, StringComparison.Ordinal))), cancellationToken: Ct));

        Assert.Contains($"'{name}'", error.Detail, StringComparison.Ordinal);
        Assert.Same(before, await StoredAsync(kit, id));
    }

    [Fact]
    public async Task Replace_UndeclaredAttributes_ReadingIgnores_AreDroppedAndTheRestReplaced()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers, DeclaredKit.Ignoring);
        var id = await CreateAsync(kit, "bjensen", "\"active\":true");

        var replaced = await kit.Service.ReplaceAsync(Context, "Users", id, Bytes(UserJson("bjensen", "\"active\":false,\"title\":\"Tour Guide\",\"externalId\":\"ext-1\"")), cancellationToken: Ct);

        var stored = await StoredAsync(kit, id);
        Assert.True(replaced.Changed);
        Assert.False(stored!.Active);
        Assert.Null(stored.Title);
        Assert.Null(stored.ExternalId);
        Assert.Null(Written(replaced.WriteTo)["title"]);
    }

    // ---------------------------------------------------------------- PATCH

    [Theory]
    [InlineData("""{"op":"add","value":{"title":"Tour Guide"}}""", "title")]
    [InlineData("""{"op":"replace","value":{"active":false,"externalId":"ext-1"}}""", "externalId")]
    [InlineData("""{"op":"replace","value":{"name":{"givenName":"B","familyName":"Jensen"}}}""", "familyName")]
    [InlineData("""{"op":"add","path":"name","value":{"familyName":"Jensen"}}""", "familyName")]
    [InlineData($$$$"""{"op":"add","value":{"{{{{Enterprise}}}}":{"costCenter":"4130"}}}""", "costCenter")]
    public async Task Patch_UndeclaredAttributeInAValue_IsInvalidSyntaxAndChangesNothing(string operation, string name)
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);
        var id = await CreateAsync(kit, "bjensen", "\"active\":true");
        var before = await StoredAsync(kit, id);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.Service.PatchAsync(Context, "Users", id, ServiceKit.Patch(operation), cancellationToken: Ct));

        Assert.Contains($"'{name}'", error.Detail, StringComparison.Ordinal);
        Assert.Same(before, await StoredAsync(kit, id));
    }

    [Theory]
    [InlineData("""{"op":"add","value":{"title":"Tour Guide","active":false}}""")]
    [InlineData("""{"op":"replace","value":{"active":false,"externalId":"ext-1"}}""")]
    [InlineData("""{"op":"replace","value":{"active":false,"name":{"familyName":"Jensen"}}}""")]
    [InlineData($$$$"""{"op":"add","value":{"active":false,"{{{{Enterprise}}}}":{"costCenter":"4130"}}}""")]
    public async Task Patch_UndeclaredAttributeInAValue_ReadingIgnores_IsDroppedAndTheRestApplied(string operation)
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers, DeclaredKit.Ignoring);
        var id = await CreateAsync(kit, "bjensen", "\"active\":true");

        var patched = await kit.Service.PatchAsync(Context, "Users", id, ServiceKit.Patch(operation), cancellationToken: Ct);

        var stored = await StoredAsync(kit, id);
        Assert.True(patched.Changed);
        Assert.False(stored!.Active);
        Assert.All([stored.Title, stored.ExternalId, stored.Name?.FamilyName], Assert.Null);
        Assert.Null(stored.EnterpriseUser?.CostCenter);
    }

    [Theory]
    [InlineData("title")]
    [InlineData("externalId")]
    [InlineData("name.familyName")]
    [InlineData("phoneNumbers[type eq \"work\"].value")]
    [InlineData($"{Enterprise}:costCenter")]
    public async Task Patch_PathToAnUndeclaredAttribute_IsInvalidPathAsForOneNoSchemaDefines(string path)
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);
        var id = await CreateAsync(kit, "bjensen");
        var before = await StoredAsync(kit, id);

        var undeclared = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidPath, () =>
            kit.Service.PatchAsync(Context, "Users", id, ServiceKit.Patch($$"""{"op":"replace","path":"{{path.Replace("\"", "\\\"", StringComparison.Ordinal)}}","value":"x"}"""), cancellationToken: Ct));
        var neverDefined = await Assert.ThrowsAsync<ScimException>(() =>
            kit.Service.PatchAsync(Context, "Users", id, ServiceKit.Patch("""{"op":"replace","path":"shoeSize","value":"x"}"""), cancellationToken: Ct));

        Assert.Equal(neverDefined.ScimType, undeclared.ScimType);
        Assert.Same(before, await StoredAsync(kit, id));
    }

    [Theory]
    [InlineData("""{"op":"remove","path":"title"}""")]
    [InlineData("""{"op":"remove","path":"emails[display eq \"x\"]"}""")]
    public async Task Patch_DeclaredPaths_Apply(string operation)
    {
        using var kit = new DeclaredKit(r => r.DeclareStoredAttributes("User", ["userName", "title", "emails"]));
        var id = await CreateAsync(kit, "bjensen", "\"title\":\"Tour Guide\",\"emails\":[{\"value\":\"a@example.com\",\"display\":\"x\"},{\"value\":\"b@example.com\"}]");

        var patched = await kit.Service.PatchAsync(Context, "Users", id, ServiceKit.Patch(operation), cancellationToken: Ct);

        Assert.True(patched.Changed);
    }

    // ---------------------------------------------------------------- responses

    /// <summary>A user the store already held before the declaration narrowed the schema (a host's existing row).</summary>
    private static async Task<string> LegacyUserAsync(DeclaredKit kit)
    {
        var now = DateTimeOffset.UtcNow;
        var user = new User
        {
            Id = "legacy-1",
            ExternalId = "ext-legacy",
            UserName = "legacy",
            Title = "Legacy Title",
            NickName = "Legacy Nick",
            Active = true,
            Name = new Name { GivenName = "Lee", FamilyName = "LegacyFamily" },
            EnterpriseUser = new EnterpriseUser { Department = "Tours", CostCenter = "LegacyCost" },
            Meta = new ResourceMeta { Created = now, LastModified = now, Version = "W/\"1\"" },
        };
        await kit.Users.CreateAsync(Context, user, Ct);
        return user.Id;
    }

    public static TheoryData<string?, string?> Projections => new()
    {
        { null, null },
        { "userName,title,externalId,name", null },
        { null, "active" },
    };

    [Theory]
    [MemberData(nameof(Projections))]
    public async Task Get_StoredValuesOfUndeclaredAttributes_AreNotInTheResponse(string? attributes, string? excluded)
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);
        var id = await LegacyUserAsync(kit);

        var result = await kit.Service.GetAsync(Context, "Users", id, new ScimRequestOptions { Attributes = attributes, ExcludedAttributes = excluded }, Ct);

        foreach (var body in new[] { Written(result.WriteTo), result.ToJson() })
        {
            var text = body.ToJsonString();
            Assert.DoesNotContain("Legacy", text, StringComparison.Ordinal);
            Assert.DoesNotContain("ext-legacy", text, StringComparison.Ordinal);
            Assert.Equal("legacy", (string?)body["userName"]);
        }
    }

    [Fact]
    public async Task List_StoredValuesOfUndeclaredAttributes_AreNotInTheResponse()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);
        await LegacyUserAsync(kit);
        await CreateAsync(kit, "other");

        var list = await kit.Service.ListAsync(Context, "Users", new ScimListRequest(), Ct);

        var written = new StringBuilder();
        using (var stream = new MemoryStream())
        {
            using (var writer = new Utf8JsonWriter(stream))
            {
                list.WriteTo(writer);
            }

            written.Append(Encoding.UTF8.GetString(stream.ToArray()));
        }

        Assert.Equal(2, list.TotalResults);
        Assert.DoesNotContain("Legacy", written.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ext-legacy", written.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Legacy", list.ToJson().ToJsonString(), StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- filters and sortBy

    [Theory]
    [InlineData("title eq \"x\"")]
    [InlineData("externalId eq \"ext-1\"")]
    [InlineData("name.familyName eq \"Jensen\"")]
    [InlineData("userName eq \"bjensen\" or nickName pr")]
    [InlineData("phoneNumbers[type eq \"work\"]")]
    [InlineData("costCenter eq \"4130\"")]
    [InlineData($"{Enterprise}:costCenter eq \"4130\"")]
    [InlineData("emails[value pr and shoeSize eq 1]")]
    public async Task List_FilterOnAnUndeclaredAttribute_IsInvalidFilter(string filter)
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);
        await CreateAsync(kit, "bjensen");

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidFilter, () =>
            kit.Service.ListAsync(Context, "Users", new ScimListRequest { Filter = filter }, Ct));
    }

    [Fact]
    public async Task List_FilterOnAnAttributeOfAnExtensionWithNothingDeclared_IsInvalidFilter()
    {
        using var kit = new DeclaredKit(r => r.DeclareStoredAttributes("User", ["userName"]));

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidFilter, () =>
            kit.Service.ListAsync(Context, "Users", new ScimListRequest { Filter = $"{Enterprise}:department eq \"Tours\"" }, Ct));
    }

    [Theory]
    [InlineData("userName eq \"bjensen\"", 1)]
    [InlineData("name.givenName eq \"barbara\"", 1)]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"]", 1)]
    [InlineData("department eq \"Tours\"", 1)]
    [InlineData("active eq false", 0)]
    public async Task List_FilterOnDeclaredAttributes_Answers(string filter, int expected)
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);
        await kit.Service.CreateAsync(Context, "Users", Bytes(UserJson("bjensen",
            $"\"name\":{{\"givenName\":\"Barbara\"}},\"active\":true,\"emails\":[{{\"value\":\"b@example.com\",\"type\":\"work\"}}],\"{Enterprise}\":{{\"department\":\"Tours\"}}",
            enterprise: true)), cancellationToken: Ct);
        await CreateAsync(kit, "other");

        var list = await kit.Service.ListAsync(Context, "Users", new ScimListRequest { Filter = filter }, Ct);

        Assert.Equal(expected, list.TotalResults);
    }

    [Theory]
    [InlineData("title")]
    [InlineData("externalId")]
    [InlineData("name.familyName")]
    [InlineData($"{Enterprise}:costCenter")]
    public async Task List_SortByAnUndeclaredAttribute_IsInvalidPath(string sortBy)
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);
        await CreateAsync(kit, "bjensen");

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidPath, () =>
            kit.Service.ListAsync(Context, "Users", new ScimListRequest { SortBy = sortBy }, Ct));

        Assert.Contains(sortBy, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_SortByADeclaredAttribute_Sorts()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);
        await CreateAsync(kit, "b", "\"name\":{\"givenName\":\"Zed\"}");
        await CreateAsync(kit, "a", "\"name\":{\"givenName\":\"Amy\"}");

        var list = await kit.Service.ListAsync(Context, "Users", new ScimListRequest { SortBy = "name.givenName", SortOrder = "descending" }, Ct);

        Assert.Equal(["b", "a"], list.Resources.Select(r => ((User)r.Resource).UserName));
    }

    [Fact]
    public async Task Search_FilterOnAnAttributeNoServedTypeKeeps_IsInvalidFilter()
    {
        using var kit = new DeclaredKit(DeclaredKit.NarrowUsers);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidFilter, () =>
            kit.Service.SearchAsync(Context, new ScimListRequest { Filter = "title eq \"x\"" }, Ct));
    }
}
