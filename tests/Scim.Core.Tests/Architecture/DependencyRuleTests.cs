using System.Xml.Linq;
using Scim.Core.Schema;

namespace Scim.Core.Tests.Architecture;

/// <summary>Scim.Core is the bottom of the dependency graph: it never references ASP.NET Core or EF Core.</summary>
public sealed class DependencyRuleTests
{
    private static readonly string[] ForbiddenPrefixes = ["Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Npgsql", "Microsoft.Data.Sqlite"];

    [Fact]
    public void ScimCoreAssembly_ReferencedAssemblies_IncludeNoWebOrDataFramework()
    {
        var references = typeof(SchemaRegistry).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("System.Text.Json", references);
        var forbidden = references.Where(name => ForbiddenPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.Empty(forbidden);
    }

    [Fact]
    public void ScimCoreProject_References_NoWebFrameworkOrDataPackage()
    {
        var project = XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", "Scim.Core", "Scim.Core.csproj"));

        var frameworkReferences = project.Descendants("FrameworkReference").Select(e => (string?)e.Attribute("Include")).ToList();
        var packages = project.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include") ?? string.Empty).ToList();
        var projects = project.Descendants("ProjectReference").ToList();

        Assert.Empty(frameworkReferences);
        Assert.Empty(projects);
        Assert.DoesNotContain(packages, name => ForbiddenPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
    }
}
