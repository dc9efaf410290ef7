using System.Text;
using System.Text.Json.Nodes;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Querying;

/// <summary>
/// The small, hand-written users the evaluator and translator tests reason about, and a registry
/// with a host extension (<see cref="AcmeUrn"/>) that has an attribute of every scalar type.
/// </summary>
/// <remarks>
/// The users are read with <see cref="ScimSerializer.ReadUser"/> from JSON written in unusual
/// casing, so the JSON the evaluator sees is the canonical form the serializer writes back.
/// Every accessor returns new objects: a <see cref="JsonObject"/> parsed from text fills itself in
/// lazily and must not be shared between tests that run in parallel.
/// </remarks>
internal static class SampleUsers
{
    public const string CoreUrn = ScimSchemaUris.User;
    public const string EnterpriseUrn = ScimSchemaUris.EnterpriseUser;
    public const string AcmeUrn = "urn:example:params:scim:schemas:extension:Acme:2.0:User";

    /// <summary>The names of the users <see cref="Typed"/> and <see cref="Json"/> know.</summary>
    public static readonly string[] Names = ["alice", "bob", "carol", "dave", "edge"];

    private static readonly ScimSchema AcmeSchema = new(AcmeUrn, "Acme", "Host attributes of every scalar type.",
    [
        new SchemaAttribute("level", AttributeType.Integer),
        new SchemaAttribute("score", AttributeType.Decimal),
        new SchemaAttribute("hiredAt", AttributeType.DateTime),
        new SchemaAttribute("verified", AttributeType.Boolean),
        new SchemaAttribute("badge", AttributeType.Binary),
        new SchemaAttribute("tags", AttributeType.String) { MultiValued = true },
        new SchemaAttribute("code", AttributeType.String) { CaseExact = true },
    ]);

    // Written with "UserName", "Level" and "SCORE" on purpose: the reader makes them canonical.
    // Alice has a bit of everything; her hiredAt is sent with an offset and stored in UTC.
    private const string Alice = $$"""
        {
          "schemas": ["{{CoreUrn}}", "{{EnterpriseUrn}}", "{{AcmeUrn}}"],
          "id": "2819c223-Alice",
          "externalId": "EXT-Alice",
          "UserName": "ASmith",
          "name": { "givenName": "Alice", "familyName": "Smith", "formatted": "Alice Smith" },
          "displayName": "Alice Smith",
          "title": "Engineer",
          "userType": "Employee",
          "active": true,
          "emails": [
            { "value": "alice@example.com", "type": "work", "primary": true },
            { "value": "Alice@Home.org", "type": "home" }
          ],
          "phoneNumbers": [
            { "value": "+1-555-0100", "type": "work" },
            { "value": "+1-555-0199", "type": "mobile" }
          ],
          "{{EnterpriseUrn}}": {
            "employeeNumber": "E100",
            "department": "Research",
            "manager": { "value": "m-1", "displayName": "Boss Hogg" }
          },
          "{{AcmeUrn}}": {
            "Level": 3,
            "SCORE": 4.25,
            "hiredAt": "2019-07-01T09:00:00+02:00",
            "verified": true,
            "badge": "QUJD",
            "tags": ["blue", "Green"],
            "code": "Zx9"
          },
          "meta": { "resourceType": "User", "created": "2020-03-01T10:00:00Z", "lastModified": "2021-06-15T12:30:00.5Z" }
        }
        """;

    // Bob has almost nothing: no title, no active, no emails, no meta, no extensions.
    private const string Bob = $$"""
        {
          "schemas": ["{{CoreUrn}}"],
          "id": "bob-id",
          "userName": "bob",
          "name": { "givenName": "Bob" }
        }
        """;

