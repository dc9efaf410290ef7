using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Projection;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Provisioning;

/// <summary>A page of resources (the body of a <c>ListResponse</c>, RFC 7644 §3.4.2).</summary>
public sealed class ScimListResult
{
    internal ScimListResult(IReadOnlyList<ScimResourceResult> resources, int totalResults, int startIndex, string? nextCursor, bool cursorPaging)
    {
        Resources = resources;
        TotalResults = totalResults;
        StartIndex = startIndex;
        NextCursor = nextCursor;
        CursorPaging = cursorPaging;
    }

    /// <summary>The resources of the page.</summary>
    public IReadOnlyList<ScimResourceResult> Resources { get; }

    /// <summary>The number of matches over all pages.</summary>
    public int TotalResults { get; }

    /// <summary>The 1-based index of the first resource of the page (index paging).</summary>
    public int StartIndex { get; }

    /// <summary>The number of resources in the page.</summary>
    public int ItemsPerPage => Resources.Count;

    /// <summary>With cursor paging, the cursor of the next page; <see langword="null"/> on the last page.</summary>
    public string? NextCursor { get; }

    /// <summary>Whether the page was requested by cursor.</summary>
    public bool CursorPaging { get; }

    /// <summary>The <c>ListResponse</c> body.</summary>
    /// <returns>A new tree.</returns>
    internal JsonObject ToJson()
    {
        var resources = new JsonArray();
        foreach (var resource in Resources)
        {
            resources.Add(resource.ToJson());
        }

        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ListResponse),
            ["totalResults"] = TotalResults,
            ["itemsPerPage"] = ItemsPerPage,
        };
        if (!CursorPaging)
        {
            body["startIndex"] = StartIndex;
        }

        if (NextCursor is not null)
        {
            body["nextCursor"] = NextCursor;
        }

        body[nameof(Resources)] = resources;
        return body;
    }

    /// <summary>Writes the <c>ListResponse</c> body, one resource at a time.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemaUris.ListResponse);
        writer.WriteEndArray();
        writer.WriteNumber("totalResults", TotalResults);
        writer.WriteNumber("itemsPerPage", ItemsPerPage);
        if (!CursorPaging)
        {
            writer.WriteNumber("startIndex", StartIndex);
        }

        if (NextCursor is not null)
        {
            writer.WriteString("nextCursor", NextCursor);
        }

        writer.WriteStartArray(nameof(Resources));
        var repeats = Resources.Count > 1 ? new RepeatedFields() : null;
        foreach (var resource in Resources)
        {
            resource.WriteTo(writer, repeats);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
