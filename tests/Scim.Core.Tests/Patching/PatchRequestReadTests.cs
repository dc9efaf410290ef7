using System.Text;
using System.Text.Json;
using Scim.Core.Errors;
using Scim.Core.Patching;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// <see cref="ScimPatcher.ReadRequest"/>: a PatchOp message is read into operations, and every
/// malformed message is a 400 with the scimType RFC 7644 §3.12 gives it and a detail naming the
/// operation at fault.
/// </summary>
public sealed class PatchRequestReadTests
{
    /// <summary>Scenario, message, scimType, text the detail must contain.</summary>
    public static TheoryData<string, string, string, string> Malformed => new()
    {
        { "not JSON", "{", ScimErrorType.InvalidSyntax, "not valid JSON" },
        { "truncated", Message("""{"op":"add","path":"title","value":"x"}""")[..40], ScimErrorType.InvalidSyntax, "not valid JSON" },
        { "empty body", string.Empty, ScimErrorType.InvalidSyntax, "not valid JSON" },
        { "array root", "[]", ScimErrorType.InvalidSyntax, "PatchOp message" },
        { "string root", "\"patch\"", ScimErrorType.InvalidSyntax, "PatchOp message" },
        { "schemas missing", """{"Operations":[{"op":"add","path":"title","value":"x"}]}""", ScimErrorType.InvalidSyntax, PatchOpUrn },
        { "schemas names another message", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"op":"add","path":"title","value":"x"}]}""", ScimErrorType.InvalidSyntax, PatchOpUrn },
        { "schemas with a near-miss URN", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:Patch"],"Operations":[{"op":"add","path":"title","value":"x"}]}""", ScimErrorType.InvalidSyntax, PatchOpUrn },
        { "schemas a string", $$"""{"schemas":"{{PatchOpUrn}}","Operations":[{"op":"add","path":"title","value":"x"}]}""", ScimErrorType.InvalidSyntax, "'schemas'" },
        { "schemas empty", """{"schemas":[],"Operations":[{"op":"add","path":"title","value":"x"}]}""", ScimErrorType.InvalidSyntax, "'schemas'" },
        { "Operations missing", $$"""{"schemas":["{{PatchOpUrn}}"]}""", ScimErrorType.InvalidSyntax, "'Operations'" },
        { "Operations empty", $$"""{"schemas":["{{PatchOpUrn}}"],"Operations":[]}""", ScimErrorType.InvalidSyntax, "at least one operation" },
        { "Operations an object", $$$"""{"schemas":["{{{PatchOpUrn}}}"],"Operations":{"op":"add","path":"title","value":"x"}}""", ScimErrorType.InvalidSyntax, "'Operations'" },
        { "Operations null", $$"""{"schemas":["{{PatchOpUrn}}"],"Operations":null}""", ScimErrorType.InvalidSyntax, "'Operations'" },
        { "operation a number", Message("5"), ScimErrorType.InvalidSyntax, "Operations[0] must be a JSON object" },
        { "operation an array", Message("[]"), ScimErrorType.InvalidSyntax, "Operations[0] must be a JSON object" },
        { "op a number", Message("""{"op":5,"path":"title","value":"x"}"""), ScimErrorType.InvalidSyntax, "Operations[0].op must be a string" },
        { "op null", Message("""{"op":null,"path":"title","value":"x"}"""), ScimErrorType.InvalidSyntax, "Operations[0].op must be a string" },
        { "op missing", Message("""{"path":"title","value":"x"}"""), ScimErrorType.InvalidSyntax, "Operations[0] has no 'op'" },
        { "op move (JSON Patch)", Message("""{"op":"move","from":"title","path":"nickName"}"""), ScimErrorType.InvalidSyntax, "'move'" },
        { "op test (JSON Patch)", Message("""{"op":"test","path":"title","value":"x"}"""), ScimErrorType.InvalidSyntax, "'test'" },
        { "op empty", Message("""{"op":"","path":"title","value":"x"}"""), ScimErrorType.InvalidSyntax, "Operations[0].op" },
        { "add without value", Message("""{"op":"add","path":"title"}"""), ScimErrorType.InvalidValue, "Operations[0] (add) needs a 'value'" },
        { "replace without value", Message("""{"op":"replace","path":"title"}"""), ScimErrorType.InvalidValue, "Operations[0] (replace) needs a 'value'" },
        { "no-path add without value", Message("""{"op":"add"}"""), ScimErrorType.InvalidValue, "needs a 'value'" },
        { "remove without path", Message("""{"op":"remove"}"""), ScimErrorType.NoTarget, "Operations[0] (remove) needs a 'path'" },
        { "remove with empty path", Message("""{"op":"remove","path":""}"""), ScimErrorType.NoTarget, "needs a 'path'" },
        { "remove with null path", Message("""{"op":"remove","path":null}"""), ScimErrorType.NoTarget, "needs a 'path'" },
        { "remove with a value but no path", Message("""{"op":"remove","value":{"title":"x"}}"""), ScimErrorType.NoTarget, "needs a 'path'" },
        { "path a number", Message("""{"op":"add","path":5,"value":"x"}"""), ScimErrorType.InvalidPath, "Operations[0].path must be a string" },
        { "path an array", Message("""{"op":"add","path":["title"],"value":"x"}"""), ScimErrorType.InvalidPath, "Operations[0].path must be a string" },
        { "second operation bad", Message("""{"op":"add","path":"title","value":"x"}""", """{"op":"remove"}"""), ScimErrorType.NoTarget, "Operations[1] (remove)" },
        { "third operation bad", Message("""{"op":"add","path":"title","value":"x"}""", """{"op":"add","path":"title","value":"x"}""", """{"op":"copy"}"""), ScimErrorType.InvalidSyntax, "Operations[2].op is 'copy'" },
        { "a misspelt path", Message("""{"op":"replace","paht":"nickName","value":{"title":"c"}}"""), ScimErrorType.InvalidSyntax, "'paht'" },
        { "a member of JSON Patch", Message("""{"op":"add","path":"title","value":"x","from":"nickName"}"""), ScimErrorType.InvalidSyntax, "'from'" },
        { "op twice", Message("""{"op":"replace","op":"remove","path":"title","value":"C"}"""), ScimErrorType.InvalidSyntax, "'op' appears more than once" },
        { "op twice in two casings", Message("""{"op":"replace","OP":"remove","path":"title","value":"C"}"""), ScimErrorType.InvalidSyntax, "'OP' appears more than once" },
        { "path twice", Message("""{"op":"replace","path":"title","path":"nickName","value":"C"}"""), ScimErrorType.InvalidSyntax, "'path' appears more than once" },
        { "value twice", Message("""{"op":"replace","path":"title","value":"A","value":"B"}"""), ScimErrorType.InvalidSyntax, "'value' appears more than once" },
        { "Operations twice", $$"""{"schemas":["{{PatchOpUrn}}"],"Operations":[{"op":"remove","path":"title"}],"operations":[{"op":"add","path":"title","value":"x"}]}""", ScimErrorType.InvalidSyntax, "'operations' appears more than once" },
        { "schemas twice", $$"""{"schemas":["{{PatchOpUrn}}"],"schemas":["{{PatchOpUrn}}"],"Operations":[{"op":"remove","path":"title"}]}""", ScimErrorType.InvalidSyntax, "'schemas' appears more than once" },
        { "an attribute twice in a no-path value", Message("""{"op":"replace","value":{"title":"E","TITLE":"F"}}"""), ScimErrorType.InvalidSyntax, "'TITLE' appears more than once" },
        { "a sub-attribute twice in a value", Message("""{"op":"add","path":"emails","value":[{"value":"a@example.com","Value":"b@example.com"}]}"""), ScimErrorType.InvalidSyntax, "'Value' appears more than once" },
        { "nested deeper than 16", Message("""{"op":"add","path":"title","value":[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]}"""), ScimErrorType.InvalidSyntax, "depth" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void ReadRequest_MalformedMessage_Throws400WithScimType(string scenario, string body, string scimType, string detail)
    {
        var error = RejectsRead(body);

        Assert.True(scimType == error.ScimType, $"{scenario}: expected {scimType}, got {error.ScimType} ({error.Detail})");
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(1001, 1000)]
    public void ReadRequest_MoreOperationsThanMaxOperations_Throws400TooMany(int count, int max)
    {
        var body = Message([.. Enumerable.Repeat("""{"op":"replace","path":"title","value":"x"}""", count)]);

        var error = RejectsRead(body, Patcher(maxOperations: max));

        AssertError(error, ScimErrorType.TooMany, $"{count} operations; the limit is {max}");
    }

    [Fact]
    public void ReadRequest_ExactlyMaxOperations_ReadsEveryOperation()
    {
        var body = Message("""{"op":"replace","path":"title","value":"a"}""", """{"op":"remove","path":"nickName"}""");

        var request = Read(body, Patcher(maxOperations: 2));

        Assert.Equal([PatchOperationType.Replace, PatchOperationType.Remove], request.Operations.Select(o => o.Op));
        Assert.Equal(["title", "nickName"], request.Operations.Select(o => o.Path));
        Assert.Equal("a", request.Operations[0].Value!.Value.GetString());
        Assert.Null(request.Operations[1].Value);
    }

    [Fact]
    public void ReadRequest_OperationKeysInAnyCase_ReadsThem()
    {
        var request = Read(Message("""{"OP":"add","Path":"title","VALUE":"x"}"""), Patcher(PatchDialects.None));

        var operation = Assert.Single(request.Operations);
        Assert.Equal(PatchOperationType.Add, operation.Op);
        Assert.Equal("title", operation.Path);
    }

    [Fact]
    public void ReadRequest_NoPath_ReadsNullPathAndObjectValue()
    {
        var request = Read(Message("""{"op":"replace","value":{"active":false}}"""));

        var operation = Assert.Single(request.Operations);
        Assert.Null(operation.Path);
        Assert.Equal(JsonValueKind.Object, operation.Value!.Value.ValueKind);
    }

    [Fact]
    public void ReadRequest_NullValueOnAdd_ReadsExplicitNull()
    {
        var request = Read(Message("""{"op":"add","path":"title","value":null}"""));

        Assert.Equal(JsonValueKind.Null, request.Operations[0].Value!.Value.ValueKind);
    }

    [Fact]
    public void ReadRequest_ValuesOutliveTheBuffer_StillReadable()
    {
        var bytes = Encoding.UTF8.GetBytes(Message("""{"op":"replace","path":"title","value":"kept"}"""));
        var request = Default.ReadRequest(bytes);
        Array.Clear(bytes);

        Assert.Equal("kept", request.Operations[0].Value!.Value.GetString());
    }

    [Theory]
    [InlineData("operations")]
    [InlineData("OPERATIONS")]
    [InlineData("oPeRaTiOnS")]
    public void ReadRequest_OperationsKeyInAnyCaseWithMessageCasing_Reads(string key)
    {
        var request = Read($$"""{"SCHEMAS":["{{PatchOpUrn.ToUpperInvariant()}}"],"{{key}}":[{"op":"add","path":"title","value":"x"}]}""");

        Assert.Single(request.Operations);
    }

    [Fact]
    public void ReadRequest_OperationNameInOtherCaseWithoutItsDialect_Throws400InvalidSyntax()
    {
        var error = RejectsRead(Message("""{"op":"ADD","path":"title","value":"x"}"""), Patcher(PatchDialects.All & ~PatchDialects.OperationNameAnyCase));

        AssertError(error, ScimErrorType.InvalidSyntax, "'ADD'");
    }

    [Fact]
    public void ReadRequest_LoneSurrogateInPath_Throws400InvalidSyntax()
    {
        var error = RejectsRead(Message("""{"op":"add","path":"title\ud800","value":"x"}"""));

        AssertError(error, ScimErrorType.InvalidSyntax, "Unicode");
    }
}
