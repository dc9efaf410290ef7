using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Serialization;
using Scim.Core.Tests.Provisioning;

// Not Scim.Core.Tests.Errors: a namespace of that name would hide Scim.Core.Errors from tests that write Scim.Core.Errors.ScimErrorType.
namespace Scim.Core.Tests.Errors;

/// <summary>
/// The one SCIM error body (RFC 7644 §3.12) that <see cref="ScimException.WriteTo"/> writes, and
/// Bulk's per-operation <c>response</c>, which is that same body.
/// </summary>
public sealed class ScimErrorBodyTests
{
    private const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Written(Action<Utf8JsonWriter> write, JsonWriterOptions options = default)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static JsonObject Body(ScimException error) => JsonNode.Parse(Written(error.WriteTo))!.AsObject();

    // ---------------------------------------------------------------- WriteTo

    [Fact]
    public void WriteTo_WithScimType_WritesSchemasStatusAsStringScimTypeAndDetail()
    {
        var error = ScimException.BadRequest(ScimErrorType.InvalidValue, "'active' must be a boolean.");

        Assert.Equal(
            $$"""{"schemas":["{{ErrorSchema}}"],"status":"400","scimType":"invalidValue","detail":"'active' must be a boolean."}""",
            Written(error.WriteTo, ScimSerializer.WriterOptions));
    }

    [Fact]
    public void WriteTo_WithoutScimType_LeavesTheMemberOut()
    {
        var body = Body(ScimException.NotFound("User 'x' not found."));

        Assert.Equal(["schemas", "status", "detail"], body.Select(p => p.Key));
        Assert.Equal("404", (string?)body["status"]);
        Assert.Equal(JsonValueKind.String, body["status"]!.GetValueKind());
    }

    [Theory]
    [InlineData(400)]
    [InlineData(409)]
    [InlineData(413)]
    [InlineData(501)]
    [InlineData(599)]
    public void WriteTo_Status_IsTheCodeAsAString(int status)
    {
        var body = Body(new ScimException(status, null, "d"));

        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)body["status"]);
    }

    [Theory]
    [InlineData(399)]
    [InlineData(200)]
    [InlineData(600)]
    public void Constructor_StatusOutsideTheErrorRange_Throws(int status)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScimException(status, null, "d"));
    }

    [Fact]
    public void WriteTo_DetailWithQuotesAndNonAscii_RoundTrips()
    {
        const string detail = "Filter 'displayName eq \"Jérôme\"' </script> \u0001 failed.";

        var body = Body(new ScimException(400, ScimErrorType.InvalidFilter, detail));

        Assert.Equal(detail, (string?)body["detail"]);
    }

    [Fact]
    public void WriteTo_WritesOneValue_SoErrorsCanBeListed()
    {
        var first = ScimException.NotFound("a");
        var second = ScimException.Conflict("b");

        var array = JsonNode.Parse(Written(w =>
        {
            w.WriteStartArray();
            first.WriteTo(w);
            second.WriteTo(w);
            w.WriteEndArray();
        }))!.AsArray();

        Assert.Equal(["404", "409"], array.Select(e => (string?)e!["status"]));
        Assert.Equal([null, "uniqueness"], array.Select(e => (string?)e!["scimType"]));
    }

    [Fact]
    public void WriteTo_SameAsToJson()
    {
        var error = ScimException.BadRequest(ScimErrorType.Mutability, "'id' is read-only.");

        Assert.True(JsonNode.DeepEquals(error.ToJson(), Body(error)));
    }

    [Fact]
    public void WriteTo_NullWriter_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ScimException.NotFound("x").WriteTo(null!));
    }

    // ---------------------------------------------------------------- Bulk's per-operation response

    [Fact]
    public async Task BulkOperationResponse_IsTheErrorBodyOfTheSameSingleRequest()
    {
        using var kit = new ServiceKit();
        var id = await kit.CreateUserAsync("bjensen");
        var version = (await kit.GetAsync("Users", id)).Version;
        var operations = new (string Operation, Func<Task> Single)[]
        {
            ("""{"method":"DELETE","path":"/Users/nope"}""",
                () => kit.Service.DeleteAsync(ServiceKit.Context, "Users", "nope", null, Ct)),
            ($$$"""{"method":"POST","path":"/Users","bulkId":"dup","data":{"schemas":["{{{UserSchema}}}"],"userName":"BJENSEN"}}""",
                () => kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.Json($$"""{"schemas":["{{UserSchema}}"],"userName":"BJENSEN"}"""), null, Ct)),
            ($$$"""{"method":"PATCH","path":"/Users/{{{id}}}","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"userName"}]}}""",
                () => kit.PatchAsync("Users", id, """{"op":"remove","path":"userName"}""")),
            ($$$"""{"method":"PUT","path":"/Users/{{{id}}}","data":{"schemas":["{{{UserSchema}}}"],"userName":"bjensen","active":"maybe"}}""",
                () => kit.Service.ReplaceAsync(ServiceKit.Context, "Users", id, ServiceKit.Json($$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","active":"maybe"}"""), null, Ct)),
            ($$"""{"method":"DELETE","path":"/Users/{{id}}","version":"W/\"0000000000000000\""}""",
                () => kit.Service.DeleteAsync(ServiceKit.Context, "Users", id, new ScimRequestOptions { IfMatch = "W/\"0000000000000000\"" }, Ct)),
        };

        var results = (await kit.Service.BulkAsync(ServiceKit.Context, ServiceKit.Json(
            $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{string.Join(",", operations.Select(o => o.Operation))}}]}"""), Ct)).Body["Operations"]!.AsArray();

        Assert.Equal(operations.Length, results.Count);
        for (var i = 0; i < operations.Length; i++)
        {
            var single = Body(await Assert.ThrowsAsync<ScimException>(operations[i].Single));
            var response = results[i]!["response"]!.AsObject();
            Assert.True(JsonNode.DeepEquals(single, response), $"operation {i}: bulk {response.ToJsonString()} / single {single.ToJsonString()}");
            Assert.Equal(single.Select(p => p.Key), response.Select(p => p.Key));
            Assert.Equal((string?)single["status"], (string?)results[i]!["status"]);
        }

        Assert.Equal(["404", "409", "400", "400", "412"], results.Select(r => (string?)r!["status"]));
        Assert.Equal([null, "uniqueness", "mutability", "invalidValue", null], results.Select(r => (string?)r!["response"]!["scimType"]));
        Assert.Equal(version, (await kit.GetAsync("Users", id)).Version);
    }

    [Fact]
    public async Task BulkOperationResponse_OfAMalformedOperation_HasTheErrorShape()
    {
        using var kit = new ServiceKit();

        var results = (await kit.Service.BulkAsync(ServiceKit.Context, ServiceKit.Json(
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Devices","bulkId":"d","data":{}}]}"""), Ct)).Body["Operations"]!.AsArray();

        var response = results[0]!["response"]!.AsObject();
        Assert.Equal(["schemas", "status", "scimType", "detail"], response.Select(p => p.Key));
        Assert.Equal([ErrorSchema], response["schemas"]!.AsArray().Select(s => (string?)s));
        Assert.Equal("400", (string?)response["status"]);
        Assert.Equal(JsonValueKind.String, response["status"]!.GetValueKind());
        Assert.Equal("invalidPath", (string?)response["scimType"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)response["detail"]));
    }
}
