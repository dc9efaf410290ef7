using Scim.Core.Errors;
using Scim.Core.Patching;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// Every way an operation can fail once the message is read: bad and unknown paths
/// (<c>invalidPath</c>), read-only and required attributes (<c>mutability</c>), values of the
/// wrong type (<c>invalidValue</c>, naming the path), filtered replaces that match nothing
/// (<c>noTarget</c>), and member filters a delta cannot express (<c>invalidFilter</c>). Each
/// detail starts with <c>Operations[i]:</c>, and the resource is left exactly as it was.
/// </summary>
public sealed class PatchApplyErrorTests
{
    /// <summary>One operation on Barbara Jensen, the scimType, text the detail must contain.</summary>
    public static TheoryData<string, string, string> UserErrors => new()
    {
        // invalidPath
        { """{"op":"replace","path":"nosuch","value":"x"}""", ScimErrorType.InvalidPath, "Unknown attribute 'nosuch'" },
        { """{"op":"remove","path":"nosuch"}""", ScimErrorType.InvalidPath, "Unknown attribute 'nosuch'" },
        { """{"op":"replace","path":"name.nosuch","value":"x"}""", ScimErrorType.InvalidPath, "Unknown sub-attribute 'nosuch' of 'name'" },
        { """{"op":"replace","path":"emails[type eq \"work\"].nosuch","value":"x"}""", ScimErrorType.InvalidPath, "'nosuch'" },
        { """{"op":"replace","path":"emails[nosuch eq \"work\"].value","value":"x"}""", ScimErrorType.InvalidPath, "'nosuch'" },
        { """{"op":"remove","path":"emails[type eq \"work\" and nosuch pr]"}""", ScimErrorType.InvalidPath, "'nosuch'" },
        { """{"op":"replace","path":"title[value eq \"x\"]","value":"x"}""", ScimErrorType.InvalidPath, "'title' is not a multi-valued complex attribute" },
        { """{"op":"remove","path":"active[value eq true]"}""", ScimErrorType.InvalidPath, "'active' is not a multi-valued complex attribute" },
        { """{"op":"replace","path":"title.value","value":"x"}""", ScimErrorType.InvalidPath, "'title'" },
        { """{"op":"replace","path":"emails[type eq ","value":"x"}""", ScimErrorType.InvalidPath, "Invalid path" },
        { """{"op":"replace","path":"emails[type eq \"work\"","value":"x"}""", ScimErrorType.InvalidPath, "Invalid path" },
        { """{"op":"replace","path":"emails..value","value":"x"}""", ScimErrorType.InvalidPath, "Invalid path" },
        { """{"op":"replace","path":"user name","value":"x"}""", ScimErrorType.InvalidPath, "Invalid path" },
        { """{"op":"replace","path":"name.givenName.first","value":"x"}""", ScimErrorType.InvalidPath, "Invalid path" },
        { """{"op":"replace","path":"urn:example:nosuch:2.0:User:title","value":"x"}""", ScimErrorType.InvalidPath, "does not start with a schema" },
        { """{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:Group:displayName","value":"x"}""", ScimErrorType.InvalidPath, "does not start with a schema" },
        { $$"""{"op":"replace","path":"{{Enterprise}}:nosuch","value":"x"}""", ScimErrorType.InvalidPath, "Unknown attribute 'nosuch'" },
        { $$"""{"op":"replace","path":"{{Enterprise}}:manager.nosuch","value":"x"}""", ScimErrorType.InvalidPath, "'nosuch'" },
        // Without a path the value is read like a POST body: an unknown key is invalidSyntax (and can be ignored by option).
        { """{"op":"replace","value":{"nosuch":"x"}}""", ScimErrorType.InvalidSyntax, "Unknown attribute 'nosuch'" },
        { """{"op":"replace","value":{"employeeNumber":"1"}}""", ScimErrorType.InvalidSyntax, "nest it under that URN" },
        { """{"op":"add","value":{"name.nosuch":"x"}}""", ScimErrorType.InvalidSyntax, "'nosuch'" },
        { """{"op":"replace","path":"members","value":[]}""", ScimErrorType.InvalidPath, "Unknown attribute 'members'" },

        // mutability
        { """{"op":"replace","path":"id","value":"x"}""", ScimErrorType.Mutability, "'id' is read-only" },
        { """{"op":"add","path":"id","value":"x"}""", ScimErrorType.Mutability, "'id' is read-only" },
        { """{"op":"remove","path":"id"}""", ScimErrorType.Mutability, "'id' is read-only" },
        { """{"op":"replace","path":"meta","value":{"version":"W/\"1\""}}""", ScimErrorType.Mutability, "'meta' is read-only" },
        { """{"op":"replace","path":"meta.version","value":"W/\"1\""}""", ScimErrorType.Mutability, "'meta.version' is read-only" },
        { """{"op":"add","path":"meta.lastModified","value":"2011-05-13T04:42:34Z"}""", ScimErrorType.Mutability, "read-only" },
        { """{"op":"remove","path":"meta"}""", ScimErrorType.Mutability, "'meta' is read-only" },
        { """{"op":"remove","path":"meta.location"}""", ScimErrorType.Mutability, "read-only" },
        { """{"op":"replace","path":"groups","value":[{"value":"g1"}]}""", ScimErrorType.Mutability, "'groups' is read-only" },
        { """{"op":"add","path":"groups","value":[{"value":"g1"}]}""", ScimErrorType.Mutability, "'groups' is read-only" },
        { """{"op":"remove","path":"groups"}""", ScimErrorType.Mutability, "'groups' is read-only" },
        { """{"op":"remove","path":"groups[value eq \"g1\"]"}""", ScimErrorType.Mutability, "read-only" },
        { $$"""{"op":"replace","path":"{{Enterprise}}:manager.displayName","value":"Boss"}""", ScimErrorType.Mutability, "read-only" },
        { """{"op":"remove","path":"userName"}""", ScimErrorType.Mutability, "'userName' is required" },
        { """{"op":"remove","path":"USERNAME"}""", ScimErrorType.Mutability, "is required" },
        { """{"op":"replace","path":"userName","value":null}""", ScimErrorType.Mutability, "'userName' is required" },
        { """{"op":"replace","value":{"userName":null}}""", ScimErrorType.Mutability, "'userName' is required" },
        { """{"op":"remove","path":"urn:ietf:params:scim:schemas:core:2.0:User:userName"}""", ScimErrorType.Mutability, "is required" },

        // invalidValue, naming the path
        { """{"op":"replace","path":"active","value":"yes"}""", ScimErrorType.InvalidValue, "'active' must be true or false; got a string" },
        { """{"op":"replace","path":"active","value":1}""", ScimErrorType.InvalidValue, "'active' must be true or false; got a number" },
        { """{"op":"replace","path":"active","value":{"value":true}}""", ScimErrorType.InvalidValue, "'active'" },
        { """{"op":"replace","value":{"active":"no"}}""", ScimErrorType.InvalidValue, "'active'" },
        { """{"op":"replace","path":"title","value":5}""", ScimErrorType.InvalidValue, "'title' must be a string; got a number" },
        { """{"op":"replace","path":"title","value":true}""", ScimErrorType.InvalidValue, "'title' must be a string; got a boolean" },
        { """{"op":"replace","path":"title","value":{"a":"b"}}""", ScimErrorType.InvalidValue, "'title' must be a string; got an object" },
        { """{"op":"replace","path":"title","value":["a","b"]}""", ScimErrorType.InvalidValue, "'title' is single-valued" },
        { """{"op":"add","path":"userName","value":7}""", ScimErrorType.InvalidValue, "'userName'" },
        { """{"op":"replace","path":"name","value":"Barbara Jensen"}""", ScimErrorType.InvalidValue, "'name' must be a JSON object; got a string" },
        { """{"op":"replace","path":"name","value":{"givenName":5}}""", ScimErrorType.InvalidValue, "'name.givenName' must be a string" },
        { """{"op":"replace","path":"name.givenName","value":["a","b"]}""", ScimErrorType.InvalidValue, "'name.givenName'" },
        { """{"op":"add","value":{"name":{"familyName":false}}}""", ScimErrorType.InvalidValue, "'name.familyName'" },
        { """{"op":"replace","path":"emails","value":5}""", ScimErrorType.InvalidValue, "'emails'" },
        { """{"op":"add","path":"emails","value":[5]}""", ScimErrorType.InvalidValue, "'emails[0]' must be a JSON object" },
        { """{"op":"add","path":"emails","value":[{"value":"a@example.com"},true]}""", ScimErrorType.InvalidValue, "'emails[1]' must be a JSON object; got a boolean" },
        { """{"op":"add","path":"emails","value":[null]}""", ScimErrorType.InvalidValue, "'emails[0]'" },
        { """{"op":"add","path":"emails","value":[[{"value":"a@example.com"}]]}""", ScimErrorType.InvalidValue, "'emails[0]'" },
        { """{"op":"add","path":"emails","value":[{"value":"a@example.com","primary":"yes"}]}""", ScimErrorType.InvalidValue, "'emails[0].primary' must be true or false" },
        { """{"op":"replace","path":"emails[type eq \"work\"].primary","value":"sometimes"}""", ScimErrorType.InvalidValue, "primary" },
        { """{"op":"replace","path":"emails[type eq \"work\"].value","value":42}""", ScimErrorType.InvalidValue, "must be a string" },
        { """{"op":"replace","path":"emails[type eq \"work\"]","value":[{"value":"a"},{"value":"b"}]}""", ScimErrorType.InvalidValue, "emails" },
        { """{"op":"replace","path":"x509Certificates","value":[{"value":"not base64!"}]}""", ScimErrorType.InvalidValue, "'x509Certificates[0].value' is binary" },
        { $$"""{"op":"replace","path":"{{Enterprise}}:employeeNumber","value":701984}""", ScimErrorType.InvalidValue, $"'{Enterprise}:employeeNumber' must be a string" },
        { $$$"""{"op":"replace","path":"{{{Enterprise}}}:manager.value","value":{"id":"x"}}""", ScimErrorType.InvalidValue, "manager.value" },
        { $$"""{"op":"add","path":"{{Acme}}:hireDate","value":"yesterday"}""", ScimErrorType.InvalidValue, $"'{Acme}:hireDate' is a dateTime" },
        { $$"""{"op":"add","path":"{{Acme}}:hireDate","value":"2010-13-45T99:00:00Z"}""", ScimErrorType.InvalidValue, $"'{Acme}:hireDate' is a dateTime" },
        { $$"""{"op":"add","path":"{{Acme}}:hireDate","value":20100123}""", ScimErrorType.InvalidValue, $"'{Acme}:hireDate' must be a dateTime string" },
        { $$"""{"op":"add","path":"{{Acme}}:badge","value":1.5}""", ScimErrorType.InvalidValue, $"'{Acme}:badge' is an integer" },
        { $$"""{"op":"add","path":"{{Acme}}:badge","value":"7"}""", ScimErrorType.InvalidValue, $"'{Acme}:badge' must be an integer" },
        { $$"""{"op":"add","path":"{{Acme}}:tags","value":[1]}""", ScimErrorType.InvalidValue, $"'{Acme}:tags[0]'" },
        { """{"op":"replace","value":"bjensen"}""", ScimErrorType.InvalidValue, "without a path needs an object" },
        { """{"op":"add","value":[{"title":"x"}]}""", ScimErrorType.InvalidValue, "without a path needs an object" },
        { """{"op":"replace","value":null}""", ScimErrorType.InvalidValue, "without a path needs an object" },
        { $$"""{"op":"replace","path":"{{Enterprise}}","value":"701984"}""", ScimErrorType.InvalidValue, Enterprise },
        { $$$"""{"op":"add","value":{"{{{Enterprise}}}":["701984"]}}""", ScimErrorType.InvalidValue, Enterprise },

        // noTarget
        { """{"op":"replace","path":"addresses[type eq \"other\"]","value":{"locality":"Burbank"}}""", ScimErrorType.NoTarget, "No value of 'addresses' matches" },
        { """{"op":"add","path":"emails[type eq \"other\"]","value":{"display":"x"}}""", ScimErrorType.NoTarget, "No value of 'emails' matches" },
        { """{"op":"replace","path":"emails[value co \"nobody\"].value","value":"x@example.com"}""", ScimErrorType.NoTarget, "No value of 'emails' matches" },
        { """{"op":"replace","path":"phoneNumbers[type eq \"fax\" or type eq \"pager\"].value","value":"555"}""", ScimErrorType.NoTarget, "phoneNumbers" },
        { """{"op":"replace","path":"ims[type eq \"aim\"]","value":{"value":"babs"}}""", ScimErrorType.NoTarget, "No value of 'ims' matches" },
    };

