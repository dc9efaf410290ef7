using PublicApiGenerator;
using Scim.Core.Schema;
using Snapshooter;
using Snapshooter.Xunit3;

namespace Scim.Core.Tests.Architecture;

/// <summary>
/// Every change to the public surface of Scim.Core shows up as a change to the approved snapshot
/// (__snapshots__/), so it is reviewed, not slipped in.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void ScimCore_PublicApi_MatchesApprovedSnapshot() =>
        Match(typeof(SchemaRegistry).Assembly, nameof(ScimCore_PublicApi_MatchesApprovedSnapshot));

    [Fact]
    public void ScimTesting_PublicApi_MatchesApprovedSnapshot() =>
        Match(typeof(Scim.Testing.StoreConformanceTests).Assembly, nameof(ScimTesting_PublicApi_MatchesApprovedSnapshot));

    private static void Match(System.Reflection.Assembly assembly, string test)
    {
        // Snapshooter writes a missing snapshot and passes; in CI a missing snapshot must fail instead.
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.True(File.Exists(SnapshotFile(test)), "The approved API snapshot is missing: run the tests locally and commit __snapshots__.");
        }

        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // xunit's test attributes carry the source path and line of each test: not API, and not the same on two machines.
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute", "Xunit.FactAttribute", "Xunit.TheoryAttribute"],
            AllowNamespacePrefixes = ["Microsoft.AspNetCore.Builder", "Microsoft.Extensions.DependencyInjection"],
        });

        Snapshot.Match(api.ReplaceLineEndings("\n"), new SnapshotFullName($"{nameof(PublicApiTests)}.{test}.snap", Path.GetDirectoryName(Path.GetDirectoryName(SnapshotFile(test)))!));
    }

    private static string SnapshotFile(string test) =>
        Path.Combine(RepositoryPaths.Root, "tests", "Scim.Core.Tests", "Architecture", "__snapshots__", $"{nameof(PublicApiTests)}.{test}.snap");
}
