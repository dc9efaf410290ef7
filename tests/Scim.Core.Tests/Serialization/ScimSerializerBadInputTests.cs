using System.Text;
using Scim.Core.Errors;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// Request bodies the reader must reject with 400 and a detail that names the attribute path.
/// The scimType follows the reader's rule: structure problems (not JSON, not an object,
/// missing or wrong <c>schemas</c>, unknown attribute, duplicate name) are <c>invalidSyntax</c>;
/// value problems (wrong JSON type, malformed dateTime, bad base64, missing required value) are
/// <c>invalidValue</c>. Bodies are read against the default registry plus the Types extension
/// (<see cref="Payloads.TypesUrn"/>: level integer, levels integer[], score decimal, since
/// dateTime, badge binary).
/// </summary>
public sealed class ScimSerializerBadInputTests
{
    public enum Target
    {
        User,
        Group,
    }

    private const string Syntax = ScimErrorType.InvalidSyntax;
    private const string Value = ScimErrorType.InvalidValue;
    private const string Enterprise = Payloads.EnterpriseUrn;
    private const string Types = Payloads.TypesUrn;

    private readonly ScimSerializer _serializer = new(Payloads.RegistryWithTypes());

    /// <summary>Scenario, resource read, body, expected scimType, text the detail must contain.</summary>
    public static TheoryData<string, Target, string, string, string> BadBodies => new()
    {
        // Not a JSON object.
        { "not JSON", Target.User, "userName=bjensen", Syntax, "not valid JSON" },
        { "truncated JSON", Target.User, Payloads.User(""" "userName": "bjen"""), Syntax, "not valid JSON" },
        { "empty body", Target.User, "", Syntax, "not valid JSON" },
        { "whitespace only", Target.User, " \r\n\t ", Syntax, "not valid JSON" },
        { "trailing content", Target.User, Payloads.NamedUser(""" "active": true """) + "}", Syntax, "not valid JSON" },
        { "array root", Target.User, $$"""[{"schemas":["{{Payloads.UserUrn}}"],"userName":"bjensen"}]""", Syntax, "got an array" },
        { "string root", Target.User, "\"bjensen\"", Syntax, "got a string" },
        { "number root", Target.User, "42", Syntax, "got a number" },
        { "null root", Target.User, "null", Syntax, "got null" },
        { "nesting deeper than MaxDepth", Target.User, Payloads.NamedUser(""" "name": { "givenName": """ + new string('[', 20) + new string(']', 20) + "}"), Syntax, "depth" },

        // schemas.
        { "missing schemas", Target.User, """{"userName":"bjensen"}""", Syntax, "'schemas'" },
        { "schemas a string", Target.User, $$"""{"schemas":"{{Payloads.UserUrn}}","userName":"bjensen"}""", Syntax, "'schemas'" },
        { "schemas null", Target.User, """{"schemas":null,"userName":"bjensen"}""", Syntax, "'schemas'" },
        { "schemas containing a number", Target.User, $$"""{"schemas":["{{Payloads.UserUrn}}",7],"userName":"bjensen"}""", Syntax, "'schemas'" },
        { "schemas empty", Target.User, """{"schemas":[],"userName":"bjensen"}""", Syntax, Payloads.UserUrn },
        { "schemas without the core URN", Target.User, $$"""{"schemas":["{{Enterprise}}"],"userName":"bjensen"}""", Syntax, Payloads.UserUrn },
        { "Group schema sent for a User", Target.User, $$"""{"schemas":["{{Payloads.GroupUrn}}"],"userName":"bjensen"}""", Syntax, Payloads.GroupUrn },
        { "unknown URN in schemas", Target.User, $$"""{"schemas":["{{Payloads.UserUrn}}","urn:example:unknown:1.0:Thing"],"userName":"bjensen"}""", Syntax, "urn:example:unknown:1.0:Thing" },
        { "schemas twice in different case", Target.User, Payloads.NamedUser($$""" "SCHEMAS": ["{{Payloads.UserUrn}}"] """), Syntax, "'schemas'" },
        { "User schema sent for a Group", Target.Group, $$"""{"schemas":["{{Payloads.UserUrn}}"],"displayName":"Tour Guides"}""", Syntax, Payloads.UserUrn },

        // Unknown and duplicate names.
        { "unknown attribute", Target.User, Payloads.NamedUser(""" "favouriteColour": "blue" """), Syntax, "'favouriteColour'" },
        { "unknown sub-attribute", Target.User, Payloads.NamedUser(""" "name": { "givenName": "Barbara", "middleInitial": "J" } """), Syntax, "'middleInitial' in 'name'" },
        { "unknown sub-attribute in the second value", Target.User, Payloads.NamedUser(""" "emails": [ { "value": "a@example.com" }, { "value": "b@example.com", "label": "x" } ] """), Syntax, "'label' in 'emails[1]'" },
        { "User attribute on a Group", Target.Group, Payloads.NamedGroup(""" "userName": "bjensen" """), Syntax, "'userName'" },
        { "duplicate attribute in different case", Target.User, Payloads.NamedUser(""" "USERNAME": "babs" """), Syntax, "'userName' appears more than once" },
        { "duplicate attribute after a null", Target.User, Payloads.NamedUser(""" "nickName": null, "NickName": "Babs" """), Syntax, "'nickName' appears more than once" },
        { "duplicate sub-attribute in different case", Target.User, Payloads.NamedUser(""" "name": { "givenName": "Barbara", "GIVENNAME": "Babs" } """), Syntax, "'name.givenName' appears more than once" },
        { "duplicate extension attribute, nested and qualified", Target.User, Payloads.NamedUser($$""" "{{Enterprise}}": { "department": "A" }, "{{Enterprise}}:department": "B" """), Syntax, $"'{Enterprise}:department' appears more than once" },
        { "extension object twice in different case", Target.User, Payloads.NamedUser($$""" "{{Enterprise}}": { "department": "A" }, "{{Enterprise.ToUpperInvariant()}}": { "division": "B" } """), Syntax, Enterprise },
        { "unknown attribute inside the extension", Target.User, Payloads.NamedUser($$""" "{{Enterprise}}": { "costCentre": "4130" } """), Syntax, "'costCentre'" },
        { "unqualified extension attribute at top level", Target.User, Payloads.NamedUser(""" "employeeNumber": "1" """), Syntax, "'employeeNumber'" },
        { "dotted key at top level", Target.User, Payloads.NamedUser(""" "name.givenName": "Barbara" """), Syntax, "'name.givenName'" },
        { "qualified dotted key at top level", Target.User, Payloads.NamedUser($$""" "{{Enterprise}}:manager.value": "26118915" """), Syntax, "manager.value" },

        // Required values.
        { "missing userName", Target.User, Payloads.User(""" "displayName": "Babs" """), Value, "'userName' is required" },
        { "userName null", Target.User, Payloads.User(""" "userName": null """), Value, "'userName' is required" },
        { "Group without displayName", Target.Group, Payloads.Group(""" "members": [ { "value": "2819c223" } ] """), Value, "'displayName' is required" },
        { "Group displayName null", Target.Group, Payloads.Group(""" "displayName": null """), Value, "'displayName' is required" },

        // Wrong JSON types in core attributes.
        { "userName a number", Target.User, Payloads.User(""" "userName": 42 """), Value, "'userName'" },
        { "userName an array", Target.User, Payloads.User(""" "userName": ["bjensen"] """), Value, "'userName'" },
        { "userName an object", Target.User, Payloads.User(""" "userName": { "value": "bjensen" } """), Value, "'userName'" },
        { "userName a boolean", Target.User, Payloads.User(""" "userName": true """), Value, "'userName'" },
        { "name a string", Target.User, Payloads.NamedUser(""" "name": "Barbara Jensen" """), Value, "'name'" },
        { "name.givenName a number", Target.User, Payloads.NamedUser(""" "name": { "givenName": 7 } """), Value, "'name.givenName'" },
        { "name.givenName an array", Target.User, Payloads.NamedUser(""" "name": { "givenName": ["Barbara"] } """), Value, "'name.givenName'" },
        { "emails an object instead of an array", Target.User, Payloads.NamedUser(""" "emails": { "value": "bjensen@example.com" } """), Value, "'emails'" },
        { "emails a string", Target.User, Payloads.NamedUser(""" "emails": "bjensen@example.com" """), Value, "'emails'" },
        { "emails containing a string", Target.User, Payloads.NamedUser(""" "emails": [ "bjensen@example.com" ] """), Value, "'emails[0]'" },
        { "null inside an array", Target.User, Payloads.NamedUser(""" "emails": [ null ] """), Value, "'emails[0]'" },
        { "array inside an array", Target.User, Payloads.NamedUser(""" "emails": [ { "value": "a@example.com" }, [] ] """), Value, "'emails[1]'" },
        { "emails[0].primary a string", Target.User, Payloads.NamedUser(""" "emails": [ { "value": "a@example.com", "primary": "true" } ] """), Value, "'emails[0].primary'" },
        { "emails[1].value a number", Target.User, Payloads.NamedUser(""" "emails": [ { "value": "a@example.com" }, { "value": 7 } ] """), Value, "'emails[1].value'" },
        { "phoneNumbers[0].type a boolean", Target.User, Payloads.NamedUser(""" "phoneNumbers": [ { "value": "555-555-5555", "type": true } ] """), Value, "'phoneNumbers[0].type'" },
        { "groups[0].$ref a number", Target.User, Payloads.NamedUser(""" "groups": [ { "value": "e9e30dba", "$ref": 1 } ] """), Value, "'groups[0].$ref'" },
        { "roles containing null after a value", Target.User, Payloads.NamedUser(""" "roles": [ { "value": "admin" }, null ] """), Value, "'roles[1]'" },
        { "active a string", Target.User, Payloads.NamedUser(""" "active": "true" """), Value, "'active'" },
        { "active a number", Target.User, Payloads.NamedUser(""" "active": 1 """), Value, "'active'" },
        { "externalId a number", Target.User, Payloads.NamedUser(""" "externalId": 701984 """), Value, "'externalId'" },
        { "meta a string", Target.User, Payloads.NamedUser(""" "meta": "User" """), Value, "'meta'" },
        { "meta.created malformed", Target.User, Payloads.NamedUser(""" "meta": { "created": "yesterday" } """), Value, "'meta.created'" },
        { "meta.created a number", Target.User, Payloads.NamedUser(""" "meta": { "created": 1264222582 } """), Value, "'meta.created'" },
        { "meta.lastModified month 13", Target.User, Payloads.NamedUser(""" "meta": { "lastModified": "2011-13-13T04:42:34Z" } """), Value, "'meta.lastModified'" },
        { "x509Certificates value not base64", Target.User, Payloads.NamedUser(""" "x509Certificates": [ { "value": "not base64!" } ] """), Value, "'x509Certificates[0].value'" },
        { "x509Certificates value with bad padding", Target.User, Payloads.NamedUser(""" "x509Certificates": [ { "value": "TWFu=" } ] """), Value, "'x509Certificates[0].value'" },
        { "x509Certificates value with a space", Target.User, Payloads.NamedUser(""" "x509Certificates": [ { "value": "TWFu TWFu" } ] """), Value, "'x509Certificates[0].value'" },
        { "members as an object", Target.Group, Payloads.NamedGroup(""" "members": { "value": "2819c223" } """), Value, "'members'" },
        { "members[0] a string", Target.Group, Payloads.NamedGroup(""" "members": [ "2819c223" ] """), Value, "'members[0]'" },
        { "members[0].value a number", Target.Group, Payloads.NamedGroup(""" "members": [ { "value": 2819 } ] """), Value, "'members[0].value'" },
        { "displayName an object", Target.Group, Payloads.Group(""" "displayName": { "value": "Tour Guides" } """), Value, "'displayName'" },

        // The Enterprise User extension.
        { "extension a string", Target.User, Payloads.NamedUser($$""" "{{Enterprise}}": "701984" """), Value, Enterprise },
        { "extension an array", Target.User, Payloads.NamedUser($$""" "{{Enterprise}}": [ { "employeeNumber": "701984" } ] """), Value, Enterprise },
        { "manager a string", Target.User, Payloads.NamedUser($$""" "{{Enterprise}}": { "manager": "26118915" } """), Value, $"'{Enterprise}:manager'" },
        { "manager.value a number", Target.User, Payloads.NamedUser($$""" "{{Enterprise}}": { "manager": { "value": 26118915 } } """), Value, $"'{Enterprise}:manager.value'" },

        // Integer, decimal, dateTime and binary values (the Types extension).
        { "integer with a fraction", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "level": 1.5 } """), Value, $"'{Types}:level'" },
        { "integer written as 2.0", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "level": 2.0 } """), Value, $"'{Types}:level'" },
        { "integer with an exponent", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "level": 1e3 } """), Value, $"'{Types}:level'" },
        { "integer above Int64", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "level": 9223372036854775808 } """), Value, $"'{Types}:level'" },
        { "integer below Int64", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "level": -9223372036854775809 } """), Value, $"'{Types}:level'" },
        { "integer as a string", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "level": "5" } """), Value, $"'{Types}:level'" },
        { "integer array with a fraction", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "levels": [ 1, 2.5 ] } """), Value, $"'{Types}:levels[1]'" },
        { "integer array with a null", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "levels": [ 1, null ] } """), Value, $"'{Types}:levels[1]'" },
        { "decimal 1e400", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "score": 1e400 } """), Value, $"'{Types}:score'" },
        { "decimal as a string", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "score": "1.5" } """), Value, $"'{Types}:score'" },
        { "decimal a boolean", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "score": false } """), Value, $"'{Types}:score'" },
        { "dateTime without T", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "since": "2010-01-23 04:56:22Z" } """), Value, $"'{Types}:since'" },
        { "dateTime without seconds", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "since": "2010-01-23T04:56Z" } """), Value, $"'{Types}:since'" },
        { "dateTime date only", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "since": "2010-01-23" } """), Value, $"'{Types}:since'" },
        { "dateTime February 30", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "since": "2010-02-30T04:56:22Z" } """), Value, $"'{Types}:since'" },
        { "dateTime with a trailing newline", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "since": "2010-01-23T04:56:22Z\n" } """), Value, $"'{Types}:since'" },
        { "dateTime a number", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "since": 20100123 } """), Value, $"'{Types}:since'" },
        { "binary not base64", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "badge": "%%%" } """), Value, $"'{Types}:badge'" },
        { "binary a number", Target.User, Payloads.NamedUser($$""" "{{Types}}": { "badge": 1234 } """), Value, $"'{Types}:badge'" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void Read_BadBody_Throws400WithScimTypeAndPath(string scenario, Target target, string json, string scimType, string detailFragment)
    {
        var body = Payloads.Utf8(json);

        var ex = Assert.Throws<ScimException>(() => Read(target, body));

        Assert.Equal((400, scimType), (ex.Status, ex.ScimType));
        Assert.True(ex.Detail.Contains(detailFragment, StringComparison.Ordinal), $"{scenario}: the detail \"{ex.Detail}\" does not contain \"{detailFragment}\".");
    }

    [Theory]
    [InlineData("invalid UTF-8 in a string value", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"bj<FF>ensen\"}")]
    [InlineData("invalid UTF-8 in a property name", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"bjensen\",\"nick<C3>\":\"x\"}")]
    [InlineData("invalid UTF-8 in a schemas URN", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User<FE>\"],\"userName\":\"bjensen\"}")]
    [InlineData("lone surrogate escape in a string value", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"bj\\uD800ensen\"}")]
    [InlineData("lone surrogate escape in a property name", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"bjensen\",\"\\uDC00\":\"x\"}")]
    public void ReadUser_TextThatIsNotUnicode_Throws400(string scenario, string template)
    {
        // RFC 8259 §8.1-8.2: JSON text is UTF-8, and a lone surrogate is no Unicode character. Such a
        // body is a client error like any other; whether invalidSyntax (not JSON text) or
        // invalidValue (not a string value) is the reader's call, but it must be a ScimException.
        var body = WithRawBytes(template);

        var ex = Record.Exception(() => _serializer.ReadUser(body));

        var scim = Assert.IsType<ScimException>(ex, exactMatch: true);
        Assert.True(scim.Status == 400 && scim.ScimType is Syntax or Value, $"{scenario}: got {scim.Status} {scim.ScimType}.");
    }

    [Fact]
    public void ReadUser_NestingDeeperThanConfiguredMaxDepth_Throws400InvalidSyntax()
    {
        // root object, emails array, email object: three levels.
        var serializer = new ScimSerializer(Payloads.RegistryWithTypes(), new ScimSerializerOptions { MaxDepth = 2 });
        var body = Payloads.NamedUser(""" "emails": [ { "value": "bjensen@example.com" } ] """);

        var ex = Assert.Throws<ScimException>(() => serializer.ReadUser(Payloads.Utf8(body)));

        Assert.Equal((400, Syntax), (ex.Status, ex.ScimType));
        Assert.Contains("depth of 2", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadUser_NestingAtConfiguredMaxDepth_Reads()
    {
        var serializer = new ScimSerializer(Payloads.RegistryWithTypes(), new ScimSerializerOptions { MaxDepth = 3 });
        var body = Payloads.NamedUser(""" "emails": [ { "value": "bjensen@example.com" } ] """);

        var user = serializer.ReadUser(Payloads.Utf8(body));

        Assert.Equal("bjensen@example.com", Assert.Single(user.Emails).Value);
    }

    [Fact]
    public void ReadUser_IntegerDecimalDateTimeBinaryAtTheirLimits_Reads()
    {
        // The accepting side of the type checks above, so they cannot pass by rejecting everything.
        var body = Payloads.NamedUser($$"""
            "{{Types}}": {
              "level": -9223372036854775808,
              "levels": [ 0, 9223372036854775807 ],
              "score": 79228162514264337593543950335,
              "since": "2010-01-23T04:56:22.1234567-08:00",
              "badge": ""
            }
            """);

        var values = _serializer.ReadUser(Payloads.Utf8(body)).Extensions[Types]!;

        Assert.Equal(long.MinValue, values["level"]!.GetValue<long>());
        Assert.Equal(long.MaxValue, values["levels"]![1]!.GetValue<long>());
        Assert.Equal(decimal.MaxValue, values["score"]!.GetValue<decimal>());
        Assert.Equal("2010-01-23T12:56:22.1234567Z", values["since"]!.GetValue<string>());
        Assert.Equal(string.Empty, values["badge"]!.GetValue<string>());
    }

    private object Read(Target target, byte[] body) => target switch
    {
        Target.User => _serializer.ReadUser(body),
        Target.Group => _serializer.ReadGroup(body),
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

    /// <summary>UTF-8 of <paramref name="template"/> with each <c>&lt;XX&gt;</c> replaced by the raw byte 0xXX.</summary>
    private static byte[] WithRawBytes(string template)
    {
        var bytes = new List<byte>();
        var rest = template;
        while (rest.IndexOf('<', StringComparison.Ordinal) is var at and >= 0)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(rest[..at]));
            bytes.Add(Convert.ToByte(rest.Substring(at + 1, 2), 16));
            rest = rest[(at + 4)..];
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(rest));
        return [.. bytes];
    }
}
