using System.Net;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A provisioning cycle as PingFederate's SCIM Provisioner (SCIM 2.0) sends it, from its settings
/// reference and its user and group management page: users matched by the Unique User Identifier
/// filter (userName, or emails for workEmail, or a Filter Expression), users updated and disabled
/// by PUT (the provisioner has no user PATCH), groups found by reading every group page by page and
/// matching the name, groups updated by PUT (default) or PATCH, memberships overwritten.
/// </summary>
public sealed class PingSequenceTests
{
    private const string CoreAndEnterprise = """["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]""";

    [Fact]
    public async Task PingFederateProvisioningCycle_EndsInTheExpectedState()
    {
        await using var server = await ScimTestServer.StartAsync();
        var ping = server.Client();
        static string Filter(string filter) => "Users?filter=" + Uri.EscapeDataString(filter);

        // 1. Unique User Identifier "userName" (the default): userName eq <value>.
        List(await ping.GetAsync(Filter("userName eq \"jsmith\"")), totalResults: 0);

        // 2. Create, with core and enterprise attributes mapped from the datastore.
        var createdResponse = await ping.PostAsync("Users", $$"""
            {
              "schemas": {{CoreAndEnterprise}},
              "userName": "jsmith",
              "name": { "givenName": "Janet", "familyName": "Smith", "formatted": "Janet Smith" },
              "displayName": "Janet Smith",
              "title": "Accountant",
              "emails": [{ "value": "jsmith@example.com", "type": "work", "primary": true }],
              "phoneNumbers": [{ "value": "+1-201-555-0123", "type": "work" }, { "value": "+1-201-555-0124", "type": "mobile" }],
              "active": true,
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "4711", "department": "Finance" }
            }
            """);
        var created = Resource(createdResponse, HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal((string?)created["meta"]!["location"], createdResponse.Location);

        // Every way the provisioner can be told to match finds her: userName, workEmail (emails eq),
        // and the Filter Expression example "username eq "%s"" (attribute names in any case).
        Assert.Equal([id], Ids(List(await ping.GetAsync(Filter("userName eq \"jsmith\"")), totalResults: 1)));
        Assert.Equal([id], Ids(List(await ping.GetAsync(Filter("emails eq \"jsmith@example.com\"")), totalResults: 1)));
        Assert.Equal([id], Ids(List(await ping.GetAsync(Filter("username eq \"jsmith\"")), totalResults: 1)));

        // The settings reference prints these filters without quotes around the value; whether
        // the provisioner quotes it is not documented, and unquoted values are read as strings.
        Assert.Equal([id], Ids(List(await ping.GetAsync(Filter("userName eq jsmith")), totalResults: 1)));
        Assert.Equal([id], Ids(List(await ping.GetAsync(Filter("emails eq jsmith@example.com")), totalResults: 1)));

        // 3. Update: a full PUT (the provisioner has no user PATCH). With two email types mapped to
        // one address, the provisioner marks both primary; the PUT succeeds and the library keeps
        // the last mark only (RFC 7643 §2.4 allows one, and a PATCH writing the list does the same).
        var updated = Resource(await ping.PutAsync("Users/" + id, $$"""
            {
              "schemas": {{CoreAndEnterprise}},
              "id": "{{id}}",
              "userName": "jsmith",
              "name": { "givenName": "Janet", "familyName": "Smith-Jones", "formatted": "Janet Smith-Jones" },
              "displayName": "Janet Smith-Jones",
              "title": "Controller",
              "emails": [
                { "value": "jsmith@example.com", "type": "work", "primary": true },
                { "value": "jsmith@example.com", "type": "other", "primary": true }
              ],
              "phoneNumbers": [{ "value": "+1-201-555-0123", "type": "work" }, { "value": "+1-201-555-0124", "type": "mobile" }],
              "active": true,
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "4711", "department": "Finance" }
            }
            """), HttpStatusCode.OK);
        Assert.Equal("Controller", (string?)updated["title"]);
        Assert.Equal("Smith-Jones", (string?)updated["name"]!["familyName"]);
        Assert.Equal([null, true], updated["emails"]!.AsArray().Select(e => (bool?)e!["primary"]));
        Assert.Equal(["work", "other"], updated["emails"]!.AsArray().Select(e => (string?)e!["type"]));

        // 4. Groups: the provisioner reads every group, 1000 a page (Results Per Page), and matches
        // the name itself; then creates the group with displayName and members only.
        var other = await ping.CreateUserAsync("bjones");
        var otherId = (string)other["id"]!;
        var page = List(await ping.GetAsync("Groups?startIndex=1&count=1000"), totalResults: 0);
        Assert.Equal(1, (int)page["startIndex"]!);
        var group = Resource(await ping.PostAsync("Groups", $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "displayName": "Accounting",
              "members": [{ "value": "{{id}}" }]
            }
            """), HttpStatusCode.Created);
        var groupId = (string)group["id"]!;
        var groups = List(await ping.GetAsync("Groups?startIndex=1&count=1000"), totalResults: 1);
        Assert.Equal("Accounting", (string?)groups["Resources"]![0]!["displayName"]);

        // Group updates by PUT (the default): the datastore's memberships overwrite the group's.
        var renamed = Resource(await ping.PutAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "displayName": "Accounting EMEA",
              "members": [{ "value": "{{otherId}}" }]
            }
            """), HttpStatusCode.OK);
        Assert.Equal("Accounting EMEA", (string?)renamed["displayName"]);
        Assert.Equal([otherId], MemberIds(renamed));

        // With "Use PATCH for Group Updates" the body is not documented; replacing the member list
        // and the name with RFC 7644 operations works (204: the body would carry the members).
        Assert.Equal(HttpStatusCode.NoContent, (await ping.PatchAsync("Groups/" + groupId, $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [
                { "op": "replace", "path": "displayName", "value": "Accounting" },
                { "op": "replace", "path": "members", "value": [{ "value": "{{id}}" }, { "value": "{{otherId}}" }] }
              ]
            }
            """)).Status);
        var patched = Resource(await ping.GetAsync("Groups/" + groupId), HttpStatusCode.OK);
        Assert.Equal("Accounting", (string?)patched["displayName"]);
        Assert.Equal(new[] { id, otherId }.Order(StringComparer.Ordinal), MemberIds(patched));

        // 5. Remove User Action "Disable" (the default): the user is updated with active false.
        var disabled = Resource(await ping.PutAsync("Users/" + id, $$"""
            {
              "schemas": {{CoreAndEnterprise}},
              "userName": "jsmith",
              "name": { "givenName": "Janet", "familyName": "Smith-Jones", "formatted": "Janet Smith-Jones" },
              "emails": [{ "value": "jsmith@example.com", "type": "work", "primary": true }],
              "active": false
            }
            """), HttpStatusCode.OK);
        Assert.False((bool)disabled["active"]!);

        // Remove User Action "Delete": a DELETE; the user leaves the group.
        Assert.Equal(HttpStatusCode.NoContent, (await ping.DeleteAsync("Users/" + otherId)).Status);
        Assert.Equal([id], MemberIds(Resource(await ping.GetAsync("Groups/" + groupId), HttpStatusCode.OK)));

        // 6. Group deletion.
        Assert.Equal(HttpStatusCode.NoContent, (await ping.DeleteAsync("Groups/" + groupId)).Status);
        List(await ping.GetAsync("Groups?startIndex=1&count=1000"), totalResults: 0);

        // Final state: the disabled user only, in no group.
        var final = Resource(await ping.GetAsync("Users/" + id), HttpStatusCode.OK);
        Assert.False((bool)final["active"]!);
        Assert.Null(final["groups"]);
        Assert.Equal([id], Ids(List(await ping.GetAsync("Users"), totalResults: 1)));
    }

    [Fact]
    public async Task PingFilterExpressionOnAnAttributeTheSchemaLacks_IsRefused()
    {
        // The settings reference gives "email co "%s"" as a Filter Expression example. The core
        // schema has no "email" attribute ("emails" is), so the lookup is 400 invalidFilter and
        // the provisioner cannot match anyone; "emails co" works.
        await using var server = await ScimTestServer.StartAsync();
        var ping = server.Client();
        var user = await ping.CreateUserAsync("jsmith", """ "emails": [{ "value": "jsmith@example.com", "type": "work" }] """);

        var refused = Error(await ping.GetAsync("Users?filter=" + Uri.EscapeDataString("email co \"jsmith@example.com\"")), HttpStatusCode.BadRequest, "invalidFilter");
        Assert.Contains("'email'", (string?)refused["detail"], StringComparison.Ordinal);
        Assert.Equal([(string)user["id"]!], Ids(List(await ping.GetAsync("Users?filter=" + Uri.EscapeDataString("emails co \"jsmith@example.com\"")), totalResults: 1)));
    }
}
