using Microsoft.Data.Sqlite;

namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>A SQLite database file of its own for one test, deleted afterwards.</summary>
public sealed class SqliteFile : IAsyncDisposable
{
    private SqliteFile(string path)
    {
        Path = path;
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Its connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>A new, empty database file in the temporary folder.</summary>
    public static SqliteFile Create()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "scim-ef-tests");
        Directory.CreateDirectory(folder);
        return new SqliteFile(System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + ".db"));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm", Path + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Still open by a connection that is closing; the temporary folder is cleaned by the OS.
            }
        }

        return ValueTask.CompletedTask;
    }
}
