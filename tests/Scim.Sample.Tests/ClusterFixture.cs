using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace Scim.Sample.Tests;

/// <summary>
/// A PostgreSQL database of one test class's own, on the server <c>SCIM_TEST_POSTGRES</c> names
/// (<c>.ci/run</c> starts one and sets it), dropped on dispose. Without the variable the cluster
/// tests are skipped on a developer machine and fail in CI (<c>CI</c> set), where they must run.
/// </summary>
internal sealed class ClusterDatabase : IAsyncDisposable
{
    private const string Variable = "SCIM_TEST_POSTGRES";

    private readonly string _server;
    private readonly string _name;

    private ClusterDatabase(string server, string name)
    {
        _server = server;
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    }

    public string ConnectionString { get; }

    private static string? Server => Environment.GetEnvironmentVariable(Variable);

    /// <summary>Skips the test on a developer machine without PostgreSQL; fails it in CI.</summary>
    public static void Require()
    {
        if (string.IsNullOrWhiteSpace(Server))
        {
            Assert.False(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")), $"{Variable} is not set: CI must run the PostgreSQL tests (.ci/run starts a server and sets it).");
            Assert.Skip($"No PostgreSQL server: set {Variable} to a connection string whose user may create databases, or run .ci/run.");
        }
    }

    /// <summary>A new, empty database, or <see langword="null"/> when no server is configured.</summary>
    public static async Task<ClusterDatabase?> CreateAsync()
    {
        if (string.IsNullOrWhiteSpace(Server))
        {
            return null;
        }

        var name = "scim_cluster_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new ClusterDatabase(Server!, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Two sample processes on two ports over one new PostgreSQL database, started at the same time
/// (so they also race on the database's migration), for the tests of one class.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string Token = "cluster-test-token-3b9e";

    private ClusterDatabase? _database;
    private SampleProcess[] _instances = [];
    private HttpClient[] _clients = [];

    /// <summary>The database's connection string.</summary>
    public string ConnectionString => _database?.ConnectionString ?? string.Empty;

    /// <summary>The sample's options for an instance over the fixture's database (PATCH answering 200).</summary>
    public static string[] Options(string connectionString, string token, params string[] more) =>
    [
        "--Sample:Store=postgres", "--Sample:ConnectionString=" + connectionString, "--Sample:Token=" + token,
        "--Sample:PatchResponse=200", "--Logging:LogLevel:Default=Warning", .. more,
    ];

    /// <summary>Starts instances at the same time; their output is drained.</summary>
    internal static async Task<SampleProcess[]> StartAsync(int count, params string[] options)
    {
        var instances = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => SampleProcess.StartAsync(options)));
        foreach (var instance in instances)
        {
            instance.DrainOutput();
        }

        return instances;
    }

    /// <summary>A client of an instance, its base address the SCIM root.</summary>
    internal static HttpClient Client(SampleProcess instance)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(instance.BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>The client of request <paramref name="n"/>: requests alternate between the instances.</summary>
    public HttpClient Instance(int n)
    {
        ClusterDatabase.Require();
        return _clients[n % _clients.Length];
    }

    public async ValueTask InitializeAsync()
    {
        _database = await ClusterDatabase.CreateAsync();
        if (_database is null)
        {
            return;
        }

        _instances = await StartAsync(2, Options(_database.ConnectionString, Token));
        _clients = [.. _instances.Select(Client)];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>One SCIM response, read whole.</summary>
internal sealed record ClusterReply(int Status, JsonNode? Body, string? ETag)
{
    public string? ScimType => (string?)Body?["scimType"];

    public string Id => (string)Body!["id"]!;
}

/// <summary>SCIM requests for the cluster tests.</summary>
internal static class ClusterHttp
{
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    public static string NewUser(string userName) => $$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}"}""";

    public static string NewGroup(string displayName) => $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"{{displayName}}"}""";

    public static string PatchOp(string operations) => $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{operations}}]}""";

    public static string AddMember(string userId) => PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{userId}}"}]}""");

    public static async Task<ClusterReply> SendAsync(this HttpClient client, HttpMethod method, string path, string? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/scim+json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new ClusterReply((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.ETag?.ToString());
    }

    public static async Task<ClusterReply> Expect(this Task<ClusterReply> reply, int status)
    {
        var r = await reply;
        Assert.True(r.Status == status, $"expected {status}, got {r.Status}: {r.Body?.ToJsonString()}");
        return r;
    }
}
