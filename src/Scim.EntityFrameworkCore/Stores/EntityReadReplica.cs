namespace Scim.EntityFrameworkCore;

/// <summary>The read replica the EF Core stores send plain reads to (<c>AddEntityFrameworkCoreReadReplica</c>).</summary>
/// <param name="ConnectionString">The replica's connection string, for the same provider as the primary.</param>
internal sealed record EntityReadReplica(string ConnectionString);
