using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scim.Core.Errors;

/// <summary>
/// The one error type of Scim.Core. It carries what RFC 7644 §3.12 puts in an error response:
/// the HTTP status, an optional <c>scimType</c> (see <see cref="ScimErrorType"/>) and a
/// human-readable detail that points at the problem. <see cref="WriteTo"/> is the one place the
/// SCIM error body is made: the HTTP adapter's responses and Bulk's per-operation results both use it.
/// </summary>
public sealed class ScimException : Exception
{
    /// <summary>Creates an error with the given HTTP status, <c>scimType</c> and detail.</summary>
    /// <param name="status">The HTTP status code (400, 404, 409, 412, 413, ...).</param>
    /// <param name="scimType">One of the <see cref="ScimErrorType"/> values, or <see langword="null"/>.</param>
    /// <param name="detail">What went wrong, naming the attribute, path or limit involved.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public ScimException(int status, string? scimType, string detail, Exception? innerException = null)
        : base(detail, innerException)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        Status = status;
        ScimType = scimType;
        Detail = detail;
    }

    /// <summary>The HTTP status code of the error.</summary>
    public int Status { get; }

    /// <summary>The RFC 7644 <c>scimType</c>, when the status has one (mostly 400).</summary>
    public string? ScimType { get; }

    /// <summary>The detail message shown to the client.</summary>
    public string Detail { get; }

    /// <summary>Creates a 400 error with the given <c>scimType</c>.</summary>
    /// <param name="scimType">One of the <see cref="ScimErrorType"/> values.</param>
    /// <param name="detail">What went wrong.</param>
    /// <returns>The new exception (not thrown).</returns>
    public static ScimException BadRequest(string scimType, string detail) => new(400, scimType, detail);

    /// <summary>Creates a 404 error for a resource that does not exist.</summary>
    /// <param name="detail">What was not found.</param>
    /// <returns>The new exception (not thrown).</returns>
    public static ScimException NotFound(string detail) => new(404, null, detail);

    /// <summary>Creates a 409 <c>uniqueness</c> error.</summary>
    /// <param name="detail">Which value is already taken.</param>
    /// <returns>The new exception (not thrown).</returns>
    public static ScimException Conflict(string detail) => new(409, ScimErrorType.Uniqueness, detail);

    /// <summary>Writes the SCIM error body (RFC 7644 §3.12): <c>schemas</c>, <c>status</c> as a string, <c>scimType</c> when there is one, <c>detail</c>.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ToJson().WriteTo(writer);
    }

    /// <summary>The SCIM error body as a tree.</summary>
    internal JsonObject ToJson()
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(Schema.ScimSchemaUris.Error),
            ["status"] = Status.ToString(CultureInfo.InvariantCulture),
        };
        if (ScimType is not null)
        {
            body["scimType"] = ScimType;
        }

        body["detail"] = Detail;
        return body;
    }
}
