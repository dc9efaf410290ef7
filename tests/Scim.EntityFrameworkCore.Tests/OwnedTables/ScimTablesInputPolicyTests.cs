using System.Net;
using Microsoft.EntityFrameworkCore;
using Scim.Core.Provisioning;
using Scim.Core.Serialization;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// Over the SCIM-owned tables: <c>attributes</c> with a value filter returns the matching values
/// although the store leaves out the value rows a response does not need; a member that is no user
/// or group is refused by default and, under <c>UnknownMembers = Ignore</c>, left out before the
/// membership table (whose foreign keys would refuse it) is written; an unknown PATCH path under
/// <c>Reading.UnknownAttributes = Ignore</c> changes nothing.
/// </summary>
public abstract class ScimTablesInputPolicyTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    protected abstract Provider Provider { get; }

    private static async Task<string> CreateUserAsync(HttpClient client, ScimTablesApp app, string userName) =>
        (string)(await client.Post("Users", $$"""
            {"schemas":["{{UserSchema}}"],"userName":"{{userName}}",
             "emails":[{"value":"{{userName}}@work.example.com","type":"work"},{"value":"{{userName}}@home.example.com","type":"home"}],
             "phoneNumbers":[{"value":"555","type":"work"}]}
            """)).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;

    [Fact]
    public async Task AttributesWithAValueFilter_GetListAndSearch_ReturnTheMatchingValues()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var id = await CreateUserAsync(client, app, "bjensen");
        var attributes = Uri.EscapeDataString("emails[type eq \"home\"].value");

        var one = (await client.Get($"Users/{id}?attributes={attributes}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        var list = (await client.Get($"Users?attributes={attributes}")).Expect(HttpStatusCode.OK, app.Errors).Json;
        var search = (await client.Post("Users/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":["emails[type eq \"home\"].value"]}""")).Expect(HttpStatusCode.OK, app.Errors).Json;

        foreach (var user in new[] { one, list["Resources"]![0]!.AsObject(), search["Resources"]![0]!.AsObject() })
        {
            Assert.Equal(["schemas", "id", "emails"], user.Select(p => p.Key));
            Assert.Equal("""[{"value":"bjensen@home.example.com"}]""", user["emails"]!.ToJsonString());
        }
    }

    /// <summary>
    /// The tables have no column for a password: the service says so (<c>changePassword.supported</c>
    /// false, even when the options allow passwords) and refuses one in a POST, PUT or PATCH
    /// (400 <c>mutability</c>), instead of answering 201 and dropping it.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Password_NotKept_IsRefused_AndNotAdvertised(bool optionsAllowPasswords)
    {
        await using var app = await ScimTablesApp.StartAsync(Provider, scim => scim.ConfigureService(o => o.ChangePasswordSupported = optionsAllowPasswords));
        using var client = app.Client();
        var config = (await client.Get("ServiceProviderConfig")).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.False((bool)config["changePassword"]!["supported"]!);

        var posted = await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"pw","password":"hunter2"}""");
        posted.Expect(HttpStatusCode.BadRequest, app.Errors);
        Assert.Equal("mutability", (string?)posted.Json["scimType"]);
        var id = await CreateUserAsync(client, app, "bjensen");
        var patched = await client.Patch("Users/" + id, Http.PatchOp("""{"op":"replace","path":"password","value":"hunter2"}"""));
        patched.Expect(HttpStatusCode.BadRequest, app.Errors);
        Assert.Equal("mutability", (string?)patched.Json["scimType"]);
        var put = await client.Put("Users/" + id, $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","password":"hunter2"}""");
        put.Expect(HttpStatusCode.BadRequest, app.Errors);
        Assert.Equal("mutability", (string?)put.Json["scimType"]);

        await using var db = app.Database();
        Assert.Equal(1, await db.Set<ScimUserEntity>().CountAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A write's response shows the times every later read shows (PostgreSQL keeps microseconds).</summary>
    [Fact]
    public async Task WriteResponse_TimesAreThoseOfLaterReads()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        for (var i = 0; i < 5; i++)
        {
            var created = (await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"times{{i}}"}""")).Expect(HttpStatusCode.Created, app.Errors).Json;
            var id = (string)created["id"]!;
            var patched = (await client.Patch("Users/" + id, Http.PatchOp("""{"op":"replace","path":"title","value":"x"}"""))).Expect(HttpStatusCode.OK, app.Errors).Json;
            var read = (await client.Get("Users/" + id)).Expect(HttpStatusCode.OK, app.Errors).Json;

            Assert.Equal((string?)created["meta"]!["created"], (string?)read["meta"]!["created"]);
            Assert.Equal((string?)patched["meta"]!["lastModified"], (string?)read["meta"]!["lastModified"]);
        }
    }

    /// <summary>
    /// A user's ETag covers its groups (read with the user, on this store): joining and leaving a
    /// group change it, <c>If-None-Match</c> with the old one is 200, with the new one 304, and
    /// <c>If-Match</c> with the one the client saw lets a PATCH through.
    /// </summary>
    [Fact]
    public async Task UserETag_ChangesWithItsGroups()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var id = await CreateUserAsync(client, app, "bjensen");
        var alone = (await client.Get("Users/" + id)).Expect(HttpStatusCode.OK, app.Errors).ETag!;

        var group = (string)(await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Guides","members":[{"value":"{{id}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var member = (await client.Get("Users/" + id)).Expect(HttpStatusCode.OK, app.Errors);
        Assert.NotEqual(alone, member.ETag);
        Assert.Equal(member.ETag, (string?)member.Json["meta"]!["version"]);
        (await client.Send(HttpMethod.Get, "Users/" + id, null, ("If-None-Match", alone))).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Send(HttpMethod.Get, "Users/" + id, null, ("If-None-Match", member.ETag!))).Expect(HttpStatusCode.NotModified, app.Errors);
        (await client.Send(HttpMethod.Patch, "Users/" + id, Http.PatchOp("""{"op":"replace","path":"title","value":"x"}"""), ("If-Match", member.ETag!))).Expect(HttpStatusCode.OK, app.Errors);

        (await client.Delete("Groups/" + group)).Expect(HttpStatusCode.NoContent, app.Errors);
        var after = (await client.Get("Users/" + id)).Expect(HttpStatusCode.OK, app.Errors);
        (await client.Send(HttpMethod.Get, "Users/" + id, null, ("If-None-Match", member.ETag!))).Expect(HttpStatusCode.OK, app.Errors);
        Assert.Equal(after.ETag, (await client.Get("Users/" + id + "?excludedAttributes=groups")).Expect(HttpStatusCode.OK, app.Errors).ETag);

        // DELETE takes the version with the groups too (its own read of the user carries none).
        (await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Guides 2","members":[{"value":"{{id}}"}]}""")).Expect(HttpStatusCode.Created, app.Errors);
        var grouped = (await client.Get("Users/" + id)).Expect(HttpStatusCode.OK, app.Errors).ETag!;
        Assert.Contains('.', grouped);
        (await client.Send(HttpMethod.Delete, "Users/" + id, null, ("If-Match", member.ETag!))).Expect(HttpStatusCode.PreconditionFailed, app.Errors);
        (await client.Send(HttpMethod.Delete, "Users/" + id, null, ("If-Match", grouped))).Expect(HttpStatusCode.NoContent, app.Errors);
    }

    [Fact]
    public async Task UnknownMember_ByDefault_Is400AndWritesNoRow()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider);
        using var client = app.Client();
        var user = await CreateUserAsync(client, app, "bjensen");

        var reply = await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Tour Guides","members":[{"value":"{{user}}"},{"value":"string id 1"}]}""");

        reply.Expect(HttpStatusCode.BadRequest, app.Errors);
        Assert.Equal("invalidValue", (string?)reply.Json["scimType"]);
        Assert.Contains("UnknownMembers", (string?)reply.Json["detail"], StringComparison.Ordinal);
        await using var db = app.Database();
        Assert.Equal(0, await db.Set<ScimGroupEntity>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnknownMembers_Ignored_AreLeftOutOfPostPutAndPatch()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider, scim => scim.ConfigureService(o => o.UnknownMembers = UnknownMemberHandling.Ignore));
        using var client = app.Client();
        var alice = await CreateUserAsync(client, app, "alice");
        var bob = await CreateUserAsync(client, app, "bob");

        var created = (await client.Post("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Tour Guides","members":[{"value":"{{alice}}"},{"value":"string id 1"}]}""")).Expect(HttpStatusCode.Created, app.Errors);
        var group = (string)created.Json["id"]!;
        var patched = (await client.Patch("Groups/" + group, Http.PatchOp("""{"op":"add","path":"members","value":"string id 2"}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        var replaced = (await client.Put("Groups/" + group, $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Tour Guides","members":[{"value":"{{bob}}"},{"value":"string id 3"}]}""")).Expect(HttpStatusCode.OK, app.Errors);
        var stored = (await client.Get("Groups/" + group)).Expect(HttpStatusCode.OK, app.Errors);

        Assert.Equal([alice], created.Json["members"]!.AsArray().Select(m => (string?)m!["value"]));
        Assert.Equal(created.ETag, patched.ETag);
        Assert.Equal([bob], replaced.Json["members"]!.AsArray().Select(m => (string?)m!["value"]));
        Assert.Equal([bob], stored.Json["members"]!.AsArray().Select(m => (string?)m!["value"]));
        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public async Task UnknownPatchPath_Ignored_ChangesNothing()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider, scim => scim.ConfigureService(o => o.Reading.UnknownAttributes = UnknownAttributeHandling.Ignore));
        using var client = app.Client();
        var created = (await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","adreses":[{"locality":"x"}]}""")).Expect(HttpStatusCode.Created, app.Errors);

        var patched = (await client.Patch("Users/" + (string)created.Json["id"]!, Http.PatchOp("""{"op":"replace","path":"adreses[type eq \"work\"].locality","value":"y"}"""))).Expect(HttpStatusCode.OK, app.Errors);

        Assert.Equal(created.ETag, patched.ETag);
        Assert.Null(patched.Json["adreses"]);
    }
}

/// <summary>The input policies over the SCIM-owned tables on SQLite.</summary>
public sealed class SqliteScimTablesInputPolicyTests : ScimTablesInputPolicyTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>The input policies over the SCIM-owned tables on PostgreSQL.</summary>
public sealed class PostgresScimTablesInputPolicyTests : ScimTablesInputPolicyTests
{
    protected override Provider Provider => Provider.Postgres;
}
