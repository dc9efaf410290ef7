using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// <c>AddEntityFrameworkCoreReadReplica</c>: plain reads go to the replica, and writes, the reads
/// a write makes and conditional reads to the primary. The replica here is a copy of the primary
/// taken at one moment and never updated: a replica lagging as far as one can, so every read
/// shows where it was answered.
/// </summary>
public abstract class ReadReplicaTests
{
    private const string User = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{0}"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Provider Provider { get; }

    /// <summary>A replica's connection string: where <see cref="SnapshotAsync"/> copies the primary to.</summary>
    protected abstract Task<(string ConnectionString, IAsyncDisposable Database)> ReplicaAsync();

    /// <summary>Copies the primary (its connection string) to the replica as it is now.</summary>
    protected abstract Task SnapshotAsync(string primary, string replica);

    [Fact]
    public async Task PlainReads_ComeFromTheReplica_WritesAndConditionalReadsFromThePrimary()
    {
        var (replica, replicaDatabase) = await ReplicaAsync();
        await using var _ = replicaDatabase;
        await using var app = await ScimTablesApp.StartAsync(Provider, s => s.AddEntityFrameworkCoreReadReplica(replica));
        using var client = app.Client();
        string primary;
        await using (var db = app.Database())
        {
            primary = db.Database.GetConnectionString()!;
        }

        var created = await client.Post("Users", User.Replace("{0}", "alice"));
        var alice = Id(created);
        var group = Id(await client.Post("Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team","members":[{"value":"{{alice}}"}]}"""));
        var first = created.ETag!;
        await SnapshotAsync(primary, replica);

        var bob = Id(await client.Post("Users", User.Replace("{0}", "bob")));
        var patched = (await client.Patch("Users/" + alice, Http.PatchOp("""{"op":"replace","path":"title","value":"After"}"""))).Expect(HttpStatusCode.OK);

        // Plain reads: the replica, as it was at the snapshot.
        (await client.Get("Users/" + bob)).Expect(HttpStatusCode.NotFound);
        Assert.Equal(0, (int)(await client.Get("Users?filter=userName eq \"bob\"")).Expect(HttpStatusCode.OK).Json["totalResults"]!);
        Assert.Equal(1, (int)(await client.Get("Users")).Expect(HttpStatusCode.OK).Json["totalResults"]!);
        Assert.Null((await client.Get("Users/" + alice)).Expect(HttpStatusCode.OK).Json["title"]);

        // A conditional read: the primary.
        var fresh = (await client.Send(HttpMethod.Get, "Users/" + alice, null, ("If-None-Match", first))).Expect(HttpStatusCode.OK);
        Assert.Equal("After", (string?)fresh.Json["title"]);
        (await client.Send(HttpMethod.Get, "Users/" + alice, null, ("If-None-Match", patched.ETag!))).Expect(HttpStatusCode.NotModified);

        // Writes and the reads they make: the primary (bob exists there; alice's version is the new one).
        (await client.Patch("Users/" + bob, Http.PatchOp("""{"op":"replace","path":"title","value":"New"}"""))).Expect(HttpStatusCode.OK);
        (await client.Send(HttpMethod.Patch, "Users/" + alice, Http.PatchOp("""{"op":"replace","path":"title","value":"Again"}"""), ("If-Match", patched.ETag!))).Expect(HttpStatusCode.OK);
        (await client.Post("Users", User.Replace("{0}", "BOB"))).Expect(HttpStatusCode.Conflict);
        (await client.Patch("Groups/" + group, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{bob}}"}]}"""))).Expect(HttpStatusCode.NoContent);
        (await client.Delete("Users/" + bob)).Expect(HttpStatusCode.NoContent);

        // Once the replica catches up, it shows all of it.
        await SnapshotAsync(primary, replica);
        Assert.Equal("Again", (string?)(await client.Get("Users/" + alice)).Expect(HttpStatusCode.OK).Json["title"]);
        (await client.Get("Users/" + bob)).Expect(HttpStatusCode.NotFound);
        Assert.Empty(app.Errors.Errors);
    }

    private static string Id(Reply reply) => (string)JsonNode.Parse(reply.Expect(HttpStatusCode.Created).Text)!["id"]!;

    /// <summary>The replica on SQLite: a second file, written by SQLite's online backup.</summary>
    public sealed class OnSqlite : ReadReplicaTests
    {
        protected override Provider Provider => Provider.Sqlite;

        protected override Task<(string, IAsyncDisposable)> ReplicaAsync()
        {
            var file = SqliteFile.Create();
            return Task.FromResult<(string, IAsyncDisposable)>((file.ConnectionString, file));
        }

        protected override async Task SnapshotAsync(string primary, string replica)
        {
            // SQLite's online backup writes the primary's pages into the replica's file, as a
            // replica is updated in place: connections open on it (the kept statements' among
            // them) read the new state from their next statement on.
            await using var source = new SqliteConnection(primary);
            await using var target = new SqliteConnection(replica);
            await source.OpenAsync(Ct);
            await target.OpenAsync(Ct);
            source.BackupDatabase(target);
        }
    }

    /// <summary>The replica on PostgreSQL: a second database, made from the primary as a template.</summary>
    public sealed class OnPostgres : ReadReplicaTests
    {
        protected override Provider Provider => Provider.Postgres;

        protected override async Task<(string, IAsyncDisposable)> ReplicaAsync()
        {
            var database = await Postgres.CreateDatabaseAsync();
            return (database.ConnectionString, database);
        }

        protected override async Task SnapshotAsync(string primary, string replica)
        {
            var source = new NpgsqlConnectionStringBuilder(primary).Database!;
            var target = new NpgsqlConnectionStringBuilder(replica).Database!;
            var server = new NpgsqlConnectionStringBuilder(primary) { Database = "postgres", Pooling = false }.ToString();
            for (var attempt = 1; ; attempt++)
            {
                // A template must have no other connection: close the pools' idle ones first.
                NpgsqlConnection.ClearAllPools();
                try
                {
                    await using var connection = new NpgsqlConnection(server);
                    await connection.OpenAsync(Ct);
                    await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{target}\" WITH (FORCE)", connection))
                    {
                        await drop.ExecuteNonQueryAsync(Ct);
                    }

                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{target}\" TEMPLATE \"{source}\"", connection);
                    await create.ExecuteNonQueryAsync(Ct);
                    return;
                }
                catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
                {
                    await Task.Delay(100, Ct); // the dispatcher's poll was using the primary
                }
            }
        }
    }
}
