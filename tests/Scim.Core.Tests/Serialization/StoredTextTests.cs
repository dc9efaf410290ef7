using System.Text;
using Microsoft.Extensions.Logging;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Filtering;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;
using Scim.Core.InMemory;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// Text no attribute holds (a NUL, a lone surrogate): refused wherever a request can write it (a
/// body's escapes, a filter's escapes or raw characters, a PATCH path's filter, an id given to the
/// service), the same for every store; a body and a filter are a 400, an id names nothing (404).
/// </summary>
public sealed class StoredTextTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    // Written escaped (\uXXXX) and unescaped in the test: theory data would not keep a lone surrogate.
    [Theory]
    [InlineData("", true)]
    [InlineData("ada@example.com", true)]
    [InlineData("\\u00dcn\\u00efc\\u00f6d\\u00e9 \\u2713 \\u65e5\\u672c", true)]
    [InlineData("\\ud83d\\ude00 a pair", true)]
    [InlineData("x\\ud83d\\ude00", true)]
    [InlineData("\\u0001\\u001f\\u007f", true)]
    [InlineData("\\u0000", false)]
    [InlineData("a\\u0000b", false)]
    [InlineData("\\ud800", false)]
    [InlineData("a\\udc00", false)]
    [InlineData("\\ude00\\ud83d", false)]
    [InlineData("\\ud83d\\ude00\\u0000", false)]
    [InlineData("\\ud83d", false)]
    public void IsAccepted_RefusesNulAndLoneSurrogates(string escaped, bool accepted) =>
        Assert.Equal(accepted, StoredText.IsAccepted(System.Text.RegularExpressions.Regex.Unescape(escaped)));

    [Theory]
    [InlineData("userName eq \"a\\u0000b\"")]
    [InlineData("userName eq \"\\u0000\"")]
    [InlineData("userName eq \"a\0b\"")]
    [InlineData("userName eq \"\\ud800\"")]
    [InlineData("userName eq \"\\udc00\\ud800\"")]
    [InlineData("userName sw \"x\" and emails[value co \"\\u0000\"]")]
    [InlineData("not (displayName ew \"\\ud83d\")")]
    public void Filter_WithSuchAString_IsInvalidFilter(string filter)
    {
        var error = Assert.Throws<ScimException>(() => ScimFilterParser.Parse(filter));
        Assert.Equal((400, ScimErrorType.InvalidFilter), (error.Status, error.ScimType));
        Assert.Contains("NUL character or a lone surrogate", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("userName eq \"\\ud83d\\ude00\"", "\ud83d\ude00")]
    [InlineData("userName eq \"tab\\there\"", "tab\there")]
    public void Filter_WithWholeCharacters_Parses(string filter, string value) =>
        Assert.Equal(value, Assert.IsType<StringValue>(Assert.IsType<ComparisonFilter>(ScimFilterParser.Parse(filter)).Value).Value);

    [Fact]
    public void PatchPath_WithSuchAString_IsInvalidPath()
    {
        var error = Assert.Throws<ScimException>(() => ScimFilterParser.ParsePatchPath("members[value eq \"\\u0000\"]"));
        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a\u0000"}""", "string")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","emails":[{"value":"\u0000@x"}]}""", "string")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","x\u0000":1}""", "name")]
    public async Task Create_WithANulInTheBody_IsInvalidValue_AndWritesNothing(string body, string where)
    {
        using var kit = new ServiceKit();
        var error = await Assert.ThrowsAsync<ScimException>(() => kit.Service.CreateAsync(ServiceKit.Context, "Users", Encoding.UTF8.GetBytes(body), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal((400, ScimErrorType.InvalidValue), (error.Status, error.ScimType));
        Assert.Contains($"NUL character (\\u0000) in a {where}", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Users", cancellationToken: TestContext.Current.CancellationToken)).TotalResults);
    }

    [Fact]
    public async Task PatchSearchAndBulkBodies_WithANul_AreInvalidValue()
    {
        using var kit = new ServiceKit();
        var ct = TestContext.Current.CancellationToken;
        var id = (await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("ada"), cancellationToken: ct)).Id;
        Task[] requests =
        [
            kit.Service.PatchAsync(ServiceKit.Context, "Users", id, Encoding.UTF8.GetBytes("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"\u0000"}]}"""), cancellationToken: ct),
            kit.Service.BulkAsync(ServiceKit.Context, Encoding.UTF8.GetBytes($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","data":{"schemas":["{{UserSchema}}"],"userName":"b\u0000"} }]}"""), ct),
            Task.Run(() => ScimListRequest.FromSearchRequest(Encoding.UTF8.GetBytes("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"x\"","sortBy":"\u0000"}""")), ct),
        ];
        foreach (var request in requests)
        {
            var error = await Assert.ThrowsAsync<ScimException>(() => request);
            Assert.Equal((400, ScimErrorType.InvalidValue), (error.Status, error.ScimType));
        }

        Assert.Equal("ada", (string?)(await kit.Service.GetAsync(ServiceKit.Context, "Users", id, cancellationToken: ct)).ToJson()["userName"]);
    }

    [Theory]
    [InlineData("a\\u0000b")]
    [InlineData("\\ud800")]
    public async Task AnIdWithSuchText_NamesNoResource_AndNoStoreIsAsked(string escaped)
    {
        var id = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var users = new CountingUsers(new InMemoryUserStore(SchemaRegistry.CreateDefault()));
        var service = new ScimService(new ScimEngine(SchemaRegistry.CreateDefault(), new ScimServiceOptions()), users, null, new InlineDelivery([], null), null, null);
        var ct = TestContext.Current.CancellationToken;
        var patch = Encoding.UTF8.GetBytes("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"x"}]}""");
        var put = ServiceKit.UserBody("ada");

        foreach (var call in new Func<Task>[]
        {
            () => service.GetAsync(ServiceKit.Context, "Users", id, cancellationToken: ct),
            () => service.ReplaceAsync(ServiceKit.Context, "Users", id, put, cancellationToken: ct),
            () => service.PatchAsync(ServiceKit.Context, "Users", id, patch, cancellationToken: ct),
            () => service.DeleteAsync(ServiceKit.Context, "Users", id, cancellationToken: ct),
        })
        {
            Assert.Equal(404, (await Assert.ThrowsAsync<ScimException>(call)).Status);
        }

        Assert.Equal(0, users.Calls);
    }

    /// <summary>A user store that counts the calls that name an id.</summary>
    private sealed class CountingUsers(IUserStore rows) : DelegatingUserStore(rows)
    {
        public int Calls { get; private set; }

        public override Task<User?> GetAsync(ScimContext context, string id, ReadHints hints, CancellationToken cancellationToken)
        {
            Calls++;
            return base.GetAsync(context, id, hints, cancellationToken);
        }

        public override Task<StoreWriteResult<User>> ReplaceAsync(ScimContext context, User resource, string? expectedVersion, CancellationToken cancellationToken)
        {
            Calls++;
            return base.ReplaceAsync(context, resource, expectedVersion, cancellationToken);
        }

        public override Task<StoreWriteResult<User>> DeleteAsync(ScimContext context, string id, string? expectedVersion, CancellationToken cancellationToken)
        {
            Calls++;
            return base.DeleteAsync(context, id, expectedVersion, cancellationToken);
        }
    }
}
