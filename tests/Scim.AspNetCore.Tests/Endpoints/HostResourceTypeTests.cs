using System.Net;
using System.Text.Json.Nodes;
using Scim.Tests.Shared;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// A resource type the library has never heard of (<see cref="Devices"/>: own core schema, an
/// extension, a reference to a user) gets the whole protocol over HTTP, through the same engine
/// as User and Group, with the in-memory store AddInMemoryStores() gives it.
/// </summary>
public sealed class HostResourceTypeTests
{
    private const string Device = """{"schemas":["urn:example:params:scim:schemas:core:2.0:Device"],"serialNumber":"SN-1","displayName":"Build box","model":"X1","active":true,"tags":["lab"]}""";

    private static Task<ScimTestServer> StartAsync() => ScimTestServer.StartAsync(o => o.Scim = s => s.AddDevices());

    [Fact]
    public async Task Lifecycle_CreateReadReplacePatchDelete()
    {
        await using var server = await StartAsync();
        var client = server.Client();

        var created = await client.PostAsync("Devices", Device);
        var device = Resource(created, HttpStatusCode.Created);
        var id = (string)device["id"]!;
        Assert.Equal("SN-1", (string?)device["serialNumber"]);
        Assert.Equal("Device", (string?)device["meta"]!["resourceType"]);
        Assert.EndsWith("/scim/v2/Devices/" + id, created.Location);
        Assert.Equal((string?)device["meta"]!["version"], created.ETag);

        var read = Resource(await client.GetAsync("Devices/" + id), HttpStatusCode.OK);
        Assert.Equal(["lab"], read["tags"]!.AsArray().Select(t => (string?)t));

        var replaced = Resource(await client.PutAsync("Devices/" + id, """{"schemas":["urn:example:params:scim:schemas:core:2.0:Device"],"serialNumber":"SN-1","model":"X2","urn:example:params:scim:schemas:extension:fleet:2.0:Device":{"site":"Oslo","rack":7}}"""), HttpStatusCode.OK);
        Assert.Equal("X2", (string?)replaced["model"]);
        Assert.Null(replaced["displayName"]); // PUT clears what it does not send
        Assert.Equal(7, (int)replaced[Devices.Fleet]!["rack"]!);
        Assert.Contains(Devices.Fleet, replaced["schemas"]!.AsArray().Select(s => (string?)s));

        var patched = Resource(await client.PatchAsync("Devices/" + id, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false},{"op":"add","path":"tags","value":["retired"]},{"op":"replace","path":"urn:example:params:scim:schemas:extension:fleet:2.0:Device:site","value":"Bergen"}]}"""), HttpStatusCode.OK);
        Assert.False((bool)patched["active"]!);
        Assert.Equal(["retired"], patched["tags"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("Bergen", (string?)patched[Devices.Fleet]!["site"]);
        Assert.NotEqual((string?)replaced["meta"]!["version"], (string?)patched["meta"]!["version"]);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Devices/" + id)).Status);
        Error(await client.GetAsync("Devices/" + id), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Versions_StaleIfMatchIs412_IfNoneMatchIs304()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var created = await client.PostAsync("Devices", Device);
        var id = (string)created.Json["id"]!;

        Assert.Equal(HttpStatusCode.NotModified, (await client.GetAsync("Devices/" + id, ("If-None-Match", created.ETag!))).Status);
        Error(await client.PatchAsync("Devices/" + id, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"model","value":"Z"}]}""", ("If-Match", "W/\"stale\"")), HttpStatusCode.PreconditionFailed);
        Error(await client.DeleteAsync("Devices/" + id, ("If-Match", "W/\"stale\"")), HttpStatusCode.PreconditionFailed);
        Assert.Equal("X1", (string?)(await client.GetAsync("Devices/" + id)).Json["model"]);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Devices/" + id, ("If-Match", created.ETag!))).Status);
    }

    [Fact]
    public async Task Lists_FilterSortPageCursorAndProjection()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        foreach (var (serial, model) in new[] { ("SN-3", "B"), ("SN-1", "C"), ("SN-2", "A") })
        {
            Resource(await client.PostAsync("Devices", $$"""{"schemas":["{{Devices.Schema}}"],"serialNumber":"{{serial}}","model":"{{model}}"}"""), HttpStatusCode.Created);
        }

        var one = List(await client.GetAsync("Devices?filter=" + Uri.EscapeDataString("serialNumber eq \"sn-2\"")), totalResults: 1);
        Assert.Equal("A", (string?)one["Resources"]![0]!["model"]);

        var sorted = List(await client.GetAsync("Devices?sortBy=model&sortOrder=descending&startIndex=2&count=1"), totalResults: 3);
        Assert.Equal("B", (string?)sorted["Resources"]![0]!["model"]);

        var first = List(await client.GetAsync("Devices?cursor&count=2"), totalResults: 3);
        Assert.Equal(2, Ids(first).Count);
        var rest = List(await client.GetAsync("Devices?count=2&cursor=" + Uri.EscapeDataString((string)first["nextCursor"]!)), totalResults: 3);
        Assert.Single(Ids(rest));

        var projected = List(await client.GetAsync("Devices?attributes=serialNumber&filter=" + Uri.EscapeDataString("model eq \"C\"")), totalResults: 1);
        var only = projected["Resources"]![0]!.AsObject();
        Assert.Equal("SN-1", (string?)only["serialNumber"]);
        Assert.Null(only["model"]);
        Assert.NotNull(only["id"]);

        var searched = List(await client.PostAsync("Devices/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"model sw \"B\" or model sw \"C\"","sortBy":"serialNumber"}"""), totalResults: 2);
        Assert.Equal(["SN-1", "SN-3"], searched["Resources"]!.AsArray().Select(r => (string?)r!["serialNumber"]));

        List(await client.PostAsync(".search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"serialNumber eq \"SN-3\""}"""), totalResults: 1);
    }

    [Fact]
    public async Task BadInput_ScimErrorsAndNothingWritten()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        Resource(await client.PostAsync("Devices", Device), HttpStatusCode.Created);

        Error(await client.PostAsync("Devices", $$"""{"schemas":["{{Devices.Schema}}"],"model":"X1"}"""), HttpStatusCode.BadRequest, "invalidValue"); // serialNumber is required
        Error(await client.PostAsync("Devices", $$"""{"schemas":["{{Devices.Schema}}"],"serialNumber":"sn-1"}"""), HttpStatusCode.Conflict, "uniqueness"); // unique, case-insensitive
        Error(await client.PostAsync("Devices", $$"""{"schemas":["{{Devices.Schema}}"],"serialNumber":"SN-9","active":"maybe"}"""), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PostAsync("Devices", $$"""{"schemas":["{{Devices.Schema}}"],"serialNumber":"SN-9","{{Devices.Fleet}}":{"rack":"seven"} }"""), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PostAsync("Devices", $$"""{"schemas":["{{Devices.Schema}}"],"serialNumber":"SN-9","owner":{"value":"no-such-user"} }"""), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.GetAsync("Devices?filter=" + Uri.EscapeDataString("color eq \"red\"")), HttpStatusCode.BadRequest, "invalidFilter");
        Error(await client.GetAsync("Devices?sortBy=color"), HttpStatusCode.BadRequest, "invalidPath");

        List(await client.GetAsync("Devices"), totalResults: 1);
    }

    [Fact]
    public async Task Owner_MustBeAUserOfTheTenant_PatchedToOneIsKept()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var userId = (string)(await client.CreateUserAsync("ada"))["id"]!;
        var otherTenantUser = (string)Resource(await server.TenantClient("a", ScimTestServer.TokenA).PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob"}"""), HttpStatusCode.Created)["id"]!;
        var id = (string)Resource(await client.PostAsync("Devices", Device), HttpStatusCode.Created)["id"]!;

        var refused = await client.PatchAsync("Devices/" + id, $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"owner","value":{"value":"{{otherTenantUser}}"} }]}""");
        Error(refused, HttpStatusCode.BadRequest, "invalidValue");
        Assert.Null((await client.GetAsync("Devices/" + id)).Json["owner"]);

        var owned = Resource(await client.PatchAsync("Devices/" + id, $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"owner","value":{"value":"{{userId}}","display":"Ada"} }]}"""), HttpStatusCode.OK);
        Assert.Equal(userId, (string?)owned["owner"]!["value"]);

        // The owner is checked only when it changes: another attribute's PATCH does not look it up again.
        Resource(await client.PatchAsync("Devices/" + id, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"model","value":"X3"}]}"""), HttpStatusCode.OK);
        var owner = List(await client.GetAsync($"Devices?filter={Uri.EscapeDataString($"owner.value eq \"{userId}\"")}"), totalResults: 1);
        Assert.Equal([id], Ids(owner));
    }

    [Fact]
    public async Task OwnerSetBySubAttributePath_IsCheckedToo()
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var id = (string)Resource(await client.PostAsync("Devices", Device), HttpStatusCode.Created)["id"]!;

        Error(await client.PatchAsync("Devices/" + id, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"owner.value","value":"nobody"}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        Error(await client.PatchAsync("Devices/" + id, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","value":{"owner":{"value":"nobody"}}}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        Assert.Null((await client.GetAsync("Devices/" + id)).Json["owner"]);
    }

    [Theory]
    [InlineData("POST", "Devices", "[]")]
    [InlineData("POST", "Devices", """{"schemas":["urn:example:wrong"],"serialNumber":"SN-5"}""")]
    [InlineData("POST", "Devices", """{"schemas":["urn:example:params:scim:schemas:core:2.0:Device"],"serialNumber":["SN-5"]}""")]
    [InlineData("POST", "Devices", """{"schemas":["urn:example:params:scim:schemas:core:2.0:Device"],"serialNumber":"SN-5","owner":[{"value":"x"}]}""")]
    [InlineData("POST", "Devices", """{"schemas":["urn:example:params:scim:schemas:core:2.0:Device"],"serialNumber":"SN-5","owner":{"value":5}}""")]
    [InlineData("POST", "Devices", """{"schemas":["urn:example:params:scim:schemas:core:2.0:Device"],"serialNumber":"SN-5","purchased":"yesterday"}""")]
    [InlineData("PATCH", "Devices/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"tags[value eq]"}]}""")]
    [InlineData("PATCH", "Devices/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"serialNumber"}]}""")]
    [InlineData("PATCH", "Devices/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"serialNumber"}]}""")]
    [InlineData("PATCH", "Devices/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"owner[value eq \"x\"].display","value":"y"}]}""")]
    [InlineData("PUT", "Devices/{id}", """{"schemas":["urn:example:params:scim:schemas:core:2.0:Device"],"model":"no serial"}""")]
    [InlineData("PUT", "Devices/no-such-device", """{"schemas":["urn:example:params:scim:schemas:core:2.0:Device"],"serialNumber":"SN-1"}""")]
    public async Task BadRequests_AreScimErrorsNeverA500_AndChangeNothing(string method, string path, string body)
    {
        await using var server = await StartAsync();
        var client = server.Client();
        var created = Resource(await client.PostAsync("Devices", Device), HttpStatusCode.Created);
        var id = (string)created["id"]!;

        var response = await client.SendAsync(new HttpMethod(method), path.Replace("{id}", id, StringComparison.Ordinal), body);

        Assert.True((int)response.Status is >= 400 and < 500, $"{method} {path}: {(int)response.Status} {response.Text}");
        Assert.Equal("scim+json", response.MediaType?.Split('/')[1]);
        var after = Resource(await client.GetAsync("Devices/" + id), HttpStatusCode.OK);
        Assert.Equal((string?)created["meta"]!["version"], (string?)after["meta"]!["version"]);
        List(await client.GetAsync("Devices"), totalResults: 1);
    }

    [Fact]
    public async Task Bulk_CreatesAUserAndADeviceItOwns()
    {
        await using var server = await StartAsync();
        var client = server.Client();

        var response = await client.PostAsync("Bulk", $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"u1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"carol"} },
              {"method":"POST","path":"/Devices","bulkId":"d1","data":{"schemas":["{{Devices.Schema}}"],"serialNumber":"SN-7","owner":{"value":"bulkId:u1"} } }
            ]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var operations = response.Json["Operations"]!.AsArray();
        Assert.All(operations, o => Assert.Equal("201", (string?)o!["status"]));
        var device = (await client.GetAsync(((string)operations[1]!["location"]!)[((string)operations[1]!["location"]!).IndexOf("Devices/", StringComparison.Ordinal)..])).Json;
        var userLocation = (string)operations[0]!["location"]!;
        Assert.EndsWith("/Users/" + (string?)device["owner"]!["value"], userLocation);
    }

    [Fact]
    public async Task Discovery_ListsTheTypeAndItsSchemas()
    {
        await using var server = await StartAsync();
        var client = server.Client();

        var types = List(await client.GetAsync("ResourceTypes"));
        var device = types["Resources"]!.AsArray().Single(t => (string?)t!["name"] == "Device")!;
        Assert.Equal("/Devices", (string?)device["endpoint"]);
        Assert.Equal(Devices.Fleet, (string?)device["schemaExtensions"]![0]!["schema"]);
        var schema = (await client.GetAsync("Schemas/" + Devices.Schema)).Json;
        Assert.Contains("serialNumber", schema["attributes"]!.AsArray().Select(a => (string?)a!["name"]));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Schemas/" + Devices.Fleet)).Status);
    }

    [Fact]
    public async Task WithoutTheType_NothingAboutItIsServed()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();

        Error(await client.PostAsync("Devices", Device), HttpStatusCode.NotFound);
        Assert.DoesNotContain("Device", (await client.GetAsync("ResourceTypes")).Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Device", (await client.GetAsync("Schemas")).Text, StringComparison.Ordinal);
    }
}
