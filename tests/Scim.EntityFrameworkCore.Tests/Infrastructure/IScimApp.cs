namespace Scim.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>A host application serving SCIM over HTTP from a real database, started for one test.</summary>
public interface IScimApp : IAsyncDisposable
{
    /// <summary>A client with the app's token, its base address the SCIM root.</summary>
    HttpClient Client();

    /// <summary>The errors the app logged.</summary>
    ErrorLog Errors { get; }
}
