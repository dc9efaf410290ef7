using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Scim.Core.Tests.Architecture;

/// <summary>
/// <c>dotnet pack</c> turns each shipped project into a NuGet package with the right id, licence,
/// readme and symbols. Packing runs the real SDK once for the class (a few seconds).
/// </summary>
public sealed class PackageTests : IClassFixture<PackageTests.PackedScimCore>
{
    private readonly PackedScimCore _packed;

    public PackageTests(PackedScimCore packed) => _packed = packed;

    [Fact]
    public void Pack_ScimCore_ProducesPackageAndSymbolsPackage()
    {
        Assert.True(File.Exists(_packed.PackagePath), _packed.Log);
        Assert.True(File.Exists(Path.ChangeExtension(_packed.PackagePath, ".snupkg")), _packed.Log);
    }

    [Fact]
    public void Pack_ScimCore_NuspecHasIdLicenseReadmeAndRepository()
    {
        using var archive = ZipFile.OpenRead(_packed.PackagePath);
        var nuspecEntry = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var nuspec = XDocument.Load(stream);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal("Scim.Core", Value("id"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("PACKAGE.md", Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.Contains("scim", Value("tags") ?? string.Empty, StringComparison.Ordinal);
        Assert.NotNull(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository"));
    }

    [Fact]
    public void Pack_ScimCore_ContainsReadmeAssemblyAndXmlDocs()
    {
        using var archive = ZipFile.OpenRead(_packed.PackagePath);
        var names = archive.Entries.Select(e => e.FullName).ToList();

        Assert.Contains("PACKAGE.md", names);
        Assert.Contains("lib/net10.0/Scim.Core.dll", names);
        Assert.Contains("lib/net10.0/Scim.Core.xml", names);
        using var reader = new StreamReader(archive.GetEntry("PACKAGE.md")!.Open());
        Assert.Contains("Scim.Core", reader.ReadToEnd(), StringComparison.Ordinal);
    }

    /// <summary>Packs src/Scim.Core into a temporary folder once.</summary>
    public sealed class PackedScimCore : IDisposable
    {
        private readonly string _output = Path.Combine(Path.GetTempPath(), "scim-pack-" + Guid.NewGuid().ToString("N"));

        public PackedScimCore()
        {
            var project = Path.Combine(RepositoryPaths.Root, "src", "Scim.Core", "Scim.Core.csproj");
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { "pack", project, "-c", "Release", "-o", _output, "-p:Version=0.0.1-test", "--nologo" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = RepositoryPaths.Root,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
            {
                process.Kill(entireProcessTree: true);
            }

            Log = stdout.Result + stderr.Result;
            PackagePath = Path.Combine(_output, "Scim.Core.0.0.1-test.nupkg");
        }

        public string PackagePath { get; }

        public string Log { get; }

        public void Dispose()
        {
            if (Directory.Exists(_output))
            {
                Directory.Delete(_output, recursive: true);
            }
        }
    }
}
