namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// RFC 7643 §2.4: <c>"primary": true</c> appears once at most in a multi-valued attribute. A POST
/// or PUT that marks several values keeps the last one's, as a PATCH that writes the list does.
/// </summary>
public sealed class ServiceSinglePrimaryTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Emails = """
        "emails":[{"value":"a@x.com","primary":true},{"value":"b@x.com"},{"value":"c@x.com","primary":true},{"value":"d@x.com","primary":false}]
        """;

    [Fact]
    public async Task Create_WithSeveralPrimaries_KeepsTheLast()
    {
        using var kit = new ServiceKit();

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""{"schemas":["{{UserSchema}}"],"userName":"ada",{{Emails}}}"""), cancellationToken: Ct);

        Assert.Equal(["c@x.com"], Primaries(created.ToJson()));
        Assert.Equal(["c@x.com"], Primaries((await kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: Ct)).ToJson()));
    }

    [Fact]
    public async Task ReplaceAndPatch_WithSeveralPrimaries_AgreeOnTheLast()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("ada");

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, ServiceKit.Json($$"""{"schemas":["{{UserSchema}}"],"userName":"ada",{{Emails}}}"""), cancellationToken: Ct);
        var patched = await kit.Service.PatchAsync(ServiceKit.Context, "Users", id, ServiceKit.Json($$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{ {{Emails}} } }]}
            """), cancellationToken: Ct);

        Assert.Equal(["c@x.com"], Primaries(replaced.ToJson()));
        Assert.Equal(["c@x.com"], Primaries(patched.ToJson()));
    }

    private static List<string?> Primaries(System.Text.Json.Nodes.JsonObject user) =>
        [.. user["emails"]!.AsArray().Where(e => (bool?)e!["primary"] == true).Select(e => (string?)e!["value"])];
}
