using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A provisioning cycle as a Rippling custom SCIM integration configured with the options its
/// form offers drives it (SCIM 2.0, bearer token, "Supports Groups", "Mutually Exclusive Groups",
/// "Supports Pagination", "Create &amp; Delete Groups", "Use PATCH to edit Groups", email address as
/// user name, externalId and employeeNumber among the supported attributes). No Rippling
/// documentation of the request bodies was found, so the RFC 7644 forms are replayed: a user
/// created and matched, updated, moved between mutually exclusive groups, deactivated; groups
/// created, renamed with PATCH and deleted.
/// </summary>
public sealed class RipplingSequenceTests
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    [Fact]
    public async Task RipplingProvisioningCycle_EndsInTheExpectedState()
    {
        await using var server = await ScimTestServer.StartAsync();
        var rippling = server.TenantClient("b", ScimTestServer.TokenB);
        var byUserName = "Users?filter=" + Uri.EscapeDataString("userName eq \"maria.garcia@rippling.test\"");

        // 1. An employee who gets the app: matched first, created with the supported attributes.
        List(await rippling.GetAsync(byUserName), totalResults: 0);
        var createdResponse = await rippling.PostAsync("Users", """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "externalId": "6512f3c4a9b8e70012345678",
              "userName": "maria.garcia@rippling.test",
              "name": { "givenName": "Maria", "familyName": "Garcia" },
              "emails": [{ "value": "maria.garcia@rippling.test", "primary": true }],
              "active": true,
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "E-1042" }
            }
            """);
        var created = Resource(createdResponse, HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal((string?)created["meta"]!["location"], createdResponse.Location);
        Assert.Equal([id], Ids(List(await rippling.GetAsync(byUserName), totalResults: 1)));
        Assert.Equal([id], Ids(List(await rippling.GetAsync("Users?filter=" + Uri.EscapeDataString("externalId eq \"6512f3c4a9b8e70012345678\"")), totalResults: 1)));

        // 2. "Supports Pagination": lists read page by page.
        var other = await rippling.CreateUserAsync("li.wei@rippling.test");
        var otherId = (string)other["id"]!;
        var first = List(await rippling.GetAsync("Users?startIndex=1&count=1"), totalResults: 2);
        var second = List(await rippling.GetAsync("Users?startIndex=2&count=1"), totalResults: 2);
        Assert.Equal(new[] { id, otherId }.Order(StringComparer.Ordinal), Ids(first).Concat(Ids(second)).Order(StringComparer.Ordinal));

        // 3. A profile change (a new surname): PATCH or PUT, both applied.
        var patched = Resource(await rippling.PatchAsync("Users/" + id, $$"""
            {
              "schemas": ["{{PatchOp}}"],
              "Operations": [{ "op": "replace", "path": "name.familyName", "value": "Garcia Lopez" }]
            }
            """), HttpStatusCode.OK);
        Assert.Equal("Garcia Lopez", (string?)patched["name"]!["familyName"]);
        var put = Resource(await rippling.PutAsync("Users/" + id, """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "externalId": "6512f3c4a9b8e70012345678",
              "userName": "maria.garcia@rippling.test",
              "name": { "givenName": "Maria", "familyName": "Garcia Lopez" },
              "emails": [{ "value": "maria.garcia@rippling.test", "primary": true }],
              "active": true,
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "E-1042" }
            }
            """), HttpStatusCode.OK);
        Assert.Equal("E-1042", (string?)put[EnterpriseSchema]!["employeeNumber"]);

        // 4. "Create & Delete Groups" and "Use PATCH to edit Groups": groups created empty, members
        // added with PATCH.
        async Task<string> Group(string name) => (string)Resource(await rippling.PostAsync("Groups", $$"""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "{{name}}" }
            """), HttpStatusCode.Created)["id"]!;
        var sales = await Group("Sales");
        var support = await Group("Support");
        Assert.Equal(HttpStatusCode.NoContent, (await rippling.PatchAsync("Groups/" + sales, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "{{id}}" }, { "value": "{{otherId}}" }] }] }
            """)).Status);

        // "Mutually Exclusive Groups" (read by its name: a user in one group at a time; the library
        // does not enforce it): moving Maria takes her out of Sales and puts her into Support.
        Assert.Equal(HttpStatusCode.NoContent, (await rippling.PatchAsync("Groups/" + sales, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "remove", "path": "members[value eq \"{{id}}\"]" }] }
            """)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await rippling.PatchAsync("Groups/" + support, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "{{id}}" }] }] }
            """)).Status);
        var maria = Resource(await rippling.GetAsync("Users/" + id), HttpStatusCode.OK);
        Assert.Equal([support], maria["groups"]!.AsArray().Select(g => (string)g!["value"]!));
        Assert.Equal([otherId], MemberIds(Resource(await rippling.GetAsync("Groups/" + sales), HttpStatusCode.OK)));

        // A rename, with PATCH.
        Assert.Equal(HttpStatusCode.NoContent, (await rippling.PatchAsync("Groups/" + support, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "replace", "value": { "displayName": "Customer Support" } }] }
            """)).Status);
        Assert.Equal("Customer Support", (string?)Resource(await rippling.GetAsync("Groups/" + support), HttpStatusCode.OK)["displayName"]);

        // 5. Access removed: deactivation (whether Rippling deactivates or deletes is not documented;
        // a DELETE is answered as for the other IdPs).
        var deactivated = Resource(await rippling.PatchAsync("Users/" + otherId, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "replace", "path": "active", "value": false }] }
            """), HttpStatusCode.OK);
        Assert.False((bool)deactivated["active"]!);

        // 6. A group deleted in Rippling is deleted.
        Assert.Equal(HttpStatusCode.NoContent, (await rippling.DeleteAsync("Groups/" + sales)).Status);
        Error(await rippling.GetAsync("Groups/" + sales), HttpStatusCode.NotFound);

        // Final state: both users kept, Li inactive and in no group, Maria in Customer Support;
        // nothing in the other tenants.
        Assert.Null(Resource(await rippling.GetAsync("Users/" + otherId), HttpStatusCode.OK)["groups"]);
        Assert.Equal([id], MemberIds(Resource(await rippling.GetAsync("Groups/" + support), HttpStatusCode.OK)));
        List(await rippling.GetAsync("Groups"), totalResults: 1);
        List(await server.TenantClient("a", ScimTestServer.TokenA).GetAsync("Users"), totalResults: 0);
        List(await server.Client().GetAsync("Users"), totalResults: 0);
    }
}