    /// <summary>One operation on the Tour Guides group (members as deltas), the scimType, text the detail must contain.</summary>
    public static TheoryData<string, string, string> GroupErrors => new()
    {
        { """{"op":"remove","path":"displayName"}""", ScimErrorType.Mutability, "'displayName' is required" },
        { """{"op":"replace","path":"displayName","value":null}""", ScimErrorType.Mutability, "'displayName' is required" },
        { """{"op":"replace","value":{"displayName":null}}""", ScimErrorType.Mutability, "'displayName' is required" },
        { """{"op":"replace","path":"displayName","value":42}""", ScimErrorType.InvalidValue, "'displayName' must be a string" },
        { """{"op":"replace","path":"id","value":"x"}""", ScimErrorType.Mutability, "'id' is read-only" },
        { """{"op":"replace","path":"userName","value":"x"}""", ScimErrorType.InvalidPath, "Unknown attribute 'userName'" },
        { """{"op":"add","path":"members","value":[{"type":"User"}]}""", ScimErrorType.InvalidValue, "needs a 'value'" },
        // An empty value is none (as null is), so the element still names no member.
        { """{"op":"add","path":"members","value":[{"value":"","type":"User"}]}""", ScimErrorType.InvalidValue, "needs a 'value'" },
        { """{"op":"add","path":"members","value":[5]}""", ScimErrorType.InvalidValue, "'members[0]'" },
        { """{"op":"add","path":"members","value":[{"value":7}]}""", ScimErrorType.InvalidValue, "'members[0].value'" },
        { """{"op":"add","path":"members[value eq \"x\"]","value":{"value":"x"}}""", ScimErrorType.InvalidPath, "a filtered 'add' is not supported" },
        { """{"op":"replace","path":"members[value eq \"x\"]","value":{"value":"y"}}""", ScimErrorType.InvalidPath, "a filtered 'replace' is not supported" },
        { """{"op":"replace","path":"members.value","value":"x"}""", ScimErrorType.InvalidPath, "changes a sub-attribute of members" },
        { """{"op":"remove","path":"members[value eq \"x\"].type"}""", ScimErrorType.InvalidPath, "changes a sub-attribute of members" },
        { """{"op":"remove","path":"members[value eq \"a\" and type eq \"User\"]"}""", ScimErrorType.InvalidFilter, "value eq" },
        { """{"op":"remove","path":"members[value ne \"a\"]"}""", ScimErrorType.InvalidFilter, "value eq" },
        { """{"op":"remove","path":"members[value eq \"a\" or type eq \"Group\"]"}""", ScimErrorType.InvalidFilter, "value eq" },
        { """{"op":"remove","path":"members[display eq \"Babs Jensen\"]"}""", ScimErrorType.InvalidFilter, "value eq" },
        { """{"op":"remove","path":"members[value pr]"}""", ScimErrorType.InvalidFilter, "value eq" },
    };

