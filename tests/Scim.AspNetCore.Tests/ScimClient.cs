using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Scim.AspNetCore.Tests;

/// <summary>One HTTP response, read whole: status, headers and the body as text and (when JSON) as a tree.</summary>
public sealed record ScimResponse(HttpResponseMessage Message, string Text)
{
    /// <summary>The status.</summary>
    public HttpStatusCode Status => Message.StatusCode;

    /// <summary>The body as JSON (throws when it is not).</summary>
    public JsonObject Json => JsonNode.Parse(Text)!.AsObject();

    /// <summary>The ETag header's value, or null.</summary>
    public string? ETag => Message.Headers.ETag?.ToString();

    /// <summary>The Location header, or null.</summary>
    public string? Location => Message.Headers.Location?.OriginalString;

    /// <summary>The Content-Type media type, or null.</summary>
    public string? MediaType => Message.Content.Headers.ContentType?.MediaType;
}

/// <summary>Sends SCIM requests relative to a prefix (paths without a leading '/').</summary>
public sealed class ScimClient(HttpClient http)
{
    /// <summary>The underlying client.</summary>
    public HttpClient Http { get; } = http;

    public Task<ScimResponse> GetAsync(string path, params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Get, path, null, headers: headers);

    public Task<ScimResponse> PostAsync(string path, string body, string contentType = "application/scim+json", params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Post, path, body, contentType, headers);

    public Task<ScimResponse> PutAsync(string path, string body, params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Put, path, body, headers: headers);

    public Task<ScimResponse> PatchAsync(string path, string body, params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Patch, path, body, headers: headers);

    public Task<ScimResponse> DeleteAsync(string path, params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Delete, path, null, headers: headers);

    /// <summary>Sends a request; the body goes out with exactly <paramref name="contentType"/> as Content-Type.</summary>
    public async Task<ScimResponse> SendAsync(HttpMethod method, string path, string? body, string contentType = "application/scim+json", params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new ScimResponse(response, text);
    }

    /// <summary>Sends a body of exactly these bytes (invalid UTF-8 included) as application/scim+json.</summary>
    public async Task<ScimResponse> SendBytesAsync(HttpMethod method, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/scim+json");
        var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        return new ScimResponse(response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Creates a user and returns the response (asserting 201).</summary>
    public async Task<JsonObject> CreateUserAsync(string userName, string? extra = null)
    {
        var response = await PostAsync("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}"{{(extra is null ? "" : "," + extra)}}}""");
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return response.Json;
    }

    /// <summary>Creates a group with members and returns it (asserting 201).</summary>
    public async Task<JsonObject> CreateGroupAsync(string displayName, params string[] memberIds)
    {
        var members = string.Join(',', memberIds.Select(id => $$"""{"value":"{{id}}"}"""));
        var response = await PostAsync("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"{{displayName}}","members":[{{members}}]}""");
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return response.Json;
    }
}
