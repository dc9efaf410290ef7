using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Scim.Sample.Data;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample's start, run as a process: a mistaken option or an unusable key stops it at once
/// with the reason on standard error and exit code 1 (no stack trace); a migration a killed start
/// left half done does not stop later starts.
/// </summary>
public sealed class SampleStartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("--Sample:Stor=memory", "Sample:Stor is not an option of the sample")]
    [InlineData("--Sample:Tenant:acme=acme-token-0123456789", "Sample:Tenant is not an option of the sample")]
    [InlineData("--Sample:Store=memory --Sample:Token=shared-token-0123456789 --Sample:Tenants:acme=shared-token-0123456789", "Sample:Tenants:acme has the token of Sample:Token")]
    [InlineData("--Sample:Store=memory --Sample:Tenants:a=same-token-0123456789 --Sample:Tenants:b=same-token-0123456789", "has the token of another tenant")]
    [InlineData("--Sample:Store=memory --Sample:Tenants:default=default-token-0123456789", "'default' is the tenant of /scim/v2")]
    [InlineData("--Sample:Store=memory --Sample:Tenants:a/b=slash-token-0123456789", "a tenant's name is one segment of its route")]
    [InlineData("--Sample:Store=memory --Sample:Tenants:=empty-name-token-0123456789", "a tenant's name is one segment of its route")]
    [InlineData("--Sample:Store=memory --Sample:Tenants=acme", "Sample:Tenants needs the tenant's name")]
    [InlineData("--Sample:Tenants:acme --Sample:Store=memory", "Sample:Tenants:acme has the value '--Sample:Store=memory', which is the next option")]
    [InlineData("--Sample:Store=memory --Sample:Token=", "Sample:Token is empty")]
    [InlineData("-Sample:Token=one-dash-token-0123456789", "The short switch '-Sample:Token=one-dash-token-0123456789' is not defined")]
    [InlineData("--Sample:Store=memory --urls=not-a-url", "not-a-url")]
    [InlineData("--Sample:ConnectionString=Data Source=:memory:", "names a SQLite database in memory")]
    [InlineData("--Sample:Store=memory --Sample:EventDelivery:LeaseDurations=00:00:05", "Sample:EventDelivery:LeaseDurations is not an event delivery option; they are ")]
    [InlineData("--Sample:Store=memory --Sample:EventDelivery:LeaseDuration=soon", "Sample:EventDelivery has a value that is not one of its option's type")]
    [InlineData("--Sample:Store=memory --Sample:SigningKey=/tmp", "Sample:SigningKey must name a PEM file; got '/tmp'")]
    [InlineData("--Sample:Store=memory --Sample:Token=shared-token-0123456789 --Sample:PollToken=shared-token-0123456789", "Sample:PollToken is also a SCIM token (Sample:Token)")]
    [InlineData("--Sample:Store=memory --Sample:Tenants:acme=shared-token-0123456789 --Sample:PollToken=shared-token-0123456789", "Sample:PollToken is also a SCIM token (a tenant's)")]
    [InlineData("--Sample:Store=postgres --Sample:ConnectionString=Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2", "The postgres database (127.0.0.1:1/none) could not be opened and migrated")]
    public async Task AMistake_StopsTheSample_WithItsReason_AndNoStackTrace(string options, string reason)
    {
        var (exitCode, output) = await SampleProcess.RunToExitAsync(Split(options));

        Assert.Equal(1, exitCode);
        Assert.Contains("Scim.Sample did not start: ", output, StringComparison.Ordinal);
        Assert.Contains(reason, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    /// <summary>SETs are signed with ES256: a key on another curve, or a public key alone, cannot sign them.</summary>
    [Theory]
    [InlineData("p384", "is an EC key of 384 bits")]
    [InlineData("public", "holds no private key")]
    [InlineData("rsa", "is not an EC P-256 private key in PEM")]
    [InlineData("garbage", "is not an EC P-256 private key in PEM")]
    public async Task ASigningKeyThatCannotSignSets_StopsTheSample(string kind, string reason)
    {
        var folder = Directory.CreateTempSubdirectory("scim-sample-key-").FullName;
        try
        {
            var file = Path.Combine(folder, "key.pem");
            using var p256 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            await File.WriteAllTextAsync(file, kind switch
            {
                "p384" => p384.ExportECPrivateKeyPem(),
                "public" => p256.ExportSubjectPublicKeyInfoPem(),
                "rsa" => rsa.ExportRSAPrivateKeyPem(),
                _ => "-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n",
            }, Ct);

            var (exitCode, output) = await SampleProcess.RunToExitAsync("--Sample:Store=memory", "--Sample:PollToken=poll-token-0123456789", $"--Sample:SigningKey={file}");

            Assert.Equal(1, exitCode);
            Assert.Contains($"Sample:SigningKey '{file}' {reason}", output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>"auto", the value the sample prints for the default, is accepted as an option too.</summary>
    [Fact]
    public async Task PatchResponseAuto_IsTheDefault()
    {
        await using var sample = await SampleProcess.StartAsync("--Sample:Store=memory", "--Sample:PatchResponse=auto");

        Assert.Contains("PATCH responses: auto", sample.StartupOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// A start killed while migrating leaves EF Core's migration lock (a row of
    /// <c>__EFMigrationsLock</c>) and some migrations not applied. The next start releases a lock
    /// that old, says so, applies the rest and serves.
    /// </summary>
    [Fact]
    public async Task AMigrationLockLeftByAKilledStart_IsReleased_AndTheMigrationsFinish()
    {
        var folder = Directory.CreateTempSubdirectory("scim-sample-lock-").FullName;
        try
        {
            var file = Path.Combine(folder, "half.db");
            string[] all;
            await using (var db = new SqliteSampleDbContext(new DbContextOptionsBuilder<SqliteSampleDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options))
            {
                all = [.. db.Database.GetMigrations()];
                await db.GetService<IMigrator>().MigrateAsync(all[^2], cancellationToken: Ct); // all but the last, as a kill part way leaves it
                await db.Database.ExecuteSqlRawAsync("CREATE TABLE IF NOT EXISTS \"__EFMigrationsLock\" (\"Id\" INTEGER NOT NULL CONSTRAINT \"PK___EFMigrationsLock\" PRIMARY KEY, \"Timestamp\" TEXT NOT NULL)", Ct);
                var taken = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
                await db.Database.ExecuteSqlRawAsync("INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, {0})", [taken], Ct);
            }

            await using (var sample = await SampleProcess.StartAsync($"--Sample:ConnectionString=Data Source={file}"))
            {
                Assert.Contains("by a start that stopped while migrating; releasing it", sample.StartupOutput, StringComparison.Ordinal);
                using var client = new HttpClient();
                client.DefaultRequestHeaders.Authorization = new("Bearer", sample.Token);
                var created = await client.PostAsync(sample.BaseUrl + "/Users", new StringContent("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"after.the.lock"}""", System.Text.Encoding.UTF8, "application/scim+json"), Ct);
                Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            }

            await using (var db = new SqliteSampleDbContext(new DbContextOptionsBuilder<SqliteSampleDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options))
            {
                Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync(Ct));
                Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM \"__EFMigrationsLock\"").SingleAsync(Ct));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string[] Split(string options) =>
        [.. options.Split(" --", StringSplitOptions.RemoveEmptyEntries).Select((o, i) => i == 0 ? o : "--" + o)];
}
