using System.Text;
using System.Net;
using System.Text.Json.Nodes;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Http;

/// <summary>HTTP semantics: versions and preconditions, media types, limits, and the error for each kind of bad request.</summary>
public sealed class ProtocolTests
{
    private const string Deactivate = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""";
    private const string Replacement = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","displayName":"Changed"}""";

    [Theory]
    [InlineData("Users/{id}")]
    [InlineData("Users?count=50")]
    [InlineData("Users/00000000-0000-0000-0000-000000000000")]
    [InlineData("ServiceProviderConfig")]
    public async Task Responses_CarryContentLengthOfTheWholeBodyAndAreNotChunked(string path)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen", "\"displayName\":\"Zoë O'Brien\"");
        for (var i = 0; i < 60; i++)
        {
            await client.CreateUserAsync($"user{i}");
        }

        var response = await client.GetAsync(path.Replace("{id}", (string)created["id"]!, StringComparison.Ordinal));

        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(response.Text), response.Message.Content.Headers.ContentLength);
        Assert.NotEqual(true, response.Message.Headers.TransferEncodingChunked);
        Assert.NotNull(JsonNode.Parse(response.Text));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task IfMatchMismatch_Returns412AndChangesNothing(string method)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen", "\"displayName\":\"Original\"");
        var path = "Users/" + created["id"];
        var before = (await client.GetAsync(path)).Text;

        var response = await client.SendAsync(new HttpMethod(method), path, method == "DELETE" ? null : method == "PUT" ? Replacement : Deactivate, headers: ("If-Match", "W/\"0000000000000000\""));

        Error(response, HttpStatusCode.PreconditionFailed);
        var after = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(before, after.Text);
        Assert.Equal((string?)created["meta"]!["version"], after.ETag);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task IfMatchMismatch_OnAGroup_Returns412AndChangesNothing(string method)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Guides", (string)user["id"]!);
        var path = "Groups/" + group["id"];
        var before = (await client.GetAsync(path)).Text;
        var body = method switch
        {
            "PUT" => """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Renamed"}""",
            "PATCH" => """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]}""",
            _ => null,
        };

        var response = await client.SendAsync(new HttpMethod(method), path, body, headers: ("If-Match", "W/\"0000000000000000\""));

        Error(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(before, (await client.GetAsync(path)).Text);
    }

    [Theory]
    [InlineData("PUT", HttpStatusCode.OK)]
    [InlineData("PATCH", HttpStatusCode.OK)]
    [InlineData("DELETE", HttpStatusCode.NoContent)]
    public async Task IfMatchCurrentVersion_Succeeds(string method, HttpStatusCode expected)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var path = "Users/" + created["id"];
        var etag = (await client.GetAsync(path)).ETag!;

        var response = await client.SendAsync(new HttpMethod(method), path, method == "DELETE" ? null : method == "PUT" ? Replacement : Deactivate, headers: ("If-Match", etag));

        Assert.True(expected == response.Status, response.Text);
        if (method == "DELETE")
        {
            Error(await client.GetAsync(path), HttpStatusCode.NotFound);
        }
        else
        {
            var body = Resource(response, expected);
            Assert.NotEqual(etag, response.ETag);
            Assert.Equal(response.ETag, (await client.GetAsync(path)).ETag);
            Assert.NotNull(body["id"]);
        }
    }

    [Fact]
    public async Task IfMatchStar_Succeeds()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        Resource(await client.PatchAsync("Users/" + created["id"], Deactivate, ("If-Match", "*")), HttpStatusCode.OK);
    }

    [Fact]
    public async Task IfNoneMatchCurrentVersion_Returns304WithoutBody()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var path = "Users/" + created["id"];
        var etag = (string)created["meta"]!["version"]!;

        var response = await client.GetAsync(path, ("If-None-Match", etag));

        Assert.Equal(HttpStatusCode.NotModified, response.Status);
        Assert.Equal(etag, response.ETag);
        Assert.Equal(string.Empty, response.Text);

        // Another version: the resource is sent.
        Resource(await client.GetAsync(path, ("If-None-Match", "W/\"0000000000000000\"")), HttpStatusCode.OK);
    }

    [Fact]
    public async Task IfNoneMatch_AfterAChange_ReturnsTheNewVersion()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var path = "Users/" + created["id"];
        await client.PatchAsync(path, Deactivate);

        var body = Resource(await client.GetAsync(path, ("If-None-Match", (string)created["meta"]!["version"]!)), HttpStatusCode.OK);

        Assert.False((bool)body["active"]!);
    }

    [Theory]
    [InlineData("application/scim+json")]
    [InlineData("application/scim+json; charset=utf-8")]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/SCIM+JSON")]
    [InlineData("application/scim+json; charset=\"UTF-8\"")]
    [InlineData("application/json;charset=utf8")]
    public async Task JsonMediaTypes_AreAcceptedOnInput(string contentType)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        var created = Resource(await client.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""", contentType), HttpStatusCode.Created);
        var path = "Users/" + created["id"];
        Resource(await client.SendAsync(HttpMethod.Patch, path, Deactivate, contentType), HttpStatusCode.OK);
        Resource(await client.SendAsync(HttpMethod.Put, path, Replacement, contentType), HttpStatusCode.OK);
        List(await client.PostAsync("Users/.search", "{}", contentType), totalResults: 1);
    }

    [Theory]
    [InlineData("POST", "Users")]
    [InlineData("PUT", "Users/{id}")]
    [InlineData("PATCH", "Users/{id}")]
    [InlineData("POST", "Users/.search")]
    [InlineData("POST", ".search")]
    public async Task TextPlain_Returns415(string method, string path)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var response = await client.SendAsync(new HttpMethod(method), path.Replace("{id}", (string)created["id"]!, StringComparison.Ordinal), """{"userName":"x"}""", "text/plain");

        Error(response, HttpStatusCode.UnsupportedMediaType);
        List(await client.GetAsync("Users"), totalResults: 1);
    }

    /// <summary>JSON is UTF-8: a body said to be in another charset is 415, not read as UTF-8 and refused as garbled.</summary>
    [Theory]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/scim+json; charset=utf-16")]
    [InlineData("application/scim+json; charset=windows-1252")]
    public async Task OtherCharset_Returns415(string contentType)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        var error = Error(await client.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"latin"}""", contentType), HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("UTF-8", (string?)error["detail"], StringComparison.Ordinal);
        List(await client.GetAsync("Users"), totalResults: 0);
    }

    /// <summary>A UTF-8 byte order mark before a body is ignored (RFC 8259 §8.1), in every kind of body; a second one is not JSON.</summary>
    [Fact]
    public async Task BodyAfterAByteOrderMark_IsRead()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        static byte[] WithBom(string json) => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)];

        var created = Resource(await client.SendBytesAsync(HttpMethod.Post, "Users", WithBom("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bom"}""")), HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal("x", (string?)Resource(await client.SendBytesAsync(HttpMethod.Patch, "Users/" + id, WithBom("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"title","value":"x"}]}""")), HttpStatusCode.OK)["title"]);
        List(await client.SendBytesAsync(HttpMethod.Post, "Users/.search", WithBom("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"bom\""}""")), totalResults: 1);
        Error(await client.SendBytesAsync(HttpMethod.Post, "Users", [0xEF, 0xBB, 0xBF, .. WithBom("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"two"}""")]), HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task NoContentType_Returns415()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "Users") { Content = new ByteArrayContent("{}"u8.ToArray()) };

        var message = await client.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Error(new ScimResponse(message, await message.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task BodyLargerThanMaxPayloadSize_Returns413()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.MaxPayloadSize = 2048));
        var client = server.Client();
        var big = new string('x', 3000);

        var response = await client.PostAsync("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","displayName":"{{big}}"}""");

        Error(response, HttpStatusCode.RequestEntityTooLarge);
        List(await client.GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task ChunkedBodyLargerThanMaxPayloadSize_Returns413()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.MaxPayloadSize = 2048));
        var client = server.Client();
        var big = new string('x', 40_000);
        var bytes = System.Text.Encoding.UTF8.GetBytes($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","displayName":"{{big}}"}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "Users") { Content = new StreamContent(new UnknownLengthStream(bytes)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/scim+json");
        request.Headers.TransferEncodingChunked = true;

        var message = await client.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Error(new ScimResponse(message, await message.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task BodyWithinMaxPayloadSize_IsAccepted()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.MaxPayloadSize = 2048));

        Resource(await server.Client().PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}"""), HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("POST", "Users", "{\"userName\":")]
    [InlineData("POST", "Users", "not json")]
    [InlineData("PUT", "Users/{id}", "{\"userName\":\"x\",}")]
    [InlineData("PATCH", "Users/{id}", "{\"Operations\":[")]
    [InlineData("POST", "Users/.search", "{\"filter\":")]
    [InlineData("POST", ".search", "[1,")]
    [InlineData("POST", "Groups", "{")]
    public async Task MalformedJson_Returns400InvalidSyntax(string method, string path, string body)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var before = (await client.GetAsync("Users/" + created["id"])).Text;

        var response = await client.SendAsync(new HttpMethod(method), path.Replace("{id}", (string)created["id"]!, StringComparison.Ordinal), body);

        Error(response, HttpStatusCode.BadRequest, "invalidSyntax");
        Assert.Equal(before, (await client.GetAsync("Users/" + created["id"])).Text);
    }

    [Theory]
    [InlineData("POST", "Users")]
    [InlineData("PATCH", "Users/{id}")]
    public async Task EmptyBody_Returns400InvalidSyntax(string method, string path)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        Error(await client.SendAsync(new HttpMethod(method), path.Replace("{id}", (string)created["id"]!, StringComparison.Ordinal), string.Empty), HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Theory]
    [InlineData("GET", "Users/2819c223-7f76-453a-919d-413861904646")]
    [InlineData("PUT", "Users/2819c223-7f76-453a-919d-413861904646")]
    [InlineData("PATCH", "Users/2819c223-7f76-453a-919d-413861904646")]
    [InlineData("DELETE", "Users/2819c223-7f76-453a-919d-413861904646")]
    [InlineData("GET", "Groups/nope")]
    [InlineData("PATCH", "Groups/nope")]
    [InlineData("DELETE", "Groups/nope")]
    public async Task UnknownResourceId_Returns404(string method, string path)
    {
        await using var server = await ScimTestServer.StartAsync();
        var body = method switch
        {
            "PUT" => Replacement,
            "PATCH" => Deactivate.Replace("active", "displayName", StringComparison.Ordinal).Replace("false", "\"x\"", StringComparison.Ordinal),
            _ => null,
        };

        Error(await server.Client().SendAsync(new HttpMethod(method), path, body), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("Devices")]
    [InlineData("Users/abc/extra")]
    [InlineData("Schemas/urn:example:nothing")]
    [InlineData("Schemas/a/b")]
    [InlineData("ResourceTypes/Device")]
    [InlineData("User")]
    [InlineData("Group")]
    [InlineData("")]
    public async Task UnknownRouteUnderThePrefix_Returns404(string path)
    {
        await using var server = await ScimTestServer.StartAsync();

        Error(await server.Client().GetAsync(path), HttpStatusCode.NotFound);
    }

    /// <summary>
    /// HEAD (RFC 9110 §9.3.2) is answered as the GET would be, with its status, ETag and
    /// Content-Length, and no body; an error keeps its status, and a matching If-None-Match is 304.
    /// </summary>
    [Fact]
    public async Task Head_AnswersAsGetWithoutTheBody()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var id = (string)(await client.CreateUserAsync("bjensen"))["id"]!;

        foreach (var path in new[] { "Users/" + id, "Users?filter=userName%20eq%20%22bjensen%22", "ServiceProviderConfig", "Schemas", "ResourceTypes/User" })
        {
            var get = await client.GetAsync(path);
            var head = await client.SendAsync(HttpMethod.Head, path, null);

            Assert.Equal(HttpStatusCode.OK, head.Status);
            Assert.Empty(head.Text);
            Assert.Equal(get.Message.Content.Headers.ContentLength, head.Message.Content.Headers.ContentLength);
            Assert.Equal(get.Message.Headers.ETag, head.Message.Headers.ETag);
        }

        var missing = await client.SendAsync(HttpMethod.Head, "Users/nobody", null);
        Assert.Equal((HttpStatusCode.NotFound, ""), (missing.Status, missing.Text));
        var version = (await client.GetAsync("Users/" + id)).Message.Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(HttpMethod.Head, "Users/" + id, null, headers: ("If-None-Match", version))).Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.SendAsync(HttpMethod.Head, "Bulk", null)).Status);
    }

    [Theory]
    [InlineData("DELETE", "Users", "GET, HEAD, POST")]
    [InlineData("PUT", "Users", "GET, HEAD, POST")]
    [InlineData("PATCH", "Users", "GET, HEAD, POST")]
    [InlineData("POST", "Users/{id}", "GET, HEAD, PUT, PATCH, DELETE")]
    [InlineData("DELETE", "Groups", "GET, HEAD, POST")]
    [InlineData("POST", "Groups/{gid}", "GET, HEAD, PUT, PATCH, DELETE")]
    [InlineData("DELETE", "ServiceProviderConfig", "GET, HEAD")]
    [InlineData("POST", "ServiceProviderConfig", "GET, HEAD")]
    [InlineData("PUT", "Schemas", "GET, HEAD")]
    [InlineData("POST", "ResourceTypes/User", "GET, HEAD")]
    [InlineData("GET", "Users/.search", "POST")]
    [InlineData("GET", ".search", "POST")]
    public async Task UnsupportedMethod_Returns405WithAllowAndChangesNothing(string method, string path, string allow)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Guides");
        var body = method is "GET" or "DELETE" ? null : """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"other"}""";

        var response = await client.SendAsync(new HttpMethod(method), path.Replace("{id}", (string)created["id"]!, StringComparison.Ordinal).Replace("{gid}", (string)group["id"]!, StringComparison.Ordinal), body);

        var error = Error(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(allow, string.Join(", ", response.Message.Content.Headers.Allow));
        Assert.Contains(allow, (string?)error["detail"], StringComparison.Ordinal);
        List(await client.GetAsync("Users"), totalResults: 1);
        List(await client.GetAsync("Groups"), totalResults: 1);
    }

    [Theory]
    [InlineData("GET", "Me")]
    [InlineData("PATCH", "Me")]
    [InlineData("DELETE", "me")]
    public async Task Me_WithoutAMeResolver_Returns501(string method, string path)
    {
        await using var server = await ScimTestServer.StartAsync();

        Error(await server.Client().SendAsync(new HttpMethod(method), path, method == "PATCH" ? "{}" : null), HttpStatusCode.NotImplemented);
    }

    [Theory]
    [InlineData("Bulk")]
    [InlineData("bulk")]
    public async Task Bulk_WhenDisabled_Returns501(string path)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.Bulk.Enabled = false));
        var client = server.Client();

        Error(await client.PostAsync(path, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","bulkId":"q1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bulk"}}]}"""), HttpStatusCode.NotImplemented);
        List(await client.GetAsync("Users"), totalResults: 0);
        Assert.False((bool)(await client.GetAsync("ServiceProviderConfig")).Json["bulk"]!["supported"]!);
    }

    [Theory]
    [InlineData("startIndex=abc")]
    [InlineData("count=ten")]
    [InlineData("count=1.5")]
    [InlineData("startIndex=99999999999")]
    public async Task NonIntegerPaging_Returns400InvalidValue(string query)
    {
        await using var server = await ScimTestServer.StartAsync();

        Error(await server.Client().GetAsync("Users?" + query), HttpStatusCode.BadRequest, "invalidValue");
    }

    [Theory]
    [InlineData("""{"count":"ten"}""")]
    [InlineData("""{"startIndex":1.5}""")]
    [InlineData("""{"filter":42}""")]
    public async Task NonIntegerPagingInASearch_Returns400InvalidValue(string body)
    {
        await using var server = await ScimTestServer.StartAsync();

        Error(await server.Client().PostAsync("Users/.search", body), HttpStatusCode.BadRequest, "invalidValue");
    }

    [Theory]
    [InlineData("userName eq")]
    [InlineData("userName zz \"x\"")]
    [InlineData("(userName eq \"x\"")]
    [InlineData("noSuchAttribute eq \"x\"")]
    public async Task InvalidFilter_Returns400InvalidFilter(string filter)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        Error(await client.GetAsync("Users?filter=" + Uri.EscapeDataString(filter)), HttpStatusCode.BadRequest, "invalidFilter");
        Error(await client.PostAsync("Users/.search", new JsonObject { ["filter"] = filter }.ToJsonString()), HttpStatusCode.BadRequest, "invalidFilter");
        Error(await client.PostAsync(".search", new JsonObject { ["filter"] = filter }.ToJsonString()), HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Theory]
    [InlineData("POST", "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""", HttpStatusCode.Conflict)]
    [InlineData("POST", "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","active":"maybe"}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","shoeSize":44}""", HttpStatusCode.BadRequest)]
    [InlineData("PATCH", "Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"userName"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("PATCH", "Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"explode","path":"userName"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("PATCH", "Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("PATCH", "Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq","value":"x"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("PATCH", "Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"id","value":"x"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("PUT", "Users/{id}", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"other","userName":"bjensen"}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[{"value":"no-such-user"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("GET", "Users?sortBy=noSuchAttribute", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "Users?sortBy=userName&cursor=", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "Users?cursor=not-a-cursor!", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "Users?attributes=name..givenName", null, HttpStatusCode.BadRequest)]
    [InlineData("POST", ".search", """{"cursor":""}""", HttpStatusCode.BadRequest)]
    public async Task ClientErrors_AreScimErrorsAndNever500(string method, string path, string? body, HttpStatusCode expected)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var response = await client.SendAsync(new HttpMethod(method), path.Replace("{id}", (string)created["id"]!, StringComparison.Ordinal), body);

        Assert.True(expected == response.Status, $"expected {(int)expected}, got {(int)response.Status}: {response.Text}");
        var error = Error(response, expected, (string?)JsonNode.Parse(response.Text)!["scimType"]);
        if (expected == HttpStatusCode.Conflict)
        {
            Assert.Equal("uniqueness", (string?)error["scimType"]);
        }
        else
        {
            Assert.NotNull((string?)error["scimType"]);
        }
    }

    /// <summary>A stream that hides its length, so HttpClient sends the body chunked without Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
