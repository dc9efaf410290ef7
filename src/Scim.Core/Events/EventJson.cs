using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scim.Core.Events;

/// <summary>The JSON an event is kept as (an outbox row) and read back from.</summary>
internal static class EventJson
{
    public static string Write(ScimChangeEvent change) => JsonSerializer.Serialize(change, EventJsonContext.Default.ScimChangeEvent);

    /// <exception cref="JsonException">The text is not an event.</exception>
    public static ScimChangeEvent Read(string json) =>
        JsonSerializer.Deserialize(json, EventJsonContext.Default.ScimChangeEvent) ?? throw new JsonException("An event row holds null.");
}

/// <summary>Source-generated contract of <see cref="ScimChangeEvent"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ScimChangeEvent))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
