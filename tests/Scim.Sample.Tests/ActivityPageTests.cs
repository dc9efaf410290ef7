using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Scim.Sample.Tests.SampleProcessTests;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample's activity page (<c>/activity</c>), opened in a real headless Chromium through
/// Playwright while SCIM changes are made over HTTP to the real sample process. Playwright does
/// not download a browser here: it drives the system's Chromium (<c>chromium</c> or
/// <c>chromium-browser</c> on the PATH, or <c>SCIM_TEST_CHROMIUM</c>). Without one the browser
/// tests are skipped, unless <c>CI</c> is set, where they fail.
/// </summary>
public sealed class ActivityPageTests
{
    private const string NewUser = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{0}","active":true}""";

    private const string Deactivate = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""";

    /// <summary>The claim "shown within a second": each wait starts when the HTTP response is in.</summary>
    private static readonly LocatorAssertionsToBeVisibleOptions WithinASecond = new() { Timeout = 1000 };

    [Fact]
    public async Task ActivityPage_MemoryStore_ShowsEachChangeWithinASecondInOrder()
    {
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var sample = await SampleProcess.StartAsync("--Sample:Store=memory");
        var page = await browser.OpenAsync(sample.ActivityUrl);
        await WatchAsync(page, sample.Token, "Live: every tenant");
        using var client = Client(sample);

        var (created, user) = await TimedSendAsync(client, HttpMethod.Post, "Users", NewUser.Replace("{0}", "bjensen@example.com", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var userId = (string)user!["id"]!;
        var createdRow = Row(page, "User", userId, "Created");
        await Expect(createdRow).ToBeVisibleAsync(WithinASecond);
        await Expect(createdRow.Locator("td.tenant")).ToHaveTextAsync("default");
        await Expect(createdRow.Locator("td.actor")).ToHaveTextAsync("sample");
        await Expect(createdRow.Locator("td.resource code.id")).ToHaveTextAsync(userId);

        var (patched, _) = await TimedSendAsync(client, HttpMethod.Patch, "Users/" + userId, Deactivate);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var deactivatedRow = Row(page, "User", userId, "Deactivated");
        await Expect(deactivatedRow).ToBeVisibleAsync(WithinASecond);
        await Expect(deactivatedRow.Locator("[data-detail='changedPaths'] code")).ToHaveTextAsync(["active"]);
        await Expect(deactivatedRow.Locator(".change[data-path='active'] .before")).ToHaveTextAsync("true");
        await Expect(deactivatedRow.Locator(".change[data-path='active'] .after")).ToHaveTextAsync("false");
        await Expect(deactivatedRow.Locator(".change[data-path='active']")).ToHaveTextAsync("active true → false");

        var (groupCreated, group) = await TimedSendAsync(client, HttpMethod.Post, "Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides"}""");
        Assert.Equal(HttpStatusCode.Created, groupCreated.StatusCode);
        var groupId = (string)group!["id"]!;
        await Expect(Row(page, "Group", groupId, "Created")).ToBeVisibleAsync(WithinASecond);

        var addMember = $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{userId}}"}]}]}""";
        var (memberAdded, _) = await TimedSendAsync(client, HttpMethod.Patch, "Groups/" + groupId, addMember);
        Assert.True(memberAdded.IsSuccessStatusCode, $"adding the member answered {memberAdded.StatusCode}");
        var addedRow = Row(page, "Group", groupId, "MembersAdded");
        await Expect(addedRow).ToBeVisibleAsync(WithinASecond);
        await Expect(addedRow.Locator($"[data-detail='addedMemberIds'] code[data-member-id='{userId}']")).ToBeVisibleAsync();

        var (deleted, _) = await TimedSendAsync(client, HttpMethod.Delete, "Users/" + userId, null);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Expect(Row(page, "User", userId, "Deleted")).ToBeVisibleAsync(WithinASecond);

        // Deleting the user also took it out of the group: that change is shown as well.
        var removedRow = Row(page, "Group", groupId, "MembersRemoved");
        await Expect(removedRow).ToBeVisibleAsync(WithinASecond);
        await Expect(removedRow.Locator($"[data-detail='removedMemberIds'] code[data-member-id='{userId}']")).ToBeVisibleAsync();

        // Newest at the top: read bottom-up, the rows are the changes in the order they were made.
        var rows = await page.Locator("#events tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.resourceType + ' ' + r.dataset.kind)");
        Assert.Equal(6, rows.Length);
        Assert.Equal(["User Created", "User Deactivated", "Group Created", "Group MembersAdded"], Enumerable.Reverse(rows).Take(4));
        Assert.Equal(["Group MembersRemoved", "User Deleted"], rows.Take(2).Order(StringComparer.Ordinal));
        await Expect(page.Locator("#counts")).ToHaveTextAsync("6 of 6 shown");
    }

    [Fact]
    public async Task ActivityPage_SqliteStore_ShowsHistoryFiltersRowsAndScopesTenantTokens()
    {
        const string AcmeToken = "acme-token-7d1e52";
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var sample = await SampleProcess.StartAsync("--Sample:Tenants:acme=" + AcmeToken);
        Assert.StartsWith("sqlite (", sample.Store, StringComparison.Ordinal);
        using var client = Client(sample);
        using var acme = new HttpClient { BaseAddress = new Uri(sample.Root + "/tenants/acme/scim/v2/") };
        acme.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AcmeToken);

        // Changes made before any page is open: a page that opens late sees them from the history.
        var (_, early) = await SendAsync(client, HttpMethod.Post, "Users", NewUser.Replace("{0}", "early", StringComparison.Ordinal));
        var earlyId = (string)early!["id"]!;
        var (deactivated, _) = await SendAsync(client, HttpMethod.Patch, "Users/" + earlyId, Deactivate);
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        var (acmeCreated, acmeUser) = await SendAsync(acme, HttpMethod.Post, "Users", NewUser.Replace("{0}", "early", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, acmeCreated.StatusCode);
        var acmeId = (string)acmeUser!["id"]!;

        var page = await browser.OpenAsync(sample.ActivityUrl);
        await WatchAsync(page, sample.Token, "Live: every tenant");
        var earlyCreated = Row(page, "User", earlyId, "Created");
        var earlyDeactivated = Row(page, "User", earlyId, "Deactivated");
        var acmeRow = Row(page, "User", acmeId, "Created");
        await Expect(earlyCreated).ToBeVisibleAsync();
        await Expect(earlyDeactivated).ToBeVisibleAsync();
        await Expect(acmeRow).ToBeVisibleAsync();
        await Expect(acmeRow.Locator("td.tenant")).ToHaveTextAsync("acme");
        await Expect(acmeRow.Locator("td.actor")).ToHaveTextAsync("acme-client");

        // The kind filter hides rows of other kinds.
        await page.SelectOptionAsync("#filter-kind", "Deactivated");
        await Expect(earlyDeactivated).ToBeVisibleAsync();
        await Expect(earlyCreated).ToBeHiddenAsync();
        await Expect(acmeRow).ToBeHiddenAsync();
        await Expect(page.Locator("#counts")).ToHaveTextAsync("1 of 3 shown");

        // The tenant filter hides the other tenants' rows, including rows that arrive later.
        await page.SelectOptionAsync("#filter-kind", "");
        await page.SelectOptionAsync("#filter-tenant", "acme");
        await Expect(acmeRow).ToBeVisibleAsync();
        await Expect(earlyCreated).ToBeHiddenAsync();
        await Expect(earlyDeactivated).ToBeHiddenAsync();
        var (_, late) = await SendAsync(client, HttpMethod.Post, "Users", NewUser.Replace("{0}", "late", StringComparison.Ordinal));
        var lateRow = Row(page, "User", (string)late!["id"]!, "Created");
        await Expect(lateRow).ToBeAttachedAsync(new() { Timeout = 1000 });
        await Expect(lateRow).ToBeHiddenAsync();
        await page.SelectOptionAsync("#filter-tenant", "");
        await Expect(lateRow).ToBeVisibleAsync();

        // A reload keeps the token for this tab (sessionStorage) and shows the history again.
        await page.ReloadAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Live: every tenant");
        await Expect(lateRow).ToBeVisibleAsync();
        await Expect(page.Locator("#events tr")).ToHaveCountAsync(4);

        // A tenant's token sees that tenant only. The stream is in order: once acme's later change
        // is shown, a default-tenant change made before it would have been shown too.
        var acmePage = await browser.OpenAsync(sample.ActivityUrl);
        await WatchAsync(acmePage, AcmeToken, "Live: tenant acme");
        var (_, defaultUser) = await SendAsync(client, HttpMethod.Post, "Users", NewUser.Replace("{0}", "hidden", StringComparison.Ordinal));
        var (acmeDeactivated, _) = await SendAsync(acme, HttpMethod.Patch, "Users/" + acmeId, Deactivate);
        Assert.Equal(HttpStatusCode.OK, acmeDeactivated.StatusCode);
        await Expect(Row(acmePage, "User", acmeId, "Deactivated")).ToBeVisibleAsync(WithinASecond);
        await Expect(Row(acmePage, "User", acmeId, "Created")).ToBeVisibleAsync();
        await Expect(acmePage.Locator("#events tr[data-tenant='default']")).ToHaveCountAsync(0);
        await Expect(acmePage.Locator("#events tr")).ToHaveCountAsync(2);
        await Expect(Row(page, "User", (string)defaultUser!["id"]!, "Created")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ActivityPage_WrongToken_SaysSoAndShowsNothing()
    {
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var sample = await SampleProcess.StartAsync("--Sample:Store=memory");
        using var client = Client(sample);
        var (created, _) = await SendAsync(client, HttpMethod.Post, "Users", NewUser.Replace("{0}", "secret", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var page = await browser.OpenAsync(sample.ActivityUrl);
        await page.FillAsync("#token", "not-" + sample.Token);
        await page.ClickAsync("#connect");

        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "unauthorized");
        await Expect(page.Locator("#events tr")).ToHaveCountAsync(0);
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('scim-activity-token')"));
    }

    [Fact]
    public async Task ActivityStream_NoOrWrongToken_Is401_TenantTokenStreams()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:Store=memory", "--Sample:Tenants:acme=acme-token-19af");
        using var http = new HttpClient { BaseAddress = new Uri(sample.Root) };

        using var anonymous = await http.GetAsync("/activity/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OpenStreamAsync(http, "wrong-token")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OpenStreamAsync(http, sample.Token + "x")).StatusCode);

        using var tenant = await OpenStreamAsync(http, "acme-token-19af");
        Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);
        Assert.Equal("text/event-stream", tenant.Content.Headers.ContentType?.MediaType);

        // The page itself holds no data and needs no token; it may run only its own inline code.
        using var pageResponse = await http.GetAsync("/activity", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, pageResponse.StatusCode);
        Assert.Equal("text/html", pageResponse.Content.Headers.ContentType?.MediaType);
        var policy = pageResponse.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'nonce-", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActivityStream_LastEventId_ResumesAfterIt()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:Store=memory");
        using var client = Client(sample);
        var (_, first) = await SendAsync(client, HttpMethod.Post, "Users", NewUser.Replace("{0}", "first", StringComparison.Ordinal));
        var (_, second) = await SendAsync(client, HttpMethod.Post, "Users", NewUser.Replace("{0}", "second", StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = new Uri(sample.Root) };

        var all = await ReadChangesAsync(http, sample.Token, null, count: 2);
        Assert.Equal([(string)first!["id"]!, (string)second!["id"]!], all.Select(c => c.ResourceId));

        var resumed = await ReadChangesAsync(http, sample.Token, all[0].EventId, count: 1);
        Assert.Equal(all[1], Assert.Single(resumed));
    }

    private static ILocator Row(IPage page, string resourceType, string resourceId, string kind) =>
        page.Locator($"#events tr[data-resource-type='{resourceType}'][data-resource-id='{resourceId}'][data-kind='{kind}']");

    /// <summary>Enters the token and waits until the stream is open.</summary>
    private static async Task WatchAsync(IPage page, string token, string status)
    {
        await page.FillAsync("#token", token);
        await page.ClickAsync("#connect");
        await Expect(page.Locator("#status")).ToHaveTextAsync(status);
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "live");
    }

    /// <summary>Sends a SCIM request and notes in the test output how long it took.</summary>
    private static async Task<(HttpResponseMessage Response, System.Text.Json.Nodes.JsonNode? Body)> TimedSendAsync(HttpClient client, HttpMethod method, string path, string? body)
    {
        var clock = Stopwatch.StartNew();
        var answer = await SendAsync(client, method, path, body);
        TestContext.Current.TestOutputHelper?.WriteLine($"{method} {path}: {(int)answer.Response.StatusCode} in {clock.ElapsedMilliseconds} ms");
        return answer;
    }

    private static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient http, string token, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/activity/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    /// <summary>Reads the stream's first <paramref name="count"/> change events (id and resource id).</summary>
    private static async Task<List<(string EventId, string ResourceId)>> ReadChangesAsync(HttpClient http, string token, string? lastEventId, int count)
    {
        using var response = await OpenStreamAsync(http, token, lastEventId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var changes = new List<(string, string)>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
        {
            if (item.EventType == "change")
            {
                var change = System.Text.Json.Nodes.JsonNode.Parse(item.Data)!;
                Assert.Equal(item.EventId, (string?)change["eventId"]);
                changes.Add((item.EventId!, (string)change["resourceId"]!));
                if (changes.Count == count)
                {
                    break;
                }
            }
        }

        return changes;
    }

    /// <summary>Playwright driving the system's Chromium, headless; the driver comes with the NuGet package.</summary>
    private sealed class HeadlessChromium : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;

        private HeadlessChromium(IPlaywright playwright, IBrowser browser)
        {
            _playwright = playwright;
            _browser = browser;
        }

        public static async Task<HeadlessChromium> LaunchAsync()
        {
            var executable = FindChromium();
            var playwright = await Playwright.CreateAsync();
            try
            {
                var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true });
                return new HeadlessChromium(playwright, browser);
            }
            catch
            {
                playwright.Dispose();
                throw;
            }
        }

        /// <summary>Opens the address in a new context (its own sessionStorage), with the page's console in the test output.</summary>
        public async Task<IPage> OpenAsync(string url)
        {
            var context = await _browser.NewContextAsync();
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(10_000);
            page.Console += (_, message) => TestContext.Current.TestOutputHelper?.WriteLine($"page console ({message.Type}): {message.Text}");
            page.PageError += (_, error) => TestContext.Current.TestOutputHelper?.WriteLine($"page error: {error}");
            var response = await page.GotoAsync(url);
            Assert.Equal(200, response?.Status);
            return page;
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }

        /// <summary>SCIM_TEST_CHROMIUM, else chromium or chromium-browser on the PATH.</summary>
        private static string FindChromium()
        {
            var configured = Environment.GetEnvironmentVariable("SCIM_TEST_CHROMIUM");
            if (!string.IsNullOrWhiteSpace(configured))
            {
                Assert.True(File.Exists(configured), $"SCIM_TEST_CHROMIUM is {configured}, which does not exist.");
                return configured;
            }

            var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
            foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                foreach (var name in (string[])["chromium", "chromium-browser"])
                {
                    var candidate = Path.Combine(directory, name);
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }

            Assert.False(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")), "No Chromium found (chromium or chromium-browser on the PATH, or SCIM_TEST_CHROMIUM): CI must run the activity page's browser tests.");
            throw Xunit.Sdk.SkipException.ForSkip("No Chromium found: install chromium, or set SCIM_TEST_CHROMIUM to a Chromium executable.");
        }
    }
}
