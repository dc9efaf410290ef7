using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scim.AspNetCore.Tests;
using Scim.Core;
using Scim.Core.Serialization;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A host whose stores keep less than the schemas define (<c>DeclareStoredAttributes</c>,
/// <c>DeclareMemberTypes</c>), over HTTP: discovery tells the truth, anything else an IdP sends is
/// refused as unknown (or dropped when the host ignores unknown attributes), and filters or sortBy
/// on it are 400.
/// </summary>
public sealed class DeclaredStoresTests
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    /// <summary>A users table with a login, a first name, an active flag and emails.</summary>
    private static void NarrowUsers(ScimBuilder scim) => scim.DeclareStoredAttributes("User", "userName", "name.givenName", "active", "emails");

    private static Task<ScimTestServer> NarrowAsync(bool ignoreUnknown = false) => ScimTestServer.StartAsync(o => o.Scim = scim =>
    {
        NarrowUsers(scim);
        if (ignoreUnknown)
        {
            scim.ConfigureService(c => c.Reading.UnknownAttributes = UnknownAttributeHandling.Ignore);
        }
    });

    private static string Patch(string operation) => $$"""{"schemas":["{{PatchOp}}"],"Operations":[{{operation}}]}""";

    private static JsonObject SchemaOf(JsonObject list, string id) =>
        list["Resources"]!.AsArray().Select(r => r!.AsObject()).Single(r => (string?)r["id"] == id);

    private static List<string> AttributeNames(JsonObject schema) => [.. schema["attributes"]!.AsArray().Select(a => (string)a!["name"]!)];

    private static JsonObject Attribute(JsonObject schema, string name) =>
        schema["attributes"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string?)a["name"] == name);

    private static JsonObject SubAttribute(JsonObject attribute, string name) =>
        attribute["subAttributes"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string?)a["name"] == name);

    // ---------------------------------------------------------------- discovery

    [Fact]
    public async Task Schemas_ListOnlyWhatTheStoresKeep()
    {
        await using var server = await NarrowAsync();

        var list = List(await server.Client().GetAsync("Schemas"), totalResults: 2);

        Assert.Equal([UserSchema, GroupSchema], Ids(list));
        var user = SchemaOf(list, UserSchema);
        Assert.Equal(["userName", "name", "active", "emails", "groups"], AttributeNames(user));
        Assert.Equal(["givenName"], Attribute(user, "name")["subAttributes"]!.AsArray().Select(s => (string?)s!["name"]));
        Assert.Equal(["displayName", "members"], AttributeNames(SchemaOf(list, GroupSchema)));
    }

    [Fact]
    public async Task SchemaOfAnExtensionNothingIsKeptOf_Is404AndTheResourceTypeNoLongerNamesIt()
    {
        await using var server = await NarrowAsync();
        var client = server.Client();

        Error(await client.GetAsync("Schemas/" + EnterpriseSchema), HttpStatusCode.NotFound);
        var user = (await client.GetAsync("ResourceTypes/User")).Json;

        Assert.Null(user["schemaExtensions"]);
        Assert.Equal(["userName", "name", "active", "emails", "groups"], AttributeNames((await client.GetAsync("Schemas/" + UserSchema)).Json));
    }

    [Fact]
    public async Task Schemas_MemberTypesDeclared_ShowUsersOnly()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = scim => scim.DeclareMemberTypes("Group", "User"));

        var members = Attribute((await server.Client().GetAsync("Schemas/" + GroupSchema)).Json, "members");

        Assert.Equal(["User"], SubAttribute(members, "type")["canonicalValues"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["User"], SubAttribute(members, "$ref")["referenceTypes"]!.AsArray().Select(v => (string?)v));
    }

    // ---------------------------------------------------------------- writes

    [Theory]
    [InlineData("\"title\":\"Tour Guide\"", "title")]
    [InlineData("\"externalId\":\"ext-1\"", "externalId")]
    [InlineData("\"name\":{\"givenName\":\"Barbara\",\"familyName\":\"Jensen\"}", "familyName")]
    public async Task PostUser_UndeclaredAttribute_Is400InvalidSyntaxNamingIt(string member, string name)
    {
        await using var server = await NarrowAsync();
        var client = server.Client();

        var error = Error(await client.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen",{{member}}}"""), HttpStatusCode.BadRequest, "invalidSyntax");

        Assert.Contains($"'{name}'", (string)error["detail"]!, StringComparison.Ordinal);
        List(await client.GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task PostUser_ExtensionNothingIsKeptOf_Is400InvalidSyntax()
    {
        await using var server = await NarrowAsync();

        Error(await server.Client().PostAsync("Users", $$$"""{"schemas":["{{{UserSchema}}}","{{{EnterpriseSchema}}}"],"userName":"bjensen","{{{EnterpriseSchema}}}":{"department":"Tours"} }"""), HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task PostUser_UndeclaredAttributes_UnknownAttributesIgnored_Is201WithoutThem()
    {
        await using var server = await NarrowAsync(ignoreUnknown: true);
        var client = server.Client();

        var created = Resource(await client.PostAsync("Users", $$"""
            {"schemas":["{{UserSchema}}","{{EnterpriseSchema}}"],"userName":"bjensen","title":"Tour Guide","externalId":"ext-1",
             "name":{"givenName":"Barbara","familyName":"Jensen"},"{{EnterpriseSchema}}":{"department":"Tours"} }
            """), HttpStatusCode.Created);
        var fetched = Resource(await client.GetAsync("Users/" + created["id"]), HttpStatusCode.OK);

        foreach (var body in new[] { created, fetched })
        {
            Assert.Equal("Barbara", (string?)body["name"]!["givenName"]);
            Assert.Null(body["name"]!["familyName"]);
            Assert.Null(body["title"]);
            Assert.Null(body["externalId"]);
            Assert.Null(body[EnterpriseSchema]);
            Assert.Equal([UserSchema], body["schemas"]!.AsArray().Select(s => (string?)s));
        }
    }

    [Fact]
    public async Task PutUser_UndeclaredAttribute_Is400ThenIgnoredWhenTheHostSaysSo()
    {
        await using var strict = await NarrowAsync();
        await using var lenient = await NarrowAsync(ignoreUnknown: true);
        const string Put = $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","active":false,"title":"Tour Guide"}""";

        var strictId = (string)(await strict.Client().CreateUserAsync("bjensen"))["id"]!;
        var lenientId = (string)(await lenient.Client().CreateUserAsync("bjensen"))["id"]!;

        Error(await strict.Client().PutAsync("Users/" + strictId, Put), HttpStatusCode.BadRequest, "invalidSyntax");
        var replaced = Resource(await lenient.Client().PutAsync("Users/" + lenientId, Put), HttpStatusCode.OK);
        Assert.False((bool)replaced["active"]!);
        Assert.Null(replaced["title"]);
    }

    [Fact]
    public async Task PatchUser_UndeclaredAttributeInAValue_Is400ThenIgnoredWhenTheHostSaysSo()
    {
        await using var strict = await NarrowAsync();
        await using var lenient = await NarrowAsync(ignoreUnknown: true);
        var patch = Patch("""{"op":"replace","value":{"active":false,"nickName":"Babs"}}""");

        var strictId = (string)(await strict.Client().CreateUserAsync("bjensen"))["id"]!;
        var lenientId = (string)(await lenient.Client().CreateUserAsync("bjensen"))["id"]!;

        var error = Error(await strict.Client().PatchAsync("Users/" + strictId, patch), HttpStatusCode.BadRequest, "invalidSyntax");
        Assert.Contains("'nickName'", (string)error["detail"]!, StringComparison.Ordinal);
        var patched = Resource(await lenient.Client().PatchAsync("Users/" + lenientId, patch), HttpStatusCode.OK);
        Assert.False((bool)patched["active"]!);
        Assert.Null(patched["nickName"]);
    }

    [Fact]
    public async Task PatchUser_PathToAnUndeclaredAttribute_Is400InvalidPath()
    {
        await using var server = await NarrowAsync();
        var client = server.Client();
        var id = (string)(await client.CreateUserAsync("bjensen"))["id"]!;

        var error = Error(await client.PatchAsync("Users/" + id, Patch("""{"op":"replace","path":"name.familyName","value":"Jensen"}""")), HttpStatusCode.BadRequest, "invalidPath");

        Assert.Contains("familyName", (string)error["detail"]!, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- filters and sortBy

    [Theory]
    [InlineData("title eq \"x\"")]
    [InlineData("externalId eq \"ext-1\"")]
    [InlineData("name.familyName eq \"Jensen\"")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Tours\"")]
    public async Task GetUsers_FilterOnAnUndeclaredAttribute_Is400InvalidFilter(string filter)
    {
        await using var server = await NarrowAsync();
        var client = server.Client();
        await client.CreateUserAsync("bjensen");

        Error(await client.GetAsync("Users?filter=" + Uri.EscapeDataString(filter)), HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Fact]
    public async Task SearchUsers_FilterOnAnUndeclaredAttribute_Is400InvalidFilter()
    {
        await using var server = await NarrowAsync();

        Error(await server.Client().PostAsync("Users/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"title eq \"x\""}"""), HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Theory]
    [InlineData("title")]
    [InlineData("externalId")]
    [InlineData("name.familyName")]
    public async Task GetUsers_SortByAnUndeclaredAttribute_Is400InvalidPath(string sortBy)
    {
        await using var server = await NarrowAsync();

        Error(await server.Client().GetAsync("Users?sortBy=" + sortBy), HttpStatusCode.BadRequest, "invalidPath");
    }

    [Fact]
    public async Task GetUsers_FilterAndSortOnDeclaredAttributes_Answer()
    {
        await using var server = await NarrowAsync();
        var client = server.Client();
        var zed = await client.CreateUserAsync("zed", "\"name\":{\"givenName\":\"Zed\"},\"emails\":[{\"value\":\"z@example.com\",\"type\":\"work\"}]");
        var amy = await client.CreateUserAsync("amy", "\"name\":{\"givenName\":\"Amy\"},\"emails\":[{\"value\":\"a@example.com\",\"type\":\"work\"}]");

        var list = List(await client.GetAsync("Users?sortBy=name.givenName&filter=" + Uri.EscapeDataString("emails[type eq \"work\"]")), totalResults: 2);

        Assert.Equal([(string)amy["id"]!, (string)zed["id"]!], Ids(list));
    }

    // ---------------------------------------------------------------- member types

    [Fact]
    public async Task Groups_UsersOnly_GroupMemberIs400AndUserMembersStillJoin()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = scim => scim.DeclareMemberTypes("Group", "User"));
        var client = server.Client();
        var alice = await client.CreateUserAsync("alice");
        var inner = await client.CreateGroupAsync("Inner");
        var outer = await client.CreateGroupAsync("Outer");

        var refused = Error(await client.PostAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Nested","members":[{"value":"{{inner["id"]}}"}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        var patchRefused = Error(await client.PatchAsync("Groups/" + outer["id"], Patch($$"""{"op":"add","path":"members","value":[{"value":"{{inner["id"]}}"}]}""")), HttpStatusCode.BadRequest, "invalidValue");
        var added = await client.PatchAsync("Groups/" + outer["id"], Patch($$"""{"op":"add","path":"members","value":[{"value":"{{alice["id"]}}"}]}"""));

        Assert.All([refused, patchRefused], e => Assert.Contains("users only", (string)e["detail"]!, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, added.Status);
        Assert.Equal([(string)alice["id"]!], MemberIds(Resource(await client.GetAsync("Groups/" + outer["id"]), HttpStatusCode.OK)));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Groups/" + inner["id"])).Status);
    }

    // ---------------------------------------------------------------- startup

    [Fact]
    public async Task RequiredAttributeNotDeclared_FailsAtStartupNamingIt()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddScim().AddInMemoryStores().DeclareStoredAttributes("User", "displayName");
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapScim("/scim/v2"));

        Assert.Contains("'userName'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathThatIsNoAttribute_FailsAtStartupNamingIt()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddScim().AddInMemoryStores().DeclareStoredAttributes("User", "userName", "shoeSize");
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapScim("/scim/v2"));

        Assert.Contains("'shoeSize'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeclaringOnceServing_Throws()
    {
        await using var server = await NarrowAsync();
        var scim = server.Services.GetRequiredService<ScimBuilder>();

        var error = Assert.Throws<InvalidOperationException>(() => scim.DeclareStoredAttributes("User", "userName", "title"));

        Assert.Contains("frozen", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("title", AttributeNames((await server.Client().GetAsync("Schemas/" + UserSchema)).Json));
    }
}
