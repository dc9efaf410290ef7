using System.Text.Json.Nodes;
using Scim.Core.Errors;

namespace Scim.Core.Bulk;

/// <summary>One operation of a BulkRequest as read, with the <c>bulkId</c>s it refers to.</summary>
internal sealed class BulkOperation(int index)
{
    /// <summary>Its position in the request (results keep request order).</summary>
    public int Index { get; } = index;

    public string Method { get; set; } = string.Empty;

    public string? BulkId { get; set; }

    public string? Version { get; set; }

    public string? Path { get; set; }

    public JsonObject? Data { get; set; }

    /// <summary>The served resource type the path names.</summary>
    public string? ResourceType { get; set; }

    /// <summary>The resource id of a PUT, PATCH or DELETE (possibly <c>bulkId:...</c>).</summary>
    public string? Id { get; set; }

    /// <summary>The <c>bulkId</c>s its path and data refer to, in the order they appear.</summary>
    public List<string> References { get; } = [];

    /// <summary>Why it fails without running (read errors, a duplicate bulkId).</summary>
    public ScimException? Error { get; set; }
}
