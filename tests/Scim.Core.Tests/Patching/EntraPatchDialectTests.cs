using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Patching;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// The request shapes Microsoft Entra ID documents for its provisioning service (the SCIM
/// endpoint tutorial and the "known issues" compatibility page), each applied with the default
/// dialects and checked exactly; then each shape again with only its dialect flag (accepted)
/// and with every flag but its own (rejected with the scimType a strict server gives).
/// </summary>
public sealed class EntraPatchDialectTests
{
    /// <summary>Scenario, sample resource, message, the dialect the shape needs, the scimType without it.</summary>
    public static TheoryData<string, string, string, PatchDialects, string> Shapes => new()
    {
        {
            "op 'Replace' capitalised", "user",
            Message("""{"op":"Replace","path":"displayName","value":"Babs"}"""),
            PatchDialects.OperationNameAnyCase, ScimErrorType.InvalidSyntax
        },
        {
            "op 'Add' capitalised on members", "group",
            Message("""{"op":"Add","path":"members","value":[{"$ref":null,"value":"f648f8d5ea4e4cd38e9c"}]}"""),
            PatchDialects.OperationNameAnyCase, ScimErrorType.InvalidSyntax
        },
        {
            "active as the string \"False\"", "user",
            Message("""{"op":"replace","path":"active","value":"False"}"""),
            PatchDialects.BooleanStrings, ScimErrorType.InvalidValue
        },
        {
            "primary as the string \"True\" inside an email", "user",
            Message("""{"op":"add","path":"emails","value":[{"value":"b@example.com","type":"other","primary":"True"}]}"""),
            PatchDialects.BooleanStrings, ScimErrorType.InvalidValue
        },
        {
            "manager as a plain id", "plain",
            Message($$"""{"op":"add","path":"{{Enterprise}}:manager","value":"{{ManagerId}}"}"""),
            PatchDialects.StringAsValue, ScimErrorType.InvalidValue
        },
        {
            "members as bare ids", "group",
            Message("""{"op":"add","path":"members","value":["f648f8d5ea4e4cd38e9c"]}"""),
            PatchDialects.StringAsValue, ScimErrorType.InvalidValue
        },
        {
            "no-path value with dotted keys", "user",
            Message("""{"op":"replace","value":{"name.givenName":"Gtfd","name.familyName":"Pkqf"}}"""),
            PatchDialects.DottedAndQualifiedKeys, ScimErrorType.InvalidPath
        },
        {
            "no-path value with a URN-qualified key", "user",
            Message($$$"""{"op":"replace","value":{"{{{Enterprise}}}:employeeNumber":"Eqpj"}}"""),
            PatchDialects.DottedAndQualifiedKeys, ScimErrorType.InvalidPath
        },
        {
            "no-path value with a key holding a value filter", "user",
            Message("""{"op":"replace","value":{"emails[type eq \"work\"].value":"w@example.com"}}"""),
            PatchDialects.DottedAndQualifiedKeys, ScimErrorType.InvalidPath
        },
        {
            "remove members with a value list", "group",
            Message($$"""{"op":"remove","path":"members","value":[{"$ref":null,"value":"{{BabsId}}"}]}"""),
            PatchDialects.RemoveListedValues, ScimErrorType.InvalidValue
        },
        {
            "replace emails[type eq \"work\"].value without a work email", "plain",
            Message("""{"op":"replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"}"""),
            PatchDialects.CreateOnFilterMiss, ScimErrorType.NoTarget
        },
        {
            "'operations' key in lower case", "user",
            $$"""{"schemas":["{{PatchOpUrn}}"],"operations":[{"op":"replace","path":"title","value":"x"}]}""",
            PatchDialects.MessageCasing, ScimErrorType.InvalidSyntax
        },
        {
            "PatchOp URN in upper case", "user",
            """{"schemas":["URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP"],"Operations":[{"op":"replace","path":"title","value":"x"}]}""",
            PatchDialects.MessageCasing, ScimErrorType.InvalidSyntax
        },
        {
            // An echo of the same id is harmless and ignored under every dialect (Okta's group rename); a different id is not.
            "different id inside a no-path value", "user",
            Message("""{"op":"replace","value":{"id":"not-the-id","title":"x"}}"""),
            PatchDialects.MessageCasing, ScimErrorType.Mutability
        },
        {
            "meta echoed inside a no-path value", "user",
            Message("""{"op":"replace","value":{"meta":{"resourceType":"User"},"title":"x"}}"""),
            PatchDialects.MessageCasing, ScimErrorType.Mutability
        },
        {
            "one-element array for a single value", "user",
            Message("""{"op":"replace","path":"title","value":["Vice President"]}"""),
            PatchDialects.ArrayShapes, ScimErrorType.InvalidValue
        },
        {
            "one object for a multi-valued attribute", "user",
            Message("""{"op":"add","path":"emails","value":{"value":"b@example.com","type":"other"}}"""),
            PatchDialects.ArrayShapes, ScimErrorType.InvalidValue
        },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Apply_EntraShapeWithOnlyItsDialect_Accepted(string scenario, string resource, string body, PatchDialects dialect, string scimType)
    {
        _ = scimType;
        var (tree, type) = Resource(resource);

        var result = Apply(tree, type, body, Patcher(dialect));

        Assert.True(result.Changed, scenario);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Apply_EntraShapeWithoutItsDialect_Throws400WithScimType(string scenario, string resource, string body, PatchDialects dialect, string scimType)
    {
        var (tree, type) = Resource(resource);

        var error = Rejects(tree, type, body, Patcher(PatchDialects.All & ~dialect));

        Assert.True(scimType == error.ScimType, $"{scenario}: expected {scimType}, got {error.ScimType} ({error.Detail})");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Apply_EntraShapeWithDialectsNone_Throws400(string scenario, string resource, string body, PatchDialects dialect, string scimType)
    {
        _ = dialect;
        var (tree, type) = Resource(resource);

        var error = Rejects(tree, type, body, Patcher(PatchDialects.None));

        Assert.True(scimType == error.ScimType, $"{scenario}: expected {scimType}, got {error.ScimType} ({error.Detail})");
    }

    [Fact]
    public void Apply_EntraDisableUserWithStringFalse_SetsActiveFalse()
    {
        var user = BarbaraTree();

        var result = Apply(user, UserType, """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [
                {
                  "op": "Replace",
                  "path": "active",
                  "value": "False"
                }
              ]
            }
            """);

        var expected = BarbaraTree();
        expected["active"] = false;
        AssertTree(expected, user);
        AssertChanged(result, "active");
    }

    [Theory]
    [InlineData("\"True\"", true)]
    [InlineData("\"true\"", true)]
    [InlineData("\"FALSE\"", false)]
    [InlineData("\"false\"", false)]
    [InlineData("false", false)]
    public void Apply_ReplaceActiveWithBooleanString_StoresJsonBoolean(string value, bool expected)
    {
        var user = PlainUserTree();

        Apply(user, UserType, Message($$"""{"op":"Replace","path":"active","value":{{value}}}"""));

        Assert.Equal(expected ? System.Text.Json.JsonValueKind.True : System.Text.Json.JsonValueKind.False, user["active"]!.GetValueKind());
    }

    [Fact]
    public void Apply_EntraAddManagerAsPlainId_StoresManagerWithValue()
    {
        var user = PlainUserTree();

        var result = Apply(user, UserType, Message($$"""
            {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"{{ManagerId}}"}
            """));

        AssertTree($$$$"""
            {"schemas":["{{{{UserUrn}}}}","{{{{Enterprise}}}}"],"id":"c3a2f1d0-0000-4000-8000-000000000001","userName":"plain",
             "emails":[{"value":"plain@home.example","type":"home"}],
             "{{{{Enterprise}}}}":{"manager":{"value":"{{{{ManagerId}}}}"}}}
            """, user);
        AssertChanged(result, Enterprise + ":manager");
    }

    [Fact]
    public void Apply_EntraReplaceWithDottedAndQualifiedKeys_SetsEachTarget()
    {
        var user = BarbaraTree();

        var result = Apply(user, UserType, """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [
                {
                  "op": "Replace",
                  "value": {
                    "displayName": "Pvlo",
                    "name.givenName": "Gtfd",
                    "name.familyName": "Pkqf",
                    "externalId": "Eqpj",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Eqpj"
                  }
                }
              ]
            }
            """);

        var expected = BarbaraTree();
        expected["displayName"] = "Pvlo";
        expected["name"]!["givenName"] = "Gtfd";
        expected["name"]!["familyName"] = "Pkqf";
        expected["externalId"] = "Eqpj";
        expected[Enterprise]!["employeeNumber"] = "Eqpj";
        AssertTree(expected, user);
        AssertChanged(result, "displayName", "name.givenName", "name.familyName", "externalId", Enterprise + ":employeeNumber");
    }

    /// <summary>
    /// Entra ID's update of several attributes in one no-path replace (its 2020 compliance mode)
    /// names the work email by a path with a value filter as a key: it is applied as a replace with
    /// that path, beside the dotted and qualified keys.
    /// </summary>
    [Fact]
    public void Apply_EntraReplaceWithAFilteredKey_SetsTheWorkEmailBesideTheOtherKeys()
    {
        var user = BarbaraTree();

        var result = Apply(user, UserType, """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [
                {
                  "op": "replace",
                  "value": {
                    "displayName": "Pvlo",
                    "emails[type eq \"work\"].value": "TestBcwqnm@test.microsoft.com",
                    "name.givenName": "Ysvauf",
                    "name.familyName": "Eqbaowmf",
                    "externalId": "Eqpj",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Wewrwr"
                  }
                }
              ]
            }
            """);

        var expected = BarbaraTree();
        expected["displayName"] = "Pvlo";
        expected["emails"]![0]!["value"] = "TestBcwqnm@test.microsoft.com";
        expected["name"]!["givenName"] = "Ysvauf";
        expected["name"]!["familyName"] = "Eqbaowmf";
        expected["externalId"] = "Eqpj";
        expected[Enterprise]!["employeeNumber"] = "Wewrwr";
        AssertTree(expected, user);
        AssertChanged(result, "displayName", "emails", "name.givenName", "name.familyName", "externalId", Enterprise + ":employeeNumber");
    }

    /// <summary>A user without a work email gets one, as the same path in an operation's <c>path</c> does.</summary>
    [Fact]
    public void Apply_EntraReplaceWithAFilteredKey_WithoutAWorkEmail_AddsOne()
    {
        var user = PlainUserTree();

        Apply(user, UserType, Message("""{"op":"replace","value":{"emails[type eq \"work\"].value":"w@example.com","title":"Lead"}}"""));

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"value":"plain@home.example","type":"home"},{"type":"work","value":"w@example.com"}]"""),
            user["emails"]));
        Assert.Equal("Lead", (string?)user["title"]);
    }

    /// <summary>A filtered key naming an attribute the type does not have is refused as that path would be.</summary>
    [Fact]
    public void Apply_EntraReplaceWithAFilteredKey_OfAnUnknownAttribute_IsInvalidPath()
    {
        var user = BarbaraTree();

        var error = Assert.Throws<ScimException>(() => Apply(user, UserType, Message("""{"op":"replace","value":{"mails[type eq \"work\"].value":"w@example.com"}}""")));

        Assert.Equal(ScimErrorType.InvalidPath, error.ScimType);
    }

    [Fact]
    public void Apply_EntraRemoveMemberWithValueList_RemovesOnlyThatMember()
    {
        var group = TourGuidesTree();
        var body = Message($$"""{"op":"Remove","path":"members","value":[{"$ref":null,"value":"{{BabsId}}"}]}""");

        var result = Apply(group, GroupType, body);

        AssertDelta(result.Members, removeAll: false, removed: [BabsId], added: []);
    }

    [Fact]
    public void Apply_EntraRemoveMemberWithValueListWithoutDeltas_KeepsTheOtherMember()
    {
        var group = TourGuidesTree();
        var body = Message($$"""{"op":"Remove","path":"members","value":[{"$ref":null,"value":"{{BabsId}}"}]}""");

        var result = Apply(group, GroupType, body, Patcher(membersAsDeltas: false));

        var expected = TourGuidesTree();
        expected["members"]!.AsArray().RemoveAt(0);
        AssertTree(expected, group);
        AssertChanged(result, "members");
    }

    [Fact]
    public void Apply_EntraAddMember_GivesAddedWithoutRef()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [
                {
                  "op": "Add",
                  "path": "members",
                  "value": [
                    {
                      "$ref": null,
                      "value": "f648f8d5ea4e4cd38e9c"
                    }
                  ]
                }
              ]
            }
            """);

        AssertDelta(result.Members, removeAll: false, removed: [], added: ["f648f8d5ea4e4cd38e9c||"]);
    }

