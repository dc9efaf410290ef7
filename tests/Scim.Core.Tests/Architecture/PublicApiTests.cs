using PublicApiGenerator;
using Scim.Core.Schema;
using Snapshooter.Xunit3;

namespace Scim.Core.Tests.Architecture;

/// <summary>
/// Every change to the public surface of Scim.Core shows up as a change to the approved snapshot
/// (__snapshots__/), so it is reviewed, not slipped in.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void ScimCore_PublicApi_MatchesApprovedSnapshot()
    {
        // Snapshooter writes a missing snapshot and passes; in CI a missing snapshot must fail instead.
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.True(File.Exists(SnapshotFile()), "The approved API snapshot is missing: run the tests locally and commit __snapshots__.");
        }

        var api = typeof(SchemaRegistry).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"],
            AllowNamespacePrefixes = ["Microsoft.AspNetCore.Builder", "Microsoft.Extensions.DependencyInjection"],
        });

        Snapshot.Match(api.ReplaceLineEndings("\n"));
    }

    private static string SnapshotFile() =>
        Path.Combine(RepositoryPaths.Root, "tests", "Scim.Core.Tests", "Architecture", "__snapshots__", $"{nameof(PublicApiTests)}.{nameof(ScimCore_PublicApi_MatchesApprovedSnapshot)}.snap");
}
