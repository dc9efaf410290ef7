namespace Scim.Core.Bulk;

/// <summary>Bulk (RFC 7644 §3.7) settings, advertised in ServiceProviderConfig.</summary>
public sealed class BulkOptions
{
    /// <summary>Whether <c>/Bulk</c> is served (otherwise it answers 501).</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The most operations one request may carry (<c>bulk.maxOperations</c>); more is 413.</summary>
    /// <value>Defaults to 1,000.</value>
    public int MaxOperations { get; set; } = 1000;
}
