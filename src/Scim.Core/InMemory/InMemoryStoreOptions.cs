namespace Scim.Core.InMemory;

/// <summary>Options of the in-memory stores.</summary>
public sealed class InMemoryStoreOptions
{
    /// <summary>Whether <c>externalId</c> is unique per tenant (set it together with <c>ScimServiceOptions.UniqueExternalId</c>).</summary>
    public bool UniqueExternalId { get; set; }
}
