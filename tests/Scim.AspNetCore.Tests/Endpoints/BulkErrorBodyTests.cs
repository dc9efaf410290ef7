using System.Net;
using System.Text.Json.Nodes;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A failed bulk operation's <c>response</c> (RFC 7644 §3.7.3) is exactly the error body the same
/// request gets on its own: the Error schema, status as a string, scimType when set, detail.
/// </summary>
public sealed class BulkErrorBodyTests
{
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    [Fact]
    public async Task FailedOperationResponse_IsTheHttpErrorBodyOfTheSameRequest()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var id = (string)(await client.CreateUserAsync("bjensen"))["id"]!;
        var duplicate = $$"""{"schemas":["{{UserSchema}}"],"userName":"BJENSEN"}""";
        var removeUserName = $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"remove","path":"userName"}]}""";
        var badActive = $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","active":"maybe"}""";
        var badMember = $$"""{"schemas":["{{GroupSchema}}"],"displayName":"G","members":[{"value":"no-such-user"}]}""";
        var cases = new (string Operation, HttpMethod Method, string Path, string? Body, (string, string)[] Headers, HttpStatusCode Status, string? ScimType)[]
        {
            ("""{"method":"DELETE","path":"/Users/nope"}""", HttpMethod.Delete, "Users/nope", null, [], HttpStatusCode.NotFound, null),
            ($$"""{"method":"POST","path":"/Users","bulkId":"dup","data":{{duplicate}}}""", HttpMethod.Post, "Users", duplicate, [], HttpStatusCode.Conflict, "uniqueness"),
            ($$"""{"method":"PATCH","path":"/Users/{{id}}","data":{{removeUserName}}}""", HttpMethod.Patch, "Users/" + id, removeUserName, [], HttpStatusCode.BadRequest, "mutability"),
            ($$"""{"method":"PUT","path":"/Users/{{id}}","data":{{badActive}}}""", HttpMethod.Put, "Users/" + id, badActive, [], HttpStatusCode.BadRequest, "invalidValue"),
            ($$"""{"method":"POST","path":"/Groups","bulkId":"g","data":{{badMember}}}""", HttpMethod.Post, "Groups", badMember, [], HttpStatusCode.BadRequest, "invalidValue"),
            ($$"""{"method":"DELETE","path":"/Users/{{id}}","version":"W/\"0000000000000000\""}""", HttpMethod.Delete, "Users/" + id, null, [("If-Match", "W/\"0000000000000000\"")], HttpStatusCode.PreconditionFailed, null),
        };

        var bulk = await client.PostAsync("Bulk", $$"""{"schemas":["{{BulkRequest}}"],"Operations":[{{string.Join(",", cases.Select(c => c.Operation))}}]}""");

        Assert.True(bulk.Status == HttpStatusCode.OK, bulk.Text);
        var results = bulk.Json["Operations"]!.AsArray();
        Assert.Equal(cases.Length, results.Count);
        for (var i = 0; i < cases.Length; i++)
        {
            var (_, method, path, body, headers, status, scimType) = cases[i];
            var single = Error(await client.SendAsync(method, path, body, headers: headers), status, scimType);
            var response = results[i]!["response"]!.AsObject();
            Assert.True(JsonNode.DeepEquals(single, response), $"operation {i}: bulk {response.ToJsonString()} / alone {single.ToJsonString()}");
            Assert.Equal(single.Select(p => p.Key), response.Select(p => p.Key));
            Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)results[i]!["status"]);
        }
    }

    [Fact]
    public async Task FailedOperationResponse_HasOnlyTheErrorMembers()
    {
        await using var server = await ScimTestServer.StartAsync();

        var bulk = await server.Client().PostAsync("Bulk", $$"""
            {"schemas":["{{BulkRequest}}"],"Operations":[{"method":"DELETE","path":"/Users/nope"},{"method":"GET","path":"/Users"}]}
            """);

        var results = bulk.Json["Operations"]!.AsArray();
        Assert.Equal(["schemas", "status", "detail"], results[0]!["response"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["schemas", "status", "scimType", "detail"], results[1]!["response"]!.AsObject().Select(p => p.Key));
        foreach (var result in results)
        {
            var response = result!["response"]!;
            Assert.Equal([ErrorSchema], response["schemas"]!.AsArray().Select(s => (string?)s));
            Assert.Equal(System.Text.Json.JsonValueKind.String, response["status"]!.GetValueKind());
            Assert.Equal((string?)result["status"], (string?)response["status"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)response["detail"]));
        }
    }

    [Fact]
    public async Task SucceededOperation_HasNoErrorResponse()
    {
        await using var server = await ScimTestServer.StartAsync();

        var bulk = await server.Client().PostAsync("Bulk", $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["{{{UserSchema}}}"],"userName":"a"}}]}
            """);

        var result = bulk.Json["Operations"]![0]!;
        Assert.Equal("201", (string?)result["status"]);
        Assert.Null(result["response"]?["schemas"]);
    }
}
