using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Scim.Sample.Tests;

/// <summary>
/// Starts the real sample the way the README and outside checks do
/// (<c>dotnet run --project samples/Scim.Sample</c>, with <c>--urls</c> and <c>--Sample:*</c>
/// options), reads the base URL and token it prints, and talks SCIM to it over real HTTP.
/// </summary>
public sealed class SampleProcessTests
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
    public async Task DotnetRun_DefaultStore_KeepsTheDataInASqliteFileAcrossARestart()
    {
        var contentRoot = SampleProcess.NewContentRoot();
        string id;
        await using (var first = await SampleProcess.StartAsync("--contentRoot", contentRoot, "--Sample:Token=t1"))
        {
            Assert.Equal($"sqlite ({Path.Combine(contentRoot, "scim-sample.db")})", first.Store);
            Assert.DoesNotContain("fail:", first.StartupOutput, StringComparison.Ordinal); // the new file's migration logs no error
            using var client = Client(first);
            var (created, user) = await SendAsync(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"kept@example.com","emails":[{"value":"kept@example.com","type":"work"}]}""");
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = (string)user!["id"]!;
        }

        await using var second = await SampleProcess.StartAsync("--contentRoot", contentRoot, "--Sample:Token=t2");
        using var again = Client(second);
        var (read, body) = await SendAsync(again, HttpMethod.Get, "Users/" + id, null);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("kept@example.com", (string?)body!["emails"]![0]!["value"]);
        Assert.True(File.Exists(Path.Combine(contentRoot, "scim-sample.db")));

        // Made by the first start in WAL mode: readers and the writer do not wait for each other.
        await using var file = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(contentRoot, "scim-sample.db")};Mode=ReadOnly;Pooling=False");
        await file.OpenAsync(TestContext.Current.CancellationToken);
        await using var journal = file.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await journal.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DotnetRun_MemoryStore_ServesAndSaysSo()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:Store=memory");
        using var client = Client(sample);

        var (created, _) = await SendAsync(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}""");

        Assert.StartsWith("memory", sample.Store, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        if (OperatingSystem.IsLinux())
        {
            // The database and telemetry libraries (and their code) are not loaded unless used.
            Assert.DoesNotContain(sample.LoadedAssemblies(), name => DatabaseOrTelemetry(name));
        }
    }

    [Fact]
    public async Task DotnetRun_DefaultStore_LoadsTheDatabaseLibraries()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads the process's mapped files from /proc.");
        await using var sample = await SampleProcess.StartAsync("--Sample:Token=t1");
        using var client = Client(sample);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Users?count=1", TestContext.Current.CancellationToken)).StatusCode);

        var loaded = sample.LoadedAssemblies();

        Assert.Contains("Microsoft.EntityFrameworkCore.dll", loaded);
        Assert.Contains("Microsoft.Data.Sqlite.dll", loaded);
        Assert.DoesNotContain(loaded, name => name.StartsWith("OpenTelemetry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DotnetRun_HttpsUrl_ServesOverTlsWithTheConfiguredCertificate()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var folder = SampleProcess.NewContentRoot();
        var certificateFile = Path.Combine(folder, "cert.pem");
        var keyFile = Path.Combine(folder, "key.pem");
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem(), TestContext.Current.CancellationToken);

        await using var sample = await SampleProcess.StartAsync(
            "--Sample:Store=memory", "--Sample:Token=tls-token", "--urls", "https://127.0.0.1:0",
            "--Kestrel:Certificates:Default:Path=" + certificateFile, "--Kestrel:Certificates:Default:KeyPath=" + keyFile);
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(sample.BaseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "tls-token");

        var response = await client.GetAsync("ServiceProviderConfig", TestContext.Current.CancellationToken);

        Assert.StartsWith("https://", sample.BaseUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static bool DatabaseOrTelemetry(string assembly) =>
        assembly.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
        || assembly.StartsWith("Scim.EntityFrameworkCore", StringComparison.Ordinal)
        || assembly.StartsWith("Npgsql", StringComparison.Ordinal)
        || assembly.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal)
        || assembly.StartsWith("OpenTelemetry", StringComparison.Ordinal);

    [Fact]
    public async Task DotnetRun_ConsoleTelemetry_PrintsTheSpanOfARequest()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:Store=memory", "--Sample:Telemetry=console");
        using var client = Client(sample);

        var (created, _) = await SendAsync(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"traced"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var output = await sample.ReadUntilAsync("SCIM create User");
        Assert.Contains("scim.operation", await sample.ReadUntilAsync("scim.status"), StringComparison.Ordinal);
        Assert.Contains("SCIM create User", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetRun_PostgresStore_ServesFromTheServer()
    {
        var server = Environment.GetEnvironmentVariable("SCIM_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.False(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")), "SCIM_TEST_POSTGRES is not set: CI must run the PostgreSQL tests (.ci/run starts a server and sets it).");
            Assert.Skip("No PostgreSQL server: set SCIM_TEST_POSTGRES to a connection string whose user may create databases, or run .ci/run.");
        }

        var database = "scim_sample_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new Npgsql.NpgsqlConnection(server))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        try
        {
            var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = database }.ToString();
            await using var sample = await SampleProcess.StartAsync("--Sample:Store=postgres", "--Sample:ConnectionString=" + connectionString);
            using var client = Client(sample);
            var (created, user) = await SendAsync(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"pg@example.com"}""");
            var (found, list) = await SendAsync(client, HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString("userName eq \"PG@example.com\""), null);

            Assert.StartsWith("postgres (", sample.Store, StringComparison.Ordinal);
            Assert.DoesNotContain("fail:", sample.StartupOutput, StringComparison.Ordinal); // the new database's migration logs no error
            Assert.EndsWith("/" + database + ")", sample.Store, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Equal((string?)user!["id"], (string?)list!["Resources"]![0]!["id"]);

            // Ready while the database answers; not ready (503) once it is gone.
            using var plain = new HttpClient { BaseAddress = new Uri(sample.Root + "/") };
            Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("health/ready", TestContext.Current.CancellationToken)).StatusCode);
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using (var connection = new Npgsql.NpgsqlConnection(server))
            {
                await connection.OpenAsync(TestContext.Current.CancellationToken);
                await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE \"{database}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            var down = await plain.GetAsync("health/ready", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("health/live", TestContext.Current.CancellationToken)).StatusCode);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var connection = new Npgsql.NpgsqlConnection(server);
            await connection.OpenAsync(CancellationToken.None);
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("--Sample:Store=oracle", "Sample:Store must be memory, sqlite or postgres")]
    [InlineData("--Sample:Store=postgres", "Sample:Store=postgres needs Sample:ConnectionString")]
    [InlineData("--Sample:Store=memory --Sample:ConnectionString=Data Source=x.db", "Sample:ConnectionString has no use with Sample:Store=memory")]
    [InlineData("--Sample:ConnectionString=Nonsense=1", "Sample:ConnectionString is not a SQLite connection string")]
    [InlineData("--Sample:Telemetry=zipkin", "Sample:Telemetry must be none, console or otlp")]
    [InlineData("--Sample:Store=memory --Sample:ReplicaConnectionString=Host=replica", "Sample:ReplicaConnectionString has no use with Sample:Store=memory")]
    [InlineData("--Sample:ReplicaConnectionString=Nonsense=1", "Sample:ReplicaConnectionString is not a sqlite connection string")]
    public async Task DotnetRun_InvalidOptions_ExitWithMessage(string options, string message)
    {
        var (exitCode, output) = await SampleProcess.RunToExitAsync(SplitOptions(options));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
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

    internal static async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? body)
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

    internal static HttpClient Client(SampleProcess sample)
    {
        var client = new HttpClient { BaseAddress = new Uri(sample.BaseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sample.Token);
        return client;
    }

    // "--a=1 --b=x y" → ["--a=1", "--b=x y"]: options start with "--".
    private static string[] SplitOptions(string options) =>
        [.. options.Split(" --", StringSplitOptions.RemoveEmptyEntries).Select((o, i) => i == 0 ? o : "--" + o)];
}
