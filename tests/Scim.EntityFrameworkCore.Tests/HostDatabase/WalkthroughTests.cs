using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>
/// An identity provider's provisioning cycle against the host application over HTTP, checked
/// both in the SCIM responses and in the host's own rows: int ids, IsDisabled inverted, Email as
/// userName, cascading memberships.
/// </summary>
public sealed class WalkthroughTests
{
    private const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Fact]
    public async Task ProvisioningCycle_EndsInTheExpectedRows()
    {
        await using var app = await AccountsApp.StartAsync();
        using var idp = app.Client();

        // 1. The IdP looks the user up by userName (none), then creates it.
        var lookup = (await idp.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"Ada.Lovelace@Example.com\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(0, (int)lookup["totalResults"]!);
        var created = (await idp.Post("Users", $$$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{{EnterpriseUser}}}"],
             "userName":"Ada.Lovelace@Example.com","active":true,
             "name":{"givenName":"Ada","familyName":"Lovelace"},
             "{{{EnterpriseUser}}}":{"department":"Analytics"}}
            """)).Expect(HttpStatusCode.Created, app.Errors);
        var user = created.Json;
        var id = (string)user["id"]!;
        await using (var db = app.Database())
        {
            var account = await db.Accounts.SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(account.AccountId.ToString(System.Globalization.CultureInfo.InvariantCulture), id);
            Assert.Equal("Ada.Lovelace@Example.com", account.Email);
            Assert.Equal(("Ada", "Lovelace", false, "Analytics"), (account.FirstName, account.LastName, account.IsDisabled, account.Department));
            Assert.NotEqual(default, account.CreatedAt);
        }

        Assert.Equal(created.ETag, (string?)user["meta"]!["version"]);
        var read = (await idp.Get("Users/" + id)).Expect(HttpStatusCode.OK, app.Errors);
        Assert.True(JsonNode.DeepEquals(user, read.Json), $"POST answered {user.ToJsonString()}, GET {read.Text}");

        // 2. The same user, in another case, is found (userName is case-insensitive).
        var found = (await idp.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ada.lovelace@example.com\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(id, (string?)found["Resources"]![0]!["id"]);

        // 3. Deactivation: IsDisabled holds the inverse.
        var deactivated = (await idp.Patch("Users/" + id, Http.PatchOp("""{"op":"Replace","path":"active","value":"False"}"""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.False((bool)deactivated["active"]!);
        await using (var db = app.Database())
        {
            Assert.True((await db.Accounts.SingleAsync(TestContext.Current.CancellationToken)).IsDisabled);
        }

        // 4. A team with the user; Entra's membership check; a second member added and removed.
        var second = (await idp.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace@example.com"}""")).Expect(HttpStatusCode.Created, app.Errors).Json;
        var secondId = (string)second["id"]!;
        var team = (await idp.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Analysts","members":[{"value":"{{id}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json;
        var teamId = (string)team["id"]!;
        Assert.Equal(id, (string?)team["members"]![0]!["value"]);
        Assert.Equal("User", (string?)team["members"]![0]!["type"]);
        var check = $"Groups?excludedAttributes=members&filter={Uri.EscapeDataString($"id eq \"{teamId}\" and members[value eq \"{secondId}\"]")}";
        Assert.Equal(0, (int)(await idp.Get(check)).Expect(HttpStatusCode.OK, app.Errors).Json["totalResults"]!);
        var added = (await idp.Patch("Groups/" + teamId, Http.PatchOp($$"""{"op":"Add","path":"members","value":[{"value":"{{secondId}}"}]}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Equal(1, (int)(await idp.Get(check)).Expect(HttpStatusCode.OK, app.Errors).Json["totalResults"]!);
        var afterAdd = (await idp.Get("Groups/" + teamId)).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(added.ETag, afterAdd.ETag);
        Assert.NotEqual((string?)team["meta"]!["version"], afterAdd.ETag);
        Assert.Equal(new[] { id, secondId }.Order(StringComparer.Ordinal), afterAdd.Json["members"]!.AsArray().Select(m => (string)m!["value"]!).Order(StringComparer.Ordinal));
        var secondRead = (await idp.Get("Users/" + secondId)).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(teamId, (string?)secondRead["groups"]![0]!["value"]);
        Assert.Equal("Analysts", (string?)secondRead["groups"]![0]!["display"]);

        // 5. Deleting a user: its membership rows go by the cascade, and the team's version changes.
        (await idp.Delete("Users/" + secondId)).Expect(HttpStatusCode.NoContent, app.Errors);
        (await idp.Get("Users/" + secondId)).Expect(HttpStatusCode.NotFound, app.Errors);
        var afterDelete = (await idp.Get("Groups/" + teamId)).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal([id], afterDelete.Json["members"]!.AsArray().Select(m => (string)m!["value"]!));
        Assert.NotEqual(afterAdd.ETag, afterDelete.ETag);
        await using (var db = app.Database())
        {
            Assert.Equal([int.Parse(id, System.Globalization.CultureInfo.InvariantCulture)], await db.TeamMemberships.Select(m => m.AccountId).ToListAsync(TestContext.Current.CancellationToken));
        }

        // 6. PUT replaces what the row keeps; the team is renamed and deleted.
        var replaced = (await idp.Put("Users/" + id, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","active":true,"name":{"givenName":"Augusta Ada"}}""")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal("ada@example.com", (string?)replaced["userName"]);
        Assert.Null(replaced["name"]!["familyName"]);
        Assert.Null(replaced[EnterpriseUser]);
        await using (var db = app.Database())
        {
            var account = await db.Accounts.SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(("ada@example.com", "Augusta Ada", null, false, null), (account.Email, account.FirstName, account.LastName, account.IsDisabled, account.Department));
        }

        (await idp.Patch("Groups/" + teamId + "?excludedAttributes=members", Http.PatchOp("""{"op":"replace","path":"displayName","value":"Analytics"}"""))).Expect(HttpStatusCode.OK, app.Errors);
        (await idp.Delete("Groups/" + teamId)).Expect(HttpStatusCode.NoContent, app.Errors);
        await using (var db = app.Database())
        {
            Assert.Empty(await db.Teams.ToListAsync(TestContext.Current.CancellationToken));
            Assert.Empty(await db.TeamMemberships.ToListAsync(TestContext.Current.CancellationToken));
            Assert.Single(await db.Accounts.ToListAsync(TestContext.Current.CancellationToken));
        }
    }
}
