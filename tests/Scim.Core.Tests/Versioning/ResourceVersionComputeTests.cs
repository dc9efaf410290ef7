using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Tests.Serialization;
using Scim.Core.Versioning;

namespace Scim.Core.Tests.Versioning;

/// <summary>
/// <see cref="ResourceVersion.Compute(JsonObject)"/>: a weak tag of 16 lowercase hex digits,
/// computed from everything but <c>meta</c>, independent of property order, and different as soon
/// as any attribute differs (at the top, inside an array element, inside an extension).
/// </summary>
public sealed partial class ResourceVersionComputeTests
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();

    /// <summary>Edits of the RFC 7643 §8.3 enterprise user that are real changes.</summary>
    public static TheoryData<string> RealChanges => new()
    {
        "userName",
        "id",
        "externalId",
        "name.givenName",
        "emails[1].value",
        "emails[0].primary",
        "addresses[0].postalCode",
        "groups[2].display",
        "x509Certificates[0].value",
        "enterprise.employeeNumber",
        "enterprise.manager.value",
        "title.null",
        "add.entitlements",
        "remove.displayName",
        "remove.emails[1]",
        "remove.enterprise",
        "schemas",
        "active",
    };

    /// <summary>Edits of <c>meta</c> only.</summary>
    public static TheoryData<string> MetaChanges => new()
    {
        "lastModified",
        "version",
        "created",
        "location",
        "remove",
        "add",
    };

    [Fact]
    public void Compute_SameTreeTwice_SameVersion()
    {
        var user = ReadEnterpriseUser();

        Assert.Equal(ResourceVersion.Compute(user), ResourceVersion.Compute(user));
        Assert.Equal(ResourceVersion.Compute(user), ResourceVersion.Compute(ReadEnterpriseUser()));
    }

    [Fact]
    public void Compute_UserObjectTwice_SameVersion()
    {
        var user = ReadTypedEnterpriseUser();

        Assert.Equal(ResourceVersion.Compute(user), ResourceVersion.Compute(user));
    }

    [Theory]
    [InlineData(Payloads.FullUserFile)]
    [InlineData(Payloads.EnterpriseUserFile)]
    public void Compute_User_EqualsComputeOfItsJsonObject(string fileName)
    {
        var user = new ScimSerializer(Registry).ReadUser(Payloads.FileBytes(fileName));

        Assert.Equal(ResourceVersion.Compute(ScimSerializer.ToJsonObject(user)), ResourceVersion.Compute(user));
    }

    [Fact]
    public void Compute_Group_EqualsComputeOfItsJsonObject()
    {
        var group = new ScimSerializer(Registry).ReadGroup(Payloads.FileBytes(Payloads.GroupFile));

        Assert.Equal(ResourceVersion.Compute(ScimSerializer.ToJsonObject(group)), ResourceVersion.Compute(group));
    }

    [Theory]
    [InlineData(Payloads.FullUserFile)]
    [InlineData(Payloads.EnterpriseUserFile)]
    [InlineData(Payloads.GroupFile)]
    public void Compute_AnyResource_WeakTagOf16LowercaseHexDigits(string fileName)
    {
        var version = ResourceVersion.Compute(Payloads.FileTree(fileName));

        Assert.Matches(WeakTag(), version);
    }

    [Fact]
    public void Compute_EmptyObject_WeakTagOf16LowercaseHexDigits()
    {
        Assert.Matches(WeakTag(), ResourceVersion.Compute([]));
    }

    [Fact]
    public void Compute_SameContentDifferentPropertyOrder_SameVersion()
    {
        var first = new JsonObject
        {
            ["schemas"] = new JsonArray(Payloads.UserUrn, Payloads.EnterpriseUrn),
            ["id"] = "42",
            ["userName"] = "bjensen",
            ["name"] = new JsonObject { ["givenName"] = "Barbara", ["familyName"] = "Jensen" },
            ["emails"] = new JsonArray(
                new JsonObject { ["value"] = "a@example.com", ["type"] = "work", ["primary"] = true },
                new JsonObject { ["value"] = "b@example.com", ["type"] = "home" }),
            [Payloads.EnterpriseUrn] = new JsonObject
            {
                ["employeeNumber"] = "701984",
                ["manager"] = new JsonObject { ["value"] = "m1", ["displayName"] = "John Smith" },
            },
            ["active"] = true,
        };
        var second = new JsonObject
        {
            ["active"] = true,
            [Payloads.EnterpriseUrn] = new JsonObject
            {
                ["manager"] = new JsonObject { ["displayName"] = "John Smith", ["value"] = "m1" },
                ["employeeNumber"] = "701984",
            },
            ["emails"] = new JsonArray(
                new JsonObject { ["primary"] = true, ["type"] = "work", ["value"] = "a@example.com" },
                new JsonObject { ["type"] = "home", ["value"] = "b@example.com" }),
            ["name"] = new JsonObject { ["familyName"] = "Jensen", ["givenName"] = "Barbara" },
            ["userName"] = "bjensen",
            ["id"] = "42",
            ["schemas"] = new JsonArray(Payloads.UserUrn, Payloads.EnterpriseUrn),
        };

        Assert.Equal(ResourceVersion.Compute(first), ResourceVersion.Compute(second));
    }

    [Fact]
    public void Compute_ParsedTreeAndSerializerTree_SameVersion()
    {
        var user = ReadTypedEnterpriseUser();

        var parsed = JsonTree.Parse(ScimSerializer.Serialize(user));

        Assert.Equal(ResourceVersion.Compute(user), ResourceVersion.Compute(parsed));
    }

    [Theory]
    [MemberData(nameof(RealChanges))]
    public void Compute_AnyAttributeChanged_DifferentVersion(string change)
    {
        var original = ReadEnterpriseUser();
        var changed = original.DeepClone().AsObject();
        var enterprise = changed[Payloads.EnterpriseUrn]!.AsObject();

        switch (change)
        {
            case "userName": changed["userName"] = "bjensen2@example.com"; break;
            case "id": changed["id"] = "2819c223-7f76-453a-919d-413861904647"; break;
            case "externalId": changed["externalId"] = "701985"; break;
            case "name.givenName": changed["name"]!["givenName"] = "Barbra"; break;
            case "emails[1].value": changed["emails"]![1]!["value"] = "babs@jensen.com"; break;
            case "emails[0].primary": changed["emails"]![0]!["primary"] = false; break;
            case "addresses[0].postalCode": changed["addresses"]![0]!["postalCode"] = "91609"; break;
            case "groups[2].display": changed["groups"]![2]!["display"] = "EU Employees"; break;
            case "x509Certificates[0].value": changed["x509Certificates"]![0]!["value"] = "TUlJRA=="; break;
            case "enterprise.employeeNumber": enterprise["employeeNumber"] = "701985"; break;
            case "enterprise.manager.value": enterprise["manager"]!["value"] = "26118915-6090-4610-87e4-49d8ca9f808e"; break;
            case "title.null": changed["title"] = null; break;
            case "add.entitlements": changed["entitlements"] = new JsonArray(new JsonObject { ["value"] = "admin" }); break;
            case "remove.displayName": Assert.True(changed.Remove("displayName")); break;
            case "remove.emails[1]": changed["emails"]!.AsArray().RemoveAt(1); break;
            case "remove.enterprise": Assert.True(changed.Remove(Payloads.EnterpriseUrn)); break;
            case "schemas": changed["schemas"] = new JsonArray(Payloads.UserUrn); break;
            case "active": changed["active"] = false; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        Assert.False(JsonNode.DeepEquals(original, changed));
        Assert.NotEqual(ResourceVersion.Compute(original), ResourceVersion.Compute(changed));
    }

    [Fact]
    public void Compute_NullValueVersusAbsent_DifferentVersion()
    {
        var absent = new JsonObject { ["userName"] = "bjensen" };
        var present = new JsonObject { ["userName"] = "bjensen", ["title"] = null };

        Assert.NotEqual(ResourceVersion.Compute(absent), ResourceVersion.Compute(present));
    }

    [Fact]
    public void Compute_ValueTypeDiffers_DifferentVersion()
    {
        var text = new JsonObject { ["active"] = "true" };
        var boolean = new JsonObject { ["active"] = true };

        Assert.NotEqual(ResourceVersion.Compute(text), ResourceVersion.Compute(boolean));
    }

    [Fact]
    public void Compute_ValueMovedToAnotherKey_DifferentVersion()
    {
        var first = new JsonObject { ["displayName"] = "Babs", ["nickName"] = "Jensen" };
        var second = new JsonObject { ["displayName"] = "Jensen", ["nickName"] = "Babs" };

        Assert.NotEqual(ResourceVersion.Compute(first), ResourceVersion.Compute(second));
    }

    [Theory]
    [MemberData(nameof(MetaChanges))]
    public void Compute_OnlyMetaChanged_SameVersion(string change)
    {
        var original = ReadEnterpriseUser();
        var changed = original.DeepClone().AsObject();
        var meta = changed["meta"]!.AsObject();

        switch (change)
        {
            case "lastModified": meta["lastModified"] = "2024-02-29T12:00:00Z"; break;
            case "version": meta["version"] = "W/\"0000000000000000\""; break;
            case "created": meta["created"] = "2001-01-01T00:00:00Z"; break;
            case "location": meta["location"] = "https://other.example.com/v2/Users/x"; break;
            case "remove": Assert.True(changed.Remove("meta")); break;
            case "add": meta["extra"] = "anything"; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        Assert.Equal(ResourceVersion.Compute(original), ResourceVersion.Compute(changed));
    }

    [Fact]
    public void Compute_UserMetaChanged_SameVersion()
    {
        var user = ReadTypedEnterpriseUser();
        var before = ResourceVersion.Compute(user);

        user.Meta!.LastModified = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        user.Meta.Version = before;

        Assert.Equal(before, ResourceVersion.Compute(user));
    }

    [Fact]
    public void Compute_MetaKeyNestedBelowTop_Counts()
    {
        var first = new JsonObject { ["data"] = new JsonObject { ["meta"] = "a" } };
        var second = new JsonObject { ["data"] = new JsonObject { ["meta"] = "b" } };

        Assert.NotEqual(ResourceVersion.Compute(first), ResourceVersion.Compute(second));
    }

    [Fact]
    public void Compute_UserAttributeChanged_DifferentVersion()
    {
        var user = ReadTypedEnterpriseUser();
        var before = ResourceVersion.Compute(user);

        user.EnterpriseUser!.Manager!.DisplayName = "Jane Smith";

        Assert.NotEqual(before, ResourceVersion.Compute(user));
    }

    [Fact]
    public void Compute_PasswordChanged_SameVersionBecausePasswordIsNeverSerialized()
    {
        var user = ReadTypedEnterpriseUser();
        var before = ResourceVersion.Compute(user);

        user.Password = "n3wPa$$word";

        Assert.DoesNotContain(ScimSerializer.ToJsonObject(user), p => string.Equals(p.Key, "password", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(before, ResourceVersion.Compute(user));
        user.Password = null;
        Assert.Equal(before, ResourceVersion.Compute(user));
    }

    [Fact]
    public void Compute_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ResourceVersion.Compute((JsonObject)null!));
        Assert.Throws<ArgumentNullException>(() => ResourceVersion.Compute((ScimResource)null!));
    }

    [GeneratedRegex("^W/\"[0-9a-f]{16}\"$", RegexOptions.CultureInvariant)]
    private static partial Regex WeakTag();

    private static JsonObject ReadEnterpriseUser() => ScimSerializer.ToJsonObject(ReadTypedEnterpriseUser());

    private static User ReadTypedEnterpriseUser() => new ScimSerializer(Registry).ReadUser(Payloads.FileBytes(Payloads.EnterpriseUserFile));
}
