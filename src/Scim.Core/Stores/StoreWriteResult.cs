namespace Scim.Core.Stores;

/// <summary>How a store write ended.</summary>
public enum StoreWriteStatus
{
    /// <summary>The write was applied.</summary>
    Succeeded,

    /// <summary>No resource with that id exists in the tenant.</summary>
    NotFound,

    /// <summary>The resource's current version is not the expected one: someone else changed it first.</summary>
    VersionMismatch,

    /// <summary>The write would break a uniqueness rule (for example a userName already taken in the tenant).</summary>
    Conflict,
}

/// <summary>
/// The outcome of a store write. Expected failures (missing resource, stale version, uniqueness
/// conflict) are values, not exceptions, so the service can answer 404, 412 or 409 — or retry.
/// </summary>
/// <typeparam name="T">The resource type.</typeparam>
public sealed class StoreWriteResult<T>
    where T : class
{
    internal StoreWriteResult(StoreWriteStatus status, T? resource, string? conflictAttribute, bool unchanged = false)
    {
        Status = status;
        Resource = resource;
        ConflictAttribute = conflictAttribute;
        Unchanged = unchanged;
    }

    /// <summary>
    /// Whether a successful replace changed nothing the store keeps (<see cref="StoreWriteResult.Unchanged{T}"/>):
    /// <see cref="Resource"/> is the resource as it was, with its version, and the service raises no event.
    /// </summary>
    public bool Unchanged { get; }

    /// <summary>How the write ended.</summary>
    public StoreWriteStatus Status { get; }

    /// <summary>The resource as stored after a successful create or replace; <see langword="null"/> otherwise.</summary>
    public T? Resource { get; }

    /// <summary>With <see cref="StoreWriteStatus.Conflict"/>, the attribute whose uniqueness the write would break (e.g. <c>userName</c>).</summary>
    public string? ConflictAttribute { get; }

    /// <summary>Whether the write was applied.</summary>
    public bool Succeeded => Status == StoreWriteStatus.Succeeded;
}

/// <summary>Makes <see cref="StoreWriteResult{T}"/> values.</summary>
public static class StoreWriteResult
{
    /// <summary>A successful write.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="resource">The resource as stored (<see langword="null"/> after a delete).</param>
    /// <returns>The result.</returns>
    public static StoreWriteResult<T> Success<T>(T? resource)
        where T : class => new(StoreWriteStatus.Succeeded, resource, null);

    /// <summary>
    /// A replace that changed nothing the store keeps: a store that keeps less than a resource can
    /// hold (a host's table, which keeps one email of one type) was given a change of only what it
    /// does not keep. The service answers with <paramref name="resource"/>, keeps its version, and
    /// raises no change event.
    /// </summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="resource">The resource as stored, unchanged.</param>
    /// <returns>The result.</returns>
    public static StoreWriteResult<T> Unchanged<T>(T resource)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(resource);
        return new(StoreWriteStatus.Succeeded, resource, null, unchanged: true);
    }

    /// <summary>No resource with that id exists in the tenant.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <returns>The result.</returns>
    public static StoreWriteResult<T> NotFound<T>()
        where T : class => new(StoreWriteStatus.NotFound, null, null);

    /// <summary>The expected version is not the current one.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <returns>The result.</returns>
    public static StoreWriteResult<T> VersionMismatch<T>()
        where T : class => new(StoreWriteStatus.VersionMismatch, null, null);

    /// <summary>A uniqueness rule would be broken.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="attribute">The attribute, e.g. <c>userName</c> or <c>externalId</c>.</param>
    /// <returns>The result.</returns>
    public static StoreWriteResult<T> Conflict<T>(string attribute)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        return new(StoreWriteStatus.Conflict, null, attribute);
    }
}
