using System.Text;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Patching;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Serialization;
using Scim.Core.Tests.Serialization;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// What the PATCH tests share: one registry (the built-in schemas plus a host extension on User
/// with a dateTime, an integer and a multi-valued string), patchers with chosen options, PatchOp
/// message builders, sample resources made the way a host makes them (typed resource, then
/// <see cref="ScimSerializer.ToJsonObject"/>), and assertions for results, deltas and rejections.
/// </summary>
internal static class PatchKit
{
    public const string PatchOpUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string Acme = "urn:example:params:scim:schemas:extension:acme:2.0:User";

    public const string BabsId = "2819c223-7f76-453a-919d-413861904646";
    public const string MandyId = "902c246b-6245-4190-8e05-00816be7344a";
    public const string ManagerId = "26118915-6090-4610-87e4-49d8ca9f808d";
    public const string GroupId = "e9e30dba-f08f-4109-8486-d5c6a331660a";

    public static SchemaRegistry Registry { get; } = CreateRegistry();

    public static ScimResourceType UserType { get; } = Registry.FindResourceType("User")!;

    public static ScimResourceType GroupType { get; } = Registry.FindResourceType("Group")!;

    /// <summary>All dialects, members as deltas: the defaults.</summary>
    public static ScimPatcher Default { get; } = new(Registry);

    public static ScimPatcher Patcher(PatchDialects dialects = PatchDialects.All, bool membersAsDeltas = true, int maxOperations = 1000) =>
        new(Registry, new PatchOptions { Dialects = dialects, MaxOperations = maxOperations }) { MembersAsDeltas = membersAsDeltas };

    /// <summary>A PatchOp message holding the given operations (each a JSON object's text).</summary>
    public static string Message(params string[] operations) =>
        $$"""{"schemas":["{{PatchOpUrn}}"],"Operations":[{{string.Join(",", operations)}}]}""";

    public static PatchRequest Read(string body, ScimPatcher? patcher = null) =>
        (patcher ?? Default).ReadRequest(Encoding.UTF8.GetBytes(body));

    /// <summary>Reads the message and applies it to the resource in place.</summary>
    public static PatchResult Apply(JsonObject resource, ScimResourceType resourceType, string body, ScimPatcher? patcher = null)
    {
        patcher ??= Default;
        return patcher.Apply(resource, resourceType, patcher.ReadRequest(Encoding.UTF8.GetBytes(body)));
    }

    /// <summary>
    /// Reads and applies a message that must fail with a 400; checks that the resource is exactly as
    /// it was (same tree, same property order) and returns the error.
    /// </summary>
    public static ScimException Rejects(JsonObject resource, ScimResourceType resourceType, string body, ScimPatcher? patcher = null)
    {
        patcher ??= Default;
        var text = resource.ToJsonString();
        var copy = resource.DeepClone();
        var error = Assert.Throws<ScimException>(() => patcher.Apply(resource, resourceType, patcher.ReadRequest(Encoding.UTF8.GetBytes(body))));
        Assert.Equal(400, error.Status);
        Assert.True(JsonNode.DeepEquals(copy, resource), "The failed PATCH changed the resource: " + resource.ToJsonString());
        Assert.Equal(text, resource.ToJsonString());
        return error;
    }

