namespace Scim.Core.Stores;

/// <summary>
/// The <c>meta.lastModified</c> a store writes: the service takes a write's time before the store
/// call, and a write that then waits for the resource's lock (two member changes of one group need
/// no version check, so neither is retried) could stamp a time earlier than the one already
/// stored. A resource's <c>lastModified</c> never goes back: a time not after the stored one
/// becomes the stored one plus a microsecond (the service's write times are whole microseconds,
/// which PostgreSQL keeps exactly), so <c>meta.lastModified gt</c> still finds the newer version.
/// </summary>
internal static class WriteTimes
{
    /// <summary>The time to stamp: <paramref name="given"/>, or just after <paramref name="stored"/> when that is not before it.</summary>
    public static DateTimeOffset After(DateTimeOffset given, DateTimeOffset? stored) =>
        stored is { } last && last >= given ? last.AddTicks(TimeSpan.TicksPerMicrosecond) : given;
}
