using Microsoft.Extensions.Logging;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// <c>ScimServiceOptions.Reading.UnknownAttributes</c> over every write: POST, PUT, PATCH with a
/// path, and PATCH values (with and without a path). Refused by default (400 naming the attribute,
/// nothing written); ignored when asked (the rest applied, the version kept when nothing else
/// changes), with the names, never the values, logged: a warning the first time per name, debug after.
/// </summary>
public sealed class ServiceUnknownAttributesTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    /// <summary>A value that must never reach a log.</summary>
    private const string Secret = "s3cret-value-4711";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScimServiceOptions Ignoring => new() { Reading = { UnknownAttributes = UnknownAttributeHandling.Ignore } };

    private static ReadOnlyMemory<byte> User(string userName, string extra) =>
        ServiceKit.Json($$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}",{{extra}}}""");

    private static async Task<(string Id, string Version)> CreateAsync(ServiceKit kit)
    {
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", User("bjensen", "\"displayName\":\"Babs\",\"active\":true"), cancellationToken: Ct);
        kit.Events.Clear();
        return (created.Id, created.Version);
    }

    private static IEnumerable<string> Logged(RecordingLogger<ScimService> logger) => logger.Entries.Select(e => e.Message);

    // ---------------------------------------------------------------- POST

    [Fact]
    public async Task Post_UnknownAttribute_ByDefault_Is400InvalidSyntaxNamingItAndCreatesNothing()
    {
        using var kit = new ServiceKit();

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.Service.CreateAsync(ServiceKit.Context, "Users", User("bjensen", $"\"adreses\":[{{\"locality\":\"{Secret}\"}}]"), cancellationToken: Ct));

        Assert.Contains("'adreses'", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Post_UnknownAttributes_Ignored_CreatesTheRestAndLogsTheNamesOnly()
    {
        var logger = new RecordingLogger<ScimService>();
        using var kit = new ServiceKit(Ignoring, logger: logger);

        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", User("bjensen",
            $"\"adreses\":[{{\"locality\":\"{Secret}\"}}],\"name\":{{\"givenName\":\"Barbara\",\"middleNam\":\"{Secret}\"}},\"urn:example:params:scim:schemas:extension:Nope:2.0:User:x\":\"{Secret}\""), cancellationToken: Ct);

        var stored = await kit.StoredUserAsync(created.Id);
        Assert.Equal(("bjensen", "Barbara"), (stored!.UserName, stored.Name!.GivenName));
        Assert.DoesNotContain(Secret, created.ToJson().ToJsonString(), StringComparison.Ordinal);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("create of a User", entry.Message, StringComparison.Ordinal);
        Assert.Contains("adreses, name.middleNam, urn:example:params:scim:schemas:extension:Nope:2.0:User:x", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, entry.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- PUT

    [Fact]
    public async Task Put_MisspelledAttribute_ByDefault_Is400InvalidSyntaxAndChangesNothing()
    {
        using var kit = new ServiceKit();
        var (id, version) = await CreateAsync(kit);
        var before = await kit.StoredUserAsync(id);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () =>
            kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, User("bjensen", "\"displayName\":\"New\",\"adreses\":[{\"locality\":\"x\"}]"), cancellationToken: Ct));

        Assert.Contains("'adreses'", error.Detail, StringComparison.Ordinal);
        Assert.Same(before, await kit.StoredUserAsync(id));
        Assert.Equal(version, (await kit.StoredUserAsync(id))!.Meta!.Version);
        Assert.Empty(kit.Events.All);
    }

    [Fact]
    public async Task Put_MisspelledAttribute_Ignored_ReplacesTheRest()
    {
        var logger = new RecordingLogger<ScimService>();
        using var kit = new ServiceKit(Ignoring, logger: logger);
        var (id, version) = await CreateAsync(kit);

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, User("bjensen", $"\"displayName\":\"New\",\"adreses\":[{{\"locality\":\"{Secret}\"}}]"), cancellationToken: Ct);

        Assert.True(replaced.Changed);
        Assert.NotEqual(version, replaced.Version);
        var stored = await kit.StoredUserAsync(id);
        Assert.Equal("New", stored!.DisplayName);
        Assert.Null(stored.Active); // PUT clears what it does not send; the unknown attribute did not count as sent
        Assert.Equal(["active", "displayName"], kit.Events.All.Single().ChangedPaths.Order(StringComparer.Ordinal));
        var entry = Assert.Single(logger.Entries);
        Assert.Contains("replace of a User", entry.Message, StringComparison.Ordinal);
        Assert.Contains("adreses", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_OnlyUnknownAttributesDiffer_Ignored_KeepsTheVersion()
    {
        using var kit = new ServiceKit(Ignoring);
        var (id, version) = await CreateAsync(kit);

        var replaced = await kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, User("bjensen", "\"displayName\":\"Babs\",\"active\":true,\"adreses\":[{\"locality\":\"x\"}]"), cancellationToken: Ct);

        Assert.False(replaced.Changed);
        Assert.Equal(version, replaced.Version);
        Assert.Empty(kit.Events.All);
    }

    // ---------------------------------------------------------------- PATCH

    /// <summary>PATCH operations that name unknown attributes only, and the scimType each gets when they are refused.</summary>
    public static TheoryData<string, string, string> UnknownOnly => new()
    {
        { """{"op":"add","path":"adreses","value":[{"locality":"x"}]}""", ScimErrorType.InvalidPath, "adreses" },
        { """{"op":"replace","path":"adreses[type eq \"work\"].locality","value":"x"}""", ScimErrorType.InvalidPath, "adreses" },
        { """{"op":"remove","path":"adreses"}""", ScimErrorType.InvalidPath, "adreses" },
        { """{"op":"replace","path":"name.middleNam","value":"x"}""", ScimErrorType.InvalidPath, "middleNam" },
        { """{"op":"replace","path":"emails[type eq \"work\"].valu","value":"x"}""", ScimErrorType.InvalidPath, "valu" },
        { """{"op":"replace","path":"urn:example:params:scim:schemas:extension:Nope:2.0:User:x","value":"x"}""", ScimErrorType.InvalidPath, "Nope" },
        { """{"op":"add","value":{"adreses":[{"locality":"x"}]}}""", ScimErrorType.InvalidSyntax, "adreses" },
        { """{"op":"replace","value":{"name":{"middleNam":"x"}}}""", ScimErrorType.InvalidSyntax, "middleNam" },
        { """{"op":"add","path":"name","value":{"middleNam":"x"}}""", ScimErrorType.InvalidSyntax, "middleNam" },
    };

    [Theory]
    [MemberData(nameof(UnknownOnly))]
    public async Task Patch_UnknownAttributeOnly_ByDefault_Is400AndChangesNothing(string operation, string scimType, string name)
    {
        using var kit = new ServiceKit();
        var (id, version) = await CreateAsync(kit);
        var before = await kit.StoredUserAsync(id);

        var error = await ServiceKit.ThrowsScimAsync(400, scimType, () => kit.PatchAsync("Users", id, operation));

        Assert.Contains(name, error.Detail, StringComparison.Ordinal);
        Assert.StartsWith("Operations[0]: ", error.Detail, StringComparison.Ordinal);
        Assert.Same(before, await kit.StoredUserAsync(id));
        Assert.Equal(version, before!.Meta!.Version);
        Assert.Empty(kit.Events.All);
    }

    [Theory]
    [MemberData(nameof(UnknownOnly))]
    public async Task Patch_UnknownAttributeOnly_Ignored_ChangesNothingAndKeepsTheVersion(string operation, string scimType, string name)
    {
        _ = scimType;
        var logger = new RecordingLogger<ScimService>();
        using var kit = new ServiceKit(Ignoring, logger: logger);
        var (id, version) = await CreateAsync(kit);
        var before = await kit.StoredUserAsync(id);

        var patched = await kit.PatchAsync("Users", id, operation);

        Assert.False(patched.Changed);
        Assert.Equal(version, patched.Version);
        Assert.Same(before, await kit.StoredUserAsync(id));
        Assert.Empty(kit.Events.All);
        var entry = Assert.Single(logger.Entries);
        Assert.Contains("patch of a User", entry.Message, StringComparison.Ordinal);
        Assert.Contains(name, entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("work", entry.Message, StringComparison.Ordinal); // the filter (its values) is never logged
    }

    [Fact]
    public async Task Patch_UnknownAndKnownOperations_Ignored_AppliesTheKnownOnes()
    {
        using var kit = new ServiceKit(Ignoring);
        var (id, version) = await CreateAsync(kit);

        var patched = await kit.PatchAsync("Users", id, """{"op":"replace","path":"adreses","value":[{"locality":"x"}]},{"op":"replace","path":"displayName","value":"New"},{"op":"replace","value":{"nickNam":"x","title":"Boss"}}""");

        Assert.True(patched.Changed);
        Assert.NotEqual(version, patched.Version);
        var stored = await kit.StoredUserAsync(id);
        Assert.Equal(("New", "Boss"), (stored!.DisplayName, stored.Title));
        Assert.Equal(["displayName", "title"], kit.Events.All.Single().ChangedPaths.Order(StringComparer.Ordinal));
    }

    /// <summary>Paths that are mistakes, not unknown names: refused whatever the option says.</summary>
    [Theory]
    [InlineData("""{"op":"replace","path":"name.givenName.x","value":"x"}""")]
    [InlineData("""{"op":"replace","path":"userName[value eq \"x\"]","value":"x"}""")]
    [InlineData("""{"op":"replace","path":"userName.x","value":"x"}""")]
    [InlineData("""{"op":"replace","path":"emails[typo eq \"work\"].value","value":"x"}""")]
    [InlineData("""{"op":"replace","path":"emails[type eq","value":"x"}""")]
    public async Task Patch_MalformedPath_Ignored_IsStill400InvalidPath(string operation)
    {
        using var kit = new ServiceKit(Ignoring);
        var (id, _) = await CreateAsync(kit);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidPath, () => kit.PatchAsync("Users", id, operation));
    }

    [Fact]
    public async Task Patch_UnknownPathThenAFailingOperation_Ignored_IsAtomic()
    {
        using var kit = new ServiceKit(Ignoring);
        var (id, _) = await CreateAsync(kit);
        var before = await kit.StoredUserAsync(id);

        await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () =>
            kit.PatchAsync("Users", id, """{"op":"replace","path":"displayName","value":"New"},{"op":"replace","path":"adreses","value":"x"},{"op":"replace","path":"active","value":"maybe"}"""));

        Assert.Same(before, await kit.StoredUserAsync(id));
    }

    // ---------------------------------------------------------------- the log

    [Fact]
    public async Task Log_SameUnknownAttributeAgain_IsDebug_ANewOneIsAWarningAgain()
    {
        var logger = new RecordingLogger<ScimService>();
        using var kit = new ServiceKit(Ignoring, logger: logger);
        var (id, _) = await CreateAsync(kit);

        await kit.PatchAsync("Users", id, """{"op":"replace","value":{"adreses":"x"}}""");
        await kit.PatchAsync("Users", id, """{"op":"replace","value":{"Adreses":"y"}}"""); // names are case-insensitive
        await kit.PatchAsync("Users", id, """{"op":"replace","value":{"adreses":"z","shoeSize":42}}""");
        await kit.Service.CreateAsync(ServiceKit.Context, "Groups", ServiceKit.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","adreses":"x"}"""), cancellationToken: Ct);

        Assert.Equal([LogLevel.Warning, LogLevel.Debug, LogLevel.Warning, LogLevel.Warning], logger.Entries.Select(e => e.Level));
        Assert.Contains("adreses, shoeSize", Logged(logger).ElementAt(2), StringComparison.Ordinal);
        Assert.Contains("create of a Group", Logged(logger).ElementAt(3), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_NothingIgnored_LogsNothing()
    {
        var logger = new RecordingLogger<ScimService>();
        using var kit = new ServiceKit(Ignoring, logger: logger);
        var (id, _) = await CreateAsync(kit);

        await kit.PatchAsync("Users", id, """{"op":"replace","path":"displayName","value":"New"}""");

        Assert.Empty(logger.Entries);
    }
}
