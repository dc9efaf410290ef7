using Scim.Core.Discovery;
using Scim.Core.Errors;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

// The discovery documents (RFC 7644 §4), generated from what this service serves: the resource
// types that have a store, the schemas those use, and a ServiceProviderConfig computed once from
// the host's options and what the stores can do.
public sealed partial class ScimService
{
    /// <summary>The <c>/ServiceProviderConfig</c> document (RFC 7643 §5, RFC 9865 §3).</summary>
    /// <param name="context">The request (its base URL makes <c>meta.location</c>).</param>
    /// <returns>The document.</returns>
    public ScimDocument GetServiceProviderConfig(ScimContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var configuration = _engine.Configuration(SupportsCursorPaging, _served.Select(t => t.CursorTimeout).FirstOrDefault(t => t is not null));
        return new ScimDocument(DiscoveryDocuments.ServiceProviderConfig(configuration, BaseUrl(context)));
    }

    /// <summary>The <c>/ResourceTypes</c> list: the resource types served.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The document.</returns>
    public ScimDocument GetResourceTypes(ScimContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ScimDocument(DiscoveryDocuments.ResourceTypes(_resourceTypes, BaseUrl(context)));
    }

    /// <summary>One resource type, by name (<c>/ResourceTypes/User</c>).</summary>
    /// <param name="context">The request.</param>
    /// <param name="name">The resource type's name, case-insensitively.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ScimException">404 when no served resource type has that name.</exception>
    public ScimDocument GetResourceType(ScimContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(name);
        var type = _resourceTypes.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimException.NotFound($"Resource type '{name}' not found.");
        return new ScimDocument(DiscoveryDocuments.ResourceType(type, BaseUrl(context)));
    }

    /// <summary>The <c>/Schemas</c> list: the schemas of the resource types served.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The document.</returns>
    public ScimDocument GetSchemas(ScimContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ScimDocument(DiscoveryDocuments.Schemas(ServedSchemas(), BaseUrl(context)));
    }

    /// <summary>One schema, by URN (<c>/Schemas/urn:ietf:params:scim:schemas:core:2.0:User</c>).</summary>
    /// <param name="context">The request.</param>
    /// <param name="id">The schema URN, case-insensitively.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ScimException">404 when no served resource type uses that schema.</exception>
    public ScimDocument GetSchema(ScimContext context, string id)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var schema = ServedSchemas().FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimException.NotFound($"Schema '{id}' not found.");
        return new ScimDocument(DiscoveryDocuments.Schema(schema, BaseUrl(context)));
    }

    /// <summary>The schemas the served resource types use (core and extensions), in registration order.</summary>
    private IEnumerable<ScimSchema> ServedSchemas()
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in _resourceTypes)
        {
            used.Add(type.Schema);
            foreach (var extension in type.SchemaExtensions)
            {
                used.Add(extension.Schema);
            }
        }

        return Registry.Schemas.Where(s => used.Contains(s.Id));
    }

    private static string BaseUrl(ScimContext context) => context.BaseUrl ?? string.Empty;
}
