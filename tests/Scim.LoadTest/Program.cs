// The HTTP load test (not a CI gate). It starts the sample (Release build, PATCH answering 204) and
// a bare ASP.NET Core app serving a static 1 KB JSON document, seeds the sample with 10,000 users
// and 100 groups (one of 5,000 members, one of 10), then drives each scenario with 2 connections
// in one-second slices alternating with the bare endpoint, and prints requests per second beside
// the bare endpoint's and the median ratio of the slices.
//
//   dotnet build -c Release samples/Scim.Sample && dotnet run -c Release --project tests/Scim.LoadTest [-- seconds [scenario]]
//
// With a scenario text, only the scenarios whose name contains it run (e.g. `-- 60 "GET /Users/{id}"`
// to profile one). `-- --write-rate ...` measures writes per second against samples already
// running (WriteRate.cs). `-- --serve-floor ...` serves the least a server over the sample's
// database must do for a GET by id and a lookup, for comparison (DatabaseFloor.cs).
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

if (args.Length > 0 && args[0] == "--write-rate")
{
    return await WriteRate.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--serve-floor")
{
    return DatabaseFloor.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "--serve-bare")
{
    // The reference endpoint: the cheapest JSON answer ASP.NET Core gives on this machine.
    var bare = WebApplication.CreateSlimBuilder(args[1..]).Build();
    var document = Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
        ["id"] = Guid.NewGuid().ToString(),
        ["userName"] = "bare@example.com",
        ["padding"] = new string('x', 880),
    }.ToJsonString());
    bare.MapGet("/bare", () => Results.Bytes(document, "application/json"));

    // For scale only: a static document the size of the sample's page of 100 users, so the cost
    // of moving that many bytes through HTTP on this machine is visible beside the page's figure.
    var page = Encoding.UTF8.GetBytes(new JsonObject { ["padding"] = new string('x', 96 * 1024) }.ToJsonString());
    bare.MapGet("/bare-page", () => Results.Bytes(page, "application/json"));
    bare.Run();
    return 0;
}

var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 10;
var only = args.Length > 1 ? args[1] : null; // run only the scenarios whose name contains this text
var root = FindRoot();
const string Token = "load-test-token-0123456789";
const string SampleUrl = "http://127.0.0.1:5301";
const string BareUrl = "http://127.0.0.1:5302";

