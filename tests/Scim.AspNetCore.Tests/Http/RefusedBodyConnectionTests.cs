using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using static Scim.AspNetCore.Tests.ScimAssert;

namespace Scim.AspNetCore.Tests.Http;

/// <summary>
/// What happens to an HTTP/1.1 connection when a request is refused before its body is read: when
/// the server will not read the rest (longer than Kestrel reads, or chunked), the answer says
/// <c>Connection: close</c> and the server closes it, and a client goes on with a new connection;
/// otherwise Kestrel reads the rest and the next request on the same connection is served. Raw
/// sockets, so that what is on the wire, and when the server closes, is what is checked.
/// </summary>
public sealed class RefusedBodyConnectionTests
{
    private const int KestrelDefaultLimit = 30_000_000;

    [Fact]
    public async Task BodyAnnouncedLargerThanTheServerReads_Is413WithConnectionClose_ThenTheConnectionCloses_AndANewOneIsServed()
    {
        await using var server = await ScimTestServer.StartAsync();
        using var connection = await RawConnection.OpenAsync(server);

        var response = await connection.SendAsync("POST", "/scim/v2/Users", ScimTestServer.DefaultToken, "application/scim+json", announced: KestrelDefaultLimit + 1_000_000, send: 64 * 1024);

        Assert.Equal(413, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Equal("413", (string?)response.Json["status"]);
        Assert.True(await connection.IsClosedByServerAsync(), "the server keeps a connection it said it would close");
        List(await server.Client().GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task UnauthenticatedRequestWithABodyLargerThanTheServerReads_Is401WithConnectionClose()
    {
        await using var server = await ScimTestServer.StartAsync();
        using var connection = await RawConnection.OpenAsync(server);

        var response = await connection.SendAsync("POST", "/scim/v2/Users", token: null, "application/scim+json", announced: KestrelDefaultLimit + 1, send: 1024);

        Assert.Equal(401, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Equal("401", (string?)response.Json["status"]);
        Assert.True(await connection.IsClosedByServerAsync(), "the server keeps a connection it said it would close");
    }

    [Theory]
    [InlineData("application/scim+json", true, 2_000_000, 413)] // over MaxPayloadSize (1 MiB), within Kestrel's limit
    [InlineData("text/plain", true, 10_000, 415)]
    [InlineData("application/scim+json", false, 10_000, 401)]
    public async Task BodyTheServerReadsToItsEnd_KeepsTheConnection_AndTheNextRequestOnItIsServed(string contentType, bool authenticated, int length, int status)
    {
        await using var server = await ScimTestServer.StartAsync();
        using var connection = await RawConnection.OpenAsync(server);

        var refused = await connection.SendAsync("POST", "/scim/v2/Users", authenticated ? ScimTestServer.DefaultToken : null, contentType, announced: length, send: length);
        var next = await connection.SendAsync("GET", "/scim/v2/Users", ScimTestServer.DefaultToken, contentType: null, announced: 0, send: 0);

        Assert.Equal(status, refused.Status);
        Assert.Null(refused.Header("Connection"));
        Assert.Equal(200, next.Status);
        Assert.Equal(0, (int)next.Json["totalResults"]!);
    }

    [Fact]
    public async Task ChunkedBodyOverMaxPayloadSize_Is413WithConnectionClose()
    {
        // Its length is unknown: the server cannot tell whether it would read the rest.
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = s => s.ConfigureService(c => c.MaxPayloadSize = 2048));
        using var connection = await RawConnection.OpenAsync(server);

        var response = await connection.SendChunkedAsync("/scim/v2/Users", ScimTestServer.DefaultToken, chunks: 10, chunkSize: 1024);

        Assert.Equal(413, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Contains("maxPayloadSize (2048 bytes)", (string)response.Json["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpClient_WithExpectContinue_SeesThe413_AndItsNextRequestIsServed()
    {
        await using var server = await ScimTestServer.StartAsync();
        var client = server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "Users") { Content = new ByteArrayContent(new byte[KestrelDefaultLimit + 1_000_000]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/scim+json");
        request.Headers.ExpectContinue = true;

        using var message = await client.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var refused = new ScimResponse(message, await message.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Error(refused, HttpStatusCode.RequestEntityTooLarge);
        Assert.True(message.Headers.ConnectionClose);
        List(await client.GetAsync("Users"), totalResults: 0);
    }

    [Fact]
    public async Task MaxPayloadSizeAboveKestrelsLimit_IsTheLimitOnScimEndpoints()
    {
        // ServiceProviderConfig advertises MaxPayloadSize: a lower server-wide limit must not refuse what it promises.
        await using var server = await ScimTestServer.StartAsync(o =>
        {
            o.Kestrel = k => k.Limits.MaxRequestBodySize = 1000;
            o.Scim = s => s.ConfigureService(c => c.MaxPayloadSize = 8192);
        });
        var client = server.Client();

        Resource(await client.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen","displayName":"{{new string('x', 3000)}}"}"""), HttpStatusCode.Created);
        var error = Error(await client.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"other","displayName":"{{new string('x', 9000)}}"}"""), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("maxPayloadSize (8192 bytes)", (string)error["detail"]!, StringComparison.Ordinal);
    }

    /// <summary>One HTTP/1.1 connection over a socket: requests written by hand, responses read by Content-Length.</summary>
    private sealed class RawConnection : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;
        private readonly string _host;
        private byte[] _pending = [];

        private RawConnection(TcpClient tcp, string host)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
            _host = host;
        }

        public static async Task<RawConnection> OpenAsync(ScimTestServer server)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Root.Host, server.Root.Port, TestContext.Current.CancellationToken);
            return new RawConnection(tcp, server.Root.Authority);
        }

        /// <summary>
        /// Sends a request announcing <paramref name="announced"/> bytes of body and sending
        /// <paramref name="send"/> of them, alongside reading the response (the server may answer,
        /// and close, before the body is all sent: a failing write then is expected).
        /// </summary>
        public async Task<RawResponse> SendAsync(string method, string path, string? token, string? contentType, long announced, int send)
        {
            var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {_host}\r\n");
            if (token is not null)
            {
                head.Append("Authorization: Bearer ").Append(token).Append("\r\n");
            }

            if (contentType is not null)
            {
                head.Append("Content-Type: ").Append(contentType).Append("\r\n");
            }

            if (announced > 0)
            {
                head.Append("Content-Length: ").Append(announced).Append("\r\n");
            }

            await _stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), TestContext.Current.CancellationToken);
            var body = WriteIgnoringClosedAsync(async stream =>
            {
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)' ');
                for (var sent = 0; sent < send; sent += chunk.Length)
                {
                    await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, send - sent)));
                }
            });
            var response = await ReadResponseAsync();
            await body;
            return response;
        }

        /// <summary>Sends a chunked POST of <paramref name="chunks"/> chunks of JSON whitespace, without an end.</summary>
        public async Task<RawResponse> SendChunkedAsync(string path, string token, int chunks, int chunkSize)
        {
            var head = $"POST {path} HTTP/1.1\r\nHost: {_host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\n";
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);
            var body = WriteIgnoringClosedAsync(async stream =>
            {
                var chunk = Encoding.ASCII.GetBytes($"{chunkSize:x}\r\n{new string(' ', chunkSize)}\r\n");
                for (var i = 0; i < chunks; i++)
                {
                    await stream.WriteAsync(chunk);
                }
            });
            var response = await ReadResponseAsync();
            await body;
            return response;
        }

        /// <summary>Whether the server has closed the connection: a read ends (or fails) instead of waiting for data.</summary>
        public async Task<bool> IsClosedByServerAsync()
        {
            try
            {
                var buffer = new byte[64 * 1024];
                while (true)
                {
                    var read = await _stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
                    if (read == 0)
                    {
                        return true;
                    }
                }
            }
            catch (IOException)
            {
                return true;
            }
        }

        public void Dispose()
        {
            _stream.Dispose();
            _tcp.Dispose();
        }

        private Task WriteIgnoringClosedAsync(Func<NetworkStream, Task> write) => Task.Run(async () =>
        {
            try
            {
                await write(_stream);
            }
            catch (IOException)
            {
                // The server answered and closed before the body was all sent.
            }
        });

        private async Task<RawResponse> ReadResponseAsync()
        {
            var received = new List<byte>(_pending);
            var buffer = new byte[16 * 1024];
            int headEnd;
            while ((headEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
            {
                var read = await _stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
                Assert.True(read > 0, "the connection closed before a response");
                received.AddRange(buffer.AsSpan(0, read));
            }

            var lines = Encoding.ASCII.GetString([.. received.GetRange(0, headEnd)]).Split("\r\n");
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var length = headers.TryGetValue("Content-Length", out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            while (received.Count < headEnd + 4 + length)
            {
                var read = await _stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
                Assert.True(read > 0, "the connection closed inside a response");
                received.AddRange(buffer.AsSpan(0, read));
            }

            _pending = [.. received.Skip(headEnd + 4 + length)];
            var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            return new RawResponse(status, headers, Encoding.UTF8.GetString([.. received.GetRange(headEnd + 4, length)]));
        }

        private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> value)
        {
            for (var i = 0; i + value.Length <= bytes.Count; i++)
            {
                var match = true;
                for (var j = 0; j < value.Length && match; j++)
                {
                    match = bytes[i + j] == value[j];
                }

                if (match)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    private sealed record RawResponse(int Status, Dictionary<string, string> Headers, string Body)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }
}
