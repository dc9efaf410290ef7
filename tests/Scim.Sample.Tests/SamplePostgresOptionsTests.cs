using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample's PostgreSQL connection strings (the primary and a read replica) prepare repeated
/// statements (<c>Max Auto Prepare=64</c>, <c>Auto Prepare Min Usages=2</c>) unless the string given
/// sets <c>Max Auto Prepare</c> itself, and skip the session reset of pooled connections
/// (<c>No Reset On Close=true</c>) unless it sets that, in either spelling.
/// </summary>
public sealed class SamplePostgresOptionsTests
{
    [Theory]
    [InlineData("Host=db;Database=scim;Username=scim", 64, 2, true)]
    [InlineData("Host=db;Database=scim;Username=scim;Max Auto Prepare=0", 0, 5, true)]
    [InlineData("Host=db;Database=scim;Username=scim;maxautoprepare=10;Auto Prepare Min Usages=3", 10, 3, true)]
    [InlineData("Host=db;Database=scim;Username=scim;No Reset On Close=false", 64, 2, false)]
    [InlineData("Host=db;Database=scim;Username=scim;noresetonclose=false;Max Auto Prepare=0", 0, 5, false)]
    public void ConnectionStrings_DefaultsUnlessGiven(string given, int maxAutoPrepare, int minUsages, bool noResetOnClose)
    {
        var options = SampleOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sample:Store"] = "postgres",
            ["Sample:ConnectionString"] = given,
            ["Sample:ReplicaConnectionString"] = given.Replace("Host=db", "Host=replica", StringComparison.Ordinal),
        }).Build(), Path.GetTempPath());

        foreach (var (connectionString, host) in new[] { (options.ConnectionString, "db"), (options.ReplicaConnectionString!, "replica") })
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            Assert.Equal(host, parsed.Host);
            Assert.Equal("scim", parsed.Database);
            Assert.Equal(maxAutoPrepare, parsed.MaxAutoPrepare);
            Assert.Equal(minUsages, parsed.AutoPrepareMinUsages);
            Assert.Equal(noResetOnClose, parsed.NoResetOnClose);
        }
    }
}