    /// <summary>A message that <see cref="ScimPatcher.ReadRequest"/> itself must reject with a 400.</summary>
    public static ScimException RejectsRead(string body, ScimPatcher? patcher = null)
    {
        patcher ??= Default;
        var error = Assert.Throws<ScimException>(() => patcher.ReadRequest(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(400, error.Status);
        return error;
    }

    public static void AssertError(ScimException error, string scimType, string detailFragment)
    {
        Assert.Equal(400, error.Status);
        Assert.Equal(scimType, error.ScimType);
        Assert.Contains(detailFragment, error.Detail, StringComparison.Ordinal);
    }

    public static void AssertTree(string expectedJson, JsonObject actual) => JsonTree.Equal(JsonTree.Parse(expectedJson), actual);

    public static void AssertTree(JsonObject expected, JsonObject actual) => JsonTree.Equal(expected, actual);

    public static void AssertChanged(PatchResult result, params string[] expected)
    {
        Assert.Equal(result.ChangedPaths.Count, result.ChangedPaths.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.ChangedPaths.Order(StringComparer.Ordinal));
    }

    /// <summary>Checks a membership delta; each added member is written "value|type|$ref" with empty parts for nulls.</summary>
    public static void AssertDelta(MembershipChange? delta, bool removeAll, string[] removed, string[] added)
    {
        Assert.NotNull(delta);
        Assert.Equal(removeAll, delta.RemoveAll);
        Assert.Equal(removed.Order(StringComparer.Ordinal), delta.Removed.Order(StringComparer.Ordinal));
        Assert.Equal(added.Order(StringComparer.Ordinal), delta.Added.Select(m => $"{m.Value}|{m.Type}|{m.Ref}").Order(StringComparer.Ordinal));
        Assert.Null(delta.Added.FirstOrDefault(m => m.Display is not null));
    }

    /// <summary>Barbara Jensen after RFC 7643 §8.2/§8.3, cut down to what the tests patch.</summary>
    public static User Barbara() => new()
    {
        Id = BabsId,
        ExternalId = "bjensen",
        UserName = "bjensen",
        Name = new Name { Formatted = "Ms. Barbara J Jensen, III", FamilyName = "Jensen", GivenName = "Barbara" },
        DisplayName = "Babs Jensen",
        Title = "Tour Guide",
        Active = true,
        Emails =
        [
            new Email { Value = "bjensen@example.com", Type = "work", Primary = true },
            new Email { Value = "babs@jensen.org", Type = "home" },
        ],
        PhoneNumbers =
        [
            new PhoneNumber { Value = "555-555-5555", Type = "work", Primary = true },
            new PhoneNumber { Value = "555-555-4444", Type = "mobile" },
        ],
        Addresses =
        [
            new Address
            {
                Type = "work",
                StreetAddress = "100 Universal City Plaza",
                Locality = "Hollywood",
                Region = "CA",
                PostalCode = "91608",
                Country = "USA",
                Formatted = "100 Universal City Plaza\nHollywood, CA 91608 USA",
                Primary = true,
            },
            new Address
            {
                Type = "home",
                StreetAddress = "456 Hollywood Blvd",
                Locality = "Hollywood",
                Region = "CA",
                PostalCode = "91608",
                Country = "USA",
                Formatted = "456 Hollywood Blvd\nHollywood, CA 91608 USA",
            },
        ],
        EnterpriseUser = new EnterpriseUser
        {
            EmployeeNumber = "701984",
            CostCenter = "4130",
            Manager = new Manager { Value = ManagerId, Ref = "../Users/" + ManagerId, DisplayName = "John Smith" },
        },
        Meta = new ResourceMeta
        {
            ResourceType = "User",
            Created = new DateTimeOffset(2010, 1, 23, 4, 56, 22, TimeSpan.Zero),
            LastModified = new DateTimeOffset(2011, 5, 13, 4, 42, 34, TimeSpan.Zero),
            Version = "W/\"a330bc54f0671c9\"",
        },
    };

    public static JsonObject BarbaraTree() => ScimSerializer.ToJsonObject(Barbara());

    /// <summary>A user with only a userName and a home email: no name, no work email, no extension.</summary>
    public static JsonObject PlainUserTree() => ScimSerializer.ToJsonObject(new User
    {
        Id = "c3a2f1d0-0000-4000-8000-000000000001",
        UserName = "plain",
        Emails = [new Email { Value = "plain@home.example", Type = "home" }],
    });

    /// <summary>The RFC 7643 §8.4 group: "Tour Guides" with Babs and Mandy.</summary>
    public static Group TourGuides() => new()
    {
        Id = GroupId,
        DisplayName = "Tour Guides",
        Members =
        [
            new GroupMember { Value = BabsId, Ref = "https://example.com/v2/Users/" + BabsId, Display = "Babs Jensen", Type = "User" },
            new GroupMember { Value = MandyId, Ref = "https://example.com/v2/Users/" + MandyId, Display = "Mandy Pepperidge", Type = "User" },
        ],
    };

    public static JsonObject TourGuidesTree() => ScimSerializer.ToJsonObject(TourGuides());

    /// <summary>Picks a sample resource by name, so that theory rows can name it.</summary>
    public static (JsonObject Tree, ScimResourceType Type) Resource(string name) => name switch
    {
        "user" => (BarbaraTree(), UserType),
        "plain" => (PlainUserTree(), UserType),
        "group" => (TourGuidesTree(), GroupType),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown sample resource."),
    };

    private static SchemaRegistry CreateRegistry()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(Acme, "AcmeUser", "What a host keeps per user.",
        [
            new SchemaAttribute("hireDate", AttributeType.DateTime),
            new SchemaAttribute("badge", AttributeType.Integer),
            new SchemaAttribute("tags", AttributeType.String) { MultiValued = true },
        ]));
        return registry;
    }
}
