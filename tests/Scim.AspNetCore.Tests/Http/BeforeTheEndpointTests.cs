using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Scim.AspNetCore.Tests.Http;

/// <summary>
/// Requests Kestrel refuses while it parses them, before any middleware or the SCIM endpoint runs
/// (docs/http.md, "Failures before the SCIM endpoint"): its own status, no body, the connection
/// closed. Kestrel has no hook to change these answers, so the docs say what they look like; the
/// near misses that do reach the endpoint (escaped bytes it can route) get SCIM error bodies.
/// </summary>
public sealed class BeforeTheEndpointTests
{
    private const string Token = "Authorization: Bearer " + ScimTestServer.DefaultToken + "\r\n";

    public static TheoryData<string, string, int> RefusedByKestrel() => new()
    {
        { "%00 in the path", "GET /scim/v2/Users/%00 HTTP/1.1\r\nHost: x\r\n" + Token + "\r\n", 400 },
        { "a raw non-ASCII byte in the path", "GET /scim/v2/Us\u00e9rs HTTP/1.1\r\nHost: x\r\n" + Token + "\r\n", 400 },
        { "NUL in a header", "GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Note: a\0b\r\n" + Token + "\r\n", 400 },
        { "a non-ASCII byte in a header", "GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Note: caf\u00e9\r\n" + Token + "\r\n", 400 },
        { "a non-ASCII byte in the token", "GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer caf\u00e9\r\n\r\n", 400 },
        { "no Host header", "GET /scim/v2/Users HTTP/1.1\r\n" + Token + "\r\n", 400 },
        { "a Content-Length that is not a number", "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n" + Token + "Content-Length: ten\r\n\r\n", 400 },
        { "a request line over 8 KB", "GET /scim/v2/Users?filter=" + new string('a', 9000) + " HTTP/1.1\r\nHost: x\r\n" + Token + "\r\n", 414 },
        { "headers over 32 KB", "GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Note: " + new string('a', 40_000) + "\r\n" + Token + "\r\n", 431 },
        { "an unknown HTTP version", "GET /scim/v2/Users HTTP/1.7\r\nHost: x\r\n" + Token + "\r\n", 505 },
    };

    public static TheoryData<string, string, int, string?> ReachTheEndpoint() => new()
    {
        { "%00 in a query parameter", "GET /scim/v2/Users?filter=%00 HTTP/1.1\r\nHost: x\r\n" + Token + "\r\n", 400, "invalidFilter" },
        { "an escaped byte that is not UTF-8 in the path", "GET /scim/v2/Users/%C3%28 HTTP/1.1\r\nHost: x\r\n" + Token + "\r\n", 404, null },
        { "an escaped slash in an id", "GET /scim/v2/Users/a%2Fb HTTP/1.1\r\nHost: x\r\n" + Token + "\r\n", 404, null },
    };

    [Theory]
    [MemberData(nameof(RefusedByKestrel))]
    public async Task RefusedByKestrel_HasItsStatus_NoBody_AndClosesTheConnection(string what, string request, int status)
    {
        await using var server = await ScimTestServer.StartAsync();

        var (head, body) = await SendAsync(server, request);

        Assert.True(head.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"{what}: {head}");
        Assert.Contains("\r\nContent-Length: 0\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Type", head, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(body);
    }

    [Theory]
    [MemberData(nameof(ReachTheEndpoint))]
    public async Task NearMisses_ReachTheEndpoint_AndGetAScimErrorBody(string what, string request, int status, string? scimType)
    {
        await using var server = await ScimTestServer.StartAsync();

        var (head, body) = await SendAsync(server, request);

        Assert.True(head.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"{what}: {head}");
        Assert.Contains("\r\nContent-Type: application/scim+json\r\n", head, StringComparison.Ordinal);
        var error = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(ScimAssert.ErrorSchema, (string?)error["schemas"]![0]);
        Assert.Equal(scimType, (string?)error["scimType"]);
    }

    /// <summary>Writes the request's bytes (Latin-1, so a character above 0x7F is one byte) and reads one response.</summary>
    private static async Task<(string Head, string Body)> SendAsync(ScimTestServer server, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Root.Host, server.Root.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), TestContext.Current.CancellationToken);

        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var text = Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..(end + 2)];
                var length = int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))["Content-Length:".Length..], System.Globalization.CultureInfo.InvariantCulture);
                if (text.Length - end - 4 >= length)
                {
                    return (head, text.Substring(end + 4, length));
                }
            }

            var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
            Assert.True(read > 0, "the connection closed before a whole response: " + text);
            received.Write(buffer, 0, read);
        }
    }
}