    [Fact]
    public void Apply_EntraReplaceWorkEmailValueWithoutWorkEmail_CreatesWorkEmail()
    {
        var user = PlainUserTree();

        var result = Apply(user, UserType, Message("""{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"}"""));

        AssertTree($$"""
            {"schemas":["{{UserUrn}}"],"id":"c3a2f1d0-0000-4000-8000-000000000001","userName":"plain",
             "emails":[{"value":"plain@home.example","type":"home"},{"type":"work","value":"updatedEmail@microsoft.com"}]}
            """, user);
        AssertChanged(result, "emails");
    }

    [Fact]
    public void Apply_EntraUpdateUserMultiValued_ChangesWorkEmailAndFamilyName()
    {
        var user = BarbaraTree();

        var result = Apply(user, UserType, """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [
                {
                  "op": "Replace",
                  "path": "emails[type eq \"work\"].value",
                  "value": "updatedEmail@microsoft.com"
                },
                {
                  "op": "Replace",
                  "path": "name.familyName",
                  "value": "updatedFamilyName"
                }
              ]
            }
            """);

        var expected = BarbaraTree();
        expected["emails"]![0]!["value"] = "updatedEmail@microsoft.com";
        expected["name"]!["familyName"] = "updatedFamilyName";
        AssertTree(expected, user);
        AssertChanged(result, "emails", "name.familyName");
    }

