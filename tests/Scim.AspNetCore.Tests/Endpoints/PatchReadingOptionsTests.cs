using System.Net;
using Scim.AspNetCore.Tests;
using Scim.Core.Serialization;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Endpoints;

/// <summary>A host's reading options reach PATCH values over HTTP as they reach POST bodies.</summary>
public sealed class PatchReadingOptionsTests
{
    private const string AddNameWithShoeSize = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"name","value":{"givenName":"Barbara","shoeSize":42}}]}""";

    [Fact]
    public async Task PatchWithAnUnknownSubAttribute_ByDefault_Is400InvalidSyntaxNamingIt()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var error = Error(await client.PatchAsync("Users/" + created["id"], AddNameWithShoeSize), HttpStatusCode.BadRequest, "invalidSyntax");

        Assert.Contains("shoeSize", (string)error["detail"]!, StringComparison.Ordinal);
        Assert.Null(Resource(await client.GetAsync("Users/" + created["id"]), HttpStatusCode.OK)["name"]);
    }

    [Fact]
    public async Task PatchWithAnUnknownSubAttribute_UnknownAttributesIgnored_Is200WithoutIt()
    {
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.Reading.UnknownAttributes = UnknownAttributeHandling.Ignore));
        var client = server.Client();
        var created = await client.CreateUserAsync("bjensen");

        var patched = Resource(await client.PatchAsync("Users/" + created["id"], AddNameWithShoeSize), HttpStatusCode.OK);

        Assert.Equal("Barbara", (string?)patched["name"]!["givenName"]);
        Assert.Null(patched["name"]!["shoeSize"]);
    }
}
