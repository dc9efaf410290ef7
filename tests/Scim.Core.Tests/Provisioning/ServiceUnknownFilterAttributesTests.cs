using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// <c>Filter.UnknownAttributes = NoMatch</c>: a comparison on an attribute the type does not
/// define is one on an unassigned attribute, in a list as in a search across types. It used to be
/// accepted by the binder and then refused by the store (400), so the option did nothing.
/// </summary>
public sealed class ServiceUnknownFilterAttributesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Filter, the userNames it selects of bjensen (a work email, a title) and alice (neither).</summary>
    public static TheoryData<string, string[]> Cases => new()
    {
        { "nosuch eq \"x\"", [] },
        { "nosuch ne \"x\"", ["alice", "bjensen"] },
        { "nosuch pr", [] },
        { "not (nosuch eq \"x\")", ["alice", "bjensen"] },
        { "not (nosuch ne \"x\")", [] },
        { "nosuch eq \"x\" or userName eq \"bjensen\"", ["bjensen"] },
        { "nosuch ne \"x\" and userName eq \"alice\"", ["alice"] },
        { "nosuch eq \"x\" and userName eq \"alice\"", [] },
        { "title pr or nosuch pr", ["bjensen"] },
        { "emails[nosuch eq \"x\"]", [] },
        { "emails[nosuch ne \"x\"]", ["bjensen"] },
        { "emails[type eq \"work\" and nosuch ne \"x\"]", ["bjensen"] },
        { "nosuch[type eq \"x\"]", [] },
        { "name.nosuch eq \"x\" or title eq \"boss\"", ["bjensen"] },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nosuch eq \"x\"", [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task NoMatch_UnknownAttribute_IsUnassigned(string filter, string[] expected)
    {
        var options = new ScimServiceOptions();
        options.Filter.UnknownAttributes = UnknownFilterAttribute.NoMatch;
        using var kit = new ServiceKit(options);
        await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","title":"boss","emails":[{"value":"b@example.com","type":"work"}]}"""), cancellationToken: Ct);
        await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("alice"), cancellationToken: Ct);

        var list = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = filter }, Ct);

        Assert.Equal(expected, list.Resources.Select(r => ((Scim.Core.Resources.User)r.Resource).UserName!).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Length, list.TotalResults);
    }

    [Theory]
    [InlineData("userName.x eq \"y\"")]   // a sub-attribute of a simple attribute: a mistake, not an unknown name
    [InlineData("active eq \"yes\"")]      // a value of the wrong type
    [InlineData("emails[emails[type eq \"x\"]]")]
    public async Task NoMatch_OtherMistakes_AreStill400(string filter)
    {
        var options = new ScimServiceOptions();
        options.Filter.UnknownAttributes = UnknownFilterAttribute.NoMatch;
        options.Filter.Strict = true;
        using var kit = new ServiceKit(options);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidFilter, () => kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = filter }, Ct));
    }

    [Fact]
    public async Task Error_TheDefault_UnknownAttributeIs400()
    {
        using var kit = new ServiceKit();

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidFilter, () => kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = "nosuch eq \"x\" or userName eq \"a\"" }, Ct));

        Assert.Contains("nosuch", error.Detail, StringComparison.Ordinal);
    }
}
