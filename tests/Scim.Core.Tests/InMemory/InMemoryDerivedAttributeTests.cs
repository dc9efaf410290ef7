using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.InMemory;

/// <summary>
/// A user's <c>groups</c> and a resource's <c>meta.location</c> are made as the resource is read
/// (from the group store, from the request's base URL); the in-memory store does not hold them.
/// A filter or a sort on them is refused (400), as the database stores refuse it, where matching
/// the held rows would answer nothing for a user who is in the group.
/// </summary>
public sealed class InMemoryDerivedAttributeTests
{
    [Theory]
    [InlineData("Users", "groups.value eq \"{group}\"")]
    [InlineData("Users", "groups pr")]
    [InlineData("Users", "groups[display co \"team\"]")]
    [InlineData("Users", "meta.location pr")]
    [InlineData("Groups", "meta.location co \"Groups\"")]
    public async Task FilterOnADerivedAttribute_IsInvalidFilter(string type, string filter)
    {
        using var kit = new ServiceKit();
        var group = await MemberOfATeamAsync(kit);

        var error = await Assert.ThrowsAsync<ScimException>(() => kit.Service.ListAsync(ServiceKit.Context, type, new ScimListRequest { Filter = filter.Replace("{group}", group, StringComparison.Ordinal) }, TestContext.Current.CancellationToken));

        Assert.Equal((400, ScimErrorType.InvalidFilter), (error.Status, error.ScimType));
    }

    [Theory]
    [InlineData("groups")]
    [InlineData("groups.value")]
    [InlineData("meta.location")]
    public async Task SortByADerivedAttribute_IsInvalidPath(string sortBy)
    {
        using var kit = new ServiceKit();
        await MemberOfATeamAsync(kit);

        var error = await Assert.ThrowsAsync<ScimException>(() => kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { SortBy = sortBy }, TestContext.Current.CancellationToken));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
    }

    [Fact]
    public async Task TheAttributesThemselves_AreStillAnswered()
    {
        using var kit = new ServiceKit();
        var group = await MemberOfATeamAsync(kit);

        var user = (await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = "userName eq \"ada\"" }, TestContext.Current.CancellationToken)).Resources.Single().ToJson();

        Assert.Equal(group, (string?)user["groups"]![0]!["value"]);
        Assert.EndsWith($"/Users/{(string?)user["id"]}", (string?)user["meta"]!["location"], StringComparison.Ordinal);
    }

    private static async Task<string> MemberOfATeamAsync(ServiceKit kit)
    {
        var ct = TestContext.Current.CancellationToken;
        var ada = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("ada"), cancellationToken: ct)).Id;
        return (await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"team","members":[{"value":"{{ada}}"}]}"""), cancellationToken: ct)).Id;
    }
}
