namespace Scim.Core.Tests.Architecture;

/// <summary>Finds the repository root from the test's output folder, so tests can inspect project files and run the SDK.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Scim.Core.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Scim.Core.sln not found above " + AppContext.BaseDirectory);
    }
}
