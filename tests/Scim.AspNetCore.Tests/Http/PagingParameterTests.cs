using System.Net;
using System.Text;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Http;

/// <summary>
/// <c>startIndex</c> and <c>count</c> as query parameters and in a SearchRequest body: integers out
/// of int32's range are 400 <c>invalidValue</c> saying so, other non-integers say they must be
/// integers, and every integer in range is served.
/// </summary>
public sealed class PagingParameterTests
{
    private static async Task<ScimClient> ClientWithUsersAsync(ScimTestServer server, int users)
    {
        var client = server.Client();
        for (var i = 0; i < users; i++)
        {
            await client.CreateUserAsync($"user{i}");
        }

        return client;
    }

    // ---------------------------------------------------------------- query parameters

    [Theory]
    [InlineData("startIndex=9223372036854775807", "startIndex")]
    [InlineData("startIndex=2147483648", "startIndex")]
    [InlineData("startIndex=-2147483649", "startIndex")]
    [InlineData("startIndex=-9223372036854775809", "startIndex")]
    [InlineData("count=2147483648", "count")]
    [InlineData("count=%2B2147483648", "count")]
    [InlineData("count=99999999999999999999999999999", "count")]
    [InlineData("startIndex=1&count=9223372036854775807", "count")]
    public async Task IntegerOutOfRange_Is400InvalidValue_SayingSo(string query, string name)
    {
        await using var server = await ScimTestServer.StartAsync();

        var error = Error(await server.Client().GetAsync("Users?" + query), HttpStatusCode.BadRequest, "invalidValue");

        var detail = (string)error["detail"]!;
        Assert.Contains($"'{name}'", detail, StringComparison.Ordinal);
        Assert.Contains("out of range", detail, StringComparison.Ordinal);
        Assert.Contains("2147483647", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count=ten", "count")]
    [InlineData("count=1.5", "count")]
    [InlineData("startIndex=1e3", "startIndex")]
    [InlineData("count=0x10", "count")]
    [InlineData("count=%205", "count")]
    [InlineData("startIndex=-", "startIndex")]
    [InlineData("count=--5", "count")]
    [InlineData("count=%2B-5", "count")]
    [InlineData("count=5%00", "count")]
    [InlineData("startIndex=99999999999%00", "startIndex")]
    public async Task NotAnInteger_Is400InvalidValue_SayingItMustBeOne(string query, string name)
    {
        await using var server = await ScimTestServer.StartAsync();

        var error = Error(await server.Client().GetAsync("Users?" + query), HttpStatusCode.BadRequest, "invalidValue");

        var detail = (string)error["detail"]!;
        Assert.Contains($"'{name}' must be an integer", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("out of range", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("startIndex=2147483647", 0)]
    [InlineData("startIndex=2147483647&count=2147483647", 0)]
    [InlineData("startIndex=-2147483648", 3)]
    [InlineData("startIndex=0", 3)]
    [InlineData("count=2147483647", 3)]
    [InlineData("count=-2147483648", 0)]
    [InlineData("count=%2B2", 2)]
    [InlineData("startIndex=%2B3&count=1", 1)]
    [InlineData("startIndex=&count=", 3)]
    public async Task IntegerInRange_IsServed(string query, int items)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = await ClientWithUsersAsync(server, 3);

        var list = List(await client.GetAsync("Users?" + query), totalResults: 3);

        Assert.Equal(items, list["Resources"]!.AsArray().Count);
    }

    [Fact]
    public async Task StartIndexAtTheEndOfTheRange_IsEchoed()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = await ClientWithUsersAsync(server, 1);

        var list = List(await client.GetAsync("Users?startIndex=2147483647"), totalResults: 1);

        Assert.Equal(2147483647, (int)list["startIndex"]!);
    }

    [Fact]
    public async Task IntegerOutOfRange_OnGroups_Is400InvalidValue()
    {
        await using var server = await ScimTestServer.StartAsync();

        Error(await server.Client().GetAsync("Groups?startIndex=9223372036854775807"), HttpStatusCode.BadRequest, "invalidValue");
    }

    // ---------------------------------------------------------------- SearchRequest bodies

    [Theory]
    [InlineData("Users/.search", """{"startIndex":9223372036854775807}""")]
    [InlineData("Users/.search", """{"count":2147483648}""")]
    [InlineData(".search", """{"count":-2147483649}""")]
    [InlineData("Groups/.search", """{"startIndex":1e20}""")]
    public async Task SearchWithANumberOutsideInt32_Is400InvalidValue(string path, string body)
    {
        await using var server = await ScimTestServer.StartAsync();

        var error = Error(await server.Client().PostAsync(path, body), HttpStatusCode.BadRequest, "invalidValue");

        Assert.Contains("2147483647", (string)error["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "Users?startIndex=9223372036854775807", "startIndex")]
    [InlineData("GET", "Groups?count=9223372036854775807", "count")]
    [InlineData("POST", "Users/.search", "startIndex")]
    [InlineData("POST", ".search", "count")]
    public async Task TheIssuesCase_QueryAndBody_SayTheIntegerIsOutOfRange_AndGiveTheRange(string method, string path, string name)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        var response = method == "GET" ? await client.GetAsync(path) : await client.PostAsync(path, $$"""{"{{name}}":9223372036854775807}""");

        var error = Error(response, HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal($"'{name}' is an integer out of range: it must be between -2147483648 and 2147483647.", (string?)error["detail"]);
    }

    [Theory]
    [InlineData("Users/.search", """{"count":1,"count":2}""")]
    [InlineData("Users/.search", """{"count":1,"Count":2}""")]
    [InlineData(".search", """{"filter":"userName pr","FILTER":"id pr"}""")]
    [InlineData("Groups/.search", """{"attributes":["id"],"ATTRIBUTES":"id"}""")]
    [InlineData("Users/.search", "[]")]
    [InlineData("Users/.search", "\"count\"")]
    [InlineData("Users/.search", """{"filter":"userName eq \"\ud800\""}""")]
    public async Task SearchThatIsNotAValidSearchRequest_Is400InvalidSyntax(string path, string body)
    {
        await using var server = await ScimTestServer.StartAsync();

        Error(await server.Client().PostAsync(path, body), HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task SearchWithInvalidUtf8_Is400InvalidSyntax()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        using var content = new ByteArrayContent([.. "{\"filter\":\"userName eq \\\""u8, 0xFF, 0xFE, .. "\\\"\"}"u8]);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/scim+json");

        using var message = await client.Http.PostAsync("Users/.search", content, TestContext.Current.CancellationToken);
        var response = new ScimResponse(message, await message.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Error(response, HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Theory]
    [InlineData("""{"filter":"userName eq \"user1\"","attributes":["userName"]}""")]
    [InlineData("""{"filter":"userName eq \"user1\"","attributes":"userName"}""")]
    [InlineData("""{"Filter":"userName eq \"user1\"","ATTRIBUTES":["userName"],"count":2147483647,"startIndex":-2147483648}""")]
    public async Task SearchWithAttributesAsArrayOrString_IsServedProjected(string body)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = await ClientWithUsersAsync(server, 3);

        var list = List(await client.PostAsync("Users/.search", body), totalResults: 1);

        var user = list["Resources"]![0]!.AsObject();
        Assert.Equal("user1", (string?)user["userName"]);
        Assert.Null(user["active"]);
        Assert.NotNull(user["id"]);
    }
}
