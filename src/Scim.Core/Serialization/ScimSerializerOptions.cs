namespace Scim.Core.Serialization;

/// <summary>
/// What to do with an attribute (or a schema URN in <c>schemas</c>) that the resource type does not
/// define, in a POST or PUT body, a PATCH value or a PATCH path.
/// </summary>
public enum UnknownAttributeHandling
{
    /// <summary>
    /// Reject the request with 400 <c>invalidSyntax</c> (<c>invalidPath</c> for a PATCH path),
    /// naming the attribute. The default: a dropped attribute would be lost without the client knowing.
    /// </summary>
    Reject,

    /// <summary>
    /// Drop the attribute and go on; a PATCH operation whose path names one does nothing. The
    /// provisioning service logs the names it dropped, never their values. Useful when an IdP sends
    /// attributes the host never mapped.
    /// </summary>
    Ignore,
}

/// <summary>Options for reading SCIM resources from JSON.</summary>
public sealed class ScimSerializerOptions
{
    /// <summary>What to do with attributes and schema URNs the resource type does not define.</summary>
    /// <value>Defaults to <see cref="UnknownAttributeHandling.Reject"/>.</value>
    public UnknownAttributeHandling UnknownAttributes { get; set; } = UnknownAttributeHandling.Reject;

    /// <summary>
    /// Prefixes of schema URNs that clients list in <c>schemas</c> without sending attributes of
    /// them, accepted and ignored whatever <see cref="UnknownAttributes"/> says. By default
    /// Microsoft's (<c>http://schemas.microsoft.com/</c>): Entra ID lists
    /// <c>http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group</c> when it creates groups.
    /// </summary>
    public IList<string> IgnoredSchemaPrefixes { get; } = ["http://schemas.microsoft.com/"];

    /// <summary>
    /// The deepest JSON nesting accepted in a request body. A SCIM resource needs at most 4 levels
    /// (resource, extension, complex attribute, array); deeper input is rejected with
    /// 400 <c>invalidSyntax</c> before any recursion can run away.
    /// </summary>
    /// <value>Defaults to 16.</value>
    public int MaxDepth { get; set; } = 16;
}