    // Carol is inactive; her meta.created is sent as 2018-12-31T23:00:00-02:00, i.e. 2019-01-01T01:00:00Z.
    private const string Carol = $$"""
        {
          "schemas": ["{{CoreUrn}}", "{{AcmeUrn}}"],
          "id": "carol-id",
          "externalId": "ext-carol",
          "userName": "carol",
          "title": "Manager",
          "active": false,
          "emails": [ { "value": "carol@example.com", "type": "other" } ],
          "{{AcmeUrn}}": { "level": 10, "score": 0.5, "verified": false, "tags": ["red"], "hiredAt": "2021-01-01T00:00:00Z" },
          "meta": { "resourceType": "User", "created": "2018-12-31T23:00:00-02:00" }
        }
        """;

    // Dave is the value-path trap: a work email at other.com and a home email at example.com.
    private const string Dave = $$"""
        {
          "schemas": ["{{CoreUrn}}", "{{EnterpriseUrn}}"],
          "id": "dave-id",
          "userName": "dave",
          "title": "engineer",
          "active": true,
          "emails": [
            { "value": "dave@other.com", "type": "work" },
            { "value": "dave@example.com", "type": "home" }
          ],
          "{{EnterpriseUrn}}": { "department": "Sales" }
        }
        """;

    // Edge is JSON only (the typed model cannot hold these shapes): "", null, [], {}, [{}], and a
    // dateTime stored with an offset (2020-03-01T12:00:00+02:00 is 2020-03-01T10:00:00Z).
    private const string Edge = $$"""
        {
          "schemas": ["{{CoreUrn}}"],
          "id": "edge-id",
          "userName": "edge",
          "title": "",
          "displayName": "",
          "nickName": null,
          "name": {},
          "emails": [],
          "ims": [{}],
          "phoneNumbers": [ { "value": "" } ],
          "meta": { "created": "2020-03-01T12:00:00+02:00" }
        }
        """;

    /// <summary>The default registry plus <see cref="AcmeUrn"/> (optional) on User.</summary>
    public static SchemaRegistry CreateRegistry()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", AcmeSchema);
        return registry;
    }

    public static ScimResourceType UserType(SchemaRegistry registry) => registry.FindResourceType("User")!;

    /// <summary>The request body a sample user is read from.</summary>
    public static string Body(string name) => name switch
    {
        "alice" => Alice,
        "bob" => Bob,
        "carol" => Carol,
        "dave" => Dave,
        "edge" => Edge,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such sample user."),
    };

    /// <summary>A sample user as the typed model (not available for <c>edge</c>).</summary>
    public static User Typed(string name)
    {
        if (name == "edge")
        {
            throw new ArgumentException("The edge user exists only as JSON.", nameof(name));
        }

        return new ScimSerializer(CreateRegistry()).ReadUser(Encoding.UTF8.GetBytes(Body(name)));
    }

    /// <summary>A sample user as the evaluator sees it: the canonical JSON the serializer writes (the raw body for <c>edge</c>).</summary>
    public static JsonObject Json(string name) =>
        name == "edge" ? JsonNode.Parse(Edge)!.AsObject() : ToJson(Typed(name));

    /// <summary>A sample user as <see cref="ScimSerializer.ReadResource"/> normalizes it (no <c>schemas</c>; extensions as keys).</summary>
    public static JsonObject Normalized(string name)
    {
        var registry = CreateRegistry();
        return new ScimSerializer(registry).ReadResource(Encoding.UTF8.GetBytes(Body(name)), UserType(registry));
    }

    /// <summary>The canonical JSON of a typed user, fully materialized so it can be read from several threads.</summary>
    public static JsonObject ToJson(User user)
    {
        var json = JsonNode.Parse(ScimSerializer.Serialize(user))!.AsObject();
        Materialize(json);
        return json;
    }

    /// <summary>The canonical JSON of a typed user as <see cref="ScimSerializer.ToJsonObject"/> builds it (values held as .NET values).</summary>
    public static JsonObject ToMaterializedJson(User user) => ScimSerializer.ToJsonObject(user);

    /// <summary>Touches every node, so that the lazily built dictionaries and lists exist before the tree is shared.</summary>
    public static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Materialize(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Materialize(item);
                }

                break;
        }
    }
}
