using System.Text.Json;
using Scim.Core.Stores;

namespace Scim.Core.Patching;

/// <summary>The operation of a PATCH operation (RFC 7644 §3.5.2).</summary>
internal enum PatchOperationType
{
    /// <summary><c>add</c>.</summary>
    Add,

    /// <summary><c>remove</c>.</summary>
    Remove,

    /// <summary><c>replace</c>.</summary>
    Replace,
}

/// <summary>One operation of a PATCH request.</summary>
/// <param name="Op">What to do.</param>
/// <param name="Path">The target path (<c>emails[type eq "work"].value</c>), or <see langword="null"/> when the value is a partial resource.</param>
/// <param name="Value">The value, or <see langword="null"/> when the operation has none.</param>
internal sealed record PatchOperation(PatchOperationType Op, string? Path, JsonElement? Value);

/// <summary>A PATCH request (RFC 7644 §3.5.2): its operations, in order.</summary>
/// <param name="Operations">The operations; applied all or none.</param>
internal sealed record PatchRequest(IReadOnlyList<PatchOperation> Operations)
{
    /// <summary>The dialects reading the message needed (its keys' and operation names' casing).</summary>
    public PatchDialects Dialects { get; init; }
}

/// <summary>
/// What a PATCH changed. The version of a resource changes only when <see cref="Changed"/>; the
/// changed paths feed change events.
/// </summary>
internal sealed class PatchResult
{
    internal PatchResult(IReadOnlyList<string> changedPaths, MembershipChange? members)
    {
        ChangedPaths = changedPaths;
        Members = members;
    }

    /// <summary>
    /// The canonical paths whose values differ after the PATCH: top-level attributes
    /// (<c>emails</c>, <c>active</c>), sub-attributes of singular complex attributes
    /// (<c>name.givenName</c>), and extension attributes with their URN.
    /// </summary>
    public IReadOnlyList<string> ChangedPaths { get; }

    /// <summary>Membership changes, when the patcher was asked to give group members as deltas; else <see langword="null"/>.</summary>
    public MembershipChange? Members { get; }

    /// <summary>The identity-provider dialects the request needed (none for a request that kept to RFC 7644).</summary>
    public PatchDialects Dialects { get; internal set; }

    /// <summary>The names of the unknown attributes the request named and that were dropped (reading options that ignore them); empty otherwise.</summary>
    public IReadOnlyList<string> IgnoredAttributes { get; internal set; } = [];

    /// <summary>Whether anything changed (attributes, or a non-empty membership delta).</summary>
    public bool Changed => ChangedPaths.Count > 0 || Members is { IsEmpty: false };
}

/// <summary>Keeps a tree's <c>schemas</c> list (when it has one) equal to the schemas present.</summary>
internal static class SchemasList
{
    public static void Refresh(System.Text.Json.Nodes.JsonObject resource, Schema.ScimResourceType resourceType)
    {
        if (resource["schemas"] is not System.Text.Json.Nodes.JsonArray current)
        {
            return;
        }

        // Most changes leave the list as it is: check before building a new one.
        var expected = 1;
        var same = current.Count > 0 && (string?)current[0] == resourceType.Schema;
        for (var e = 0; e < resourceType.SchemaExtensions.Count; e++)
        {
            var extension = resourceType.SchemaExtensions[e];
            if (resource[extension.Schema] is System.Text.Json.Nodes.JsonObject { Count: > 0 })
            {
                same = same && current.Count > expected && (string?)current[expected] == extension.Schema;
                expected++;
            }
        }

        if (same && current.Count == expected)
        {
            return;
        }

        var schemas = new System.Text.Json.Nodes.JsonArray(resourceType.Schema);
        for (var e = 0; e < resourceType.SchemaExtensions.Count; e++)
        {
            var extension = resourceType.SchemaExtensions[e];
            if (resource[extension.Schema] is System.Text.Json.Nodes.JsonObject { Count: > 0 })
            {
                schemas.Add(extension.Schema);
            }
        }

        resource["schemas"] = schemas;
    }
}