    [Fact]
    public void Apply_EntraReplaceWithFilterOnTwoEqualities_CreatesElementWithBoth()
    {
        var user = PlainUserTree();

        Apply(user, UserType, Message("""{"op":"Replace","path":"emails[type eq \"work\" and primary eq true].value","value":"w@example.com"}"""));

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"value":"plain@home.example","type":"home"},{"type":"work","primary":true,"value":"w@example.com"}]"""),
            user["emails"]));
    }

    [Theory]
    [InlineData("emails[type co \\\"work\\\"].value")]
    [InlineData("emails[type eq \\\"work\\\" or type eq \\\"home2\\\"].value")]
    [InlineData("emails[not (type eq \\\"work\\\")].value")]
    [InlineData("emails[type eq \\\"work\\\"]")]
    public void Apply_ReplaceFilterMissThatCannotBeCreated_Throws400NoTarget(string path)
    {
        var user = PlainUserTree();
        user.Remove("emails");

        var error = Rejects(user, UserType, Message($$"""{"op":"replace","path":"{{path}}","value":"x@example.com"}"""));

        AssertError(error, ScimErrorType.NoTarget, "Operations[0]: ");
    }

    [Fact]
    public void Apply_EntraGroupRename_ReplacesDisplayName()
    {
        var group = TourGuidesTree();

        var result = Apply(group, GroupType, Message("""{"op":"Replace","path":"displayName","value":"1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}"""));

        Assert.Equal("1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName", (string?)group["displayName"]);
        AssertChanged(result, "displayName");
        Assert.Null(result.Members);
    }

    [Theory]
    [InlineData(PatchDialects.All)]
    [InlineData(PatchDialects.None)]
    public void ReadRequest_ExtraSchemaUrnsBesidePatchOp_Accepted(PatchDialects dialects)
    {
        var body = $$"""
            {"schemas":["{{PatchOpUrn}}","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","urn:microsoft:scim:extension:1.0"],
             "Operations":[{"op":"replace","path":"title","value":"x"}]}
            """;

        var request = Read(body, Patcher(dialects));

        var operation = Assert.Single(request.Operations);
        Assert.Equal(PatchOperationType.Replace, operation.Op);
        Assert.Equal("title", operation.Path);
    }

    [Fact]
    public void ReadRequest_OnlyAnExtraUrnWithoutPatchOp_Throws400InvalidSyntax()
    {
        var error = RejectsRead("""{"schemas":["urn:microsoft:scim:extension:1.0"],"Operations":[{"op":"replace","path":"title","value":"x"}]}""");

        AssertError(error, ScimErrorType.InvalidSyntax, PatchOpUrn);
    }
}
