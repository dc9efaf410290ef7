using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// The user lifecycle Google Workspace's automated provisioning documents for an app in its
/// catalog: users added, modified, suspended (and restored) and deleted, users only. Google
/// publishes no request bodies, so the RFC 7644 forms are replayed, both update methods. The app's
/// catalog entry may fix the endpoint URL, so the customer is told apart by its token alone: the
/// requests go to /scim/v2 with tenant "a"'s token and land in tenant "a".
/// </summary>
public sealed class GoogleSequenceTests
{
    [Fact]
    public async Task GoogleUserLifecycle_EndsInTheExpectedState()
    {
        await using var server = await ScimTestServer.StartAsync();
        var google = server.Client("scim/v2", ScimTestServer.TokenA);
        var lookup = "Users?filter=" + Uri.EscapeDataString("userName eq \"ana.lima@workspace.test\"");

        // 1. A user in scope (an organizational unit or a group chosen for the app) is created.
        List(await google.GetAsync(lookup), totalResults: 0);
        var created = Resource(await google.PostAsync("Users", """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "ana.lima@workspace.test",
              "name": { "givenName": "Ana", "familyName": "Lima" },
              "displayName": "Ana Lima",
              "emails": [{ "value": "ana.lima@workspace.test", "type": "work", "primary": true }],
              "active": true
            }
            """), HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal([id], Ids(List(await google.GetAsync(lookup), totalResults: 1)));

        // 2. Modified in the Admin console: a full PUT or a PATCH, both applied.
        var put = Resource(await google.PutAsync("Users/" + id, """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "ana.lima@workspace.test",
              "name": { "givenName": "Ana", "familyName": "Lima Souza" },
              "displayName": "Ana Lima Souza",
              "emails": [{ "value": "ana.lima@workspace.test", "type": "work", "primary": true }],
              "active": true
            }
            """), HttpStatusCode.OK);
        Assert.Equal("Lima Souza", (string?)put["name"]!["familyName"]);
        var patched = Resource(await google.PatchAsync("Users/" + id, """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "replace", "path": "title", "value": "Analyst" }]
            }
            """), HttpStatusCode.OK);
        Assert.Equal("Analyst", (string?)patched["title"]);

        // 3. Suspended on Google (or the app turned off for her), with "suspend" as the action.
        var suspended = Resource(await google.PatchAsync("Users/" + id, """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "replace", "path": "active", "value": false }]
            }
            """), HttpStatusCode.OK);
        Assert.False((bool)suspended["active"]!);

        // Restored: active again, the same user.
        var restored = Resource(await google.PatchAsync("Users/" + id, """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "replace", "value": { "active": true } }]
            }
            """), HttpStatusCode.OK);
        Assert.True((bool)restored["active"]!);
        Assert.Equal(id, (string?)restored["id"]);

        // 4. Deleted on Google, with "delete" as the action.
        var other = await google.CreateUserAsync("rui.costa@workspace.test");
        Assert.Equal(HttpStatusCode.NoContent, (await google.DeleteAsync("Users/" + other["id"])).Status);
        Error(await google.GetAsync("Users/" + other["id"]), HttpStatusCode.NotFound);

        // Final state: Ana, active, in tenant "a" only; no groups anywhere.
        Assert.Equal([id], Ids(List(await server.TenantClient("a", ScimTestServer.TokenA).GetAsync("Users"), totalResults: 1)));
        List(await server.Client().GetAsync("Users"), totalResults: 0);
        List(await google.GetAsync("Groups"), totalResults: 0);
    }
}
