using System.Net;
using System.Text.Json.Nodes;

namespace Scim.AspNetCore.Tests;

/// <summary>Assertions shared by the HTTP tests.</summary>
public static class ScimAssert
{
    public const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string ListSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>
    /// The response is a SCIM error (RFC 7644 §3.12): the status, application/scim+json, the Error
    /// schema, status as a string, and scimType when one is expected (none when null is expected).
    /// </summary>
    public static JsonObject Error(ScimResponse response, HttpStatusCode status, string? scimType = null)
    {
        Assert.True(status == response.Status, $"expected {(int)status}, got {(int)response.Status}: {response.Text}");
        Assert.Equal("application/scim+json", response.MediaType);
        var body = response.Json;
        Assert.Equal([ErrorSchema], body["schemas"]!.AsArray().Select(s => (string?)s));
        Assert.Equal("String", JsonValueKind(body["status"]));
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)body["status"]);
        Assert.Equal(scimType, (string?)body["scimType"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["detail"]), "an error has a detail");
        return body;
    }

    /// <summary>The response is a single resource with status, scim+json, and ETag equal to meta.version.</summary>
    public static JsonObject Resource(ScimResponse response, HttpStatusCode status)
    {
        Assert.True(status == response.Status, $"expected {(int)status}, got {(int)response.Status}: {response.Text}");
        Assert.Equal("application/scim+json", response.MediaType);
        var body = response.Json;
        var version = (string?)body["meta"]!["version"];
        Assert.False(string.IsNullOrEmpty(version));
        Assert.Equal(version, response.ETag);
        Assert.StartsWith("W/\"", response.ETag, StringComparison.Ordinal);
        return body;
    }

    /// <summary>The response is a ListResponse.</summary>
    public static JsonObject List(ScimResponse response, int? totalResults = null)
    {
        Assert.True(response.Status == HttpStatusCode.OK, $"expected 200, got {(int)response.Status}: {response.Text}");
        Assert.Equal("application/scim+json", response.MediaType);
        var body = response.Json;
        Assert.Equal([ListSchema], body["schemas"]!.AsArray().Select(s => (string?)s));
        if (totalResults is not null)
        {
            Assert.Equal(totalResults, (int)body["totalResults"]!);
        }

        Assert.Equal(body["Resources"]!.AsArray().Count, (int)body["itemsPerPage"]!);
        return body;
    }

    /// <summary>The ids of a ListResponse's resources.</summary>
    public static List<string> Ids(JsonObject list) => list["Resources"]!.AsArray().Select(r => (string)r!["id"]!).ToList();

    /// <summary>The values (ids) of a group's members.</summary>
    public static List<string> MemberIds(JsonObject group) =>
        (group["members"] as JsonArray ?? []).Select(m => (string)m!["value"]!).Order(StringComparer.Ordinal).ToList();

    private static string JsonValueKind(JsonNode? node) => node?.GetValueKind().ToString() ?? "null";
}
