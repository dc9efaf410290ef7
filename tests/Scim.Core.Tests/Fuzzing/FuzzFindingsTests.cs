using System.Text;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Patching;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.Fuzzing;

/// <summary>
/// What fuzzing found, one case each, with the answer it gets now (docs/fuzzing.md lists them).
/// Each input also goes through its fuzz target, which holds it to the general promise.
/// </summary>
public sealed class FuzzFindingsTests
{
    private const string User = "urn:ietf:params:scim:schemas:core:2.0:User";

    // ---------------------------------------------------------------- a lone surrogate escape in a member name

    // Finding 1. The parser decodes escaped names when it looks for duplicates, and an unpaired
    // surrogate made it throw InvalidOperationException: a 500 for a SearchRequest or a BulkRequest.
    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"sortOrd\udc00er":"descending"}""")]
    [InlineData("""{"\ud800":1}""")]
    [InlineData("""{"filter":"userName pr","a\ud83d":1}""")]
    public async Task SearchRequest_LoneSurrogateInAName_Is400InvalidSyntax(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        var error = Assert.Throws<ScimException>(() => ScimListRequest.FromSearchRequest(bytes));

        Assert.Equal((400, ScimErrorType.InvalidSyntax), (error.Status, error.ScimType));
        Assert.Contains("not valid Unicode", error.Detail, StringComparison.Ordinal);
        await FuzzTargets.SearchAsync(bytes);
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[],"\udc00":1}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","na\ud800me":1}}]}""")]
    public async Task Bulk_LoneSurrogateInAName_Is400InvalidSyntax_AndNothingRuns(string body)
    {
        using var kit = new ServiceKit();
        var bytes = Encoding.UTF8.GetBytes(body);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () => kit.Service.BulkAsync(ServiceKit.Context, bytes, TestContext.Current.CancellationToken));

        Assert.Contains("not valid Unicode", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
        await FuzzTargets.BulkAsync(bytes);
    }

    // ---------------------------------------------------------------- a lone surrogate escape in a PATCH value's member name

    // Finding 3 (finding 2, a number beyond decimal in Bulk data, is in BulkProcessorTests). PATCH
    // values are read when they are applied, after the message was parsed; a pathless replace
    // whose value had a member name with a lone surrogate escape threw InvalidOperationException
    // from the applier: a 500, past the patcher's rollback.
    [Theory]
    [InlineData("""{"op":"replace","value":{"\ud800":[],"displayName":"x"}}""")]
    [InlineData("""{"op":"add","value":{"name":{"given\udfffName":"x"}}}""")]
    [InlineData("""{"op":"add","path":"emails","value":[{"value":"a@example.com","ty\ud800pe":"work"}]}""")]
    public async Task Patch_LoneSurrogateInAValuesName_Is400InvalidSyntax_AndTheUserIsUnchanged(string operation)
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var before = (await kit.StoredUserAsync(id))!;
        var body = ServiceKit.Patch("""{"op":"replace","path":"title","value":"Boss"}""", operation);

        var error = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidSyntax, () => kit.Service.PatchAsync(ServiceKit.Context, "User", id, body, null, TestContext.Current.CancellationToken));

        Assert.Contains("not valid Unicode", error.Detail, StringComparison.Ordinal);
        Assert.Same(before, await kit.StoredUserAsync(id));
        FuzzTargets.Patch(body.ToArray());
    }

    [Fact]
    public void Patch_InvalidUtf8InAValue_IsRefusedWhenRead_BeforeAnythingIsApplied()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"value\":{\"nickName\":\""), 0xC3, .. "\"}}]}"u8];

        FuzzTargets.Patch(body);
        var error = Assert.Throws<ScimException>(() => new ScimPatcher(SchemaRegistry.CreateDefault()).ReadRequest(body));
        Assert.Equal((400, ScimErrorType.InvalidSyntax), (error.Status, error.ScimType));
    }

    // ---------------------------------------------------------------- a \u escape with a NUL among its digits

    // Finding 4. The hand-written filter reader took "\uD83" followed by a NUL as the escape of
    // U+0D83 (int.TryParse ignores trailing NULs), where the grammar refuses it: the two readers
    // disagreed on what is a filter. Both refuse it now.
    [Theory]
    [InlineData("userName eq \"\\uD83\0\"", false)]
    [InlineData("userName eq \"\\uD83\0\"", true)]
    [InlineData("name.formatted lt \"\\u00e9\\uD83\0D\\uDE00\"", false)]
    [InlineData("emails[value eq \"\\u0\0\0\0\"]", false)]
    public void Filter_EscapeWithANulAmongItsDigits_IsRefusedByBothReaders(string filter, bool strict)
    {
        Assert.Null(FastFilterParser.TryParseFilter(filter, lenient: !strict));
        Assert.NotNull(ScimFilterParser.ParseWithGrammar(filter, strict).Error);
        var error = Assert.Throws<ScimException>(() => ScimFilterParser.Parse(filter, new FilterOptions { Strict = strict }));
        Assert.Equal((400, ScimErrorType.InvalidFilter), (error.Status, error.ScimType));
        FuzzTargets.Filter(filter, strict);
    }

    [Fact]
    public void PatchPath_EscapeWithANulAmongItsDigits_IsRefusedByBothReaders()
    {
        const string path = "emails[value eq \"\\uD83\0\"].type";

        Assert.Null(FastFilterParser.TryParsePatchPath(path, lenient: true));
        Assert.NotNull(ScimFilterParser.ParsePatchPathWithGrammar(path, strict: false).Error);
        FuzzTargets.PatchPath(path, strict: false);
    }
}
