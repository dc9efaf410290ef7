namespace Scim.Core.Bulk;

/// <summary>Bulk (RFC 7644 §3.7) settings, advertised in ServiceProviderConfig.</summary>
public sealed class BulkOptions
{
    /// <summary>Whether <c>/Bulk</c> is served (otherwise it answers 501).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The most operations one request may carry (<c>bulk.maxOperations</c>); more is 413.</summary>
    public int MaxOperations { get; set; } = 1000;

    /// <summary>Checks the values.</summary>
    /// <exception cref="InvalidOperationException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxOperations < 1)
        {
            throw new InvalidOperationException("BulkOptions.MaxOperations must be at least 1.");
        }
    }
}
