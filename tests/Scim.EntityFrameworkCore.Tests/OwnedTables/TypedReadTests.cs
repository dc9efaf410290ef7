using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Scim.Core.Errors;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// A read makes its resource straight from the entity's members into the typed model
/// (<c>EntityShape.TryToResource</c>) rather than writing the JSON tree and reading it back. For
/// random rows of the SCIM-owned tables and of a host's entity, the resource made so is the
/// resource the tree gives, value for value; and the rows the typed way leaves to the tree (values
/// it would not read as they are) are exactly those it is meant to.
/// </summary>
public sealed class TypedReadTests
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;

    private static readonly SchemaRegistry Registry = Registry0();

    private static readonly EntityShape<ScimUserEntity> Users = new(ScimModelMaps.Users(), Registry, Registry.FindResourceType("User")!);

    private static readonly EntityShape<ScimGroupEntity> Groups = new(ScimModelMaps.Groups(), Registry, Registry.FindResourceType("Group")!);

    // Text as columns hold it: absent, empty (which the tree leaves out), plain, and characters JSON escapes.
    private static readonly Gen<string?> Text = Gen.Frequency(
        (3, Gen.Const((string?)null)),
        (1, Gen.Const((string?)string.Empty)),
        (4, Gen.OneOf("Ada", "lovelace", "Ünïcødé", "O'Brien", "quote \" and \\ slash", "tab\tline\n", "\u001e\u001f", " ").Select(t => (string?)t)));

    private static readonly Gen<bool?> Flag = Gen.OneOf<bool?>(true, false, null);

    // Times as a database gives them back: UTC ticks without a kind, sometimes the default (no value).
    private static readonly Gen<DateTime> Time = Gen.Frequency(
        (1, Gen.Const(default(DateTime))),
        (6, Gen.Long[new DateTime(2000, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks].Select(t => new DateTime(t, DateTimeKind.Unspecified))));

    private static readonly Gen<JsonObject> Value = Gen.Select(Text, Text, Text, Flag, (value, display, type, primary) =>
    {
        var node = new JsonObject();
        Put(node, "value", value);
        Put(node, "display", display);
        Put(node, "type", type);
        if (primary is { } p)
        {
            node["primary"] = p;
        }

        return node;
    });

    private static readonly Gen<JsonObject> Address = Gen.Select(Value, Text, Text, Text, Text, (node, street, locality, postalCode, country) =>
    {
        node.Remove("value");
        Put(node, "streetAddress", street);
        Put(node, "locality", locality);
        Put(node, "postalCode", postalCode);
        Put(node, "country", country);
        return node;
    });

    // The copy of the values as the store writes it, absent (the rows), or text it must not read as lists.
    private static readonly Gen<string?> ValuesJson = Gen.Frequency(
        (2, Gen.Const((string?)null)),
        (8, Gen.Select(Value.Array[0, 3], Value.Array[0, 2], Address.Array[0, 2], Value.Array[0, 2], (emails, phones, addresses, roles) =>
        {
            var copy = new JsonObject();
            Add(copy, "emails", emails);
            Add(copy, "phoneNumbers", phones);
            Add(copy, "addresses", addresses);
            Add(copy, "roles", roles);
            return (string?)copy.ToJsonString();
        })),
        (2, Gen.OneOf("{}", "[]", "not json", """{"emails":"x"}""", """{"emails":null}""", """{"emails":[{"primary":"yes"}]}""", """{"groups":[{"value":"g"}],"userName":"copy"}""").Select(t => (string?)t)));

    private static readonly Gen<string?> Extensions = Gen.Frequency(
        (6, Gen.Const((string?)null)),
        (1, Gen.Const((string?)string.Empty)),
        (3, Gen.OneOf(
            """{"urn:example:params:scim:schemas:extension:app:2.0:User":{"tier":"gold","seats":3}}""",
            """{"urn:example:one":{"a":"1"},"urn:example:two":{"b":[1,2]},"urn:example:empty":null}""",
            """{"URN:example:upper":{"x":true}}""",
            """{"urn:example:scalar":5}""",
            """{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"from json"}}""",
            """{"urn:ietf:params:scim:schemas:extension:Enterprise:2.0:User":{"department":"cased"}}""",
            """{"nickName":"not an extension"}""",
            "[1]").Select(t => (string?)t)));

    private static readonly Gen<ScimUserEntity> UserRow =
        Gen.Select(Gen.Select(Text, Text, Text, Text, Text, Text, Text, Text), Gen.Select(Text, Text, Flag, Text, Text, Text, Text, Text), Gen.Select(Text, Text, Text, Text, Text, Text, Text, Text), Gen.Select(Time, Time, Text, ValuesJson, Extensions),
            ((string? UserName, string? ExternalId, string? DisplayName, string? NickName, string? ProfileUrl, string? Title, string? UserType, string? Language) a,
                (string? Locale, string? Timezone, bool? Active, string? Formatted, string? Family, string? Given, string? Middle, string? Prefix) b,
                (string? Suffix, string? Number, string? CostCenter, string? Organization, string? Division, string? Department, string? ManagerId, string? ManagerRef) c,
                (DateTime Created, DateTime LastModified, string? Version, string? Values, string? Extensions) d) => new ScimUserEntity
            {
                Id = "u-" + (a.UserName ?? "x").Length,
                Tenant = "t",
                UserName = a.UserName ?? "ada",
                ExternalId = a.ExternalId,
                DisplayName = a.DisplayName,
                NickName = a.NickName,
                ProfileUrl = a.ProfileUrl,
                Title = a.Title,
                UserType = a.UserType,
                PreferredLanguage = a.Language,
                Locale = b.Locale,
                Timezone = b.Timezone,
                Active = b.Active,
                NameFormatted = b.Formatted,
                FamilyName = b.Family,
                GivenName = b.Given,
                MiddleName = b.Middle,
                HonorificPrefix = b.Prefix,
                HonorificSuffix = c.Suffix,
                EmployeeNumber = c.Number,
                CostCenter = c.CostCenter,
                Organization = c.Organization,
                Division = c.Division,
                Department = c.Department,
                ManagerId = c.ManagerId,
                ManagerRef = c.ManagerRef,
                ManagerDisplayName = a.DisplayName,
                Created = d.Created,
                LastModified = d.LastModified,
                Version = d.Version ?? string.Empty,
                ValuesJson = d.Values,
                Extensions = d.Extensions,
            });

    [Fact]
    public void ScimUsers_TheTypedResourceIsTheTreesOne()
    {
        var typed = 0;
        UserRow.Sample(
            row =>
            {
                var made = Users.TryToResource<User>(row);
                Assert.Equal(ReadsAsLists(row.ValuesJson) && ExtensionsOnly(row.Extensions, [Enterprise]), made is not null);
                if (made is not null)
                {
                    typed++;
                    Assert.Equal(ThroughTree(() => ResourceTrees.OwnedToUser(Users.ToTree(row))), Serialize(made));
                }
            },
            iter: 3_000,
            print: row => JsonSerializer.Serialize(row));
        Assert.True(typed > 1_000, $"{typed} of 3,000 rows were made the typed way");
    }

    [Fact]
    public void ScimGroups_TheTypedResourceIsTheTreesOne()
    {
        Gen.Select(Text, Text, Time, Text, Extensions).Sample(
            (name, externalId, time, version, extensions) =>
            {
                var row = new ScimGroupEntity
                {
                    Id = "g-1",
                    Tenant = "t",
                    DisplayName = name ?? "Engineers",
                    ExternalId = externalId,
                    Created = time,
                    LastModified = time,
                    Version = version ?? "W/\"1\"",
                    Extensions = extensions,
                };
                var made = Groups.TryToResource<Group>(row);
                Assert.Equal(ExtensionsOnly(extensions, []), made is not null);
                if (made is not null)
                {
                    Assert.Equal(ThroughTree(() => ResourceTrees.OwnedToGroup(Groups.ToTree(row))), Serialize(made));
                }
            },
            iter: 1_000);
    }

    [Fact]
    public void AHostsEntity_GuidKeyAndComputedVersion_TheTypedResourceIsTheTreesOne()
    {
        var map = new EntityMap<Member>()
            .Id(m => m.Key)
            .Map("userName", m => m.Login)
            .Map("externalId", m => m.Reference)
            .Map("name.givenName", m => m.First)
            .Map("active", m => m.Enabled)
            .Map(Enterprise + ":manager.value", m => m.Boss)
            .Map("password", m => m.Secret)
            .Created(m => m.Joined);
        var shape = new EntityShape<Member>(map, Registry, Registry.FindResourceType("User")!);
        var boss = Gen.Frequency((1, Gen.Const((Guid?)null)), (2, Gen.Guid.Select(g => (Guid?)g)));
        var joined = Time.Select(t => t.Ticks == 0 ? default : new DateTimeOffset(t, TimeSpan.FromHours(2)));
        Gen.Select(Gen.Guid, Text, Text, Gen.Bool, boss, Text, joined).Sample(
            (key, login, first, enabled, boss, secret, joined) =>
            {
                var member = new Member { Key = key, Login = login ?? "m", Reference = login, First = first, Enabled = enabled, Boss = boss, Secret = secret, Joined = joined };
                var made = shape.TryToResource<User>(member);
                Assert.NotNull(made);
                var tree = ResourceTrees.OwnedToUser(shape.ToTree(member));
                Assert.Equal(Serialize(tree), Serialize(made));
                Assert.Equal(tree.Password, made.Password);
                Assert.Equal((tree.Meta!.Created, tree.Meta.Created?.Offset), (made.Meta!.Created, made.Meta.Created?.Offset));
                Assert.Equal(shape.VersionOf(member), made.Meta!.Version);
            },
            iter: 1_000);
    }

    [Fact]
    public void AHostsEntity_WithAnAttributeTheTypedModelDoesNotTakeAsIs_GoesThroughTheTree()
    {
        var numbered = new EntityMap<Member>().Id(m => m.Key).Map("userName", m => m.Login).Map("title", m => m.Level);
        var untyped = new EntityMap<Member>().Id(m => m.Key).Map("userName", m => m.Login)
            .Map("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", m => m.First);
        var member = new Member { Key = Guid.NewGuid(), Login = "m", First = "m", Level = 3 };

        Assert.Null(new EntityShape<Member>(numbered, Registry, Registry.FindResourceType("User")!).TryToResource<User>(member));

        // An attribute of a typed member is made the typed way; the same entity, as a group, is not a user.
        var shape = new EntityShape<Member>(untyped, Registry, Registry.FindResourceType("User")!);
        Assert.Equal("m", shape.TryToResource<User>(member)!.EnterpriseUser!.CostCenter);
        Assert.Null(shape.TryToResource<Group>(member));
    }

    [Fact]
    public void AHostsEntity_WithValuesKeptByType_TheTypedResourceIsTheTreesOne()
    {
        var map = new EntityMap<Member>()
            .Id(m => m.Key)
            .Map("userName", m => m.Login)
            .Map("emails[type eq \"work\"].value", m => m.Reference)
            .Map("phoneNumbers[type eq \"work\"].value", m => m.First)
            .Map("phoneNumbers[type eq \"mobile\"].value", m => m.Secret)
            .Map("addresses[type eq \"work\"].locality", m => m.Reference, (m, v) => { });
        var shape = new EntityShape<Member>(map, Registry, Registry.FindResourceType("User")!);
        Gen.Select(Gen.Guid, Text, Text, Text, Text).Sample(
            (key, login, email, work, mobile) =>
            {
                var member = new Member { Key = key, Login = login ?? "m", Reference = email, First = work, Secret = mobile };
                var made = shape.TryToResource<User>(member);
                Assert.NotNull(made);
                Assert.Equal(Serialize(ResourceTrees.OwnedToUser(shape.ToTree(member))), Serialize(made));
                Assert.Equal(shape.VersionOf(member), made.Meta!.Version);
            },
            iter: 1_000);
    }

    /// <summary>Whether a copy of the values reads as a user's lists (no copy: the rows, which go through the tree).</summary>
    private static bool ReadsAsLists(string? valuesJson) =>
        valuesJson is not (null or "[]" or "not json" or """{"emails":"x"}""" or """{"emails":[{"primary":"yes"}]}""");

    /// <summary>Whether the extensions' JSON holds only extensions the serializer would move to <see cref="ScimResource.Extensions"/>.</summary>
    private static bool ExtensionsOnly(string? extensions, string[] typedExtensions) =>
        extensions is not { Length: > 0 } || JsonNode.Parse(extensions) is not JsonObject schemas || schemas.All(s => s.Value is null
            || (s.Key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) && !typedExtensions.Contains(s.Key, StringComparer.OrdinalIgnoreCase)));

    /// <summary>The tree's resource as JSON, or the error it gives.</summary>
    private static string ThroughTree(Func<ScimResource> read)
    {
        try
        {
            return Serialize(read());
        }
        catch (ScimException error)
        {
            return "error: " + error.Message;
        }
    }

    private static string Serialize(ScimResource resource) => ScimSerializer.Serialize(resource);

    private static SchemaRegistry Registry0()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.Freeze();
        return registry;
    }

    private static void Put(JsonObject node, string name, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            node[name] = text;
        }
    }

    private static void Add(JsonObject copy, string name, JsonObject[] values)
    {
        if (values.Length > 0)
        {
            copy[name] = new JsonArray([.. values]);
        }
    }

    /// <summary>A host's entity: a Guid key, a bool, a nullable Guid, a time with an offset, a number, and no version member.</summary>
    public sealed class Member
    {
        public Guid Key { get; set; }

        public string Login { get; set; } = string.Empty;

        public string? Reference { get; set; }

        public string? First { get; set; }

        public bool Enabled { get; set; }

        public Guid? Boss { get; set; }

        public string? Secret { get; set; }

        public DateTimeOffset Joined { get; set; }

        public int Level { get; set; }
    }
}
