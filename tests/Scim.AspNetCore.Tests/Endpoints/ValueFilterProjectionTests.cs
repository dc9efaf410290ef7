using System.Net;
using System.Text.Json.Nodes;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// <c>attributes</c> with a value filter over HTTP (<c>?attributes=emails[type eq "work"]</c>, URL
/// encoded as clients send it): GET by id, GET with a filter, and <c>.search</c> with
/// <c>attributes</c> as a JSON array return only the matching values; a value filter in
/// <c>excludedAttributes</c> is 400 <c>invalidPath</c>.
/// </summary>
public sealed class ValueFilterProjectionTests
{
    private const string Emails = """
        "emails":[{"value":"b@work.example.com","type":"work","primary":true},{"value":"b@home.example.com","type":"home"}]
        """;

    private static string Query(string name, string value) => $"{name}={Uri.EscapeDataString(value)}";

    private static void OnlyWorkValue(JsonObject user)
    {
        Assert.Equal(["schemas", "id", "emails"], user.Select(p => p.Key));
        Assert.Equal("""[{"value":"b@work.example.com"}]""", user["emails"]!.ToJsonString());
    }

    [Fact]
    public async Task GetById_AttributesWithAValueFilter_ReturnsTheMatchingValues()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var id = (string)(await client.CreateUserAsync("bjensen", Emails))["id"]!;

        var whole = await client.GetAsync($"Users/{id}?{Query("attributes", "emails[type eq \"work\"]")}");
        var value = await client.GetAsync($"Users/{id}?{Query("attributes", "emails[value eq \"b@home.example.com\"].type,userName")}");

        Assert.Equal(HttpStatusCode.OK, whole.Status);
        var email = Assert.Single(whole.Json["emails"]!.AsArray());
        Assert.Equal(("b@work.example.com", "work", true), ((string?)email!["value"], (string?)email["type"], (bool?)email["primary"]));
        Assert.Equal(HttpStatusCode.OK, value.Status);
        Assert.Equal("bjensen", (string?)value.Json["userName"]);
        Assert.Equal("""[{"type":"home"}]""", value.Json["emails"]!.ToJsonString());
    }

    [Fact]
    public async Task List_AttributesWithAValueFilter_ProjectsEveryResource()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        await client.CreateUserAsync("bjensen", Emails);
        await client.CreateUserAsync("other");

        var list = List(await client.GetAsync($"Users?{Query("filter", "userName eq \"bjensen\"")}&{Query("attributes", "emails[type eq \"work\"].value")}"), totalResults: 1);

        OnlyWorkValue(list["Resources"]![0]!.AsObject());
    }

    [Fact]
    public async Task Search_AttributesArrayWithAValueFilter_ProjectsEveryResource()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        await client.CreateUserAsync("bjensen", Emails);

        var list = List(await client.PostAsync("Users/.search", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"bjensen\"",
             "attributes":["emails[type eq \"work\" and value co \",\" or type eq \"work\"].value"]}
            """), totalResults: 1);

        OnlyWorkValue(list["Resources"]![0]!.AsObject());
    }

    [Fact]
    public async Task Get_ValueFilterInExcludedAttributes_Is400InvalidPath()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var id = (string)(await client.CreateUserAsync("bjensen", Emails))["id"]!;

        var error = Error(await client.GetAsync($"Users/{id}?{Query("excludedAttributes", "emails[type eq \"home\"]")}"), HttpStatusCode.BadRequest, "invalidPath");

        Assert.Contains("attributes parameter only", (string)error["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ValueFilterOnASingleValuedAttribute_Is400InvalidPath()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        var error = Error(await client.GetAsync($"Users?{Query("attributes", "name[givenName eq \"B\"]")}"), HttpStatusCode.BadRequest, "invalidPath");

        Assert.Contains("not a multi-valued complex attribute", (string)error["detail"]!, StringComparison.Ordinal);
    }
}
