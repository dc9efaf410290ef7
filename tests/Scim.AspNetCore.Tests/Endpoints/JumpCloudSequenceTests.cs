using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A provisioning cycle as JumpCloud's Custom SCIM Identity Management connector (SCIM 2.0, bearer
/// token) drives it: the connection test that creates and deletes a test user and a test group,
/// users provisioned through user groups bound to the app, group rename, membership sync, a group
/// unbound from the app (its members deactivated, the group left as it is), group deletion.
/// JumpCloud documents the lifecycle but not the request bodies, so the RFC 7644 forms are
/// replayed, with both member-removal forms and both update methods.
/// </summary>
public sealed class JumpCloudSequenceTests
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    [Fact]
    public async Task JumpCloudProvisioningCycle_EndsInTheExpectedState()
    {
        await using var server = await ScimTestServer.StartAsync();
        var jumpcloud = server.Client();
        static string ByUserName(string userName) => "Users?filter=" + Uri.EscapeDataString($"userName eq \"{userName}\"");
        static string ByName(string displayName) => "Groups?filter=" + Uri.EscapeDataString($"displayName eq \"{displayName}\"");

        // 1. Test Connection: a test user (the Test User Email) and a test group are created, then
        // deleted, since DELETE is supported for both.
        List(await jumpcloud.GetAsync(ByUserName("it.admin@jumpcloud.test")), totalResults: 0);
        var testUser = Resource(await jumpcloud.PostAsync("Users", """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "it.admin@jumpcloud.test",
              "name": { "givenName": "IT", "familyName": "Admin" },
              "emails": [{ "value": "it.admin@jumpcloud.test", "type": "work", "primary": true }],
              "active": true
            }
            """), HttpStatusCode.Created);
        var testGroup = Resource(await jumpcloud.PostAsync("Groups", $$"""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "JumpCloud Test Group", "members": [{ "value": "{{testUser["id"]}}" }] }
            """), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await jumpcloud.DeleteAsync("Groups/" + testGroup["id"])).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await jumpcloud.DeleteAsync("Users/" + testUser["id"])).Status);
        List(await jumpcloud.GetAsync("Users"), totalResults: 0);
        List(await jumpcloud.GetAsync("Groups"), totalResults: 0);

        // 2. A user group bound to the app: its users are created, then the group with them
        // (empty groups are not created). An existing group of the same name would be taken over.
        async Task<string> Provision(string userName, string givenName)
        {
            List(await jumpcloud.GetAsync(ByUserName(userName)), totalResults: 0);
            var created = Resource(await jumpcloud.PostAsync("Users", $$"""
                {
                  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                  "userName": "{{userName}}",
                  "name": { "givenName": "{{givenName}}", "familyName": "Doe" },
                  "displayName": "{{givenName}} Doe",
                  "emails": [{ "value": "{{userName}}", "type": "work", "primary": true }],
                  "active": true
                }
                """), HttpStatusCode.Created);
            return (string)created["id"]!;
        }

        var jane = await Provision("jane.doe@jumpcloud.test", "Jane");
        var john = await Provision("john.doe@jumpcloud.test", "John");
        List(await jumpcloud.GetAsync(ByName("Engineering")), totalResults: 0);
        var group = Resource(await jumpcloud.PostAsync("Groups", $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "displayName": "Engineering",
              "members": [{ "value": "{{jane}}" }, { "value": "{{john}}" }]
            }
            """), HttpStatusCode.Created);
        var groupId = (string)group["id"]!;
        Assert.Equal([groupId], Ids(List(await jumpcloud.GetAsync(ByName("Engineering")), totalResults: 1)));

        // 3. Profile updates; whether JumpCloud sends PUT or PATCH is not documented, both work.
        var put = Resource(await jumpcloud.PutAsync("Users/" + jane, """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "jane.doe@jumpcloud.test",
              "name": { "givenName": "Jane", "familyName": "Roe" },
              "displayName": "Jane Roe",
              "emails": [{ "value": "jane.doe@jumpcloud.test", "type": "work", "primary": true }],
              "active": true
            }
            """), HttpStatusCode.OK);
        Assert.Equal("Roe", (string?)put["name"]!["familyName"]);
        var patched = Resource(await jumpcloud.PatchAsync("Users/" + jane, $$"""
            {
              "schemas": ["{{PatchOp}}"],
              "Operations": [{ "op": "replace", "value": { "title": "Engineer", "displayName": "Jane Roe (Eng)" } }]
            }
            """), HttpStatusCode.OK);
        Assert.Equal("Engineer", (string?)patched["title"]);
        Assert.Equal("Roe", (string?)patched["name"]!["familyName"]);

        // 4. Group rename, then membership changes as they happen in JumpCloud.
        Assert.Equal(HttpStatusCode.NoContent, (await jumpcloud.PatchAsync("Groups/" + groupId, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "replace", "path": "displayName", "value": "Platform Engineering" }] }
            """)).Status);
        Assert.Equal("Platform Engineering", (string?)Resource(await jumpcloud.GetAsync("Groups/" + groupId), HttpStatusCode.OK)["displayName"]);

        var jim = await Provision("jim.doe@jumpcloud.test", "Jim");
        Assert.Equal(HttpStatusCode.NoContent, (await jumpcloud.PatchAsync("Groups/" + groupId, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "{{jim}}" }] }] }
            """)).Status);

        // Removal with a value list removes only the listed member ...
        Assert.Equal(HttpStatusCode.NoContent, (await jumpcloud.PatchAsync("Groups/" + groupId, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "remove", "path": "members", "value": [{ "value": "{{john}}" }] }] }
            """)).Status);
        Assert.Equal(new[] { jane, jim }.Order(StringComparer.Ordinal), MemberIds(Resource(await jumpcloud.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        // ... and so does removal by a filter.
        Assert.Equal(HttpStatusCode.NoContent, (await jumpcloud.PatchAsync("Groups/" + groupId, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "remove", "path": "members[value eq \"{{jim}}\"]" }] }
            """)).Status);
        Assert.Equal([jane], MemberIds(Resource(await jumpcloud.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        // John is in no managed group any more: JumpCloud deactivates him.
        var deactivated = Resource(await jumpcloud.PatchAsync("Users/" + john, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "replace", "path": "active", "value": false }] }
            """), HttpStatusCode.OK);
        Assert.False((bool)deactivated["active"]!);

        // 5. The group is unbound from the app: syncing stops, the group stays as it is, and its
        // members without another managed group are deactivated.
        Resource(await jumpcloud.PatchAsync("Users/" + jane, $$"""
            { "schemas": ["{{PatchOp}}"], "Operations": [{ "op": "replace", "value": { "active": false } }] }
            """), HttpStatusCode.OK);
        var left = Resource(await jumpcloud.GetAsync("Groups/" + groupId), HttpStatusCode.OK);
        Assert.Equal("Platform Engineering", (string?)left["displayName"]);
        Assert.Equal([jane], MemberIds(left));

        // 6. A managed group deleted in JumpCloud is deleted in the app; a deleted user likewise.
        Assert.Equal(HttpStatusCode.NoContent, (await jumpcloud.DeleteAsync("Groups/" + groupId)).Status);
        Error(await jumpcloud.GetAsync("Groups/" + groupId), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await jumpcloud.DeleteAsync("Users/" + jim)).Status);

        // Final state: Jane and John kept, both inactive, in no group; Jim gone.
        var users = List(await jumpcloud.GetAsync("Users"), totalResults: 2);
        Assert.Equal(new[] { jane, john }.Order(StringComparer.Ordinal), Ids(users).Order(StringComparer.Ordinal));
        Assert.All(users["Resources"]!.AsArray(), u =>
        {
            Assert.False((bool)u!["active"]!);
            Assert.Null(u["groups"]);
        });
        List(await jumpcloud.GetAsync("Groups"), totalResults: 0);
    }
}
