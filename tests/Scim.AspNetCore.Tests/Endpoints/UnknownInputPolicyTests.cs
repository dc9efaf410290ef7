using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Scim.AspNetCore.Tests;
using Scim.Core.Provisioning;
using Scim.Core.Serialization;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// The two policies for input that names nothing the service has, over HTTP: unknown attributes
/// (<c>Reading.UnknownAttributes</c>) in PUT and PATCH, and members that are no user or group of
/// the tenant (<c>UnknownMembers</c>). Refused by default with the right scimType; accepted without
/// them when the host says so, with a warning in the host's log.
/// </summary>
public sealed class UnknownInputPolicyTests
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const string Misspelled = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","displayName":"New","adreses":[{"locality":"Hollywood"}]}""";

    [Fact]
    public async Task Put_MisspelledAttribute_ByDefault_Is400InvalidSyntaxNamingIt()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var id = (string)(await client.CreateUserAsync("bjensen"))["id"]!;

        var error = Error(await client.PutAsync("Users/" + id, Misspelled), HttpStatusCode.BadRequest, "invalidSyntax");

        Assert.Contains("'adreses'", (string)error["detail"]!, StringComparison.Ordinal);
        Assert.Null(Resource(await client.GetAsync("Users/" + id), HttpStatusCode.OK)["displayName"]);
    }

    [Fact]
    public async Task PutAndPatch_MisspelledAttribute_Ignored_AreAppliedWithoutItAndLogged()
    {
        using var logs = new FakeLoggerProvider();
        await using var server = await ScimTestServer.StartAsync(o =>
        {
            o.Scim = s => s.ConfigureService(c => c.Reading.UnknownAttributes = UnknownAttributeHandling.Ignore);
            o.Logging = logging => logging.AddProvider(logs);
        });
        var client = server.Client();
        var id = (string)(await client.CreateUserAsync("bjensen"))["id"]!;

        var replaced = Resource(await client.PutAsync("Users/" + id, Misspelled), HttpStatusCode.OK);
        var unchanged = await client.PatchAsync("Users/" + id, $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"adreses[type eq \"work\"].locality","value":"Hollywood"}]}""");

        Assert.Equal("New", (string?)replaced["displayName"]);
        Assert.Null(replaced["adreses"]);
        Assert.Equal(HttpStatusCode.OK, unchanged.Status);
        Assert.Equal(replaced["meta"]!["version"]!.ToString(), unchanged.ETag);
        var logged = logs.Collector.GetSnapshot().Where(r => r.Message.Contains("adreses", StringComparison.Ordinal)).ToList();
        Assert.Equal([LogLevel.Warning], logged.Select(r => r.Level)); // the second time is Debug, below the host's default level
        Assert.All(logged, r => Assert.DoesNotContain("Hollywood", r.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Patch_BareStringUnknownMember_ByDefault_Is400NamingTheOption()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var user = (string)(await client.CreateUserAsync("bjensen"))["id"]!;
        var group = (string)(await client.CreateGroupAsync("Tour Guides", user))["id"]!;

        var error = Error(
            await client.PatchAsync("Groups/" + group, $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"add","path":"members","value":"string id 1"}]}"""),
            HttpStatusCode.BadRequest,
            "invalidValue");

        Assert.Contains("'string id 1' is not a user or group of this tenant", (string)error["detail"]!, StringComparison.Ordinal);
        Assert.Contains("UnknownMembers", (string)error["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_BareStringUnknownMember_Ignored_Is204WithTheSameVersionAndAWarning()
    {
        using var logs = new FakeLoggerProvider();
        await using var server = await ScimTestServer.StartAsync(o =>
        {
            o.Scim = s => s.ConfigureService(c => c.UnknownMembers = UnknownMemberHandling.Ignore);
            o.Logging = logging => logging.AddProvider(logs);
        });
        var client = server.Client();
        var user = (string)(await client.CreateUserAsync("bjensen"))["id"]!;
        var created = await client.CreateGroupAsync("Tour Guides", user);
        var group = (string)created["id"]!;

        var patched = await client.PatchAsync("Groups/" + group, $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"add","path":"members","value":"string id 1"}]}""");

        Assert.Equal(HttpStatusCode.NoContent, patched.Status);
        Assert.Equal((string?)created["meta"]!["version"], patched.ETag);
        var stored = Resource(await client.GetAsync("Groups/" + group), HttpStatusCode.OK);
        Assert.Equal([user], stored["members"]!.AsArray().Select(m => (string?)m!["value"]));
        var warning = Assert.Single(logs.Collector.GetSnapshot(), r => r.Message.Contains("string id 1", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
    }
}
