using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Errors;

/// <summary>The one error type and the one error body (RFC 7644 §3.12) every response and every bulk result uses.</summary>
public sealed class ScimExceptionTests
{
    [Fact]
    public void WriteTo_WithScimType_WritesSchemasStatusAsStringScimTypeAndDetail()
    {
        var body = Written(ScimException.BadRequest(ScimErrorType.InvalidFilter, "Unknown attribute 'shoeSize'."));

        Assert.Equal(
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidFilter","detail":"Unknown attribute 'shoeSize'."}""",
            body);
    }

    [Fact]
    public void WriteTo_WithoutScimType_LeavesItOut()
    {
        var body = JsonNode.Parse(Written(ScimException.NotFound("User '1' not found.")))!.AsObject();

        Assert.Equal(["schemas", "status", "detail"], body.Select(p => p.Key));
        Assert.Equal("404", (string?)body["status"]);
    }

    [Fact]
    public void WriteTo_DetailWithQuotesAndNonAscii_IsEscapedOnlyAsJsonRequires()
    {
        var body = Written(new ScimException(409, ScimErrorType.Uniqueness, "\"Zoë\" is taken"));

        Assert.Contains("\"detail\":\"\\\"Zoë\\\" is taken\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_IsWhatWriteToWrites()
    {
        var error = new ScimException(412, null, "Changed.");

        Assert.Equal(error.ToJson().ToJsonString(ScimSerializer.DocumentOptions), Written(error));
    }

    [Theory]
    [InlineData(399)]
    [InlineData(600)]
    public void Constructor_StatusOutsideErrors_Throws(int status)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScimException(status, null, "x"));
    }

    [Fact]
    public void Conflict_IsA409Uniqueness()
    {
        var error = ScimException.Conflict("taken");

        Assert.Equal((409, ScimErrorType.Uniqueness, "taken"), (error.Status, error.ScimType, error.Detail));
    }

    private static string Written(ScimException error)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, ScimSerializer.WriterOptions))
        {
            error.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
