using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>One response, read whole.</summary>
public sealed record Reply(HttpStatusCode Status, string Text, string? ETag)
{
    /// <summary>The body as JSON.</summary>
    public JsonObject Json => JsonNode.Parse(Text)!.AsObject();
}

/// <summary>SCIM requests for the tests.</summary>
public static class Http
{
    public static Task<Reply> Get(this HttpClient client, string path) => client.Send(HttpMethod.Get, path, null);

    public static Task<Reply> Post(this HttpClient client, string path, string body) => client.Send(HttpMethod.Post, path, body);

    public static Task<Reply> Put(this HttpClient client, string path, string body) => client.Send(HttpMethod.Put, path, body);

    public static Task<Reply> Patch(this HttpClient client, string path, string body) => client.Send(HttpMethod.Patch, path, body);

    public static Task<Reply> Delete(this HttpClient client, string path) => client.Send(HttpMethod.Delete, path, null);

    /// <summary>A PatchOp body with the given operations (JSON objects, comma-separated).</summary>
    public static string PatchOp(string operations) => $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{operations}}]}""";

    public static async Task<Reply> Send(this HttpClient client, HttpMethod method, string path, string? body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/scim+json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Headers.ETag?.ToString());
    }

    /// <summary>Fails with the body when the status is not the one expected.</summary>
    public static Reply Expect(this Reply reply, HttpStatusCode status, ErrorLog? errors = null)
    {
        Assert.True(reply.Status == status, $"expected {(int)status}, got {(int)reply.Status}: {reply.Text}{(errors is null ? string.Empty : "\n" + string.Join("\n", errors.Errors))}");
        return reply;
    }
}
