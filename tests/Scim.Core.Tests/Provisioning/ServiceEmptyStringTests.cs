namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// An empty string is no value, as null is (RFC 7643 §2.5): a POST, PUT or PATCH that gives an
/// optional attribute <c>""</c> leaves it unassigned, in every store (a database column would hold
/// NULL for it). A blank value that is not empty is kept as given.
/// </summary>
public sealed class ServiceEmptyStringTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_WithEmptyStrings_LeavesThemUnassigned()
    {
        using var kit = new ServiceKit();

        var created = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""
            {"schemas":["{{UserSchema}}"],"userName":"ada","title":"","nickName":" ","name":{"givenName":""},"emails":[{"value":"","type":"work"}]}
            """), cancellationToken: Ct)).ToJson();

        Assert.Null(created["title"]);
        Assert.Null(created["name"]);
        Assert.Equal(" ", (string?)created["nickName"]);
        Assert.Equal("""[{"type":"work"}]""", created["emails"]!.ToJsonString());
    }

    [Fact]
    public async Task Patch_ReplaceWithEmptyString_Unassigns()
    {
        using var kit = new ServiceKit();
        var id = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""{"schemas":["{{UserSchema}}"],"userName":"ada","title":"Boss"}"""), cancellationToken: Ct)).Id;

        var patched = await kit.Service.PatchAsync(ServiceKit.Context, "Users", id, ServiceKit.Json("""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":""}]}
            """), cancellationToken: Ct);

        Assert.True(patched.Changed);
        Assert.Null(patched.ToJson()["title"]);
    }
}
