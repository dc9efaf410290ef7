using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scim.Core.Discovery;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.InMemory;
using Scim.Core.Patching;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// <see cref="ScimServiceOptions"/>: the validator's every rule with the values just inside and just
/// outside it, and <see cref="ScimServiceOptions.ChangePasswordSupported"/> enforced on every write.
/// </summary>
public sealed class ServiceOptionsTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScimServiceOptions NoPasswords() => new() { ChangePasswordSupported = false };

    private static ReadOnlyMemory<byte> UserWith(string members) =>
        ServiceKit.Json($$"""{"schemas":["{{UserSchema}}"],{{members}}}""");

    // ---------------------------------------------------------------- the validator

    /// <summary>A change to default options, the option a failure must name (null: the options are valid).</summary>
    public static TheoryData<string, Action<ScimServiceOptions>, string?> Cases => new()
    {
        { "defaults", _ => { }, null },
        { "MaxCount 1", o => { o.MaxCount = 1; o.DefaultCount = 1; }, null },
        { "MaxCount 0", o => { o.MaxCount = 0; o.DefaultCount = 0; }, "MaxCount" },
        { "DefaultCount 0", o => o.DefaultCount = 0, null },
        { "DefaultCount = MaxCount", o => o.DefaultCount = o.MaxCount, null },
        { "DefaultCount -1", o => o.DefaultCount = -1, "DefaultCount" },
        { "DefaultCount > MaxCount", o => o.DefaultCount = o.MaxCount + 1, "DefaultCount" },
        { "MaxWriteRetries 0", o => o.MaxWriteRetries = 0, null },
        { "MaxWriteRetries -1", o => o.MaxWriteRetries = -1, "MaxWriteRetries" },
        { "MaxPayloadSize 1024", o => o.MaxPayloadSize = 1024, null },
        { "MaxPayloadSize 1023", o => o.MaxPayloadSize = 1023, "MaxPayloadSize" },
        { "Bulk.MaxOperations 1", o => o.Bulk.MaxOperations = 1, null },
        { "Bulk.MaxOperations 0", o => o.Bulk.MaxOperations = 0, "Bulk.MaxOperations" },
        { "Bulk off", o => o.Bulk.Enabled = false, null },
        { "Patch.MaxOperations 1", o => o.Patch.MaxOperations = 1, null },
        { "Patch.MaxOperations 0", o => o.Patch.MaxOperations = 0, "Patch.MaxOperations" },
        { "Patch.Dialects None", o => o.Patch.Dialects = PatchDialects.None, null },
        { "Patch.Dialects unknown flag", o => o.Patch.Dialects = PatchDialects.All | (PatchDialects)256, "Patch.Dialects" },
        { "Filter.MaxLength 1", o => o.Filter.MaxLength = 1, null },
        { "Filter.MaxLength 0", o => o.Filter.MaxLength = 0, "Filter.MaxLength" },
        { "Filter.MaxDepth 1", o => o.Filter.MaxDepth = 1, null },
        { "Filter.MaxDepth 0", o => o.Filter.MaxDepth = 0, "Filter.MaxDepth" },
        { "Filter.MaxComparisons 0", o => o.Filter.MaxComparisons = 0, null },
        { "Filter.MaxComparisons -1", o => o.Filter.MaxComparisons = -1, "Filter.MaxComparisons" },
        { "Filter.UnknownAttributes NoMatch", o => o.Filter.UnknownAttributes = UnknownFilterAttribute.NoMatch, null },
        { "Filter.UnknownAttributes 7", o => o.Filter.UnknownAttributes = (UnknownFilterAttribute)7, "Filter.UnknownAttributes" },
        { "UnknownMembers Ignore", o => o.UnknownMembers = UnknownMemberHandling.Ignore, null },
        { "UnknownMembers 7", o => o.UnknownMembers = (UnknownMemberHandling)7, "UnknownMembers" },
        { "Reading.UnknownAttributes Ignore", o => o.Reading.UnknownAttributes = UnknownAttributeHandling.Ignore, null },
        { "Reading.UnknownAttributes 7", o => o.Reading.UnknownAttributes = (UnknownAttributeHandling)7, "Reading.UnknownAttributes" },
        { "Reading.MaxDepth 1", o => o.Reading.MaxDepth = 1, null },
        { "Reading.MaxDepth 0", o => o.Reading.MaxDepth = 0, "Reading.MaxDepth" },
        { "a described scheme", o => o.AuthenticationSchemes.Add(AuthenticationScheme.OAuthBearerToken()), null },
        { "a scheme without a type", o => o.AuthenticationSchemes.Add(new AuthenticationScheme(" ", "Basic", "d")), "AuthenticationSchemes" },
        { "a scheme without a name", o => o.AuthenticationSchemes.Add(new AuthenticationScheme("httpbasic", "", "d")), "AuthenticationSchemes" },
        { "a null scheme", o => o.AuthenticationSchemes.Add(null!), "AuthenticationSchemes" },
        { "no passwords, a help page", o => { o.ChangePasswordSupported = false; o.DocumentationUri = new Uri("https://example.com/help"); }, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validator_EachRule_AcceptsTheEdgeAndNamesTheOptionPastIt(string name, Action<ScimServiceOptions> change, string? option)
    {
        var options = new ScimServiceOptions();
        change(options);

        var result = ScimServiceOptionsValidator.Instance.Validate(Options.DefaultName, options);

        if (option is null)
        {
            Assert.True(result.Succeeded, $"{name}: {result.FailureMessage}");
        }
        else
        {
            Assert.True(result.Failed, name);
            var failure = Assert.Single(result.Failures!);
            Assert.StartsWith("ScimServiceOptions." + option, failure, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Create_InvalidOptions_Throws_ValidOnesMakeAService(string name, Action<ScimServiceOptions> change, string? option)
    {
        var options = new ScimServiceOptions();
        change(options);
        var registry = SchemaRegistry.CreateDefault();
        using var users = new InMemoryUserStore(registry);

        if (option is null)
        {
            Assert.Same(options, ScimService.Create(registry, users, null, options).Options);
        }
        else
        {
            var error = Assert.Throws<OptionsValidationException>(() => ScimService.Create(registry, users, null, options));
            Assert.True(error.Message.Contains(option, StringComparison.Ordinal), $"{name}: {error.Message}");
        }
    }

    [Fact]
    public void Validator_SeveralBadValues_ReportsEachOne()
    {
        var options = new ScimServiceOptions { MaxPayloadSize = 0, MaxWriteRetries = -1, Reading = { MaxDepth = 0 } };

        var result = ScimServiceOptionsValidator.Instance.Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("MaxPayloadSize", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("MaxWriteRetries", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Reading.MaxDepth", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_NullOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ScimServiceOptionsValidator.Instance.Validate(null, null!));
    }

    [Fact]
    public void ConfigureService_ASchemeWithoutAType_FailsAtStartup()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores().ConfigureService(o => o.AuthenticationSchemes.Add(new AuthenticationScheme("", "Basic", "d")));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("AuthenticationSchemes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigureService_EveryDiscoveryOption_ReachesTheService()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores().ConfigureService(o =>
        {
            o.ChangePasswordSupported = false;
            o.DocumentationUri = new Uri("https://example.com/help");
            o.AuthenticationSchemes.Add(new AuthenticationScheme("httpbasic", "HTTP Basic", "Basic credentials"));
        });
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        using var scope = provider.CreateScope();

        var config = scope.ServiceProvider.GetRequiredService<ScimService>().GetServiceProviderConfig(ServiceKit.Context).Body;

        Assert.False((bool)config["changePassword"]!["supported"]!);
        Assert.Equal("https://example.com/help", (string?)config["documentationUri"]);
        Assert.Equal(["httpbasic"], config["authenticationSchemes"]!.AsArray().Select(s => (string?)s!["type"]));
    }

    [Fact]
    public void AddScimCore_WithoutTokensOrSchemes_AdvertisesNoAuthenticationScheme()
    {
        var services = new ServiceCollection();
        services.AddScimCore().AddInMemoryStores();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        var config = scope.ServiceProvider.GetRequiredService<ScimService>().GetServiceProviderConfig(ServiceKit.Context).Body;

        Assert.Empty(config["authenticationSchemes"]!.AsArray());
    }

    // ---------------------------------------------------------------- ChangePasswordSupported

    [Fact]
    public async Task Create_WithAPassword_PasswordsAccepted_StoresIt()
    {
        using var kit = new ServiceKit();

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", UserWith("""
            "userName":"bjensen","password":"t1meMa$heen"
            """), cancellationToken: Ct);

        Assert.Equal("t1meMa$heen", (await kit.StoredUserAsync(created.Id))!.Password);
    }

    [Fact]
    public async Task Create_WithAPassword_PasswordsNotAccepted_IsMutabilityAndStoresNothing()
    {
        using var kit = new ServiceKit(NoPasswords());

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.Mutability, () => kit.Service.CreateAsync(ServiceKit.Context, "Users", UserWith("""
            "userName":"bjensen","password":"t1meMa$heen"
            """), cancellationToken: Ct));

        Assert.Contains("password", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Create_TypedUserWithAPassword_PasswordsNotAccepted_IsMutability()
    {
        using var kit = new ServiceKit(NoPasswords());

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.Mutability, () => kit.Service.CreateAsync(ServiceKit.Context, new User { UserName = "bjensen", Password = "secret" }, Ct));

        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    [Fact]
    public async Task Create_WithoutAPassword_PasswordsNotAccepted_Works()
    {
        using var kit = new ServiceKit(NoPasswords());

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", UserWith("\"userName\":\"bjensen\""), cancellationToken: Ct);

        Assert.Null((await kit.StoredUserAsync(created.Id))!.Password);
    }

    [Theory]
    [InlineData("\"password\":\"new-secret\"")]
    [InlineData("\"PASSWORD\":\"new-secret\"")]
    public async Task Replace_WithAPassword_PasswordsNotAccepted_IsMutabilityAndChangesNothing(string password)
    {
        using var kit = new ServiceKit(NoPasswords());
        var id = await kit.CreateUserAsync("bjensen");
        var before = await kit.StoredUserAsync(id);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.Mutability, () => kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, UserWith($"\"userName\":\"bjensen\",\"displayName\":\"B\",{password}"), cancellationToken: Ct));

        Assert.Same(before, await kit.StoredUserAsync(id));
    }

    [Fact]
    public async Task Replace_WithoutAPassword_PasswordsNotAccepted_Works()
    {
        using var kit = new ServiceKit(NoPasswords());
        var id = await kit.CreateUserAsync("bjensen");

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, UserWith("\"userName\":\"bjensen\",\"displayName\":\"B\""), cancellationToken: Ct);

        Assert.True(replaced.Changed);
        Assert.Equal("B", (await kit.StoredUserAsync(id))!.DisplayName);
    }

    [Fact]
    public async Task Replace_WithAPassword_PasswordsAccepted_ChangesIt()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");

        await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, UserWith("\"userName\":\"bjensen\",\"password\":\"new-secret\""), cancellationToken: Ct);

        Assert.Equal("new-secret", (await kit.StoredUserAsync(id))!.Password);
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"password","value":"new-secret"}""")]
    [InlineData("""{"op":"add","path":"password","value":"new-secret"}""")]
    [InlineData("""{"op":"replace","value":{"password":"new-secret"}}""")]
    [InlineData("""{"op":"add","value":{"displayName":"B","password":"new-secret"}}""")]
    [InlineData("""{"op":"Replace","path":"PASSWORD","value":"new-secret"}""")]
    public async Task Patch_SettingAPassword_PasswordsNotAccepted_IsMutabilityAndChangesNothing(string operation)
    {
        using var kit = new ServiceKit(NoPasswords());
        var id = await kit.CreateUserAsync("bjensen");
        var before = await kit.StoredUserAsync(id);
        kit.Events.Clear();

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.Mutability, () => kit.PatchAsync("Users", id, operation));

        Assert.Same(before, await kit.StoredUserAsync(id));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Patch_WithoutAPassword_PasswordsNotAccepted_Works()
    {
        using var kit = new ServiceKit(NoPasswords());
        var id = await kit.CreateUserAsync("bjensen");

        var patched = await kit.PatchAsync("Users", id, """{"op":"replace","path":"displayName","value":"B"}""");

        Assert.True(patched.Changed);
        Assert.Equal("B", (await kit.StoredUserAsync(id))!.DisplayName);
    }

    [Fact]
    public async Task Patch_SettingAPassword_PasswordsAccepted_ChangesIt()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");

        await kit.PatchAsync("Users", id, """{"op":"replace","path":"password","value":"new-secret"}""");

        Assert.Equal("new-secret", (await kit.StoredUserAsync(id))!.Password);
    }

    [Fact]
    public async Task Bulk_OperationWithAPassword_PasswordsNotAccepted_FailsThatOperationOnly()
    {
        using var kit = new ServiceKit(NoPasswords());
        var body = ServiceKit.Json($$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["{{{UserSchema}}}"],"userName":"a","password":"secret"}},
              {"method":"POST","path":"/Users","bulkId":"b","data":{"schemas":["{{{UserSchema}}}"],"userName":"b"}}]}
            """);

        var results = (await kit.Service.BulkAsync(ServiceKit.Context, body, Ct)).Body["Operations"]!.AsArray();

        Assert.Equal(["400", "201"], results.Select(r => (string?)r!["status"]));
        Assert.Equal(ScimErrorType.Mutability, (string?)results[0]!["response"]!["scimType"]);
        Assert.Equal(1, kit.Users.Count(ServiceKit.Context.Tenant));
    }
}
