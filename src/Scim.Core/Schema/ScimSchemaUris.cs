namespace Scim.Core.Schema;

/// <summary>The URNs of the schemas and messages defined by RFC 7643, RFC 7644 and RFC 9865.</summary>
public static class ScimSchemaUris
{
    /// <summary>The core User schema (RFC 7643 §4.1).</summary>
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";

    /// <summary>The core Group schema (RFC 7643 §4.2).</summary>
    public const string Group = "urn:ietf:params:scim:schemas:core:2.0:Group";

    /// <summary>The Enterprise User extension (RFC 7643 §4.3).</summary>
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>The service provider configuration schema (RFC 7643 §5).</summary>
    public const string ServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

    /// <summary>The resource type schema (RFC 7643 §6).</summary>
    public const string ResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

    /// <summary>The schema of schema representations (RFC 7643 §7).</summary>
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:Schema";

    /// <summary>The list response message (RFC 7644 §3.4.2).</summary>
    public const string ListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

    /// <summary>The search request message (RFC 7644 §3.4.3).</summary>
    public const string SearchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

    /// <summary>The PATCH operation message (RFC 7644 §3.5.2).</summary>
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    /// <summary>The bulk request message (RFC 7644 §3.7).</summary>
    public const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    /// <summary>The bulk response message (RFC 7644 §3.7).</summary>
    public const string BulkResponse = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

    /// <summary>The error message (RFC 7644 §3.12).</summary>
    public const string Error = "urn:ietf:params:scim:api:messages:2.0:Error";
}
