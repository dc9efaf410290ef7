using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A provisioning cycle as OneLogin's "SCIM Provisioner with SAML (SCIM v2 Enterprise)" connector
/// sends it (the calls its SCIM developer guide lists): the connection check by a userName that
/// does not exist, create from the JSON template, full PUT updates, suspension, the group list read
/// for entitlements, group creation, member PATCHes, and deletion. OneLogin documents no PATCH
/// body, so both member-removal forms in use are replayed.
/// </summary>
public sealed class OneLoginSequenceTests
{
    private const string CoreAndEnterprise = """["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]""";

    [Fact]
    public async Task OneLoginProvisioningCycle_EndsInTheExpectedState()
    {
        await using var server = await ScimTestServer.StartAsync();
        var onelogin = server.TenantClient("a", ScimTestServer.TokenA);
        var lookup = "Users?filter=" + Uri.EscapeDataString("userName eq \"kelly.slater@onelogin.test\"");

        // 1. "Enable" on the Configuration tab: a lookup by a name that cannot exist; an empty list is success.
        var check = await onelogin.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"onelogin-connection-check-1c9e\""));
        List(check, totalResults: 0);

        // OneLogin's guide asks for application/json responses; the library always answers
        // application/scim+json (a gap listed on docs/idp/onelogin.md).
        Assert.Equal("application/scim+json", check.MediaType);

        // 2. Provisioning: look the user up, then create it from the JSON template.
        List(await onelogin.GetAsync(lookup), totalResults: 0);
        var createdResponse = await onelogin.PostAsync("Users", $$"""
            {
              "schemas": {{CoreAndEnterprise}},
              "userName": "kelly.slater@onelogin.test",
              "name": { "givenName": "Kelly", "familyName": "Slater", "formatted": "Kelly Slater" },
              "displayName": "Kelly Slater",
              "emails": [{ "value": "kelly.slater@onelogin.test", "type": "work", "primary": true }],
              "title": "Surfer",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "department": "Waves",
                "manager": { "value": "88451231" }
              }
            }
            """);
        var created = Resource(createdResponse, HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal((string?)created["meta"]!["location"], createdResponse.Location);
        Assert.Equal("88451231", (string?)created[EnterpriseSchema]!["manager"]!["value"]);
        Assert.Equal([id], Ids(List(await onelogin.GetAsync(lookup), totalResults: 1)));
        Assert.Equal("Kelly", (string?)Resource(await onelogin.GetAsync("Users/" + id), HttpStatusCode.OK)["name"]!["givenName"]);

        // 3. Update User: the whole template again, as a PUT. What the template leaves out is cleared.
        var updated = Resource(await onelogin.PutAsync("Users/" + id, $$"""
            {
              "schemas": {{CoreAndEnterprise}},
              "userName": "kelly.slater@onelogin.test",
              "name": { "givenName": "Kel", "familyName": "Slater", "formatted": "Kel Slater" },
              "displayName": "Kel Slater",
              "emails": [{ "value": "kelly.slater@onelogin.test", "type": "work", "primary": true }],
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Big Waves" }
            }
            """), HttpStatusCode.OK);
        Assert.Equal("Kel", (string?)updated["name"]!["givenName"]);
        Assert.Equal("Big Waves", (string?)updated[EnterpriseSchema]!["department"]);
        Assert.Null(updated["title"]);
        Assert.Null(updated[EnterpriseSchema]!["manager"]);

        // 4. "Suspend" as the deletion action: the user is updated with active false (OneLogin's own
        // sample server reads active from the PUT body; the exact request is not documented).
        var suspended = Resource(await onelogin.PutAsync("Users/" + id, $$"""
            {
              "schemas": {{CoreAndEnterprise}},
              "userName": "kelly.slater@onelogin.test",
              "name": { "givenName": "Kel", "familyName": "Slater", "formatted": "Kel Slater" },
              "active": false
            }
            """), HttpStatusCode.OK);
        Assert.False((bool)suspended["active"]!);

        // 5. Groups: the app's groups are read for entitlements (no filter), one is created, and
        // rules add and remove members with PATCH.
        var other = await onelogin.CreateUserAsync("other.user@onelogin.test");
        var otherId = (string)other["id"]!;
        var existing = await onelogin.CreateGroupAsync("Admin Role");
        Assert.Equal([(string)existing["id"]!], Ids(List(await onelogin.GetAsync("Groups"), totalResults: 1)));
        var group = Resource(await onelogin.PostAsync("Groups", """
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Surf Team", "members": [] }
            """), HttpStatusCode.Created);
        var groupId = (string)group["id"]!;
        List(await onelogin.GetAsync("Groups"), totalResults: 2);

        Assert.Equal(HttpStatusCode.NoContent, (await onelogin.PatchAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "{{id}}" }, { "value": "{{otherId}}" }] }]
            }
            """)).Status);
        Assert.Equal(new[] { id, otherId }.Order(StringComparer.Ordinal), MemberIds(Resource(await onelogin.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        // Removal by a filter (RFC 7644) ...
        Assert.Equal(HttpStatusCode.NoContent, (await onelogin.PatchAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "remove", "path": "members[value eq \"{{otherId}}\"]" }]
            }
            """)).Status);
        Assert.Equal([id], MemberIds(Resource(await onelogin.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        // ... or by a value list: only the listed member goes.
        await onelogin.PatchAsync("Groups/" + groupId, $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{otherId}}"}]}]}
            """);
        Assert.Equal(HttpStatusCode.NoContent, (await onelogin.PatchAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "remove", "path": "members", "value": [{ "value": "{{id}}" }] }]
            }
            """)).Status);
        Assert.Equal([otherId], MemberIds(Resource(await onelogin.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        // 6. "Delete" as the deletion action: gone, and out of its groups.
        Assert.Equal(HttpStatusCode.NoContent, (await onelogin.DeleteAsync("Users/" + otherId)).Status);
        Error(await onelogin.GetAsync("Users/" + otherId), HttpStatusCode.NotFound);
        Assert.Empty(MemberIds(Resource(await onelogin.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        // Final state: the suspended user kept, both groups kept, nothing in the other tenants.
        var final = Resource(await onelogin.GetAsync("Users/" + id), HttpStatusCode.OK);
        Assert.False((bool)final["active"]!);
        Assert.Equal("Kel", (string?)final["name"]!["givenName"]);
        Assert.Equal([id], Ids(List(await onelogin.GetAsync("Users"), totalResults: 1)));
        List(await server.Client().GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task OneLoginScim11Connector_IsRefused()
    {
        // OneLogin's catalog also has SCIM 1.1 connectors; their bodies carry the SCIM 1.1 core
        // URN, which a SCIM 2.0 service does not know: 400 invalidSyntax, nothing created.
        await using var server = await ScimTestServer.StartAsync();
        var onelogin = server.Client();

        var refused = Error(await onelogin.PostAsync("Users", """
            {
              "schemas": ["urn:scim:schemas:core:1.0"],
              "userName": "kelly.slater@onelogin.test",
              "name": { "givenName": "Kelly", "familyName": "Slater", "formatted": "Kelly Slater" }
            }
            """), HttpStatusCode.BadRequest, "invalidSyntax");
        Assert.Contains("urn:scim:schemas:core:1.0", (string?)refused["detail"], StringComparison.Ordinal);
        List(await onelogin.GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task OneLoginTemplateWithAnAttributeTheSchemaLacks_IsRefusedUnlessTheHostIgnoresUnknownAttributes()
    {
        // The JSON template is free text an administrator edits; an attribute the host's schema
        // does not define is refused by default, and dropped when the host asks for that.
        const string Body = """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "kelly.slater@onelogin.test",
              "costCentre": "CC-7"
            }
            """;
        await using (var strict = await ScimTestServer.StartAsync())
        {
            Error(await strict.Client().PostAsync("Users", Body), HttpStatusCode.BadRequest, "invalidSyntax");
        }

        await using var lenient = await ScimTestServer.StartAsync(o => o.Scim = scim =>
            scim.ConfigureService(s => s.Reading.UnknownAttributes = Scim.Core.Serialization.UnknownAttributeHandling.Ignore));
        var created = Resource(await lenient.Client().PostAsync("Users", Body), HttpStatusCode.Created);
        Assert.Null(created["costCentre"]);
    }
}
