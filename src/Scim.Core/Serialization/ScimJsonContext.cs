using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Scim.Core.Resources;

namespace Scim.Core.Serialization;

/// <summary>Source-generated JSON contracts for the typed resources: no reflection at run time.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(ScimDateTimeConverter)])]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(Group))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class ScimJsonContext : JsonSerializerContext;

/// <summary>
/// The serializer options built on <see cref="ScimJsonContext"/>. A separate class so that the
/// generated context is fully initialized before these are made.
/// </summary>
internal static class ScimJson
{
    /// <summary>
    /// The options resources are written and read with: the generated contracts, plus the output
    /// rules that do not fit attributes (RFC 7643 §2.5: an empty array is unassigned and left out;
    /// §2.2: a <c>returned: never</c> attribute such as <c>password</c> is never written).
    /// </summary>
    public static JsonSerializerOptions ResourceOptions { get; } = CreateResourceOptions();

    public static JsonTypeInfo<User> UserInfo { get; } = (JsonTypeInfo<User>)ResourceOptions.GetTypeInfo(typeof(User));

    public static JsonTypeInfo<Group> GroupInfo { get; } = (JsonTypeInfo<Group>)ResourceOptions.GetTypeInfo(typeof(Group));

    private static JsonSerializerOptions CreateResourceOptions()
    {
        // SCIM responses are JSON documents, never HTML: only what JSON itself requires is escaped,
        // so "O'Brien" stays readable instead of becoming "O\u0027Brien".
        var options = new JsonSerializerOptions(ScimJsonContext.Default.Options)
        {
            TypeInfoResolver = ScimJsonContext.Default.WithAddedModifier(ApplyOutputRules),
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly();
        return options;
    }

    private static void ApplyOutputRules(JsonTypeInfo typeInfo)
    {
        foreach (var property in typeInfo.Properties)
        {
            if (typeInfo.Type == typeof(User) && property.Name == "password")
            {
                property.ShouldSerialize = static (_, _) => false;
            }
            else if (property.PropertyType == typeof(EnterpriseUser))
            {
                property.ShouldSerialize = static (_, value) => value is EnterpriseUser { IsEmpty: false };
            }
            else if (property.PropertyType != typeof(string) && typeof(ICollection).IsAssignableFrom(property.PropertyType))
            {
                if (typeInfo.Type == typeof(User) && property.AttributeProvider is System.Reflection.PropertyInfo info && User.RawCollections.TryGetValue(info.Name, out var raw))
                {
                    property.Get = obj => raw((User)obj); // an unset list stays unallocated
                }

                property.ShouldSerialize = static (_, value) => value is ICollection { Count: > 0 };
            }
        }
    }
}
