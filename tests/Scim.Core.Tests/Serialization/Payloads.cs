using System.Text;
using System.Text.Json.Nodes;
using Scim.Core.Schema;

namespace Scim.Core.Tests.Serialization;

/// <summary>Schema URNs, request bodies and registries shared by the serialization tests.</summary>
internal static class Payloads
{
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>A host extension with one attribute of each scalar type the core schemas barely use.</summary>
    public const string TypesUrn = "urn:example:params:scim:schemas:extension:Types:2.0:User";

    public const string FullUserFile = "rfc7643-8.2-full-user.json";
    public const string EnterpriseUserFile = "rfc7643-8.3-enterprise-user.json";
    public const string GroupFile = "rfc7643-8.4-group.json";

    /// <summary>A User body: <c>schemas</c> with the core URN, then <paramref name="members"/>.</summary>
    public static string User(string members) => $$"""{"schemas":["{{UserUrn}}"],{{members}}}""";

    /// <summary>A User body with <c>userName</c> "bjensen" and <paramref name="members"/>.</summary>
    public static string NamedUser(string members) => User("\"userName\":\"bjensen\"," + members);

    /// <summary>A Group body: <c>schemas</c> with the Group URN, then <paramref name="members"/>.</summary>
    public static string Group(string members) => $$"""{"schemas":["{{GroupUrn}}"],{{members}}}""";

    /// <summary>A Group body with <c>displayName</c> "Tour Guides" and <paramref name="members"/>.</summary>
    public static string NamedGroup(string members) => Group("\"displayName\":\"Tour Guides\"," + members);

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    public static byte[] FileBytes(string fileName) => File.ReadAllBytes(FilePath(fileName));

    public static JsonObject FileTree(string fileName) => JsonTree.Parse(File.ReadAllText(FilePath(fileName)));

    /// <summary>The default registry plus the <see cref="TypesUrn"/> extension (optional) on User.</summary>
    public static SchemaRegistry RegistryWithTypes()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(TypesUrn, "Types", "One attribute per SCIM data type.",
        [
            new SchemaAttribute("level", AttributeType.Integer),
            new SchemaAttribute("levels", AttributeType.Integer) { MultiValued = true },
            new SchemaAttribute("score", AttributeType.Decimal),
            new SchemaAttribute("since", AttributeType.DateTime),
            new SchemaAttribute("badge", AttributeType.Binary),
        ]));
        return registry;
    }

    private static string FilePath(string fileName) => Path.Combine(AppContext.BaseDirectory, "TestData", fileName);
}
