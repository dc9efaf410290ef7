using System.Text.Json.Nodes;
using Scim.Core.Schema;

namespace Scim.Core.Discovery;

/// <summary>
/// Builds the discovery documents (RFC 7644 §4) from the registry and configuration, so that a
/// host's extension schema or resource type appears in /Schemas and /ResourceTypes by being
/// registered. The <c>baseUrl</c> arguments are the SCIM base (<c>https://host/scim/v2</c>
/// or <c>/scim/v2</c>); <c>meta.location</c> values are built on it.
/// </summary>
internal static class DiscoveryDocuments
{
    /// <summary>The /ServiceProviderConfig document.</summary>
    /// <param name="configuration">What the service provider supports.</param>
    /// <param name="baseUrl">The SCIM base URL.</param>
    /// <returns>The document.</returns>
    public static JsonObject ServiceProviderConfig(ServiceProviderConfiguration configuration, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var document = new JsonObject { ["schemas"] = new JsonArray(ScimSchemaUris.ServiceProviderConfig) };
        if (configuration.DocumentationUri is not null)
        {
            document["documentationUri"] = UriText(configuration.DocumentationUri);
        }

        document["patch"] = Supported(configuration.PatchSupported);
        document["bulk"] = new JsonObject
        {
            ["supported"] = configuration.Bulk.Supported,
            ["maxOperations"] = configuration.Bulk.MaxOperations,
            ["maxPayloadSize"] = configuration.Bulk.MaxPayloadSize,
        };
        document["filter"] = new JsonObject
        {
            ["supported"] = configuration.Filter.Supported,
            ["maxResults"] = configuration.Filter.MaxResults,
        };
        document["changePassword"] = Supported(configuration.ChangePasswordSupported);
        document["sort"] = Supported(configuration.SortSupported);
        document["etag"] = Supported(configuration.ETagSupported);

        var pagination = new JsonObject
        {
            ["cursor"] = configuration.Pagination.Cursor,
            ["index"] = configuration.Pagination.Index,
            ["defaultPaginationMethod"] = configuration.Pagination.DefaultPaginationMethod,
            ["defaultPageSize"] = configuration.Pagination.DefaultPageSize,
            ["maxPageSize"] = configuration.Pagination.MaxPageSize,
        };
        if (configuration.Pagination.CursorTimeout is { } timeout)
        {
            pagination["cursorTimeout"] = timeout;
        }

        document["pagination"] = pagination;
        if (configuration.SecurityEventUris.Count > 0)
        {
            // RFC 9967 §4: changes are published as SETs; no request is answered asynchronously.
            document["securityEvents"] = new JsonObject
            {
                ["asyncRequest"] = "none",
                ["eventUris"] = new JsonArray([.. configuration.SecurityEventUris.Select(u => (JsonNode?)u)]),
            };
        }

        var schemes = new JsonArray();
        foreach (var scheme in configuration.AuthenticationSchemes)
        {
            var item = new JsonObject
            {
                ["type"] = scheme.Type,
                ["name"] = scheme.Name,
                ["description"] = scheme.Description,
            };
            if (scheme.SpecUri is not null)
            {
                item["specUri"] = UriText(scheme.SpecUri);
            }

            if (scheme.DocumentationUri is not null)
            {
                item["documentationUri"] = UriText(scheme.DocumentationUri);
            }

            item["primary"] = scheme.Primary;
            schemes.Add(item);
        }

        document["authenticationSchemes"] = schemes;
        foreach (var (name, member) in configuration.ExtensionMembers)
        {
            document[name] = member.DeepClone();
        }

        document["meta"] = Meta("ServiceProviderConfig", Combine(baseUrl, "ServiceProviderConfig"));
        return document;
    }

