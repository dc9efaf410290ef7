using System.Net;
using System.Text.Json.Nodes;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>Filtering, index and cursor paging, sorting and projection on lists.</summary>
public sealed class ListingTests
{
    [Fact]
    public async Task StartIndexAndCount_PageInIdOrder()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((string)(await client.CreateUserAsync("user" + i))["id"]!);
        }

        var page = List(await client.GetAsync("Users?startIndex=2&count=2"), totalResults: 5);

        Assert.Equal(2, (int)page["startIndex"]!);
        Assert.Equal(ids.Order(StringComparer.Ordinal).Skip(1).Take(2), Ids(page));
        Assert.Null(page["nextCursor"]);
    }

    [Fact]
    public async Task CountAboveTheMaximum_IsLowered()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => { c.MaxCount = 3; c.DefaultCount = 2; }));
        var client = server.Client();
        for (var i = 0; i < 5; i++)
        {
            await client.CreateUserAsync("user" + i);
        }

        Assert.Equal(3, Ids(List(await client.GetAsync("Users?count=1000"), totalResults: 5)).Count);
        Assert.Equal(2, Ids(List(await client.GetAsync("Users"), totalResults: 5)).Count);
        Assert.Equal(3, Ids(List(await client.PostAsync("Users/.search", """{"count":50}"""), totalResults: 5)).Count);
        Assert.Equal(3, Ids(List(await client.PostAsync(".search", """{"count":50}"""), totalResults: 5)).Count);
        var config = (await client.GetAsync("ServiceProviderConfig")).Json;
        Assert.Equal(3, (int)config["filter"]!["maxResults"]!);
    }

    [Fact]
    public async Task CountZero_ReturnsOnlyTheTotal()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        await client.CreateUserAsync("a");
        await client.CreateUserAsync("b");

        var list = List(await client.GetAsync("Users?count=0"), totalResults: 2);

        Assert.Empty(list["Resources"]!.AsArray());
    }

    [Fact]
    public async Task NegativeStartIndex_CountsAsOne()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        await client.CreateUserAsync("a");

        var list = List(await client.GetAsync("Users?startIndex=-5"), totalResults: 1);

        Assert.Equal(1, (int)list["startIndex"]!);
        Assert.Single(Ids(list));
    }

    [Fact]
    public async Task CursorPaging_WalksEveryResourceOnceByNextCursor()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((string)(await client.CreateUserAsync("user" + i))["id"]!);
        }

        var seen = new List<string>();
        var cursor = string.Empty;
        var pages = 0;
        while (cursor is not null)
        {
            var page = List(await client.GetAsync("Users?count=2&cursor=" + Uri.EscapeDataString(cursor)), totalResults: 5);
            Assert.Null(page["startIndex"]);
            seen.AddRange(Ids(page));
            cursor = (string?)page["nextCursor"];
            pages++;
            Assert.True(pages <= 3, "five users in pages of two take three pages");
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task CursorPaging_BySearchBody()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        for (var i = 0; i < 3; i++)
        {
            await client.CreateGroupAsync("group" + i);
        }

        var first = List(await client.PostAsync("Groups/.search", """{"cursor":"","count":2}"""), totalResults: 3);
        var next = (string)first["nextCursor"]!;
        var second = List(await client.PostAsync("Groups/.search", new JsonObject { ["cursor"] = next, ["count"] = 2 }.ToJsonString()), totalResults: 3);

        Assert.Equal(2, Ids(first).Count);
        Assert.Single(Ids(second));
        Assert.Null(second["nextCursor"]);
        Assert.Empty(Ids(first).Intersect(Ids(second)));
    }

    [Fact]
    public async Task Filter_EqOnUserNameIsCaseInsensitive_AndEmptyResultIsAList()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var bjensen = await client.CreateUserAsync("BJensen@example.com");

        Assert.Equal([(string)bjensen["id"]!], Ids(List(await client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"bjensen@EXAMPLE.com\"")), totalResults: 1)));
        var empty = List(await client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"nobody\"")), totalResults: 0);
        Assert.Empty(empty["Resources"]!.AsArray());
    }

    [Fact]
    public async Task SortByAndProjection_OnAGet()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        await client.CreateUserAsync("charlie");
        await client.CreateUserAsync("alice");
        await client.CreateUserAsync("bob");

        var list = List(await client.GetAsync("Users?sortBy=userName&sortOrder=descending&attributes=userName"), totalResults: 3);

        Assert.Equal(["charlie", "bob", "alice"], list["Resources"]!.AsArray().Select(r => (string?)r!["userName"]));
        Assert.All(list["Resources"]!.AsArray(), r => Assert.Null(r!["meta"]));
    }

    [Fact]
    public async Task ExcludedAttributesMembers_LeavesMembersOut()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Guides", (string)user["id"]!);

        var list = List(await client.GetAsync("Groups?excludedAttributes=members"), totalResults: 1);
        var single = Resource(await client.GetAsync("Groups/" + group["id"] + "?excludedAttributes=members"), HttpStatusCode.OK);

        Assert.Null(list["Resources"]![0]!["members"]);
        Assert.Equal("Guides", (string?)list["Resources"]![0]!["displayName"]);
        Assert.Null(single["members"]);
    }
}
