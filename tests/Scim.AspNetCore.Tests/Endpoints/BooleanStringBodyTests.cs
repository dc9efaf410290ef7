using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.AspNetCore.Tests;
using Scim.Core.Patching;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// Booleans sent as strings (<c>"active": "True"</c>), as Entra ID sends them in creates as well as
/// in PATCH: accepted in POST, PUT and Bulk bodies under <see cref="PatchDialects.BooleanStrings"/>
/// and stored as JSON booleans; without that dialect, and for strings that are not booleans, 400
/// <c>invalidValue</c> naming the attribute.
/// </summary>
public sealed class BooleanStringBodyTests
{
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    private static readonly Action<ScimTestServerOptions> WithoutBooleanStrings =
        o => o.Scim = s => s.ConfigureService(c => c.Patch.Dialects = PatchDialects.All & ~PatchDialects.BooleanStrings);

    [Fact]
    public async Task PostUser_BooleansAsStrings_AreStoredAsBooleans()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        var created = Resource(await client.PostAsync("Users", Body("bjensen", active: "\"True\"", primary: "\"false\"")), HttpStatusCode.Created);

        AssertBooleans(created, active: true, primary: false);
        AssertBooleans(Resource(await client.GetAsync("Users/" + created["id"]), HttpStatusCode.OK), active: true, primary: false);
        Assert.Equal([(string)created["id"]!], Ids(List(await client.GetAsync("Users?filter=active%20eq%20true"), totalResults: 1)));
    }

    [Fact]
    public async Task PutUser_BooleansAsStrings_AreStoredAsBooleans()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var id = (string)Resource(await client.PostAsync("Users", Body("bjensen", active: "true", primary: "false")), HttpStatusCode.Created)["id"]!;

        var replaced = Resource(await client.PutAsync("Users/" + id, Body("bjensen", active: "\"FALSE\"", primary: "\"True\"")), HttpStatusCode.OK);

        AssertBooleans(replaced, active: false, primary: true);
        AssertBooleans(Resource(await client.GetAsync("Users/" + id), HttpStatusCode.OK), active: false, primary: true);
    }

    [Fact]
    public async Task Bulk_BooleansAsStringsInPostAndPut_AreStoredAsBooleans()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var existing = (string)Resource(await client.PostAsync("Users", Body("mpepper", active: "true", primary: "true")), HttpStatusCode.Created)["id"]!;

        var response = await client.PostAsync("Bulk", $$"""
            {"schemas":["{{BulkRequest}}"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"b1","data":{{Body("bjensen", active: "\"True\"", primary: "\"False\"")}}},
              {"method":"PUT","path":"/Users/{{existing}}","data":{{Body("mpepper", active: "\"false\"", primary: "\"true\"")}}}]}
            """);

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var results = response.Json["Operations"]!.AsArray();
        Assert.Equal(["201", "200"], results.Select(r => (string?)r!["status"]));
        var createdId = ((string)results[0]!["location"]!).Split('/')[^1];
        AssertBooleans(Resource(await client.GetAsync("Users/" + createdId), HttpStatusCode.OK), active: true, primary: false);
        AssertBooleans(Resource(await client.GetAsync("Users/" + existing), HttpStatusCode.OK), active: false, primary: true);
    }

    [Fact]
    public async Task PostUser_BooleanStringsDialectOff_Is400InvalidValueNamingTheAttribute()
    {
        await using var server = await ScimTestServer.StartAsync(WithoutBooleanStrings);
        var client = server.Client();

        var active = Error(await client.PostAsync("Users", Body("bjensen", active: "\"True\"", primary: "false")), HttpStatusCode.BadRequest, "invalidValue");
        var primary = Error(await client.PostAsync("Users", Body("bjensen", active: "true", primary: "\"false\"")), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Contains("'active' must be true or false; got a string", (string)active["detail"]!, StringComparison.Ordinal);
        Assert.Contains("'emails[0].primary' must be true or false; got a string", (string)primary["detail"]!, StringComparison.Ordinal);
        List(await client.GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task PutUser_BooleanStringsDialectOff_Is400InvalidValueAndLeavesTheUser()
    {
        await using var server = await ScimTestServer.StartAsync(WithoutBooleanStrings);
        var client = server.Client();
        var id = (string)Resource(await client.PostAsync("Users", Body("bjensen", active: "true", primary: "true")), HttpStatusCode.Created)["id"]!;

        var error = Error(await client.PutAsync("Users/" + id, Body("bjensen", active: "\"False\"", primary: "true")), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Contains("'active'", (string)error["detail"]!, StringComparison.Ordinal);
        AssertBooleans(Resource(await client.GetAsync("Users/" + id), HttpStatusCode.OK), active: true, primary: true);
    }

    [Fact]
    public async Task Bulk_BooleanStringsDialectOff_FailsTheOperationWithInvalidValue()
    {
        await using var server = await ScimTestServer.StartAsync(WithoutBooleanStrings);
        var client = server.Client();

        var response = await client.PostAsync("Bulk", $$"""
            {"schemas":["{{BulkRequest}}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"b1","data":{{Body("bjensen", active: "\"True\"", primary: "true")}}}]}
            """);

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var result = response.Json["Operations"]![0]!;
        Assert.Equal("400", (string?)result["status"]);
        Assert.Equal("invalidValue", (string?)result["response"]!["scimType"]);
        Assert.Contains("'active'", (string)result["response"]!["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"yes\"", "true", "'active'")]
    [InlineData("\"1\"", "true", "'active'")]
    [InlineData("\"\"", "true", "'active'")]
    [InlineData("true", "\"no\"", "'emails[0].primary'")]
    public async Task PostAndPutUser_StringThatIsNotABoolean_Is400InvalidValue(string active, string primary, string attribute)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var id = (string)Resource(await client.PostAsync("Users", Body("existing", active: "true", primary: "true")), HttpStatusCode.Created)["id"]!;

        var posted = Error(await client.PostAsync("Users", Body("bjensen", active, primary)), HttpStatusCode.BadRequest, "invalidValue");
        var put = Error(await client.PutAsync("Users/" + id, Body("existing", active, primary)), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Contains(attribute + " must be true or false; got a string", (string)posted["detail"]!, StringComparison.Ordinal);
        Assert.Contains(attribute + " must be true or false; got a string", (string)put["detail"]!, StringComparison.Ordinal);
    }

    /// <summary>A user body whose <c>active</c> and work email's <c>primary</c> are the given JSON texts.</summary>
    private static string Body(string userName, string active, string primary) => $$"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}","active":{{active}},"emails":[{"type":"work","value":"{{userName}}@contoso.com","primary":{{primary}}}]}
        """;

    private static void AssertBooleans(JsonObject user, bool active, bool primary)
    {
        Assert.Equal(active ? JsonValueKind.True : JsonValueKind.False, user["active"]!.GetValueKind());
        Assert.Equal(primary ? JsonValueKind.True : JsonValueKind.False, user["emails"]![0]!["primary"]!.GetValueKind());
    }
}
