using System.Net;
using System.Text.Json.Nodes;
using Scim.AspNetCore.Tests;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>Every endpoint MapScim serves, over real HTTP: status, headers and body.</summary>
public sealed class EndpointTests
{
    [Fact]
    public async Task PostUsers_Returns201WithLocationEqualToMetaLocationAndETag()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        var response = await client.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","name":{"givenName":"Barbara"},"password":"s3cret!"}""");

        var body = Resource(response, HttpStatusCode.Created);
        var id = (string)body["id"]!;
        var location = (string?)body["meta"]!["location"];
        Assert.Equal(new Uri(server.Root, "scim/v2/Users/" + id).AbsoluteUri, location);
        Assert.Equal(location, response.Location);
        Assert.Equal("bjensen", (string?)body["userName"]);
        Assert.Equal("User", (string?)body["meta"]!["resourceType"]);
        Assert.Null(body["password"]);
    }

    [Fact]
    public async Task GetUsers_ListsCreatedUsers()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var one = await client.CreateUserAsync("one");
        var two = await client.CreateUserAsync("two");

        var list = List(await client.GetAsync("Users"), totalResults: 2);

        Assert.Equal(1, (int)list["startIndex"]!);
        Assert.Equal([(string)one["id"]!, (string)two["id"]!], Ids(list).Order(StringComparer.Ordinal));
        Assert.All(list["Resources"]!.AsArray(), r => Assert.StartsWith(new Uri(server.Root, "scim/v2/Users/").AbsoluteUri, (string?)r!["meta"]!["location"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetUserById_ReturnsItWithETag()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var body = Resource(await client.GetAsync("Users/" + created["id"]), HttpStatusCode.OK);

        Assert.Equal((string?)created["id"], (string?)body["id"]);
        Assert.Equal("bjensen", (string?)body["userName"]);
        Assert.Equal((string?)created["meta"]!["version"], (string?)body["meta"]!["version"]);
    }

    [Fact]
    public async Task PutUser_ReplacesAndReturns200WithNewETag()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen", "\"displayName\":\"Babs\",\"title\":\"Tour Guide\"");

        var response = await client.PutAsync("Users/" + created["id"], """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","displayName":"Barbara"}""");

        var body = Resource(response, HttpStatusCode.OK);
        Assert.Equal("Barbara", (string?)body["displayName"]);
        Assert.Null(body["title"]);
        Assert.NotEqual((string?)created["meta"]!["version"], response.ETag);
        Assert.Equal("Barbara", (string?)Resource(await client.GetAsync("Users/" + created["id"]), HttpStatusCode.OK)["displayName"]);
    }

    [Fact]
    public async Task PatchUser_Returns200WithTheResourceByDefault()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var response = await client.PatchAsync("Users/" + created["id"], """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""");

        var body = Resource(response, HttpStatusCode.OK);
        Assert.False((bool)body["active"]!);
        Assert.NotEqual((string?)created["meta"]!["version"], response.ETag);
    }

    [Fact]
    public async Task PatchUser_NoContentOption_Returns204WithETagOfTheNewVersion()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Http = h => h.PatchResponse = ScimPatchResponse.NoContent);
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var response = await client.PatchAsync("Users/" + created["id"], """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""");

        Assert.Equal(HttpStatusCode.NoContent, response.Status);
        Assert.Equal(string.Empty, response.Text);
        var now = Resource(await client.GetAsync("Users/" + created["id"]), HttpStatusCode.OK);
        Assert.False((bool)now["active"]!);
        Assert.Equal((string?)now["meta"]!["version"], response.ETag);
        Assert.NotEqual((string?)created["meta"]!["version"], response.ETag);
    }

    [Fact]
    public async Task PatchGroup_NoContentOption_Returns204WithETagOfTheNewVersion()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Http = h => h.PatchResponse = ScimPatchResponse.NoContent);
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Tour Guides");

        var response = await client.PatchAsync("Groups/" + group["id"], $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{user["id"]}}"}]}]}""");

        Assert.Equal(HttpStatusCode.NoContent, response.Status);
        var now = Resource(await client.GetAsync("Groups/" + group["id"]), HttpStatusCode.OK);
        Assert.Equal([(string)user["id"]!], MemberIds(now));
        Assert.Equal((string?)now["meta"]!["version"], response.ETag);
    }

    [Fact]
    public async Task PatchGroup_Default_Is204WhenTheBodyWouldCarryMembersAnd200Otherwise()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Tour Guides");
        var add = $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{user["id"]}}"}]}]}""";
        var rename = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Guides"}]}""";

        var memberChange = await client.PatchAsync("Groups/" + group["id"], add);
        var withoutMembers = await client.PatchAsync("Groups/" + group["id"] + "?excludedAttributes=members", rename);
        var userPatch = await client.PatchAsync("Users/" + user["id"], """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""");

        Assert.Equal(HttpStatusCode.NoContent, memberChange.Status);
        Assert.Equal(string.Empty, memberChange.Text);
        var renamed = Resource(withoutMembers, HttpStatusCode.OK);
        Assert.Equal("Guides", (string?)renamed["displayName"]);
        Assert.Null(renamed["members"]);
        Assert.False((bool)Resource(userPatch, HttpStatusCode.OK)["active"]!);
        var now = Resource(await client.GetAsync("Groups/" + group["id"]), HttpStatusCode.OK);
        Assert.Equal([(string)user["id"]!], MemberIds(now));
        Assert.Equal((string?)now["meta"]!["version"], renamed["meta"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchGroup_OkOption_Returns200WithTheMembers()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Http = h => h.PatchResponse = ScimPatchResponse.Ok);
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Tour Guides");

        var patched = Resource(await client.PatchAsync("Groups/" + group["id"], $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{user["id"]}}"}]}]}"""), HttpStatusCode.OK);

        Assert.Equal([(string)user["id"]!], MemberIds(patched));
    }

    [Theory]
    [InlineData("?attributes=displayName")]
    [InlineData("?attributes=displayName,externalId")]
    [InlineData("?excludedAttributes=members,externalId")]
    public async Task PatchGroup_Default_ProjectionWithoutMembers_Returns200WithIt(string query)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Tour Guides");

        var response = await client.PatchAsync("Groups/" + group["id"] + query, AddMember((string)user["id"]!));

        // attributes=displayName leaves meta out of the body; the ETag still names the new version.
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var patched = response.Json;
        Assert.Equal("Tour Guides", (string?)patched["displayName"]);
        Assert.Null(patched["members"]);
        Assert.Equal((string?)Resource(await client.GetAsync("Groups/" + group["id"]), HttpStatusCode.OK)["meta"]!["version"], response.ETag);
    }

    [Theory]
    [InlineData("?attributes=members")]
    [InlineData("?attributes=displayName,members.value")]
    [InlineData("?excludedAttributes=displayName")]
    public async Task PatchGroup_Default_ProjectionWithMembers_Returns204(string query)
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Tour Guides");

        var response = await client.PatchAsync("Groups/" + group["id"] + query, AddMember((string)user["id"]!));

        Assert.Equal(HttpStatusCode.NoContent, response.Status);
        Assert.Equal(string.Empty, response.Text);
        Assert.Equal((string?)Resource(await client.GetAsync("Groups/" + group["id"]), HttpStatusCode.OK)["meta"]!["version"], response.ETag);
    }

    [Fact]
    public async Task PatchGroup_Default_RenameIs204WithAnETagThatIfMatchAccepts()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var group = await client.CreateGroupAsync("Tour Guides");
        var created = (string)group["meta"]!["version"]!;

        var renamed = await client.PatchAsync("Groups/" + group["id"], Rename("Guides"));
        var stale = await client.PatchAsync("Groups/" + group["id"], Rename("Stale"), ("If-Match", created));
        var current = await client.PatchAsync("Groups/" + group["id"], Rename("Current"), ("If-Match", renamed.ETag!));

        Assert.Equal(HttpStatusCode.NoContent, renamed.Status);
        Assert.NotEqual(created, renamed.ETag);
        Error(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NoContent, current.Status);
        var now = Resource(await client.GetAsync("Groups/" + group["id"]), HttpStatusCode.OK);
        Assert.Equal("Current", (string?)now["displayName"]);
        Assert.Equal((string?)now["meta"]!["version"], current.ETag);
    }

    [Fact]
    public async Task PatchGroup_Default_NothingChanged_Is204WithTheUnchangedETag()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Tour Guides", (string)user["id"]!);

        var response = await client.PatchAsync("Groups/" + group["id"], AddMember((string)user["id"]!));

        Assert.Equal(HttpStatusCode.NoContent, response.Status);
        Assert.Equal((string?)group["meta"]!["version"], response.ETag);
    }

    [Fact]
    public async Task PatchGroup_NoContentOption_ProjectionWithoutMembers_Is204Still()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Http = h => h.PatchResponse = ScimPatchResponse.NoContent);
        var client = server.Client();
        var group = await client.CreateGroupAsync("Tour Guides");

        var response = await client.PatchAsync("Groups/" + group["id"] + "?excludedAttributes=members", Rename("Guides"));

        Assert.Equal(HttpStatusCode.NoContent, response.Status);
        Assert.Equal((string?)Resource(await client.GetAsync("Groups/" + group["id"]), HttpStatusCode.OK)["meta"]!["version"], response.ETag);
    }

    [Fact]
    public async Task PatchGroup_OkOption_ProjectionWithoutMembers_Returns200WithoutThem()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Http = h => h.PatchResponse = ScimPatchResponse.Ok);
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Tour Guides");

        var response = await client.PatchAsync("Groups/" + group["id"] + "?attributes=displayName", AddMember((string)user["id"]!));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Tour Guides", (string?)response.Json["displayName"]);
        Assert.Null(response.Json["members"]);
        Assert.Equal([(string)user["id"]!], MemberIds(Resource(await client.GetAsync("Groups/" + group["id"]), HttpStatusCode.OK)));
    }

    [Fact]
    public async Task PatchUser_OkOption_Returns200WithTheResource()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Http = h => h.PatchResponse = ScimPatchResponse.Ok);
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var patched = Resource(await client.PatchAsync("Users/" + created["id"], """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}"""), HttpStatusCode.OK);

        Assert.False((bool)patched["active"]!);
    }

    [Theory]
    [InlineData(ScimPatchResponse.Auto)]
    [InlineData(ScimPatchResponse.NoContent)]
    public async Task PutGroup_WhateverThePatchResponse_Returns200WithTheMembers(ScimPatchResponse patchResponse)
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Http = h => h.PatchResponse = patchResponse);
        var client = server.Client();
        var user = await client.CreateUserAsync("bjensen");
        var group = await client.CreateGroupAsync("Tour Guides");

        var put = Resource(await client.PutAsync("Groups/" + group["id"], $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Guides","members":[{"value":"{{user["id"]}}"}]}"""), HttpStatusCode.OK);

        Assert.Equal([(string)user["id"]!], MemberIds(put));
    }

    [Fact]
    public void PatchResponse_DefaultsToAuto()
    {
        Assert.Equal(ScimPatchResponse.Auto, new ScimHttpOptions().PatchResponse);
    }

    private static string AddMember(string id) =>
        $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{id}}"}]}]}""";

    private static string Rename(string displayName) =>
        $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"{{displayName}}"}]}""";

    [Fact]
    public async Task DeleteUser_Returns204ThenGetIs404()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var response = await client.DeleteAsync("Users/" + created["id"]);

        Assert.Equal(HttpStatusCode.NoContent, response.Status);
        Assert.Equal(string.Empty, response.Text);
        Error(await client.GetAsync("Users/" + created["id"]), HttpStatusCode.NotFound);
        List(await client.GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task Groups_CreateGetListPutPatchDelete()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var alice = await client.CreateUserAsync("alice");
        var bob = await client.CreateUserAsync("bob");

        var createdResponse = await client.PostAsync("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Admins","members":[{"value":"{{alice["id"]}}"}]}""");
        var created = Resource(createdResponse, HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal((string?)created["meta"]!["location"], createdResponse.Location);
        Assert.Equal(new Uri(server.Root, "scim/v2/Groups/" + id).AbsoluteUri, createdResponse.Location);
        Assert.Equal("User", (string?)created["members"]![0]!["type"]);

        var got = Resource(await client.GetAsync("Groups/" + id), HttpStatusCode.OK);
        Assert.Equal([(string)alice["id"]!], MemberIds(got));

        var list = List(await client.GetAsync("Groups"), totalResults: 1);
        Assert.Equal([id], Ids(list));

        var put = Resource(await client.PutAsync("Groups/" + id, $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Administrators","members":[{"value":"{{bob["id"]}}"}]}"""), HttpStatusCode.OK);
        Assert.Equal("Administrators", (string?)put["displayName"]);
        Assert.Equal([(string)bob["id"]!], MemberIds(put));

        var patch = await client.PatchAsync("Groups/" + id, $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{alice["id"]}}"}]}]}""");
        Assert.Equal(HttpStatusCode.NoContent, patch.Status);
        var patched = Resource(await client.GetAsync("Groups/" + id), HttpStatusCode.OK);
        Assert.Equal(patched["meta"]!["version"]!.GetValue<string>(), patch.ETag);
        Assert.Equal(new[] { (string)alice["id"]!, (string)bob["id"]! }.Order(StringComparer.Ordinal), MemberIds(patched));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Groups/" + id)).Status);
        Error(await client.GetAsync("Groups/" + id), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PostUsersSearch_FiltersLikeAGet()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        await client.CreateUserAsync("alice");
        var bob = await client.CreateUserAsync("bob");

        var list = List(await client.PostAsync("Users/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"bob\"","attributes":["userName"],"startIndex":1,"count":10}"""), totalResults: 1);

        Assert.Equal([(string)bob["id"]!], Ids(list));
        var only = list["Resources"]![0]!.AsObject();
        Assert.Equal("bob", (string?)only["userName"]);
        Assert.Null(only["meta"]);
    }

    [Fact]
    public async Task PostGroupsSearch_FiltersGroups()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        await client.CreateGroupAsync("Admins");
        var guides = await client.CreateGroupAsync("Guides");

        var list = List(await client.PostAsync("Groups/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"displayName sw \"Gu\""}"""), totalResults: 1);

        Assert.Equal([(string)guides["id"]!], Ids(list));
    }

    [Fact]
    public async Task PostRootSearch_PagesAcrossUsersThenGroups()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var users = new List<string>();
        foreach (var name in new[] { "u1", "u2", "u3" })
        {
            users.Add((string)(await client.CreateUserAsync(name))["id"]!);
        }

        var groups = new List<string>();
        foreach (var name in new[] { "g1", "g2" })
        {
            groups.Add((string)(await client.CreateGroupAsync(name))["id"]!);
        }

        // Each type is listed in id order; ids made within the same millisecond need not follow
        // the order of creation.
        users.Sort(StringComparer.Ordinal);
        groups.Sort(StringComparer.Ordinal);
        var all = List(await client.PostAsync(".search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}"""), totalResults: 5);
        Assert.Equal([.. users, .. groups], Ids(all));

        // Page 2 of size 2 straddles the boundary: the last user, then the first group.
        var page = List(await client.PostAsync(".search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"startIndex":3,"count":2}"""), totalResults: 5);
        Assert.Equal(3, (int)page["startIndex"]!);
        Assert.Equal([users[2], groups[0]], Ids(page));
        Assert.Equal("User", (string?)page["Resources"]![0]!["meta"]!["resourceType"]);
        Assert.Equal("Group", (string?)page["Resources"]![1]!["meta"]!["resourceType"]);

        var last = List(await client.PostAsync(".search", """{"startIndex":5,"count":10}"""), totalResults: 5);
        Assert.Equal([groups[1]], Ids(last));
    }

    [Fact]
    public async Task PostRootSearch_FilterOnlyOneTypeKnows_SearchesThatType()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var alice = await client.CreateUserAsync("alice");
        await client.CreateGroupAsync("Admins");

        var list = List(await client.PostAsync(".search", """{"filter":"userName eq \"alice\""}"""), totalResults: 1);

        Assert.Equal([(string)alice["id"]!], Ids(list));
    }

    /// <summary>
    /// Across types, an attribute a type does not define is an unassigned one there: the filter
    /// still selects that type's matches of its other parts (an <c>or</c> finds groups and users,
    /// <c>ne</c> on a user-only attribute holds for every group), and an attribute no type defines is 400.
    /// </summary>
    [Fact]
    public async Task PostRootSearch_FilterEachTypeKnowsInPart_EachTypeAnswersItsPart()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var alice = (string)(await client.CreateUserAsync("alice"))["id"]!;
        await client.CreateUserAsync("bob");
        var admins = (string)(await client.CreateGroupAsync("Admins"))["id"]!;
        await client.CreateGroupAsync("Staff");
        static string Search(string filter) => $$"""{"filter":"{{filter.Replace("\"", "\\\"", StringComparison.Ordinal)}}"}""";

        var raw = await client.PostAsync(".search", Search("displayName sw \"Adm\" or userName eq \"alice\""));
        var either = List(raw, totalResults: 2);
        Assert.Equal([alice, admins], Ids(either));

        var notAlice = List(await client.PostAsync(".search", Search("userName ne \"alice\"")), totalResults: 3);
        Assert.DoesNotContain(alice, Ids(notAlice));

        List(await client.PostAsync(".search", Search("userName eq \"alice\" and displayName eq \"Admins\"")), totalResults: 0);
        Error(await client.PostAsync(".search", Search("nickname eq \"x\" or displayName eq \"Admins\" or nosuch pr")), HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Theory]
    [InlineData("ServiceProviderConfig")]
    [InlineData("ServiceProviderConfigs")]
    [InlineData("serviceConfiguration")]
    [InlineData("serviceproviderconfig")]
    public async Task GetServiceProviderConfig_EveryName_ReturnsTheDocument(string name)
    {
        await using var server = await ScimTestServer.StartAsync();

        var response = await server.Client().GetAsync(name);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/scim+json", response.MediaType);
        var body = response.Json;
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", (string?)body["schemas"]![0]);
        Assert.Equal(new Uri(server.Root, "scim/v2/ServiceProviderConfig").AbsoluteUri, (string?)body["meta"]!["location"]);
    }

    [Fact]
    public async Task GetResourceTypes_ListsUserAndGroup()
    {
        await using var server = await ScimTestServer.StartAsync();

        var list = List(await server.Client().GetAsync("ResourceTypes"), totalResults: 2);

        Assert.Equal(["User", "Group"], Ids(list));
        Assert.Equal(new Uri(server.Root, "scim/v2/ResourceTypes/User").AbsoluteUri, (string?)list["Resources"]![0]!["meta"]!["location"]);
    }

    [Theory]
    [InlineData("ResourceTypes/User")]
    [InlineData("resourcetypes/user")]
    public async Task GetResourceTypeUser_ReturnsItWithTheEnterpriseExtension(string path)
    {
        await using var server = await ScimTestServer.StartAsync();

        var response = await server.Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/scim+json", response.MediaType);
        var body = response.Json;
        Assert.Equal("User", (string?)body["id"]);
        Assert.Equal("/Users", (string?)body["endpoint"]);
        Assert.Equal(UserSchema, (string?)body["schema"]);
        Assert.Equal(EnterpriseSchema, (string?)body["schemaExtensions"]![0]!["schema"]);
    }

    [Theory]
    [InlineData("Schemas")]
    [InlineData("schemas")]
    [InlineData("SCHEMAS")]
    public async Task GetSchemas_ListsTheThreeSchemas(string path)
    {
        await using var server = await ScimTestServer.StartAsync();

        var list = List(await server.Client().GetAsync(path), totalResults: 3);

        Assert.Equal([UserSchema, GroupSchema, EnterpriseSchema], Ids(list));
    }

    [Theory]
    [InlineData(UserSchema, "User")]
    [InlineData(GroupSchema, "Group")]
    [InlineData(EnterpriseSchema, "EnterpriseUser")]
    public async Task GetSchemaByUrn_ReturnsIt(string urn, string name)
    {
        await using var server = await ScimTestServer.StartAsync();

        var response = await server.Client().GetAsync("Schemas/" + urn);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/scim+json", response.MediaType);
        Assert.Equal(urn, (string?)response.Json["id"]);
        Assert.Equal(name, (string?)response.Json["name"]);
        Assert.Equal(new Uri(server.Root, "scim/v2/Schemas/" + urn).AbsoluteUri, (string?)response.Json["meta"]!["location"]);
    }

    [Fact]
    public async Task Segments_AreCaseInsensitive()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        var created = Resource(await client.PostAsync("users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"lower"}"""), HttpStatusCode.Created);
        var group = Resource(await client.PostAsync("GROUPS", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"upper"}"""), HttpStatusCode.Created);

        Assert.Equal("lower", (string?)Resource(await client.GetAsync("USERS/" + created["id"]), HttpStatusCode.OK)["userName"]);
        List(await client.GetAsync("groups"), totalResults: 1);
        List(await client.PostAsync("uSeRs/.search", "{}"), totalResults: 1);
        List(await client.PostAsync("Users/.SEARCH", "{}"), totalResults: 1);
        List(await client.PostAsync(".Search", "{}"), totalResults: 2);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Groups/" + group["id"])).Status);
    }
}
