using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Scim.AspNetCore.Tests.Docs;

/// <summary>The docs' "disable access at once" example: it is the code docs/events.md shows, and it works.</summary>
public sealed class DisableAccessExampleTests
{
    private const string Deactivate = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""";

    [Fact]
    public async Task Deactivation_EndsThatUsersSessionsAtOnce_AndNoOneElses()
    {
        var sessions = new Sessions();
        await using var server = await ScimTestServer.StartAsync(o => o.Scim = scim =>
        {
            scim.Services.AddSingleton<ISessionStore>(sessions);
            scim.AddEventSubscriber<RevokeSessionsOnDeactivation>();
        });
        var client = server.Client();
        var ada = (string)(await client.CreateUserAsync("ada@example.com"))["id"]!;
        var bob = (string)(await client.CreateUserAsync("bob@example.com"))["id"]!;
        sessions.Open("default", ada, 2);
        sessions.Open("default", bob, 1);

        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync("Users/" + ada, Deactivate)).Status);
        await Sessions.WaitUntilAsync(() => sessions.Count("default", ada) == 0);
        Assert.Equal(1, sessions.Count("default", bob));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Users/" + bob)).Status);
        await Sessions.WaitUntilAsync(() => sessions.Count("default", bob) == 0);
    }

    [Fact]
    public async Task DocsShowTheExample_WordForWord()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Scim.Core.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var source = await File.ReadAllTextAsync(Path.Combine(root, "tests", "Scim.AspNetCore.Tests", "Docs", "DisableAccessExample.cs"), TestContext.Current.CancellationToken);
        var example = source[(source.IndexOf("#region example", StringComparison.Ordinal) + "#region example".Length)..source.IndexOf("#endregion", StringComparison.Ordinal)].Trim();
        var docs = await File.ReadAllTextAsync(Path.Combine(root, "docs", "events.md"), TestContext.Current.CancellationToken);

        Assert.Contains(example.ReplaceLineEndings("\n"), docs.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private sealed class Sessions : ISessionStore
    {
        private readonly ConcurrentDictionary<(string, string), int> _open = new();

        public void Open(string tenant, string userId, int count) => _open[(tenant, userId)] = count;

        public int Count(string tenant, string userId) => _open.GetValueOrDefault((tenant, userId));

        public Task<int> RevokeAllAsync(string tenant, string userId, CancellationToken cancellationToken) =>
            Task.FromResult(_open.TryRemove((tenant, userId), out var count) ? count : 0);

        public static async Task WaitUntilAsync(Func<bool> done)
        {
            var until = DateTimeOffset.UtcNow.AddSeconds(10);
            while (!done())
            {
                Assert.True(DateTimeOffset.UtcNow < until, "The sessions were not ended within 10 seconds.");
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }
        }
    }
}
