using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Scim.Tests.Receivers;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample's SETs to a real push receiver, with the EF Core store on SQLite: the sample is killed
/// (SIGKILL, the whole process tree) while SCIM changes are in flight and SETs are waiting, started
/// again over the same database, and the receiver ends up with every committed change exactly once
/// after de-duplication by <c>jti</c>, in order per resource.
/// </summary>
public sealed class EventDeliveryProcessTests
{
    internal const string Token = "kill-test-token-6d1f";
    internal const string CreateNotice = "urn:ietf:params:scim:event:prov:create:notice";
    internal const string PatchNotice = "urn:ietf:params:scim:event:prov:patch:notice";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kill9_WhileChangesAreInFlight_ReceiverGetsEveryCommittedChangeOnce_InOrderPerResource()
    {
        await using var receiver = await SetReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(30); // a slow receiver: SETs pile up behind it
        var root = SampleProcess.NewContentRoot();
        string[] options =
        [
            "--contentRoot", root, "--Sample:Token=" + Token, "--Sample:Receivers:audit=" + receiver.Endpoint,
            "--Sample:EventDelivery:LeaseDuration=00:00:02", "--Sample:EventDelivery:RetryDelay=00:00:00.200", "--Sample:EventDelivery:PollInterval=00:00:00.200",
        ];

        // Committed changes, as the client saw them answered: (user id, version after the change, event).
        var committed = new ConcurrentBag<(string Id, string? Version, string Event)>();
        var sample = await SampleProcess.StartAsync(options);
        using (var stop = new CancellationTokenSource())
        {
            var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() => ChangeUntilStoppedAsync(sample.BaseUrl, w, committed, stop.Token), Ct)).ToArray();
            while (committed.Count < 60)
            {
                await Task.Delay(20, Ct);
            }

            Assert.True(receiver.All.Count < committed.Count, "SETs are still waiting when the sample is killed.");
            await sample.DisposeAsync(); // SIGKILL, mid-request
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        await using var again = await SampleProcess.StartAsync(options);
        using var client = Client(again.BaseUrl);
        var users = JsonNode.Parse(await client.GetStringAsync("Users?count=1000&attributes=id", Ct))!["Resources"]!.AsArray().Select(u => (string)u!["id"]!).ToList();

        // Every user that exists was created once; every answered change was sent; nothing twice.
        await receiver.WaitUntilAsync(
            sets =>
            {
                var distinct = sets.DistinctBy(s => s.Jti).ToList();
                return users.All(id => distinct.Any(s => s.SubjectUri == "/Users/" + id && s.EventUris[0] == CreateNotice))
                    && committed.All(c => distinct.Any(s => Matches(s, c)));
            },
            TimeSpan.FromSeconds(60));

        var sets = receiver.Distinct;
        foreach (var change in committed)
        {
            Assert.Single(sets, s => Matches(s, change));
        }

        foreach (var id in users)
        {
            var own = sets.Where(s => s.SubjectUri == "/Users/" + id).ToList();
            Assert.Single(own, s => s.EventUris[0] == CreateNotice);
            Assert.Equal(CreateNotice, own[0].EventUris[0]); // the create came first
            Assert.Equal(own.Count, own.Select(s => (string?)s.Claims["events"]![PatchNotice]?["version"] ?? "create").Distinct().Count());
        }

