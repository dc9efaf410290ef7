using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Agents;
using Scim.Core.Events;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.Resources;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// A host whose context retries on transient failures (<c>EnableRetryOnFailure()</c> on
/// PostgreSQL, a retrying execution strategy of its own on SQLite), as production hosts configure
/// theirs. EF Core refuses a transaction the code begins itself under such a strategy unless it runs
/// inside the strategy: every write, event claim and delivery must still work.
/// </summary>
public abstract class RetryingStrategyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task EveryWrite_AndTheEventsOfEach_WorkUnderARetryingStrategy()
    {
        var subscriber = new RecordingSubscriber();
        await using var app = await StartAsync(Provider, subscriber);
        await using (var db = app.Database())
        {
            Assert.True(db.Database.CreateExecutionStrategy().RetriesOnFailure);
        }

        using var client = app.Client();

        var alice = Id(await client.Post("Users", User("alice")));
        (await client.Post("Users", User("ALICE"))).Expect(HttpStatusCode.Conflict);
        (await client.Patch("Users/" + alice, Http.PatchOp("""{"op":"replace","path":"title","value":"Engineer"}"""))).Expect(HttpStatusCode.OK);
        (await client.Put("Users/" + alice, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice","title":"Lead"}""")).Expect(HttpStatusCode.OK);
        var bob = Id(await client.Post("Users", User("bob")));
        var group = Id(await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team","members":[{"value":"{{alice}}"}]}"""));
        var agent = Id(await client.Post("Agents", $$"""{"schemas":["{{ScimAgents.AgentSchema}}"],"name":"helper","active":true}"""));

        // Members added at once by many requests: the lost races are retried inside the strategy.
        var replies = await Task.WhenAll(new[] { bob, agent }.Select(id => client.Patch("Groups/" + group, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{id}}"}]}"""))));
        Assert.All(replies, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.NoContent, r.Text));
        var members = (await client.Get("Groups/" + group)).Expect(HttpStatusCode.OK).Json["members"]!.AsArray();
        Assert.Equal(new[] { alice, bob, agent }.Order(StringComparer.Ordinal), members.Select(m => (string)m!["value"]!).Order(StringComparer.Ordinal));

        (await client.Delete("Users/" + bob)).Expect(HttpStatusCode.NoContent);
        (await client.Delete("Agents/" + agent)).Expect(HttpStatusCode.NoContent);
        Assert.Equal([alice], (await client.Get("Groups/" + group)).Expect(HttpStatusCode.OK).Json["members"]!.AsArray().Select(m => (string)m!["value"]!));
        Assert.Equal("Lead", (string?)(await client.Get("Users/" + alice)).Expect(HttpStatusCode.OK).Json["title"]);

        // The outbox's claims and deliveries run under the strategy too: every change's event arrives.
        await using (var db = app.Database())
        {
            var written = await db.Set<ScimEventEntity>().CountAsync(Ct);
            Assert.True(written >= 9, $"{written} event rows");
            await Eventually.HoldsAsync(() => subscriber.Delivered.Count >= written);
        }

        Assert.Empty(app.Errors.Errors);
    }

    [Fact]
    public async Task TransientFailureMidWrite_RunsTheWholeWriteAgain_AndItLandsOnce()
    {
        // The user's INSERT fails once as the strategy's kind of transient failure, after the
        // write had read and added its rows: the second run must start from a clean context.
        // (EF Core logs the failed command as an error, as it would a real one.)
        var failure = new FailFirstUserInsert(Provider);
        await using var app = await StartAsync(Provider, new RecordingSubscriber(), failure);
        using var client = app.Client();

        var carol = Id(await client.Post("Users", User("carol")));

        Assert.Equal(1, failure.Failed);
        Assert.Equal("carol", (string?)(await client.Get("Users/" + carol)).Expect(HttpStatusCode.OK).Json["userName"]);
        await using var db = app.Database();
        Assert.Equal([carol], await db.Set<ScimUserEntity>().Select(u => u.Id).ToListAsync(TestContext.Current.CancellationToken));
    }

    private static string User(string userName) => $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}"}""";

    private static string Id(Reply reply) => (string)JsonNode.Parse(reply.Expect(HttpStatusCode.Created).Text)!["id"]!;

    private static Task<AgentsApp> StartAsync(Provider provider, RecordingSubscriber subscriber, IInterceptor? interceptor = null) => AgentsApp.StartAsync(
        provider,
        context: (o, connectionString) =>
        {
            _ = provider == Provider.Sqlite
                ? o.UseSqlite(connectionString, s => s.ExecutionStrategy(d => new SqliteRetryingStrategy(d)))
                : o.UseNpgsql(connectionString, n => n.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(200), null));
            if (interceptor is not null)
            {
                o.AddInterceptors(interceptor);
            }
        },
        services: s => s.AddSingleton<IScimEventSubscriber>(subscriber));

    /// <summary>Fails the first <c>INSERT</c> into <c>ScimUsers</c> with what the provider's strategy retries.</summary>
    private sealed class FailFirstUserInsert(Provider provider) : DbCommandInterceptor
    {
        private int _failed;

        public int Failed => _failed;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("INSERT INTO \"ScimUsers\"", StringComparison.Ordinal) && Interlocked.Exchange(ref _failed, 1) == 0)
            {
                throw provider == Provider.Sqlite ? new SqliteException("database is locked", 5) : new TimeoutException("The server did not answer in time.");
            }

            return ValueTask.FromResult(result);
        }
    }

    /// <summary>A host's own retrying strategy for SQLite: a busy or locked database is tried again.</summary>
    private sealed class SqliteRetryingStrategy(ExecutionStrategyDependencies dependencies) : ExecutionStrategy(dependencies, 3, TimeSpan.FromMilliseconds(200))
    {
        protected override bool ShouldRetryOn(Exception exception) => exception is SqliteException { SqliteErrorCode: 5 or 6 };
    }
}

/// <summary>A retrying strategy on SQLite.</summary>
public sealed class SqliteRetryingStrategyTests : RetryingStrategyTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary><c>EnableRetryOnFailure()</c> on PostgreSQL.</summary>
public sealed class PostgresRetryingStrategyTests : RetryingStrategyTests
{
    protected override Provider Provider => Provider.Postgres;
}