    /// <summary>The representation of one schema (RFC 7643 §7), as served at /Schemas/{id}.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="baseUrl">The SCIM base URL.</param>
    /// <returns>The document.</returns>
    public static JsonObject Schema(ScimSchema schema, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var document = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.Schema),
            ["id"] = schema.Id,
        };
        if (schema.Name is not null)
        {
            document["name"] = schema.Name;
        }

        if (schema.Description is not null)
        {
            document["description"] = schema.Description;
        }

        document["attributes"] = Attributes(schema.Attributes);
        document["meta"] = Meta("Schema", Combine(baseUrl, "Schemas/" + schema.Id));
        return document;
    }

    /// <summary>The /Schemas list response.</summary>
    /// <param name="schemas">The schemas served.</param>
    /// <param name="baseUrl">The SCIM base URL.</param>
    /// <returns>The document.</returns>
    public static JsonObject Schemas(IEnumerable<ScimSchema> schemas, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        return ListResponse(schemas.Select(s => (JsonNode)Schema(s, baseUrl)));
    }

    /// <summary>The representation of one resource type (RFC 7643 §6), as served at /ResourceTypes/{name}.</summary>
    /// <param name="resourceType">The resource type.</param>
    /// <param name="baseUrl">The SCIM base URL.</param>
    /// <returns>The document.</returns>
    public static JsonObject ResourceType(ScimResourceType resourceType, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        var document = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ResourceType),
            ["id"] = resourceType.Name,
            ["name"] = resourceType.Name,
            ["endpoint"] = resourceType.Endpoint,
        };
        if (resourceType.Description is not null)
        {
            document["description"] = resourceType.Description;
        }

        document["schema"] = resourceType.Schema;
        if (resourceType.SchemaExtensions.Count > 0)
        {
            var extensions = new JsonArray();
            foreach (var extension in resourceType.SchemaExtensions)
            {
                extensions.Add(new JsonObject { ["schema"] = extension.Schema, ["required"] = extension.Required });
            }

            document["schemaExtensions"] = extensions;
        }

        document["meta"] = Meta("ResourceType", Combine(baseUrl, "ResourceTypes/" + resourceType.Name));
        return document;
    }

    /// <summary>The /ResourceTypes list response.</summary>
    /// <param name="resourceTypes">The resource types served.</param>
    /// <param name="baseUrl">The SCIM base URL.</param>
    /// <returns>The document.</returns>
    public static JsonObject ResourceTypes(IEnumerable<ScimResourceType> resourceTypes, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(resourceTypes);
        return ListResponse(resourceTypes.Select(r => (JsonNode)ResourceType(r, baseUrl)));
    }

    private static JsonObject ListResponse(IEnumerable<JsonNode> resources)
    {
        var items = new JsonArray([.. resources]);
        return new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ListResponse),
            ["totalResults"] = items.Count,
            ["itemsPerPage"] = items.Count,
            ["startIndex"] = 1,
            ["Resources"] = items,
        };
    }

    private static JsonArray Attributes(IReadOnlyList<SchemaAttribute> attributes)
    {
        var array = new JsonArray();
        foreach (var attribute in attributes)
        {
            array.Add(Attribute(attribute));
        }

        return array;
    }

    private static JsonObject Attribute(SchemaAttribute attribute)
    {
        var node = new JsonObject
        {
            ["name"] = attribute.Name,
            ["type"] = ToWire(attribute.Type),
            ["multiValued"] = attribute.MultiValued,
        };
        if (attribute.Description is not null)
        {
            node["description"] = attribute.Description;
        }

        node["required"] = attribute.Required;
        if (attribute.CanonicalValues.Count > 0)
        {
            node["canonicalValues"] = new JsonArray([.. attribute.CanonicalValues.Select(v => (JsonNode)v)]);
        }

        node["caseExact"] = attribute.CaseExact;
        node["mutability"] = ToWire(attribute.Mutability);
        node["returned"] = ToWire(attribute.Returned);
        node["uniqueness"] = ToWire(attribute.Uniqueness);
        if (attribute.Type == AttributeType.Reference)
        {
            node["referenceTypes"] = new JsonArray([.. attribute.ReferenceTypes.Select(v => (JsonNode)v)]);
        }

        if (attribute.Type == AttributeType.Complex)
        {
            node["subAttributes"] = Attributes(attribute.SubAttributes);
        }

        return node;
    }

    // Uri.ToString() unescapes (%20 becomes a space); the escaped form is the valid URI.
    private static string UriText(Uri uri) => uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.OriginalString;

    private static JsonObject Supported(bool supported) => new() { ["supported"] = supported };

    private static JsonObject Meta(string resourceType, string location) => new()
    {
        ["resourceType"] = resourceType,
        ["location"] = location,
    };

    private static string Combine(string baseUrl, string relative)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return baseUrl.TrimEnd('/') + "/" + relative;
    }

    /// <summary>The wire name of an attribute type (RFC 7643 §7).</summary>
    /// <param name="type">The type.</param>
    /// <returns>e.g. <c>dateTime</c>.</returns>
    public static string ToWire(AttributeType type) => type switch
    {
        AttributeType.String => "string",
        AttributeType.Boolean => "boolean",
        AttributeType.Decimal => "decimal",
        AttributeType.Integer => "integer",
        AttributeType.DateTime => "dateTime",
        AttributeType.Binary => "binary",
        AttributeType.Reference => "reference",
        AttributeType.Complex => "complex",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The wire name of a mutability (RFC 7643 §7).</summary>
    /// <param name="mutability">The mutability.</param>
    /// <returns>e.g. <c>readOnly</c>.</returns>
    public static string ToWire(Mutability mutability) => mutability switch
    {
        Mutability.ReadOnly => "readOnly",
        Mutability.ReadWrite => "readWrite",
        Mutability.Immutable => "immutable",
        Mutability.WriteOnly => "writeOnly",
        _ => throw new ArgumentOutOfRangeException(nameof(mutability)),
    };

    /// <summary>The wire name of a returned characteristic (RFC 7643 §7).</summary>
    /// <param name="returned">The characteristic.</param>
    /// <returns>e.g. <c>default</c>.</returns>
    public static string ToWire(Returned returned) => returned switch
    {
        Returned.Always => "always",
        Returned.Never => "never",
        Returned.Default => "default",
        Returned.Request => "request",
        _ => throw new ArgumentOutOfRangeException(nameof(returned)),
    };

    /// <summary>The wire name of a uniqueness (RFC 7643 §7).</summary>
    /// <param name="uniqueness">The uniqueness.</param>
    /// <returns>e.g. <c>server</c>.</returns>
    public static string ToWire(Uniqueness uniqueness) => uniqueness switch
    {
        Uniqueness.None => "none",
        Uniqueness.Server => "server",
        Uniqueness.Global => "global",
        _ => throw new ArgumentOutOfRangeException(nameof(uniqueness)),
    };
}