using var sample = Start("dotnet", $"run --no-build -c Release --project {Path.Combine(root, "samples", "Scim.Sample")} -- --urls {SampleUrl} --Sample:Token={Token} --Sample:PatchResponse=204 --Logging:LogLevel:Default=Warning");
using var bareServer = Start("dotnet", $"{typeof(Program).Assembly.Location} --serve-bare --urls {BareUrl} --Logging:LogLevel:Default=Warning");
try
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) });
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    await WaitUntilUp(http, $"{SampleUrl}/scim/v2/ServiceProviderConfig");
    await WaitUntilUp(http, $"{BareUrl}/bare");

    Console.WriteLine("Seeding 10,000 users and 100 groups (one of 5,000 members, one of 10)...");
    var userIds = await SeedUsers(http, 10_000);
    var bigGroup = await CreateGroup(http, "big", userIds.Take(5_000));
    var smallGroup = await CreateGroup(http, "small", userIds.Take(10));
    for (var i = 0; i < 98; i++)
    {
        await CreateGroup(http, $"group{i}", userIds.Skip(i * 50).Take(20));
    }

    string[] extras = [userIds[^1], userIds[^2]]; // one per worker, in none of the groups
    var results = new List<(string Name, double Rps, double Bare, double Median, double Low, double High, long Errors)>();
    var bareRequest = (int _) => new HttpRequestMessage(HttpMethod.Get, $"{BareUrl}/bare");

    // This machine's speed drifts by tens of percent over minutes, so a scenario compared with a
    // bare figure taken at another time mostly measures the drift. Each scenario is therefore
    // measured in one-second slices alternating with the bare endpoint (after two seconds of each
    // unmeasured, so code runs at its final compilation tier and the connections are open); the
    // figure is the median of the slices' ratios, with the rates over all slices beside it.
    async Task Run(string name, Func<int, HttpRequestMessage> request)
    {
        if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        await Drive(http, bareRequest, TimeSpan.FromSeconds(2));
        await Drive(http, request, TimeSpan.FromSeconds(2));
        var ratios = new List<double>();
        double bareTotal = 0, total = 0;
        long errors = 0;
        for (var slice = 0; slice < seconds; slice++)
        {
            var (bare, _) = await Drive(http, bareRequest, TimeSpan.FromSeconds(1));
            var (rps, sliceErrors) = await Drive(http, request, TimeSpan.FromSeconds(1));
            ratios.Add(rps / bare);
            bareTotal += bare;
            total += rps;
            errors += sliceErrors;
        }

        ratios.Sort();
        var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
        results.Add((name, total / seconds, bareTotal / seconds, median, ratios[0], ratios[^1], errors));
        Console.WriteLine($"{name,-60} {total / seconds,10:N0} req/s  (bare: {bareTotal / seconds:N0})  median {median:P0} [{ratios[0]:P0}-{ratios[^1]:P0}]  errors {errors}");
    }

    var random = new Random(42);
    await Run("GET /Users/{id}", _ => new HttpRequestMessage(HttpMethod.Get, $"{SampleUrl}/scim/v2/Users/{userIds[random.Next(userIds.Count)]}"));
    await Run("GET /Users?filter=userName eq", _ => new HttpRequestMessage(HttpMethod.Get, $"{SampleUrl}/scim/v2/Users?filter=" + Uri.EscapeDataString($"userName eq \"user{random.Next(10_000)}@example.com\"")));
    await Run("bare endpoint, static 96 KB JSON (for scale: a page's size)", _ => new HttpRequestMessage(HttpMethod.Get, $"{BareUrl}/bare-page"));
    await Run("GET /Users page of 100", _ => new HttpRequestMessage(HttpMethod.Get, $"{SampleUrl}/scim/v2/Users?startIndex={1 + random.Next(9_900)}&count=100"));
    var created = 0;
    await Run("POST /Users", _ => Json(HttpMethod.Post, $"{SampleUrl}/scim/v2/Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new{{Interlocked.Increment(ref created)}}@example.com","name":{"givenName":"New","familyName":"User"},"emails":[{"value":"new@example.com","type":"work"}],"active":true}"""));
    await Run("PATCH add/remove member, group of 5,000 (204)", n => MemberPatch(bigGroup, extras, n));
    await Run("PATCH add/remove member, group of 10 (204)", n => MemberPatch(smallGroup, extras, n));

    Console.WriteLine();
    Console.WriteLine($"| scenario (2 connections, {seconds} one-second slices each) | req/s | bare endpoint, static 1 KB JSON, in the slices between | of bare (median of slices) | slices' range | errors |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    foreach (var (name, rps, bare, median, low, high, errors) in results)
    {
        Console.WriteLine($"| {name} | {rps:N0} | {bare:N0} | {median:P0} | {low:P0}–{high:P0} | {errors} |");
    }

    return 0;
}
finally
{
    Stop(sample);
    Stop(bareServer);
}

// Drive numbers worker w's k-th request 2k + w: each worker adds its own member, then removes it.
HttpRequestMessage MemberPatch(string groupId, string[] memberIds, int n)
{
    var memberId = memberIds[n % 2];
    var body = n / 2 % 2 == 0
        ? $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{memberId}}"}]}]}"""
        : $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"{{memberId}}\"]"}]}""";
    return Json(HttpMethod.Patch, $"{SampleUrl}/scim/v2/Groups/{groupId}", body);
}

static HttpRequestMessage Json(HttpMethod method, string url, string body) =>
    new(method, url) { Content = new StringContent(body, Encoding.UTF8, "application/scim+json") };

static async Task<(double Rps, long Errors)> Drive(HttpClient http, Func<int, HttpRequestMessage> request, TimeSpan duration)
{
    long done = 0;
    long errors = 0;
    var gate = new object();
    var stopwatch = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
    {
        // Each worker runs its own sequence, so a member add is always followed by its remove.
        var n = 0;
        var buffer = new byte[64 * 1024];
        while (stopwatch.Elapsed < duration)
        {
            HttpRequestMessage message;
            lock (gate)
            {
                message = request(worker == 0 ? n * 2 : (n * 2) + 1);
            }

            using (message)
            using (var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead))
            {
                // Read the body and drop it, as a load generator does: copying it into a new array
                // per response would cost this process (on the same cores) more for larger bodies.
                await using var body = await response.Content.ReadAsStreamAsync();
                while (await body.ReadAsync(buffer) > 0)
                {
                }

                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }

            n++;
            Interlocked.Increment(ref done);
        }
    })).ToArray();
    await Task.WhenAll(workers);
    return (done / stopwatch.Elapsed.TotalSeconds, errors);
}

static async Task<List<string>> SeedUsers(HttpClient http, int count)
{
    var ids = new List<string>(count);
    for (var start = 0; start < count; start += 1000)
    {
        var operations = string.Join(",", Enumerable.Range(start, Math.Min(1000, count - start)).Select(i =>
            new JsonObject
            {
                ["method"] = "POST",
                ["path"] = "/Users",
                ["bulkId"] = $"u{i}",
                ["data"] = new JsonObject
                {
                    ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
                    ["userName"] = $"user{i}@example.com",
                    ["externalId"] = $"ext-{i}",
                    ["displayName"] = $"User {i}",
                    ["name"] = new JsonObject { ["givenName"] = $"Given{i}", ["familyName"] = $"Family{i}" },
                    ["emails"] = new JsonArray(new JsonObject { ["value"] = $"user{i}@example.com", ["type"] = "work", ["primary"] = true }),
                    ["active"] = true,
                    ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["employeeNumber"] = $"{i}", ["department"] = $"Dept {i % 50}" },
                },
            }.ToJsonString()));
        using var response = await http.SendAsync(Json(HttpMethod.Post, $"{SampleUrl}/scim/v2/Bulk", $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{operations}}]}"""));
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        foreach (var result in body["Operations"]!.AsArray())
        {
            if ((string?)result!["status"] != "201")
            {
                throw new InvalidOperationException("Seeding failed: " + result.ToJsonString());
            }

            ids.Add(((string)result["location"]!).Split('/')[^1]);
        }
    }

    return ids;
}

static async Task<string> CreateGroup(HttpClient http, string name, IEnumerable<string> members)
{
    var list = string.Join(",", members.Select(id => $$"""{"value":"{{id}}"}"""));
    using var response = await http.SendAsync(Json(HttpMethod.Post, $"{SampleUrl}/scim/v2/Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"{{name}}","members":[{{list}}]}"""));
    response.EnsureSuccessStatusCode();
    return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
}

static async Task WaitUntilUp(HttpClient http, string url)
{
    for (var attempt = 0; attempt < 120; attempt++)
    {
        try
        {
            using var response = await http.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(500);
    }

    throw new InvalidOperationException($"{url} did not come up.");
}

static Process Start(string file, string arguments)
{
    var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    var process = Process.Start(info)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static void Stop(Process process)
{
    if (!process.HasExited)
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(5000);
    }
}

static string FindRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Scim.Core.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
}