    [Theory]
    [MemberData(nameof(UserErrors))]
    public void Apply_BadOperationOnUser_Throws400AndLeavesUser(string operation, string scimType, string detail)
    {
        var user = BarbaraTree();

        var error = Rejects(user, UserType, Message(operation));

        Assert.True(scimType == error.ScimType, $"expected {scimType}, got {error.ScimType} ({error.Detail})");
        Assert.StartsWith("Operations[0]: ", error.Detail, StringComparison.Ordinal);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(GroupErrors))]
    public void Apply_BadOperationOnGroup_Throws400AndLeavesGroup(string operation, string scimType, string detail)
    {
        var group = TourGuidesTree();

        var error = Rejects(group, GroupType, Message(operation));

        Assert.True(scimType == error.ScimType, $"expected {scimType}, got {error.ScimType} ({error.Detail})");
        Assert.StartsWith("Operations[0]: ", error.Detail, StringComparison.Ordinal);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Apply_FailingOperationAtIndex_DetailNamesThatIndex(int index)
    {
        var operations = Enumerable.Range(0, 4)
            .Select(i => i == index ? """{"op":"replace","path":"active","value":"maybe"}""" : $$"""{"op":"replace","path":"title","value":"t{{i}}"}""")
            .ToArray();
        var user = BarbaraTree();

        var error = Rejects(user, UserType, Message(operations));

        AssertError(error, ScimErrorType.InvalidValue, $"Operations[{index}]: The attribute 'active' must be true or false; got a string.");
    }

    [Fact]
    public void Apply_GroupMemberSubAttributeDisplayWithoutDeltas_Throws400Mutability()
    {
        var group = TourGuidesTree();

        var error = Rejects(group, GroupType, Message($$"""{"op":"replace","path":"members[value eq \"{{BabsId}}\"].display","value":"Babs"}"""), Patcher(membersAsDeltas: false));

        AssertError(error, ScimErrorType.Mutability, "read-only");
    }

    [Theory]
    [InlineData("replace", "\"Group\"")]
    [InlineData("remove", "null")]
    public void Apply_ImmutableMemberTypeWithoutDeltas_Throws400Mutability(string op, string value)
    {
        // members.type is immutable (RFC 7643 §4.2, §8.7.1): once set it SHALL NOT be updated.
        var group = TourGuidesTree();
        var operation = op == "remove"
            ? $$"""{"op":"remove","path":"members[value eq \"{{BabsId}}\"].type"}"""
            : $$"""{"op":"replace","path":"members[value eq \"{{BabsId}}\"].type","value":{{value}}}""";

        var error = Rejects(group, GroupType, Message(operation), Patcher(membersAsDeltas: false));

        AssertError(error, ScimErrorType.Mutability, "immutable");
    }

    [Theory]
    [InlineData("replace", "{\"givenName\":\"Zed\"}")]
    [InlineData("remove", "null")]
    public void Apply_ValueFilterOnSingularComplexAttribute_Throws400InvalidPath(string op, string value)
    {
        // RFC 7644 §3.5.2: the valuePath filter selects values of a *multi-valued* complex attribute.
        var user = BarbaraTree();
        var operation = op == "remove"
            ? """{"op":"remove","path":"name[givenName eq \"Nobody\"]"}"""
            : $$"""{"op":"replace","path":"name[givenName eq \"Nobody\"]","value":{{value}}}""";

        var error = Rejects(user, UserType, Message(operation));

        AssertError(error, ScimErrorType.InvalidPath, "name");
    }

    [Theory]
    [InlineData("""{"op":"add","path":"urn:example:params:scim:schemas:extension:acme:2.0:User","value":{"hireDate":"yesterday"}}""")]
    [InlineData("""{"op":"add","value":{"urn:example:params:scim:schemas:extension:acme:2.0:User":{"hireDate":"yesterday"}}}""")]
    public void Apply_WrongTypeForExtensionAttributeInExtensionObject_DetailNamesUrnQualifiedPath(string operation)
    {
        // docs/errors.md: extension attributes are named in details by their URN.
        var user = BarbaraTree();

        var error = Rejects(user, UserType, Message(operation));

        AssertError(error, ScimErrorType.InvalidValue, $"'{Acme}:hireDate'");
    }

    [Fact]
    public void Apply_LoneSurrogateInValue_Throws400AndLeavesUser()
    {
        // RFC 8259 §8.2 text that is not valid Unicode: the serializer turns it into a 400, never another exception.
        var user = BarbaraTree();
        var before = user.ToJsonString();
        var body = Message("""{"op":"replace","path":"title","value":"ok"}""", """{"op":"replace","path":"nickName","value":"\ud800"}""");

        var error = Record.Exception(() => Default.Apply(user, UserType, Read(body)));

        var scim = Assert.IsType<ScimException>(error);
        Assert.Equal(400, scim.Status);
        Assert.Equal(ScimErrorType.InvalidSyntax, scim.ScimType);
        Assert.Equal(before, user.ToJsonString());
    }
}
