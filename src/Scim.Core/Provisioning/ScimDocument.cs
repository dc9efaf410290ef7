using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Serialization;

namespace Scim.Core.Provisioning;

/// <summary>
/// A SCIM response body that is not a resource or a list of resources: a discovery document
/// (<c>/ServiceProviderConfig</c>, <c>/ResourceTypes</c>, <c>/Schemas</c>) or a BulkResponse.
/// </summary>
public sealed class ScimDocument
{
    private readonly JsonObject _body;

    internal ScimDocument(JsonObject body) => _body = body;

    /// <summary>Writes the body.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _body.WriteTo(writer);
    }

    /// <summary>The body as JSON text.</summary>
    /// <returns>The JSON.</returns>
    public override string ToString() => _body.ToJsonString(ScimSerializer.DocumentOptions);

    /// <summary>The body as a tree (for the library's own tests and composition).</summary>
    internal JsonObject Body => _body;
}
