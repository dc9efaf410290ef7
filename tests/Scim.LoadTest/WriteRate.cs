// Writes per second against running samples (for the deployment figures): POST /Users from a number
// of parallel clients, each request to the next of the given base URLs in turn, for a number of
// seconds after two seconds unmeasured; prints the rate, the median and 95th percentile latency, and
// the answers that were not 201.
//
//   dotnet run -c Release --project tests/Scim.LoadTest -- --write-rate <seconds> <clients> <token> <base URL>[,<base URL>...]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

internal static class WriteRate
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        var clients = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        var token = args[2];
        var urls = args[3].Split(',');
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var run = Guid.NewGuid().ToString("N")[..8];
        var next = 0;
        await Drive(TimeSpan.FromSeconds(2), null);
        var latencies = new List<double>();
        var (done, failed) = await Drive(TimeSpan.FromSeconds(seconds), latencies);
        latencies.Sort();
        Console.WriteLine($"{clients} clients, {urls.Length} instance(s): {done / (double)seconds:N0} writes/s, median {latencies[latencies.Count / 2]:N1} ms, p95 {latencies[latencies.Count * 95 / 100]:N1} ms, {failed} not 201");
        return 0;

        async Task<(long Done, long Failed)> Drive(TimeSpan duration, List<double>? times)
        {
            long count = 0, errors = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (clock.Elapsed < duration)
                {
                    var n = Interlocked.Increment(ref next);
                    var body = $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"w{{run}}-{{n}}@example.com","name":{"givenName":"New","familyName":"User"},"emails":[{"value":"w{{n}}@example.com","type":"work"}],"active":true}""";
                    var started = clock.Elapsed;
                    using var response = await http.PostAsync(urls[n % urls.Length] + "/Users", new StringContent(body, Encoding.UTF8, "application/scim+json"));
                    await response.Content.ReadAsByteArrayAsync();
                    if ((int)response.StatusCode != 201)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    Interlocked.Increment(ref count);
                    if (times is not null)
                    {
                        lock (times)
                        {
                            times.Add((clock.Elapsed - started).TotalMilliseconds);
                        }
                    }
                }
            })));
            return (count, errors);
        }
    }
}
