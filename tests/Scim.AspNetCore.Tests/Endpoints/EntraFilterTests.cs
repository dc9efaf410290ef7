using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// The list filters identity providers send that RFC 7644 does not define, over HTTP: Entra ID's
/// match on a work email, answered as <c>emails[type eq "work" and value eq "..."]</c>, and a
/// single-quoted value, which is refused with the column rather than matching nothing.
/// </summary>
public sealed class EntraFilterTests
{
    private const string Work = "b.jensen@contoso.com";

    [Fact]
    public async Task GetUsers_EntraWorkEmailMatch_ReturnsTheUserWithThatWorkEmailOnly()
    {
        await using var server = await ScimTestServer.StartAsync();
        var entra = server.TenantClient("a", ScimTestServer.TokenA);
        var ids = await CreateUsersAsync(entra);

        // Entra's lookup when email is the matching attribute, URL-encoded as it sends it.
        var found = List(await entra.GetAsync("Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22B.Jensen%40contoso.com%22"), totalResults: 1);

        Assert.Equal([ids["bjensen"]], Ids(found));
        Assert.Equal(Work, (string?)found["Resources"]![0]!["emails"]![0]!["value"]);
    }

    [Theory]
    [InlineData("emails[type eq \"work\"].value eq \"nobody@contoso.com\"", "")]
    [InlineData("emails[type eq \"work\"].value co \"@contoso.com\"", "bjensen,mpepper")]
    [InlineData("emails[type eq \"work\"].value sw \"b.\"", "bjensen")]
    [InlineData("emails[type eq \"home\"].value ew \"contoso.com\"", "homebody")]
    [InlineData("emails[type eq \"work\"].value pr", "bjensen,mpepper")]
    [InlineData("emails[type eq \"work\"].primary eq true", "mpepper")]
    [InlineData("emails[type eq \"work\"].value eq \"b.jensen@contoso.com\" or userName eq \"homebody\"", "bjensen,homebody")]
    public async Task GetUsers_ValuePathThenSubAttribute_SelectsByTheBracketedElements(string filter, string expected)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var ids = await CreateUsersAsync(client);

        var found = List(await client.GetAsync("Users?filter=" + Uri.EscapeDataString(filter)));

        var names = ids.Where(p => Ids(found).Contains(p.Value)).Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(expected, string.Join(",", names));
    }

    [Fact]
    public async Task GetUsers_EntraWorkEmailMatchWithStrictFilters_Is400InvalidFilterAtTheDot()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.Filter.Strict = true));

        var error = Error(await server.Client().GetAsync("Users?filter=" + Uri.EscapeDataString($"emails[type eq \"work\"].value eq \"{Work}\"")), HttpStatusCode.BadRequest, "invalidFilter");

        Assert.Contains("column 23 (found '.value')", (string)error["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostSearch_EntraWorkEmailMatch_ReturnsTheUser()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var ids = await CreateUsersAsync(client);

        var found = List(await client.PostAsync("Users/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"emails[type eq \"work\"].value eq \"b.jensen@contoso.com\""}"""), totalResults: 1);

        Assert.Equal([ids["bjensen"]], Ids(found));
    }

    [Theory]
    [InlineData("userName eq 'bjensen'", 13)]
    [InlineData("emails[type eq 'work'].value eq \"b.jensen@contoso.com\"", 16)]
    [InlineData("userName eq \"bjensen\" or displayName eq 'Babs'", 41)]
    public async Task GetUsers_SingleQuotedValue_Is400InvalidFilterNamingTheColumn(string filter, int column)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        await client.CreateUserAsync("bjensen");

        var error = Error(await client.GetAsync("Users?filter=" + Uri.EscapeDataString(filter)), HttpStatusCode.BadRequest, "invalidFilter");

        Assert.Contains($"not single quotes, at column {column} ", (string)error["detail"]!, StringComparison.Ordinal);
    }

    /// <summary>bjensen: work email <see cref="Work"/>. homebody: the same address, as a home email. mpepper: a primary work email.</summary>
    private static async Task<Dictionary<string, string>> CreateUsersAsync(ScimClient client) => new()
    {
        ["bjensen"] = (string)(await client.CreateUserAsync("bjensen", $$"""
            "emails":[{"type":"work","value":"{{Work}}"},{"type":"home","value":"babs@example.org"}]
            """))["id"]!,
        ["homebody"] = (string)(await client.CreateUserAsync("homebody", $$"""
            "emails":[{"type":"home","value":"{{Work}}"}]
            """))["id"]!,
        ["mpepper"] = (string)(await client.CreateUserAsync("mpepper", """
            "emails":[{"type":"work","value":"m.pepper@contoso.com","primary":true}]
            """))["id"]!,
    };
}
