using System.Text.Json.Nodes;
using Scim.Core.Stores;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>The main provisioning flow end to end through the service and the in-memory stores.</summary>
public sealed class ServiceSmokeTests
{
    [Fact]
    public async Task EntraSequence_CreateLookupPatchDeactivateDelete_Works()
    {
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen@example.com", "ext-1", email: "bjensen@example.com"), cancellationToken: ct);
        Assert.Equal("W/\"", created.Version[..3]);
        Assert.Equal($"https://example.com/scim/v2/Users/{created.Id}", created.Location!.AbsoluteUri);

        var found = await kit.Service.ListAsync(ServiceKit.Context, "Users", new ScimListRequest { Filter = "userName eq \"BJENSEN@example.com\"" }, ct);
        Assert.Equal(1, found.TotalResults);
        Assert.Equal(created.Id, found.Resources[0].Id);

        var patched = await kit.Service.PatchAsync(ServiceKit.Context, "Users", created.Id, ServiceKit.Patch("""{"op":"Replace","path":"active","value":"False"}"""), cancellationToken: ct);
        Assert.True(patched.Changed);
        Assert.NotEqual(created.Version, patched.Version);
        Assert.Equal(false, (bool?)patched.ToJson()["active"]);

        var again = await kit.Service.PatchAsync(ServiceKit.Context, "Users", created.Id, ServiceKit.Patch("""{"op":"replace","path":"active","value":false}"""), cancellationToken: ct);
        Assert.False(again.Changed);
        Assert.Equal(patched.Version, again.Version);

        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: ct);
        var gone = await Assert.ThrowsAsync<ScimException>(() => kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: ct));
        Assert.Equal(404, gone.Status);

        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Deactivated, ScimChangeKind.Deleted], kit.Events.All.Select(e => e.Kind));
    }

    [Fact]
    public async Task Groups_MembersByDelta_AndUsersSeeTheirGroups()
    {
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var alice = await kit.CreateUserAsync("alice");
        var bob = await kit.CreateUserAsync("bob");
        var inner = await kit.CreateGroupAsync("Inner", null, alice);
        var outer = await kit.CreateGroupAsync("Outer", null, inner);

        var patched = await kit.Service.PatchAsync(ServiceKit.Context, "Groups", inner, ServiceKit.Patch($$"""{"op":"add","path":"members","value":[{"value":"{{bob}}"}]}"""), cancellationToken: ct);
        Assert.Equal(2, patched.ToJson()["members"]!.AsArray().Count);
        Assert.Equal(ScimChangeKind.MembersAdded, kit.Events.All[^1].Kind);
        Assert.Equal([bob], kit.Events.All[^1].AddedMemberIds);

        var user = (await kit.Service.GetAsync(ServiceKit.Context, "Users", bob, cancellationToken: ct)).ToJson();
        var groups = user["groups"]!.AsArray().Select(g => ((string)g!["value"]!, (string)g["type"]!)).ToList();
        Assert.Equal([(inner, "direct"), (outer, "indirect")], groups);

        await kit.Service.DeleteAsync(ServiceKit.Context, "Users", bob, cancellationToken: ct);
        var group = (await kit.Service.GetAsync(ServiceKit.Context, "Groups", inner, cancellationToken: ct)).ToJson();
        Assert.Equal([alice], group["members"]!.AsArray().Select(m => (string)m!["value"]!));
    }

    [Fact]
    public async Task Create_DuplicateUserNameInAnyCase_Is409Uniqueness()
    {
        using var kit = new ServiceKit();
        await kit.CreateUserAsync("BJensen");
        var error = await Assert.ThrowsAsync<ScimException>(() => kit.CreateUserAsync("bjensen"));
        Assert.Equal((409, "uniqueness"), (error.Status, error.ScimType));
        Assert.Equal(1, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    [Fact]
    public async Task Tenants_DoNotSeeEachOther()
    {
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var a = ServiceKit.Tenant("a");
        var b = ServiceKit.Tenant("b");
        var id = await kit.CreateUserAsync("same", a);
        await kit.CreateUserAsync("same", b);
        var error = await Assert.ThrowsAsync<ScimException>(() => kit.Service.GetAsync(b, "Users", id, cancellationToken: ct));
        Assert.Equal(404, error.Status);
        Assert.Equal(1, (await kit.Service.ListAsync(b, "Users", null, ct)).TotalResults);
    }

    [Fact]
    public async Task Password_IsKeptAcrossPatch_AndNeverReturned()
    {
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"p","password":"s3cret!"}"""), cancellationToken: ct);
        Assert.DoesNotContain("s3cret", created.ToJson().ToJsonString(), StringComparison.Ordinal);
        await kit.Service.PatchAsync(ServiceKit.Context, "Users", created.Id, ServiceKit.Patch("""{"op":"replace","path":"displayName","value":"P"}"""), cancellationToken: ct);
        var stored = await kit.Users.GetAsync(ServiceKit.Context, created.Id, ReadHints.All, ct);
        Assert.Equal("s3cret!", stored!.Password);
        _ = JsonNode.Parse("{}");
    }
}
