using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Scim.Sample.Tests;

/// <summary>
/// Starts the real sample the way the README and outside checks do
/// (<c>dotnet run --project samples/Scim.Sample</c>, with <c>--urls</c> and <c>--Sample:*</c>
/// options), reads the base URL and token it prints, and talks SCIM to it over real HTTP.
/// </summary>
public sealed partial class SampleProcessTests
{
    [Fact]
    public async Task DotnetRun_GeneratedToken_PrintsUrlAndTokenAndServesDiscovery()
    {
        await using var sample = await SampleProcess.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(sample.BaseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sample.Token);

        var response = await client.GetAsync("ResourceTypes", TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (int)body["totalResults"]!);
        Assert.True(sample.Token.Length >= 32, "a generated token is long enough to be a secret");
        Assert.Equal("auto", sample.PatchResponse);
    }

    [Fact]
    public async Task DotnetRun_FixedTokenAndPatch204_UsesThem()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:Token=fixed-token-123", "--Sample:PatchResponse=204");
        using var client = new HttpClient { BaseAddress = new Uri(sample.BaseUrl + "/") };

        Assert.Equal("fixed-token-123", sample.Token);
        Assert.Equal("204", sample.PatchResponse);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("Schemas", TestContext.Current.CancellationToken)).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "fixed-token-123");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("ServiceProviderConfig", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task DotnetRun_InvalidPatchResponse_ExitsWithMessage()
    {
        var (exitCode, output) = await SampleProcess.RunToExitAsync("--Sample:PatchResponse=201");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Sample:PatchResponse must be 200 or 204", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetRun_GeneratedToken_ServesAProvisioningSequence()
    {
        await using var sample = await SampleProcess.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(sample.BaseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sample.Token);

        var (created, user) = await SendAsync(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com","active":true}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var userId = (string)user!["id"]!;
        Assert.Equal($"{sample.BaseUrl}/Users/{userId}", created.Headers.Location?.AbsoluteUri);
        Assert.Equal((string?)user["meta"]!["version"], created.Headers.ETag?.ToString());

        var (filtered, list) = await SendAsync(client, HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString("userName eq \"bjensen@example.com\""), null);
        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
        Assert.Equal(1, (int)list!["totalResults"]!);
        Assert.Equal(userId, (string?)list["Resources"]![0]!["id"]);

        var (patched, deactivated) = await SendAsync(client, HttpMethod.Patch, "Users/" + userId, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.False((bool)deactivated!["active"]!);

        var (groupCreated, group) = await SendAsync(client, HttpMethod.Post, "Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides","members":[{"value":"{{userId}}"}]}""");
        Assert.Equal(HttpStatusCode.Created, groupCreated.StatusCode);
        var groupId = (string)group!["id"]!;
        Assert.Equal(userId, (string?)group["members"]![0]!["value"]);

        var (deleted, _) = await SendAsync(client, HttpMethod.Delete, "Users/" + userId, null);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var (gone, error) = await SendAsync(client, HttpMethod.Get, "Users/" + userId, null);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("404", (string?)error!["status"]);

        var (groupRead, groupAfter) = await SendAsync(client, HttpMethod.Get, "Groups/" + groupId, null);
        Assert.Equal(HttpStatusCode.OK, groupRead.StatusCode);
        Assert.Empty(groupAfter!["members"] as JsonArray ?? []);
        Assert.Equal("Tour Guides", (string?)groupAfter["displayName"]);
    }

    [Fact]
    public async Task DotnetRun_PatchResponse204_PatchAnswers204WithETag()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:PatchResponse=204");
        using var client = new HttpClient { BaseAddress = new Uri(sample.BaseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sample.Token);
        var (_, user) = await SendAsync(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""");
        var userId = (string)user!["id"]!;

        var (patched, body) = await SendAsync(client, HttpMethod.Patch, "Users/" + userId, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""");

        Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        Assert.Null(body);
        var (read, now) = await SendAsync(client, HttpMethod.Get, "Users/" + userId, null);
        Assert.False((bool)now!["active"]!);
        Assert.Equal(read.Headers.ETag?.ToString(), patched.Headers.ETag?.ToString());
        Assert.NotEqual((string?)user["meta"]!["version"], patched.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task DotnetRun_TenantToken_ServesTheTenantRouteOnly()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:Tenants:acme=acme-token-0f3b9c");
        var root = sample.BaseUrl[..^"/scim/v2".Length];
        using var acme = new HttpClient { BaseAddress = new Uri(root + "/tenants/acme/scim/v2/") };
        acme.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "acme-token-0f3b9c");
        using var single = new HttpClient { BaseAddress = new Uri(sample.BaseUrl + "/") };
        single.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sample.Token);

        var (created, user) = await SendAsync(acme, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"{root}/tenants/acme/scim/v2/Users/{user!["id"]}", (string?)user["meta"]!["location"]);

        // The same userName in the default tenant is another user; each tenant lists only its own.
        var (createdDefault, _) = await SendAsync(single, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}""");
        Assert.Equal(HttpStatusCode.Created, createdDefault.StatusCode);
        var (_, acmeList) = await SendAsync(acme, HttpMethod.Get, "Users", null);
        Assert.Equal(1, (int)acmeList!["totalResults"]!);
        Assert.Equal((string?)user["id"], (string?)acmeList["Resources"]![0]!["id"]);

        // The default token is not valid on acme's route, nor acme's on another tenant's.
        using var wrong = new HttpClient { BaseAddress = new Uri(root + "/tenants/acme/scim/v2/") };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sample.Token);
        var (denied, error) = await SendAsync(wrong, HttpMethod.Get, "Users", null);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("401", (string?)error!["status"]);
        using var other = new HttpClient { BaseAddress = new Uri(root + "/tenants/other/scim/v2/") };
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "acme-token-0f3b9c");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(other, HttpMethod.Get, "Users", null)).Response.StatusCode);
    }

    private static async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/scim+json");
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (text.Length > 0)
        {
            Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        }

        return (response, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [GeneratedRegex(@"SCIM base URL: (?<url>\S+)")]
    private static partial Regex BaseUrlLine();

    [GeneratedRegex(@"Bearer token: (?<token>\S+)")]
    private static partial Regex TokenLine();

    [GeneratedRegex(@"PATCH responses: (?<status>\S+)")]
    private static partial Regex PatchLine();

    /// <summary>One running sample process, stopped (with its children) on dispose.</summary>
    private sealed class SampleProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private SampleProcess(Process process, string baseUrl, string token, string patchResponse)
        {
            _process = process;
            BaseUrl = baseUrl;
            Token = token;
            PatchResponse = patchResponse;
        }

        public string BaseUrl { get; }

        public string Token { get; }

        public string PatchResponse { get; }

        public static async Task<SampleProcess> StartAsync(params string[] options)
        {
            var process = Start(["--urls", "http://127.0.0.1:0", .. options]);
            string? baseUrl = null, token = null, patch = null;
            var output = new System.Text.StringBuilder();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (patch is null)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    throw new InvalidOperationException("The sample exited before it was ready:\n" + output + await process.StandardError.ReadToEndAsync(timeout.Token));
                }

                output.AppendLine(line);
                baseUrl ??= BaseUrlLine().Match(line) is { Success: true } m1 ? m1.Groups["url"].Value : null;
                token ??= TokenLine().Match(line) is { Success: true } m2 ? m2.Groups["token"].Value : null;
                patch ??= PatchLine().Match(line) is { Success: true } m3 ? m3.Groups["status"].Value : null;
            }

            Assert.NotNull(baseUrl);
            Assert.NotNull(token);
            return new SampleProcess(process, baseUrl, token, patch);
        }

        public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] options)
        {
            using var process = Start(["--urls", "http://127.0.0.1:0", .. options]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private static Process Start(string[] options)
        {
            var root = FindRoot();
#if DEBUG
            const string Configuration = "Debug";
#else
            const string Configuration = "Release";
#endif
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in (string[])["run", "--project", "samples/Scim.Sample", "--no-build", "-c", Configuration, "--", .. options])
            {
                start.ArgumentList.Add(argument);
            }

            return Process.Start(start)!;
        }

        private static string FindRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Scim.Core.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("Scim.Core.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
