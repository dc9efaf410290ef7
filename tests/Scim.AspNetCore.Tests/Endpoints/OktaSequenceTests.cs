using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A provisioning cycle as Okta sends it (request shapes from its SCIM 2.0 reference): lookup with
/// startIndex and count, create, full PUT, deactivate by a no-path replace, group rename with the
/// echoed id, members added on "members" and removed by members[value eq "..."].
/// </summary>
public sealed class OktaSequenceTests
{
    [Fact]
    public async Task OktaProvisioningCycle_EndsInTheExpectedState()
    {
        await using var server = await ScimTestServer.StartAsync();
        var okta = server.Client();
        var lookup = "Users?filter=" + Uri.EscapeDataString("userName eq \"test.user@okta.local\"") + "&startIndex=1&count=100";

        // 1. Lookup: nothing.
        var none = List(await okta.GetAsync(lookup), totalResults: 0);
        Assert.Equal(1, (int)none["startIndex"]!);

        // 2. Create.
        var createdResponse = await okta.PostAsync("Users", """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "test.user@okta.local",
              "name": { "givenName": "Test", "familyName": "User" },
              "emails": [{ "primary": true, "value": "test.user@okta.local", "type": "work" }],
              "displayName": "Test User",
              "locale": "en-US",
              "externalId": "00ujl29u0le5T6Aj10h7",
              "groups": [],
              "password": "1mz050nq",
              "active": true
            }
            """);
        var created = Resource(createdResponse, HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal((string?)created["meta"]!["location"], createdResponse.Location);
        Assert.Null(created["password"]);
        Assert.Equal([id], Ids(List(await okta.GetAsync(lookup), totalResults: 1)));

        // 3. Full PUT (Okta sends the whole user back, with id and meta echoed).
        var put = Resource(await okta.PutAsync("Users/" + id, $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "id": "{{id}}",
              "userName": "test.user@okta.local",
              "name": { "givenName": "Another", "familyName": "User" },
              "emails": [{ "primary": true, "value": "test.user@okta.local", "type": "work" }],
              "displayName": "Another User",
              "locale": "en-US",
              "externalId": "00ujl29u0le5T6Aj10h7",
              "groups": [],
              "active": true,
              "meta": { "resourceType": "User", "created": "2016-01-01T00:00:00Z" }
            }
            """), HttpStatusCode.OK);
        Assert.Equal("Another", (string?)put["name"]!["givenName"]);
        Assert.Equal("Another User", (string?)put["displayName"]);
        Assert.Equal((string?)created["meta"]!["created"], (string?)put["meta"]!["created"]);

        // 4. Deactivate.
        var deactivated = Resource(await okta.PatchAsync("Users/" + id, """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "replace", "value": { "active": false } }]
            }
            """), HttpStatusCode.OK);
        Assert.False((bool)deactivated["active"]!);

        // 5. Groups: create, rename, add and remove members.
        var other = await okta.CreateUserAsync("other.user@okta.local");
        var group = Resource(await okta.PostAsync("Groups", """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "displayName": "Test SCIMv2",
              "members": []
            }
            """), HttpStatusCode.Created);
        var groupId = (string)group["id"]!;

        // Group PATCHes answer 204 by default (the body would carry the member list).
        Assert.Equal(HttpStatusCode.NoContent, (await okta.PatchAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "replace", "value": { "id": "{{groupId}}", "displayName": "Test SCIMv2 renamed" } }]
            }
            """)).Status);
        var renamed = Resource(await okta.GetAsync("Groups/" + groupId), HttpStatusCode.OK);
        Assert.Equal("Test SCIMv2 renamed", (string?)renamed["displayName"]);
        Assert.Equal(groupId, (string?)renamed["id"]);

        Assert.Equal(HttpStatusCode.NoContent, (await okta.PatchAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "{{id}}", "display": "test.user@okta.local" }, { "value": "{{other["id"]}}", "display": "other.user@okta.local" }] }]
            }
            """)).Status);
        Assert.Equal(new[] { id, (string)other["id"]! }.Order(StringComparer.Ordinal), MemberIds(Resource(await okta.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        Assert.Equal(HttpStatusCode.NoContent, (await okta.PatchAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "remove", "path": "members[value eq \"{{id}}\"]" }]
            }
            """)).Status);
        Assert.Equal([(string)other["id"]!], MemberIds(Resource(await okta.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        // The user sees its memberships change through the derived "groups".
        var otherNow = Resource(await okta.GetAsync("Users/" + other["id"]), HttpStatusCode.OK);
        Assert.Equal(groupId, (string?)otherNow["groups"]![0]!["value"]);
        Assert.Null(Resource(await okta.GetAsync("Users/" + id), HttpStatusCode.OK)["groups"]);

        // 6. Delete the group.
        Assert.Equal(HttpStatusCode.NoContent, (await okta.DeleteAsync("Groups/" + groupId)).Status);
        Error(await okta.GetAsync("Groups/" + groupId), HttpStatusCode.NotFound);
        List(await okta.GetAsync("Groups"), totalResults: 0);

        // Final state: both users kept, the first deactivated with its PUT values, no groups anywhere.
        var final = Resource(await okta.GetAsync("Users/" + id), HttpStatusCode.OK);
        Assert.False((bool)final["active"]!);
        Assert.Equal("Another User", (string?)final["displayName"]);
        Assert.Null(final["groups"]);
        Assert.Null(Resource(await okta.GetAsync("Users/" + other["id"]), HttpStatusCode.OK)["groups"]);
        List(await okta.GetAsync("Users"), totalResults: 2);
    }
}
