using System.Text;
using Scim.Core.Errors;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>Schema URNs clients list without sending attributes of them (Entra's ADSCIM group URN) are accepted and ignored.</summary>
public sealed class IgnoredSchemaTests
{
    private const string EntraGroup = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group"],
         "externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Group1DisplayName","members":[]}
        """;

    [Fact]
    public void ReadGroup_EntraMicrosoftUrnInSchemas_IsAccepted()
    {
        var serializer = new ScimSerializer(SchemaRegistry.CreateDefault());

        var group = serializer.ReadGroup(Encoding.UTF8.GetBytes(EntraGroup));

        Assert.Equal("Group1DisplayName", group.DisplayName);
        Assert.Equal(["urn:ietf:params:scim:schemas:core:2.0:Group"], ScimSerializer.ToJsonObject(group)["schemas"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public void ReadGroup_WithoutThePrefix_RejectsTheUnknownUrn()
    {
        var options = new ScimSerializerOptions();
        options.IgnoredSchemaPrefixes.Clear();
        var serializer = new ScimSerializer(SchemaRegistry.CreateDefault(), options);

        var error = Assert.Throws<ScimException>(() => serializer.ReadGroup(Encoding.UTF8.GetBytes(EntraGroup)));

        Assert.Equal((400, "invalidSyntax"), (error.Status, error.ScimType));
        Assert.Contains("ADSCIM", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadUser_OtherUnknownUrn_IsStillRejected()
    {
        var serializer = new ScimSerializer(SchemaRegistry.CreateDefault());

        var error = Assert.Throws<ScimException>(() => serializer.ReadUser(Encoding.UTF8.GetBytes("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:example:unknown"],"userName":"x"}""")));

        Assert.Equal((400, "invalidSyntax"), (error.Status, error.ScimType));
    }
}
