using Scim.Core.Errors;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// A required string attribute (a user's <c>userName</c>, a group's <c>displayName</c>) given an
/// empty or blank value has none: POST, PUT and PATCH refuse it with 400 <c>invalidValue</c>, and
/// nothing changes. An optional attribute keeps such a value as given.
/// </summary>
public sealed class ServiceBlankRequiredTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public async Task BlankUserName_IsRefusedByEveryWrite(string blank)
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("ada");
        var version = (await kit.Service.GetAsync(ServiceKit.Context, "Users", id, cancellationToken: Ct)).Version;
        var user = $$"""{"schemas":["{{UserSchema}}"],"userName":{{System.Text.Json.JsonSerializer.Serialize(blank)}}}""";
        var patch = $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"userName","value":{{System.Text.Json.JsonSerializer.Serialize(blank)}}}]}""";
        var noPath = $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"userName":{{System.Text.Json.JsonSerializer.Serialize(blank)}} } }]}""";

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json(user), cancellationToken: Ct));
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, ServiceKit.Json(user), cancellationToken: Ct));
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => kit.Service.PatchAsync(ServiceKit.Context, "Users", id, ServiceKit.Json(patch), cancellationToken: Ct));
        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => kit.Service.PatchAsync(ServiceKit.Context, "Users", id, ServiceKit.Json(noPath), cancellationToken: Ct));

        var stored = await kit.Service.GetAsync(ServiceKit.Context, "Users", id, cancellationToken: Ct);
        Assert.Equal("ada", (string?)stored.ToJson()["userName"]);
        Assert.Equal(version, stored.Version);
        Assert.Equal(1, (await kit.Service.ListAsync(ServiceKit.Context, "Users", null, Ct)).TotalResults);
    }

    [Fact]
    public async Task BlankGroupDisplayName_IsRefused()
    {
        using var kit = new ServiceKit();

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.Json($$"""{"schemas":["{{GroupSchema}}"],"displayName":" "}"""), cancellationToken: Ct));
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, Ct)).TotalResults);
    }

    [Fact]
    public async Task BlankOptionalAttribute_IsKept()
    {
        using var kit = new ServiceKit();

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""{"schemas":["{{UserSchema}}"],"userName":"ada","title":" "}"""), cancellationToken: Ct);

        Assert.Equal(" ", (string?)created.ToJson()["title"]);
    }
}
