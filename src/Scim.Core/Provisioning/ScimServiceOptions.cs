using Scim.Core.Filtering;
using Scim.Core.Patching;

namespace Scim.Core.Provisioning;

/// <summary>The provisioning service's rules and limits.</summary>
public sealed class ScimServiceOptions
{
    /// <summary>
    /// Whether <c>externalId</c> must be unique per tenant (RFC 7643 leaves it to the service
    /// provider; off by default). The service checks before each write that sets it; a store that
    /// can enforce it atomically (the in-memory store's <c>UniqueExternalId</c>) closes the race.
    /// </summary>
    public bool UniqueExternalId { get; set; }

    /// <summary>Whether change events carry the changed attributes' values before and after (sensitive ones redacted). Off by default.</summary>
    public bool EventValues { get; set; }

    /// <summary>The page size when a list request gives no <c>count</c>.</summary>
    public int DefaultCount { get; set; } = 100;

    /// <summary>The largest page served (<c>filter.maxResults</c>); larger <c>count</c> values are lowered to it.</summary>
    public int MaxCount { get; set; } = 1000;

    /// <summary>How many times a PATCH or PUT that lost a race (the resource changed between read and write) is retried before 409.</summary>
    public int MaxWriteRetries { get; set; } = 8;

    /// <summary>PATCH dialects and limits.</summary>
    public PatchOptions Patch { get; set; } = new();

    /// <summary>Filter limits.</summary>
    public FilterOptions Filter { get; set; } = new();

    /// <summary>Bulk (RFC 7644 §3.7): on by default, at most 1,000 operations per request.</summary>
    public Bulk.BulkOptions Bulk { get; set; } = new();

    /// <summary>Checks the values; called when the service is built.</summary>
    /// <exception cref="InvalidOperationException">A value is out of range.</exception>
    public void Validate()
    {
        if (DefaultCount < 0 || MaxCount < 1 || DefaultCount > MaxCount)
        {
            throw new InvalidOperationException($"ScimServiceOptions: DefaultCount ({DefaultCount}) must be between 0 and MaxCount ({MaxCount}), and MaxCount at least 1.");
        }

        if (MaxWriteRetries < 0)
        {
            throw new InvalidOperationException("ScimServiceOptions: MaxWriteRetries cannot be negative.");
        }

        ArgumentNullException.ThrowIfNull(Patch, nameof(Patch));
        ArgumentNullException.ThrowIfNull(Filter, nameof(Filter));
        ArgumentNullException.ThrowIfNull(Bulk, nameof(Bulk));
        Bulk.Validate();
    }
}
