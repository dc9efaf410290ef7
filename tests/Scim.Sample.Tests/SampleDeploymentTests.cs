using System.Net;
using Microsoft.Data.Sqlite;

namespace Scim.Sample.Tests;

/// <summary>
/// What running the sample as one of several instances relies on: health endpoints for a load
/// balancer, and a read replica (<c>--Sample:ReplicaConnectionString</c>) for plain reads.
/// </summary>
public sealed class SampleDeploymentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("--Sample:Store=sqlite")]
    [InlineData("--Sample:Store=memory")]
    public async Task Health_ReadyWhenTheDatabaseAnswers_LiveAlways_WithoutAToken(string store)
    {
        await using var sample = await SampleProcess.StartAsync(store);
        using var plain = new HttpClient { BaseAddress = new Uri(sample.Root + "/") };

        var ready = await plain.GetAsync("health/ready", Ct);
        var live = await plain.GetAsync("health/live", Ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    /// <summary>Plain reads go to the replica: while it does not answer, the instance is not ready; once it does, it is (and checking it made no file).</summary>
    [Fact]
    public async Task Health_NotReadyWhileTheReplicaDoesNotAnswer()
    {
        var root = SampleProcess.NewContentRoot();
        var primary = new SqliteConnectionStringBuilder { DataSource = Path.Combine(root, "primary.db") }.ToString();
        var replicaPath = Path.Combine(root, "replica.db");
        await using var sample = await SampleProcess.StartAsync("--contentRoot", root, "--Sample:ConnectionString=" + primary, "--Sample:ReplicaConnectionString=" + new SqliteConnectionStringBuilder { DataSource = replicaPath });
        using var plain = new HttpClient { BaseAddress = new Uri(sample.Root + "/") };

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await plain.GetAsync("health/ready", Ct)).StatusCode);
        Assert.False(File.Exists(replicaPath));

        await using (var connection = new SqliteConnection(primary))
        {
            await connection.OpenAsync(Ct);
            await using var copy = connection.CreateCommand();
            copy.CommandText = "VACUUM INTO $path";
            copy.Parameters.AddWithValue("$path", replicaPath);
            await copy.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("health/ready", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("health/live", Ct)).StatusCode);
    }

    [Fact]
    public async Task ReadReplica_PlainReadsFromTheReplica_WritesAndConditionalReadsFromThePrimary()
    {
        var root = SampleProcess.NewContentRoot();
        var primary = new SqliteConnectionStringBuilder { DataSource = Path.Combine(root, "primary.db") }.ToString();
        var replicaPath = Path.Combine(root, "replica.db");
        var replica = new SqliteConnectionStringBuilder { DataSource = replicaPath }.ToString();
        await using var sample = await SampleProcess.StartAsync("--contentRoot", root, "--Sample:ConnectionString=" + primary, "--Sample:ReplicaConnectionString=" + replica);
        using var client = SampleProcessTests.Client(sample);

        var (createdA, a) = await SampleProcessTests.SendAsync(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com"}""");
        Assert.Equal(HttpStatusCode.Created, createdA.StatusCode);

        // The replica: the primary as it is now, and no later.
        await using (var connection = new SqliteConnection(primary))
        {
            await connection.OpenAsync(Ct);
            await using var copy = connection.CreateCommand();
            copy.CommandText = "VACUUM INTO $path";
            copy.Parameters.AddWithValue("$path", replicaPath);
            await copy.ExecuteNonQueryAsync(Ct);
        }

        var (createdB, b) = await SampleProcessTests.SendAsync(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b@example.com"}""");
        Assert.Equal(HttpStatusCode.Created, createdB.StatusCode);
        var bPath = "Users/" + (string)b!["id"]!;

        // Many rounds, so the sample's pooled contexts are reused between replica reads and writes.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(bPath, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Users/" + (string)a!["id"]!, Ct)).StatusCode);
            var (patched, _) = await SampleProcessTests.SendAsync(client, HttpMethod.Patch, bPath, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"T""" + i + "\"}]}");
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            using var conditional = new HttpRequestMessage(HttpMethod.Get, bPath);
            conditional.Headers.TryAddWithoutValidation("If-None-Match", "W/\"stale\"");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(conditional, Ct)).StatusCode);
        }
    }
}
