using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// <c>attributes=emails[type eq "work"]</c> through the service: GET by id, a list, a
/// <c>.search</c> body whose <c>attributes</c> is a JSON array, and the search across types all
/// return only the matching values (plus <c>id</c> and <c>schemas</c>), in the tree and on the wire.
/// </summary>
public sealed class ServiceValueFilterProjectionTests
{
    private const string Work = "emails[type eq \"work\"]";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReadOnlyMemory<byte> Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private static async Task<string> CreateAsync(ServiceKit kit, string userName) =>
        (await kit.Service.CreateAsync(ServiceKit.Context, "Users", Bytes($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}","displayName":"{{userName}} shown",
             "emails":[{"value":"{{userName}}@work.example.com","type":"work","primary":true},{"value":"{{userName}}@home.example.com","type":"home"}]}
            """), cancellationToken: Ct)).Id;

    private static JsonObject Written(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return JsonNode.Parse(stream.ToArray())!.AsObject();
    }

    /// <summary>Checks one projected user: id, schemas and the work email's value, nothing else.</summary>
    private static void OnlyWorkValue(JsonObject user, string userName)
    {
        Assert.Equal(["schemas", "id", "emails"], user.Select(p => p.Key));
        var email = Assert.Single(user["emails"]!.AsArray());
        Assert.Equal($$"""{"value":"{{userName}}@work.example.com"}""", email!.ToJsonString());
    }

    [Fact]
    public async Task Get_ValueFilter_ReturnsTheMatchingValuesOnly()
    {
        using var kit = new ServiceKit();
        var id = await CreateAsync(kit, "bjensen");

        var result = await kit.GetAsync("Users", id, new ScimRequestOptions { Attributes = Work });

        foreach (var body in new[] { result.ToJson(), Written(result.WriteTo) })
        {
            Assert.Equal(["schemas", "id", "emails"], body.Select(p => p.Key));
            var email = Assert.Single(body["emails"]!.AsArray());
            Assert.Equal(("bjensen@work.example.com", "work", true), ((string?)email!["value"], (string?)email["type"], (bool?)email["primary"]));
        }
    }

    [Fact]
    public async Task Get_ValueFilterOnValue_ReturnsThatValue()
    {
        using var kit = new ServiceKit();
        var id = await CreateAsync(kit, "bjensen");

        var body = (await kit.GetAsync("Users", id, new ScimRequestOptions { Attributes = "userName,emails[value eq \"bjensen@home.example.com\"].type" })).ToJson();

        Assert.Equal("bjensen", (string?)body["userName"]);
        Assert.Equal("""[{"type":"home"}]""", body["emails"]!.ToJsonString());
    }

    [Fact]
    public async Task List_ValueFilter_ProjectsEveryResource()
    {
        using var kit = new ServiceKit();
        await CreateAsync(kit, "a");
        await CreateAsync(kit, "b");

        var list = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = "userName", Attributes = Work + ".value" }, Ct);

        Assert.Equal(2, list.TotalResults);
        OnlyWorkValue(list.Resources[0].ToJson(), "a");
        OnlyWorkValue(list.Resources[1].ToJson(), "b");
        var written = Written(list.WriteTo)["Resources"]!.AsArray();
        OnlyWorkValue(written[0]!.AsObject(), "a");
        OnlyWorkValue(written[1]!.AsObject(), "b");
    }

    [Fact]
    public async Task SearchRequest_AttributesArrayWithAValueFilter_ProjectsEveryResource()
    {
        using var kit = new ServiceKit();
        await CreateAsync(kit, "a");
        var request = ScimListRequest.FromSearchRequest(Bytes("""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"a\"",
             "attributes":["emails[type eq \"work\" or value co \",\"].value"]}
            """));

        var list = await kit.Service.ListAsync(ServiceKit.Context, "Users", request, Ct);

        OnlyWorkValue(Assert.Single(list.Resources).ToJson(), "a");
    }

    [Fact]
    public async Task SearchAcrossTypes_ValueFilterOfUsers_GroupsCarryIdOnly()
    {
        using var kit = new ServiceKit();
        await CreateAsync(kit, "a");
        await kit.CreateGroupAsync("Tour Guides");

        var list = await kit.Service.SearchAsync(ServiceKit.Context, new ScimListRequest { Attributes = Work + ".value" }, Ct);

        Assert.Equal(2, list.TotalResults);
        OnlyWorkValue(list.Resources[0].ToJson(), "a");
        Assert.Equal(["schemas", "id"], list.Resources[1].ToJson().Select(p => p.Key));
    }

    [Fact]
    public async Task Get_GroupMembersValueFilter_ReturnsThatMember()
    {
        using var kit = new ServiceKit();
        var a = await CreateAsync(kit, "a");
        var b = await CreateAsync(kit, "b");
        var group = await kit.CreateGroupAsync("Tour Guides", null, a, b);

        var body = (await kit.GetAsync("Groups", group, new ScimRequestOptions { Attributes = $"members[value eq \"{b}\"].value" })).ToJson();

        Assert.Equal($$"""[{"value":"{{b}}"}]""", body["members"]!.ToJsonString());
    }

    [Fact]
    public async Task Patch_ReturnsTheResourceProjectedByAValueFilter()
    {
        using var kit = new ServiceKit();
        var id = await CreateAsync(kit, "bjensen");

        var patched = await kit.PatchAsync("Users", id, """{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@work.example.com"}""", new ScimRequestOptions { Attributes = Work + ".value" });

        Assert.True(patched.Changed);
        Assert.Equal("""[{"value":"new@work.example.com"}]""", patched.ToJson()["emails"]!.ToJsonString());
    }

    [Theory]
    [InlineData(null, "emails[type eq \"home\"]")]
    [InlineData("name[givenName eq \"B\"]", null)]
    [InlineData("emails[type eq \"work\"", null)]
    public async Task Get_MistakenValueFilter_Is400InvalidPath(string? attributes, string? excluded)
    {
        using var kit = new ServiceKit();
        var id = await CreateAsync(kit, "bjensen");

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidPath, () =>
            kit.GetAsync("Users", id, new ScimRequestOptions { Attributes = attributes, ExcludedAttributes = excluded }));

        Assert.Contains(attributes ?? excluded!, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ValueFilterInExcludedAttributes_Is400InvalidPath()
    {
        using var kit = new ServiceKit();

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidPath, () =>
            kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { ExcludedAttributes = Work }, Ct));
    }
}
