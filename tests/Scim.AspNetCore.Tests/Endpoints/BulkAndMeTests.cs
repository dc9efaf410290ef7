using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Scim.AspNetCore.Tests;
using Scim.AspNetCore;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>POST /Bulk and /Me over real HTTP.</summary>
public sealed class BulkAndMeTests
{
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    [Fact]
    public async Task PostBulk_UserAndGroupReferringToIt_Returns200WithPerOperationResults()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        var response = await client.PostAsync("Bulk", $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"qwerty","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Alice"}},
              {"method":"POST","path":"/Groups","bulkId":"ytrewq","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides","members":[{"type":"User","value":"bulkId:qwerty"}]}}]}
            """);

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        Assert.Equal("application/scim+json", response.MediaType);
        var body = response.Json;
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:BulkResponse", (string?)body["schemas"]![0]);
        var results = body["Operations"]!.AsArray();
        Assert.Equal(["201", "201"], results.Select(r => (string?)r!["status"]));
        var userLocation = (string)results[0]!["location"]!;
        Assert.StartsWith(server.Root.AbsoluteUri + "scim/v2/Users/", userLocation, StringComparison.Ordinal);
        var group = Resource(await client.GetAsync(((string)results[1]!["location"]!)[(server.Root.AbsoluteUri + "scim/v2/").Length..]), HttpStatusCode.OK);
        Assert.Equal([userLocation.Split('/')[^1]], group["members"]!.AsArray().Select(m => (string?)m!["value"]));
    }

    [Fact]
    public async Task PostBulk_TooManyOperations_Is413NamingTheLimit()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = scim => scim.ConfigureService(s => s.Bulk.MaxOperations = 1));
        var response = await server.Client().PostAsync("Bulk", $$"""
            {"schemas":["{{BulkRequest}}"],"Operations":[{"method":"DELETE","path":"/Users/a"},{"method":"DELETE","path":"/Users/b"}]}
            """);

        var error = Error(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("maxOperations", (string)error["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bulk_Disabled_Is501_AndAdvertisedAsUnsupported()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = scim => scim.ConfigureService(s => s.Bulk.Enabled = false));
        var client = server.Client();

        Error(await client.PostAsync("Bulk", $$"""{"schemas":["{{BulkRequest}}"],"Operations":[]}"""), HttpStatusCode.NotImplemented);
        var config = (await client.GetAsync("ServiceProviderConfig")).Json;
        Assert.False((bool)config["bulk"]!["supported"]!);
    }

    [Fact]
    public async Task PostBulk_MalformedRequest_Is400InvalidSyntax()
    {
        await using var server = await ScimTestServer.StartAsync();
        Error(await server.Client().PostAsync("Bulk", """{"Operations":[]}"""), HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task Me_WithMapping_ServesTheSubjectsUser()
    {
        string? me = null;
        await using var server = await ScimTestServer.StartAsync(o => o.Http = http => http.MeUserId = context => context.User.FindFirstValue(ScimClaimTypes.Client) == "default-client" ? me : null);
        var client = server.Client();
        var created = Resource(await client.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"self"}"""), HttpStatusCode.Created);
        me = (string)created["id"]!;

        var got = Resource(await client.GetAsync("Me"), HttpStatusCode.OK);
        Assert.Equal(me, (string?)got["id"]);
        Assert.Equal((string?)created["meta"]!["location"], (string?)got["meta"]!["location"]); // the user's own URL, not /Me

        var patched = Resource(await client.PatchAsync("Me", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Myself"}]}"""), HttpStatusCode.OK);
        Assert.Equal("Myself", (string?)patched["displayName"]);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Me")).Status);
        Error(await client.GetAsync("Users/" + me), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Me_SubjectWithoutUser_Is404()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Http = http => http.MeUserId = _ => null);
        Error(await server.Client().GetAsync("Me"), HttpStatusCode.NotFound);
    }
}
