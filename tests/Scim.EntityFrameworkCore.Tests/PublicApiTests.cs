using PublicApiGenerator;
using Snapshooter.Xunit3;

namespace Scim.EntityFrameworkCore.Tests;

/// <summary>Every change to the public surface of Scim.EntityFrameworkCore shows up as a change to the approved snapshot (__snapshots__/).</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void ScimEntityFrameworkCore_PublicApi_MatchesApprovedSnapshot()
    {
        // Snapshooter writes a missing snapshot and passes; in CI a missing snapshot must fail instead.
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.True(File.Exists(SnapshotFile()), "The approved API snapshot is missing: run the tests locally and commit __snapshots__.");
        }

        var api = typeof(ScimUserEntity).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"],
            AllowNamespacePrefixes = ["Microsoft.Extensions.DependencyInjection", "Microsoft.EntityFrameworkCore"],
        });

        Snapshot.Match(api.ReplaceLineEndings("\n"));
    }

    private static string SnapshotFile()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Scim.Core.sln")))
        {
            root = root.Parent!;
        }

        return Path.Combine(root.FullName, "tests", "Scim.EntityFrameworkCore.Tests", "__snapshots__", $"{nameof(PublicApiTests)}.{nameof(ScimEntityFrameworkCore_PublicApi_MatchesApprovedSnapshot)}.snap");
    }
}
