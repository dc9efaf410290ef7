using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// PATCH values are read with the host's <see cref="ScimServiceOptions.Reading"/> rules, as POST and
/// PUT bodies are: unknown attributes rejected or dropped, ignored schema prefixes, and the nesting limit.
/// </summary>
public sealed class ServicePatchReadingTests
{
    private const string Enterprise = ServiceKit.Enterprise;
    private const string EntraUrn = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/User";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScimServiceOptions Unknown(UnknownAttributeHandling handling) => new() { Reading = { UnknownAttributes = handling } };

    private static async Task<(ServiceKit Kit, string Id)> UserAsync(ScimServiceOptions? options = null)
    {
        var kit = new ServiceKit(options);
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("bjensen", email: "b@example.com"), cancellationToken: Ct);
        kit.Events.Clear();
        return (kit, created.Id);
    }

    /// <summary>Operations whose value is known except for an unknown sub-attribute <c>shoeSize</c> inside it.</summary>
    public static TheoryData<string> UnknownSubAttribute => new()
    {
        """{"op":"add","path":"name","value":{"givenName":"Barbara","shoeSize":42}}""",
        """{"op":"replace","path":"name","value":{"givenName":"Barbara","shoeSize":42}}""",
        """{"op":"add","value":{"name":{"givenName":"Barbara","shoeSize":42}}}""",
        """{"op":"replace","value":{"name":{"givenName":"Barbara","shoeSize":42}}}""",
        """{"op":"add","path":"emails","value":[{"value":"home@example.com","type":"home","shoeSize":42}]}""",
        """{"op":"replace","path":"emails[type eq \"work\"]","value":{"value":"new@example.com","shoeSize":42}}""",
        $$$"""{"op":"add","path":"{{{Enterprise}}}:manager","value":{"value":"m1","shoeSize":42}}""",
        $$$$"""{"op":"add","value":{"{{{{Enterprise}}}}:manager":{"value":"m1","shoeSize":42}}}""",
    };

    [Theory]
    [MemberData(nameof(UnknownSubAttribute))]
    public async Task Patch_UnknownSubAttribute_ReadingRejects_IsInvalidSyntaxNamingIt(string operation)
    {
        var (kit, id) = await UserAsync();
        using var _ = kit;
        var before = await kit.StoredUserAsync(id);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () => kit.PatchAsync("Users", id, operation));

        Assert.StartsWith("Operations[0]:", error.Detail, StringComparison.Ordinal);
        Assert.Contains("'shoeSize'", error.Detail, StringComparison.Ordinal);
        Assert.Same(before, await kit.StoredUserAsync(id));
        Assert.Empty(kit.Events.All);
    }

    [Theory]
    [MemberData(nameof(UnknownSubAttribute))]
    public async Task Patch_UnknownSubAttribute_ReadingIgnores_AppliesTheRestAndDropsIt(string operation)
    {
        var (kit, id) = await UserAsync(Unknown(UnknownAttributeHandling.Ignore));
        using var _ = kit;

        var patched = await kit.PatchAsync("Users", id, operation);

        Assert.True(patched.Changed);
        var stored = ScimSerializer.Serialize((await kit.StoredUserAsync(id))!);
        Assert.DoesNotContain("shoeSize", stored, StringComparison.OrdinalIgnoreCase);
        Assert.Single(kit.Events.All);
    }

    [Fact]
    public async Task Patch_UnknownSubAttribute_ReadingIgnores_EndsAsAPostOfTheSameValue()
    {
        using var kit = new ServiceKit(Unknown(UnknownAttributeHandling.Ignore));
        var posted = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"posted","name":{"givenName":"Barbara","familyName":"Jensen","shoeSize":42}}
            """), cancellationToken: Ct);
        var id = await kit.CreateUserAsync("patched");

        await kit.PatchAsync("Users", id, """{"op":"add","value":{"name":{"givenName":"Barbara","familyName":"Jensen","shoeSize":42}}}""");

        var expected = (await kit.StoredUserAsync(posted.Id))!.Name!;
        var actual = (await kit.StoredUserAsync(id))!.Name!;
        Assert.Equal((expected.GivenName, expected.FamilyName, expected.Formatted), (actual.GivenName, actual.FamilyName, actual.Formatted));
        Assert.Equal("Barbara", actual.GivenName);
    }

    [Fact]
    public async Task Patch_UnknownTopLevelAttributeWithoutPath_ReadingRejects_Is400NamingItAndChangesNothing()
    {
        var (kit, id) = await UserAsync();
        using var _ = kit;
        var before = await kit.StoredUserAsync(id);

        var error = await Assert.ThrowsAsync<ScimException>(() => kit.PatchAsync("Users", id, """{"op":"add","value":{"shoeSize":42,"displayName":"x"}}"""));

        Assert.Equal(400, error.Status);
        Assert.Contains("'shoeSize'", error.Detail, StringComparison.Ordinal);
        Assert.Same(before, await kit.StoredUserAsync(id));
    }

    [Theory]
    [InlineData("""{"op":"add","value":{"shoeSize":42,"displayName":"x"}}""")]
    [InlineData("""{"op":"replace","value":{"displayName":"x","shoeSize":42}}""")]
    public async Task Patch_UnknownTopLevelAttributeWithoutPath_ReadingRejects_IsInvalidSyntaxAsInAPost(string operation)
    {
        var (kit, id) = await UserAsync();
        using var _ = kit;

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () => kit.PatchAsync("Users", id, operation));

        Assert.Contains("'shoeSize'", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"op":"add","value":{"shoeSize":42,"displayName":"x"}}""")]
    [InlineData("""{"op":"replace","value":{"displayName":"x","shoeSize":42}}""")]
    [InlineData($$$$"""{"op":"add","value":{"displayName":"x","{{{{Enterprise}}}}":{"employeeNumber":"7","shoeSize":42}}}""")]
    [InlineData("""{"op":"add","value":{"displayName":"x","urn:example:params:scim:schemas:extension:Other:2.0:User":{"a":1}}}""")]
    public async Task Patch_UnknownAttributeWithoutPath_ReadingIgnores_IsDroppedAsInAPost(string operation)
    {
        var (kit, id) = await UserAsync(Unknown(UnknownAttributeHandling.Ignore));
        using var _ = kit;

        var patched = await kit.PatchAsync("Users", id, operation);

        Assert.True(patched.Changed);
        var stored = await kit.StoredUserAsync(id);
        Assert.Equal("x", stored!.DisplayName);
        Assert.DoesNotContain("shoeSize", ScimSerializer.Serialize(stored), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_UnknownAttributes_ReadingIgnores_AreDropped()
    {
        // The behaviour the PATCH tests above compare with.
        using var kit = new ServiceKit(Unknown(UnknownAttributeHandling.Ignore));

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","shoeSize":42,"displayName":"x","{{{Enterprise}}}":{"employeeNumber":"7","shoeSize":42}}
            """), cancellationToken: Ct);

        var stored = await kit.StoredUserAsync(created.Id);
        Assert.Equal("x", stored!.DisplayName);
        Assert.DoesNotContain("shoeSize", ScimSerializer.Serialize(stored), StringComparison.OrdinalIgnoreCase);
    }

    // ---------------------------------------------------------------- ignored schema prefixes

    [Fact]
    public async Task Patch_ValueListingAnIgnoredSchemaUrn_IsAccepted()
    {
        var (kit, id) = await UserAsync();
        using var _ = kit;

        await kit.PatchAsync("Users", id, $$$"""{"op":"add","value":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{{EntraUrn}}}"],"displayName":"x"}}""");

        Assert.Equal("x", (await kit.StoredUserAsync(id))!.DisplayName);
    }

    [Fact]
    public async Task Post_ListingAMicrosoftUrn_PrefixNotIgnored_IsInvalidSyntax()
    {
        // The behaviour the skipped PATCH test below compares with.
        var options = new ScimServiceOptions();
        options.Reading.IgnoredSchemaPrefixes.Clear();
        using var kit = new ServiceKit(options);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () => kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{EntraUrn}}"],"userName":"x"}
            """), cancellationToken: Ct));

        Assert.Contains("ADSCIM", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EntraUrn)]
    [InlineData("urn:example:params:scim:schemas:extension:Unknown:2.0:User")]
    public async Task Patch_ValueListingASchemaUrnThatIsNotIgnored_IsInvalidSyntaxAsInAPost(string urn)
    {
        var options = new ScimServiceOptions();
        options.Reading.IgnoredSchemaPrefixes.Clear();
        var (kit, id) = await UserAsync(options);
        using var _ = kit;

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.PatchAsync("Users", id, $$$"""{"op":"add","value":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{{urn}}}"],"displayName":"x"}}"""));
    }

    // ---------------------------------------------------------------- nesting

    [Fact]
    public async Task Patch_NestedDeeperThanReadingMaxDepth_IsInvalidSyntax()
    {
        // root (1), Operations (2), the operation (3), its value (4), name (5)
        var (kit, id) = await UserAsync(new ScimServiceOptions { Reading = { MaxDepth = 4 } });
        using var _ = kit;
        var before = await kit.StoredUserAsync(id);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () => kit.PatchAsync("Users", id, """{"op":"add","value":{"name":{"givenName":"Barbara"}}}"""));

        Assert.Same(before, await kit.StoredUserAsync(id));
    }

    [Fact]
    public async Task Patch_NestedUpToReadingMaxDepth_IsApplied()
    {
        var (kit, id) = await UserAsync(new ScimServiceOptions { Reading = { MaxDepth = 4 } });
        using var _ = kit;

        await kit.PatchAsync("Users", id, """{"op":"add","path":"name","value":{"givenName":"Barbara"}}""");

        Assert.Equal("Barbara", (await kit.StoredUserAsync(id))!.Name!.GivenName);
    }

    [Fact]
    public async Task Patch_NestedValue_DefaultMaxDepth_IsApplied()
    {
        var (kit, id) = await UserAsync();
        using var _ = kit;

        await kit.PatchAsync("Users", id, """{"op":"add","value":{"name":{"givenName":"Barbara"}}}""");

        Assert.Equal("Barbara", (await kit.StoredUserAsync(id))!.Name!.GivenName);
    }
}
