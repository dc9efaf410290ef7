using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Scim.AspNetCore.Tests;
using Scim.Core.Serialization;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>
/// The policy for input that names nothing the service has, over HTTP: unknown attributes
/// (<c>Reading.UnknownAttributes</c>) in PUT and PATCH. Refused by default with the right
/// scimType; accepted without them when the host says so, with a warning in the host's log.
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
}
