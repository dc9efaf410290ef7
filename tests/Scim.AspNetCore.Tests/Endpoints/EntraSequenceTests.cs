using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A provisioning cycle as Microsoft Entra ID sends it (request shapes from its SCIM
/// documentation): capitalised operation names, "False" as a string, no-path replace with dotted
/// and URN keys, the manager as a plain string, member removal by a value list.
/// </summary>
public sealed class EntraSequenceTests
{
    [Fact]
    public async Task EntraProvisioningCycle_EndsInTheExpectedState()
    {
        await using var server = await ScimTestServer.StartAsync();
        var entra = server.TenantClient("a", ScimTestServer.TokenA);
        const string UserName = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1";
        var byUserName = "Users?filter=" + Uri.EscapeDataString($"userName eq \"{UserName}\"");

        // 1. Does the user exist? No.
        List(await entra.GetAsync(byUserName), totalResults: 0);

        // 2. Create it, with the enterprise extension, emails and addresses.
        var manager = Resource(await entra.PostAsync("Users", """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "externalId": "mgr-0001",
              "userName": "Test_Manager_7f1c@contoso.com",
              "active": true,
              "meta": { "resourceType": "User" }
            }
            """), HttpStatusCode.Created);
        var createdResponse = await entra.PostAsync("Users", $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
              "userName": "{{UserName}}",
              "active": true,
              "displayName": "Test User",
              "emails": [{ "primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" }],
              "addresses": [{ "type": "work", "streetAddress": "1 Main St", "locality": "Redmond", "region": "WA", "postalCode": "98052", "country": "US", "primary": true }],
              "meta": { "resourceType": "User" },
              "name": { "formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName" },
              "roles": [],
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "1000", "department": "Tour Operations" }
            }
            """);
        var created = Resource(createdResponse, HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal((string?)created["meta"]!["location"], createdResponse.Location);
        Assert.Equal("Tour Operations", (string?)created[EnterpriseSchema]!["department"]);

        // 3. Find it by filter.
        var found = List(await entra.GetAsync(byUserName), totalResults: 1);
        Assert.Equal([id], Ids(found));
        Assert.Equal("Redmond", (string?)found["Resources"]![0]!["addresses"]![0]!["locality"]);

        // 4. Update as Entra does.
        var patched = Resource(await entra.PatchAsync("Users/" + id, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [
                { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com" },
                { "op": "Replace", "path": "name.familyName", "value": "updatedFamilyName" },
                { "op": "Replace", "path": "active", "value": "False" },
                { "op": "Replace", "value": { "name.givenName": "Barbara", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "701984", "displayName": "Barbara Updated" } },
                { "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "{{manager["id"]}}" }
              ]
            }
            """), HttpStatusCode.OK);
        Assert.False((bool)patched["active"]!);
        Assert.Equal("updatedEmail@microsoft.com", (string?)patched["emails"]![0]!["value"]);
        Assert.Equal("updatedFamilyName", (string?)patched["name"]!["familyName"]);
        Assert.Equal("Barbara", (string?)patched["name"]!["givenName"]);
        Assert.Equal("Barbara Updated", (string?)patched["displayName"]);
        Assert.Equal("701984", (string?)patched[EnterpriseSchema]!["employeeNumber"]);
        Assert.Equal("Tour Operations", (string?)patched[EnterpriseSchema]!["department"]);
        Assert.Equal((string?)manager["id"], (string?)patched[EnterpriseSchema]!["manager"]!["value"]);

        // 5. Groups: look for it without members, create, add members, remove one by a value list.
        const string GroupName = "displayName_8f3e";
        var byDisplayName = "Groups?excludedAttributes=members&filter=" + Uri.EscapeDataString($"displayName eq \"{GroupName}\"");
        List(await entra.GetAsync(byDisplayName), totalResults: 0);
        var group = Resource(await entra.PostAsync("Groups", $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group"],
              "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
              "displayName": "{{GroupName}}",
              "meta": { "resourceType": "Group" }
            }
            """), HttpStatusCode.Created);
        var groupId = (string)group["id"]!;
        var groupFound = List(await entra.GetAsync(byDisplayName), totalResults: 1);
        Assert.Equal([groupId], Ids(groupFound));
        Assert.Null(groupFound["Resources"]![0]!["members"]);

        // A member change answers 204 by default (the body would carry the member list).
        Assert.Equal(HttpStatusCode.NoContent, (await entra.PatchAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "Add", "path": "members", "value": [{ "$ref": null, "value": "{{id}}" }, { "$ref": null, "value": "{{manager["id"]}}" }] }]
            }
            """)).Status);
        Assert.Equal(new[] { id, (string)manager["id"]! }.Order(StringComparer.Ordinal), MemberIds(Resource(await entra.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        Assert.Equal(HttpStatusCode.NoContent, (await entra.PatchAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op": "Remove", "path": "members", "value": [{ "value": "{{manager["id"]}}" }] }]
            }
            """)).Status);
        Assert.Equal([id], MemberIds(Resource(await entra.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        // 6. Delete the user: gone, and no longer a member.
        Assert.Equal(HttpStatusCode.NoContent, (await entra.DeleteAsync("Users/" + id)).Status);
        Error(await entra.GetAsync("Users/" + id), HttpStatusCode.NotFound);
        List(await entra.GetAsync(byUserName), totalResults: 0);
        var finalGroup = Resource(await entra.GetAsync("Groups/" + groupId), HttpStatusCode.OK);
        Assert.Empty(MemberIds(finalGroup));
        Assert.Equal(GroupName, (string?)finalGroup["displayName"]);
        Assert.Equal([(string)manager["id"]!], Ids(List(await entra.GetAsync("Users"), totalResults: 1)));

        // Nothing leaked into the other tenants.
        List(await server.TenantClient("b", ScimTestServer.TokenB).GetAsync("Users"), totalResults: 0);
        List(await server.Client().GetAsync("Groups"), totalResults: 0);
    }
}
