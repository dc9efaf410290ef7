using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Scim.AspNetCore.Tests;
using Scim.Core.Resources;
using Scim.Core.Stores;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A host with a user store and no group store serves users only, and discovery says so: /ResourceTypes
/// and /Schemas list what is served, and every Group endpoint is 404.
/// </summary>
public sealed class DiscoveryServedTests
{
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    /// <summary>Starts a host whose only store is a user store of its own (over the library's in-memory rows).</summary>
    private static Task<ScimTestServer> UsersOnlyAsync() => ScimTestServer.StartAsync(o => o.Scim = scim =>
    {
        scim.Services.AddSingleton(new UserRows(InMemoryRows.Users()));
        scim.AddUserStore<HostUserStore>();
        scim.Services.RemoveAll<IGroupStore>();
    });

    /// <summary>
    /// RFC 7644 §4: a discovery endpoint ignores paging and sorting, and answers a filter with 403,
    /// so that no client takes the whole list for the matches of its filter.
    /// </summary>
    [Theory]
    [InlineData("ResourceTypes?filter=name%20eq%20%22User%22")]
    [InlineData("ResourceTypes/User?filter=name%20eq%20%22Group%22")]
    [InlineData("Schemas?filter=id%20eq%20%22x%22")]
    [InlineData("Schemas/urn:ietf:params:scim:schemas:core:2.0:User?filter=x")]
    [InlineData("ServiceProviderConfig?filter=x")]
    [InlineData("ServiceProviderConfig?count=1&filter=x")]
    public async Task Discovery_WithAFilter_Is403(string path)
    {
        await using var server = await ScimTestServer.StartAsync();

        var error = Error(await server.Client().GetAsync(path), HttpStatusCode.Forbidden);

        Assert.Contains("filter", (string?)error["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ResourceTypes?filter=")]
    [InlineData("ResourceTypes?startIndex=2&count=1&sortBy=name")]
    [InlineData("Schemas?count=0")]
    [InlineData("ServiceProviderConfig?attributes=bulk")]
    public async Task Discovery_WithPagingSortingOrAnEmptyFilter_IgnoresThem(string path)
    {
        await using var server = await ScimTestServer.StartAsync();

        var response = await server.Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        if (response.Json["totalResults"] is { } total)
        {
            Assert.Equal(response.Json["Resources"]!.AsArray().Count, (int)total);
            Assert.True((int)total >= 2);
        }
    }

    [Fact]
    public async Task ResourceTypes_UsersOnly_ListOnlyUser()
    {
        await using var server = await UsersOnlyAsync();

        var list = List(await server.Client().GetAsync("ResourceTypes"), totalResults: 1);

        Assert.Equal(["User"], Ids(list));
        Assert.Equal("/Users", (string?)list["Resources"]![0]!["endpoint"]);
    }

    [Theory]
    [InlineData("ResourceTypes/User")]
    [InlineData("ResourceTypes/user")]
    public async Task ResourceTypeUser_UsersOnly_Is200(string path)
    {
        await using var server = await UsersOnlyAsync();

        var response = await server.Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("User", (string?)response.Json["id"]);
    }

    [Theory]
    [InlineData("ResourceTypes/Group")]
    [InlineData("ResourceTypes/group")]
    [InlineData("ResourceTypes/Groups")]
    public async Task ResourceTypeGroup_UsersOnly_Is404(string path)
    {
        await using var server = await UsersOnlyAsync();

        var error = Error(await server.Client().GetAsync(path), HttpStatusCode.NotFound);

        Assert.Contains("group", (string)error["detail"]!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Schemas_UsersOnly_ListOnlyTheUserSchemas()
    {
        await using var server = await UsersOnlyAsync();

        var list = List(await server.Client().GetAsync("Schemas"), totalResults: 2);

        Assert.Equal([UserSchema, EnterpriseSchema], Ids(list));
    }

    [Theory]
    [InlineData(UserSchema)]
    [InlineData(EnterpriseSchema)]
    public async Task SchemaOfUser_UsersOnly_Is200(string urn)
    {
        await using var server = await UsersOnlyAsync();

        var response = await server.Client().GetAsync("Schemas/" + urn);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(urn, (string?)response.Json["id"]);
    }

    [Fact]
    public async Task SchemaGroup_UsersOnly_Is404()
    {
        await using var server = await UsersOnlyAsync();

        var error = Error(await server.Client().GetAsync("Schemas/" + GroupSchema), HttpStatusCode.NotFound);

        Assert.Contains(GroupSchema, (string)error["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "Groups", null)]
    [InlineData("POST", "Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Admins"}""")]
    [InlineData("GET", "Groups/abc", null)]
    [InlineData("PUT", "Groups/abc", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Admins"}""")]
    [InlineData("PATCH", "Groups/abc", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]}""")]
    [InlineData("DELETE", "Groups/abc", null)]
    [InlineData("POST", "Groups/.search", "{}")]
    public async Task GroupEndpoints_UsersOnly_Are404(string method, string path, string? body)
    {
        await using var server = await UsersOnlyAsync();

        Error(await server.Client().SendAsync(new HttpMethod(method), path, body), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Users_UsersOnly_AreServedFromTheHostsStore()
    {
        await using var server = await UsersOnlyAsync();
        var client = server.Client();

        var created = await client.CreateUserAsync("bjensen");
        var fetched = Resource(await client.GetAsync("Users/" + created["id"]), HttpStatusCode.OK);

        Assert.Equal("bjensen", (string?)fetched["userName"]);
        Assert.Null(fetched["groups"]);
        Assert.Equal(1, server.Services.GetRequiredService<UserRows>().Created);
        List(await client.GetAsync("Users"), totalResults: 1);
        List(await client.PostAsync(".search", "{}"), totalResults: 1);
    }

    [Fact]
    public async Task ServiceProviderConfig_AStoreWithoutCursors_OffersIndexPagingOnly()
    {
        await using var server = await UsersOnlyAsync();
        var client = server.Client();

        var pagination = (await client.GetAsync("ServiceProviderConfig")).Json["pagination"]!;

        Assert.False((bool)pagination["cursor"]!);
        Assert.True((bool)pagination["index"]!);
        Error(await client.GetAsync("Users?cursor="), HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task Bulk_UsersOnly_AGroupOperationFailsAlone()
    {
        await using var server = await UsersOnlyAsync();

        var response = await server.Client().PostAsync("Bulk", $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[
              {"method":"POST","path":"/Groups","bulkId":"g","data":{"schemas":["{{{GroupSchema}}}"],"displayName":"Admins"}},
              {"method":"POST","path":"/Users","bulkId":"u","data":{"schemas":["{{{UserSchema}}}"],"userName":"bjensen"}}]}
            """);

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var results = response.Json["Operations"]!.AsArray();
        Assert.Equal(["400", "201"], results.Select(r => (string?)r!["status"]));
        Assert.Equal("invalidPath", (string?)results[0]!["response"]!["scimType"]);
    }

    [Fact]
    public async Task BothStores_ListGroupAndItsSchema()
    {
        // The same host with the in-memory group store kept: Group is served again.
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = scim =>
        {
            scim.Services.AddSingleton(new UserRows(InMemoryRows.Users()));
            scim.AddUserStore<HostUserStore>();
        });
        var client = server.Client();

        Assert.Equal(["User", "Group"], Ids(List(await client.GetAsync("ResourceTypes"), totalResults: 2)));
        Assert.Contains(GroupSchema, Ids(List(await client.GetAsync("Schemas"), totalResults: 3)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("ResourceTypes/Group")).Status);
        List(await client.GetAsync("Groups"), totalResults: 0);
    }

    /// <summary>The rows the host's user store keeps, shared by its per-request instances.</summary>
    private sealed class UserRows(IUserStore rows)
    {
        private int _created;

        public IUserStore Rows => rows;

        public int Created => Volatile.Read(ref _created);

        public void CountCreate() => Interlocked.Increment(ref _created);
    }

    /// <summary>A host's user store (scoped, as AddUserStore registers it) that is not a cursor-paging store.</summary>
    private sealed class HostUserStore(UserRows rows) : IUserStore
    {
        public Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken) => rows.Rows.GetAsync(context, id, hints, cancellationToken);

        public Task<ScimPage<User>> QueryAsync(ScimContext context, ScimQuery query, CancellationToken cancellationToken) => rows.Rows.QueryAsync(context, query, cancellationToken);

        public Task<StoreWriteResult<User>> CreateAsync(ScimContext context, User resource, CancellationToken cancellationToken)
        {
            rows.CountCreate();
            return rows.Rows.CreateAsync(context, resource, cancellationToken);
        }

        public Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken) => rows.Rows.ReplaceAsync(context, resource, expectedVersion, cancellationToken);

        public Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken) => rows.Rows.DeleteAsync(context, id, expectedVersion, cancellationToken);
    }
}
