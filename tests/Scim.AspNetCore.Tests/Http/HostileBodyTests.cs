using System.Net;
using System.Text;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Http;

/// <summary>
/// SearchRequest and BulkRequest bodies that name a member twice or carry text that is not valid
/// Unicode (invalid UTF-8, a lone surrogate escape), in a value or in a name, at /.search,
/// /Users/.search, /Groups/.search and /Bulk: each is a 400 <c>invalidSyntax</c> SCIM error, and a
/// BulkRequest refused as a whole writes nothing, not even its valid operations.
/// </summary>
public sealed class HostileBodyTests
{
    private const string SearchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    /// <summary>The hostile part of each body, spliced into an otherwise valid request.</summary>
    private static readonly Dictionary<string, (byte[] Search, byte[] Bulk)> Shapes = new()
    {
        ["the same member twice"] = (Utf8("\"count\":1,\"count\":2"), Utf8("\"Operations\":[]")),
        ["the same member twice, in other case"] = (Utf8("\"count\":1,\"COUNT\":2"), Utf8("\"operations\":[]")),
        ["invalid UTF-8 in a string"] = ([.. "\"sortBy\":\""u8, 0xC3, .. "\""u8], [.. "\"x\":[{\"method\":\"DELETE\",\"path\":\"/Users/"u8, 0xFF, .. "\"}]"u8]),
        ["invalid UTF-8 in a name"] = ([.. "\""u8, 0xC3, 0x28, .. "\":1"u8], [.. "\""u8, 0xED, 0xA0, 0x80, .. "\":1"u8]),
        ["a lone surrogate escape in a string"] = (Utf8("\"filter\":\"userName eq \\\"\\ud800\\\"\""), Utf8("\"x\":{\"path\":\"/Users/\\ud800\"}")),
        ["a lone surrogate escape in a name"] = (Utf8("\"sort\\udc00By\":\"userName\""), Utf8("\"\\ud800\":1")),
    };

    public static TheoryData<string, string> Requests()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in (string[])[".search", "Users/.search", "Groups/.search", "Bulk"])
        {
            foreach (var shape in Shapes.Keys)
            {
                data.Add(path, shape);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task HostileBody_Is400InvalidSyntax_AndWritesNothing(string path, string shape)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var bulk = path == "Bulk";
        byte[] body = bulk
            ? [.. Utf8($$"""{"schemas":["{{BulkRequest}}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["{{UserSchema}}"],"userName":"alice"} }],"""), .. Shapes[shape].Bulk, .. "}"u8]
            : [.. Utf8($$"""{"schemas":["{{SearchRequest}}"],"""), .. Shapes[shape].Search, .. "}"u8];

        var response = await client.SendBytesAsync(HttpMethod.Post, path, body);

        Error(response, HttpStatusCode.BadRequest, "invalidSyntax");
        List(await client.GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task ValidBodies_WithoutTheHostilePart_AreServed()
    {
        // The requests the test above spoils, as they are: what makes each a 400 is the spliced part.
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        List(await client.PostAsync(".search", $$"""{"schemas":["{{SearchRequest}}"],"count":1}"""), totalResults: 0);
        var bulk = await client.PostAsync("Bulk", $$"""{"schemas":["{{BulkRequest}}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["{{UserSchema}}"],"userName":"alice"} }],"x":1}""");

        Assert.True(bulk.Status == HttpStatusCode.OK, bulk.Text);
        List(await client.GetAsync("Users"), totalResults: 1);
    }

    [Theory]
    [InlineData("/Users/\\ud800")]
    [InlineData("/Users\\udfff")]
    [InlineData("/Users/a\\ud83d")]
    public async Task BulkPathWithALoneSurrogateEscape_Is400InvalidSyntax(string bulkPath)
    {
        await using var server = await ScimTestServer.StartAsync();

        var response = await server.Client().PostAsync("Bulk", $$"""{"schemas":["{{BulkRequest}}"],"Operations":[{"method":"DELETE","path":"{{bulkPath}}"}]}""");

        var error = Error(response, HttpStatusCode.BadRequest, "invalidSyntax");
        Assert.Contains("not valid Unicode", (string)error["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkPathWithInvalidUtf8_Is400InvalidSyntax()
    {
        await using var server = await ScimTestServer.StartAsync();
        byte[] body = [.. Utf8($$"""{"schemas":["{{BulkRequest}}"],"Operations":[{"method":"DELETE","path":"/Users/"""), 0xFF, .. "\"}]}"u8];

        var error = Error(await server.Client().SendBytesAsync(HttpMethod.Post, "Bulk", body), HttpStatusCode.BadRequest, "invalidSyntax");

        Assert.Contains("not valid Unicode", (string)error["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".search")]
    [InlineData("Users/.search")]
    [InlineData("Groups/.search")]
    [InlineData("Bulk")]
    public async Task HostileBody_OnATenantRoute_Is400InvalidSyntax(string path)
    {
        await using var server = await ScimTestServer.StartAsync();

        var response = await server.TenantClient("a", ScimTestServer.TokenA).SendBytesAsync(HttpMethod.Post, path, [.. "{\"\\ud800\":1,\"schemas\":[]}"u8]);

        Error(response, HttpStatusCode.BadRequest, "invalidSyntax");
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