        Assert.True(receiver.Accepted.Count >= sets.Count);
    }

    [Theory]
    [InlineData("--Sample:Receivers:audit=not-a-url", "Sample:Receivers:audit must be an absolute http(s) URL")]
    [InlineData("--Sample:PollToken=short", "Sample:PollToken must be at least 16 characters")]
    [InlineData("--Sample:EventDelivery:LeaseDuration=soon", "LeaseDuration")]
    [InlineData("--Sample:EventDelivery:NoSuchOption=1", "NoSuchOption")]
    public async Task BadEventOption_StopsTheSampleWithTheReason(string option, string reason)
    {
        var (exitCode, output) = await SampleProcess.RunToExitAsync("--Sample:Store=memory", option);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(reason, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollToken_SetsArePolledAndVerify_WithAKeyKeptAcrossRestarts()
    {
        const string PollToken = "sample-poll-token-0b7e41";
        var root = SampleProcess.NewContentRoot();
        string[] options = ["--contentRoot", root, "--Sample:Token=" + Token, "--Sample:PollToken=" + PollToken, "--Sample:Issuer=https://scim.example.com"];
        string firstKeys;
        await using (var first = await SampleProcess.StartAsync(options))
        {
            using var client = Client(first.BaseUrl);
            using var created = await client.PostAsync("Users", new StringContent("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"polled@example.com"}""", Encoding.UTF8, "application/scim+json"), Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!;
            firstKeys = await client.GetStringAsync(new Uri(first.Root + "/.well-known/scim-events/jwks.json"), Ct);

            using var poll = new HttpRequestMessage(HttpMethod.Post, first.Root + "/scim/events/poll") { Content = new StringContent("""{"maxEvents":10}""", Encoding.UTF8, "application/json") };
            poll.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PollToken);
            using var polled = await client.SendAsync(poll, Ct);
            var sets = JsonNode.Parse(await polled.Content.ReadAsStringAsync(Ct))!["sets"]!.AsObject();
            var (jti, token) = Assert.Single(sets);
            var validation = await SetReceiver.ValidateAsync((string)token!, firstKeys, "https://scim.example.com", "scim-sample-poll");
            Assert.True(validation.IsValid, validation.Exception?.Message);
            Assert.Equal(jti, validation.Claims["jti"]);
            var claims = JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(((string)token!).Split('.')[1]))!;
            Assert.Equal("/Users/" + id, (string?)claims["sub_id"]!["uri"]);
        }

        await using var second = await SampleProcess.StartAsync(options);
        using var again = Client(second.BaseUrl);
        Assert.Equal(firstKeys, await again.GetStringAsync(new Uri(second.Root + "/.well-known/scim-events/jwks.json"), Ct));
        Assert.True(File.Exists(Path.Combine(root, "scim-sample-signing-key.pem")));
    }

    internal static bool Matches(ReceivedSet set, (string Id, string? Version, string Event) change) =>
        set.SubjectUri == "/Users/" + change.Id
        && set.EventUris[0] == change.Event
        && (change.Version is null || (string?)set.Claims["events"]![change.Event]!["version"] == change.Version);

    /// <summary>Creates users and patches them until stopped or the sample is gone; records what was answered.</summary>
    internal static async Task ChangeUntilStoppedAsync(string baseUrl, int worker, ConcurrentBag<(string, string?, string)> committed, CancellationToken stop)
    {
        using var client = Client(baseUrl);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                using var created = await client.PostAsync(
                    "Users",
                    new StringContent($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"w{{worker}}-{{i}}@example.com"}""", Encoding.UTF8, "application/scim+json"),
                    CancellationToken.None);
                if (created.StatusCode != HttpStatusCode.Created)
                {
                    continue;
                }

                var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync(CancellationToken.None))!["id"]!;
                committed.Add((id, null, CreateNotice));
                using var patch = new HttpRequestMessage(HttpMethod.Patch, "Users/" + id)
                {
                    Content = new StringContent("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Engineer"}]}""", Encoding.UTF8, "application/scim+json"),
                };
                using var patched = await client.SendAsync(patch, CancellationToken.None);
                if (patched.StatusCode == HttpStatusCode.OK)
                {
                    var version = (string?)JsonNode.Parse(await patched.Content.ReadAsStringAsync(CancellationToken.None))!["meta"]!["version"];
                    committed.Add((id, version, PatchNotice));
                }
            }
            catch (HttpRequestException)
            {
                return; // the sample was killed
            }
            catch (TaskCanceledException)
            {
                return;
            }
        }
    }

    internal static HttpClient Client(string baseUrl)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }
}
