using System.Text;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Tests.Architecture;

namespace Scim.Core.Tests.Docs;

/// <summary>The README's C# example is this file's code, so it compiles and runs in every build.</summary>
public sealed class ReadmeQuickStartTests
{
    private const string StartMarker = "// README snippet: start";
    private const string EndMarker = "// README snippet: end";

    [Fact]
    public void Readme_CSharpExample_IsTheCodeThisTestRuns()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme.IndexOf("## Using the model today", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has a 'Using the model today' section");
        var blockStart = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal);
        Assert.True(blockStart >= 0, "README.md has a ```csharp block");
        var codeStart = blockStart + "```csharp\n".Length;
        var fromReadme = Lines(readme[codeStart..readme.IndexOf("```", codeStart, StringComparison.Ordinal)]);

        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Scim.Core.Tests", "Docs", "ReadmeQuickStartTests.cs"));
        var snippetStart = source.IndexOf(StartMarker + "\n", StringComparison.Ordinal) + StartMarker.Length + 1;
        var fromTest = Lines(source[snippetStart..source.LastIndexOf(EndMarker, StringComparison.Ordinal)]);

        // The README block also shows its using directives, which live at the top of this file.
        Assert.Equal(fromReadme.Where(l => !l.StartsWith("using ", StringComparison.Ordinal)), fromTest);
    }

    [Fact]
    public void Readme_CSharpExample_ReadsExtensionAndWritesCanonicalJson()
    {
        var body = Encoding.UTF8.GetBytes("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:example:params:scim:schemas:extension:MyApp:2.0:User"],
              "USERNAME": "bjensen",
              "name": { "givenName": "Barbara" },
              "password": "t1meMa$heen",
              "urn:example:params:scim:schemas:extension:MyApp:2.0:User": { "TENANTROLE": "admin" }
            }
            """);

        // README snippet: start
        var registry = SchemaRegistry.CreateDefault();                  // User, Group, Enterprise User
        registry.AddSchemaExtension("User", new ScimSchema(
            "urn:example:params:scim:schemas:extension:MyApp:2.0:User", "MyApp", "MyApp user attributes",
            [new SchemaAttribute("tenantRole", AttributeType.String)]));

        var serializer = new ScimSerializer(registry);
        User user = serializer.ReadUser(body);      // a ScimException (400 invalidSyntax / invalidValue) on bad input
        Console.WriteLine(user.Name?.GivenName);
        Console.WriteLine(user.Extensions["urn:example:params:scim:schemas:extension:MyApp:2.0:User"]?["tenantRole"]);
        string json = ScimSerializer.Serialize(user); // canonical casing; password is never written
        // README snippet: end

        Assert.Equal("bjensen", user.UserName);
        Assert.Equal("admin", (string?)user.Extensions["urn:example:params:scim:schemas:extension:MyApp:2.0:User"]?["tenantRole"]);
        Assert.Contains("\"userName\":\"bjensen\"", json, StringComparison.Ordinal);
        Assert.Contains("\"tenantRole\":\"admin\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("t1meMa$heen", json, StringComparison.Ordinal);
    }

    private static List<string> Lines(string text) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];
}
