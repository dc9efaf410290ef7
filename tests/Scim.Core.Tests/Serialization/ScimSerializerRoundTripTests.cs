using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// The RFC 7643 §8.2, §8.3 and §8.4 examples (TestData/rfc7643-*.json) read and written back.
/// The written tree must equal the example's, except <c>password</c>, which is writeOnly and
/// returned never (RFC 7643 §4.1.1). The examples' dateTimes ("2010-01-23T04:56:22Z") are already
/// in the serializer's output form (UTC, 'Z', no fraction), so they compare as text; a dateTime in
/// another form is compared as an instant in <see cref="ReadUser_DateTimeWithOffsetAndFraction_WritesSameInstantInUtc"/>.
/// </summary>
public sealed class ScimSerializerRoundTripTests
{
    private const string Certificate = "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMxEzARBgNVBAgMCkNhbGlmb3JuaWExFDASBgNVBAoMC2V4YW1wbGUuY29tMRQwEgYDVQQDDAtleGFtcGxlLmNvbTAeFw0xMTEwMjIwNjI0MzFaFw0xMjEwMDQwNjI0MzFaMH8xCzAJBgNVBAYTAlVTMRMwEQYDVQQIDApDYWxpZm9ybmlhMRQwEgYDVQQKDAtleGFtcGxlLmNvbTEhMB8GA1UEAwwYTXMuIEJhcmJhcmEgSiBKZW5zZW4gSUlJMSIwIAYJKoZIhvcNAQkBFhNiamVuc2VuQGV4YW1wbGUuY29tMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7Kr+Dcds/JQ5GwejJFcBIP682X3xpjis56AK02bc1FLgzdLI8auoR+cC9/Vrh5t66HkQIOdA4unHh0AaZ4xL5PhVbXIPMB5vAPKpzz5iPSi8xO8SL7I7SDhcBVJhqVqr3HgllEG6UClDdHO7nkLuwXq8HcISKkbT5WFTVfFZzidPl8HZ7DhXkZIRtJwBweq4bvm3hM1Os7UQH05ZS6cVDgweKNwdLLrT51ikSQG3DYrl+ft781UQRIqxgwqCfXEuDiinPh0kkvIi5jivVu1Z9QiwlYEdRbLJ4zJQBmDrSGTMYn4lRc2HgHO4DqB/bnMVorHB0CC6AV1QoFK4GPe1LwIDAQABo3sweTAJBgNVHRMEAjAAMCwGCWCGSAGG+EIBDQQfFh1PcGVuU1NMIEdlbmVyYXRlZCBDZXJ0aWZpY2F0ZTAdBgNVHQ4EFgQU8pD0U0vsZIsaA16lL8En8bx0F/gwHwYDVR0jBBgwFoAUdGeKitcaF7gnzsNwDx708kqaVt0wDQYJKoZIhvcNAQEFBQADgYEAA81SsFnOdYJtNg5Tcq+/ByEDrBgnusx0jloUhByPMEVkoMZ3J7j1ZgI8rAbOkNngX8+pKfTiDz1RC4+dx8oU6Za+4NJXUjlL5CvV6BEYb1+QAEJwitTVvxB/A67g42/vzgAtoRUeDov1+GFiBZ+GNF/cAYKcMtGcrs2i97ZkJMo=";

    private static readonly DateTimeOffset Created = new(2010, 1, 23, 4, 56, 22, TimeSpan.Zero);
    private static readonly DateTimeOffset LastModified = new(2011, 5, 13, 4, 42, 34, TimeSpan.Zero);

    private readonly ScimSerializer _serializer = new(SchemaRegistry.CreateDefault());

    [Theory]
    [InlineData(Payloads.FullUserFile)]
    [InlineData(Payloads.EnterpriseUserFile)]
    public void ReadUser_RfcExample_WritesSameTreeWithoutPassword(string fileName)
    {
        var user = _serializer.ReadUser(Payloads.FileBytes(fileName));

        var expected = Payloads.FileTree(fileName);
        Assert.True(expected.Remove("password"));
        JsonTree.Equal(expected, JsonTree.Parse(ScimSerializer.Serialize(user)));
    }

    [Fact]
    public void ReadGroup_RfcExample_WritesSameTree()
    {
        var group = _serializer.ReadGroup(Payloads.FileBytes(Payloads.GroupFile));

        JsonTree.Equal(Payloads.FileTree(Payloads.GroupFile), JsonTree.Parse(ScimSerializer.Serialize(group)));
    }

    [Theory]
    [InlineData(Payloads.FullUserFile)]
    [InlineData(Payloads.EnterpriseUserFile)]
    public void ReadUser_OwnOutput_WritesSameTreeAgain(string fileName)
    {
        var first = ScimSerializer.Serialize(_serializer.ReadUser(Payloads.FileBytes(fileName)));

        var second = ScimSerializer.Serialize(_serializer.ReadUser(Payloads.Utf8(first)));

        JsonTree.Equal(JsonTree.Parse(first), JsonTree.Parse(second));
    }

    [Fact]
    public void ReadUser_FullUserExample_FillsTypedProperties()
    {
        var user = _serializer.ReadUser(Payloads.FileBytes(Payloads.FullUserFile));

        Assert.Equal([Payloads.UserUrn], user.Schemas);
        Assert.Equal("2819c223-7f76-453a-919d-413861904646", user.Id);
        Assert.Equal("701984", user.ExternalId);
        Assert.Equal("bjensen@example.com", user.UserName);
        Assert.NotNull(user.Name);
        Assert.Equal("Ms. Barbara J Jensen, III", user.Name.Formatted);
        Assert.Equal("Jensen", user.Name.FamilyName);
        Assert.Equal("Barbara", user.Name.GivenName);
        Assert.Equal("Jane", user.Name.MiddleName);
        Assert.Equal("Ms.", user.Name.HonorificPrefix);
        Assert.Equal("III", user.Name.HonorificSuffix);
        Assert.Equal("Babs Jensen", user.DisplayName);
        Assert.Equal("Babs", user.NickName);
        Assert.Equal("https://login.example.com/bjensen", user.ProfileUrl);
        Assert.Equal("Employee", user.UserType);
        Assert.Equal("Tour Guide", user.Title);
        Assert.Equal("en-US", user.PreferredLanguage);
        Assert.Equal("en-US", user.Locale);
        Assert.Equal("America/Los_Angeles", user.Timezone);
        Assert.True(user.Active);
        Assert.Equal("t1meMa$heen", user.Password);
        Assert.Null(user.EnterpriseUser);
        Assert.Empty(user.Extensions);
    }

    [Fact]
    public void ReadUser_FullUserExample_FillsMultiValuedAttributes()
    {
        var user = _serializer.ReadUser(Payloads.FileBytes(Payloads.FullUserFile));

        Assert.Equal(["bjensen@example.com", "babs@jensen.org"], user.Emails.Select(e => e.Value));
        Assert.Equal(["work", "home"], user.Emails.Select(e => e.Type));
        Assert.Equal([true, null], user.Emails.Select(e => e.Primary));
        Assert.Equal(2, user.Addresses.Count);
        Assert.Equal("100 Universal City Plaza\nHollywood, CA 91608 USA", user.Addresses[0].Formatted);
        Assert.Equal("91608", user.Addresses[0].PostalCode);
        Assert.True(user.Addresses[0].Primary);
        Assert.Equal("456 Hollywood Blvd", user.Addresses[1].StreetAddress);
        Assert.Equal(["555-555-5555", "555-555-4444"], user.PhoneNumbers.Select(p => p.Value));
        Assert.Equal("aim", Assert.Single(user.Ims).Type);
        Assert.Equal(["photo", "thumbnail"], user.Photos.Select(p => p.Type));
        Assert.Equal(["Tour Guides", "Employees", "US Employees"], user.Groups.Select(g => g.Display));
        Assert.Equal("https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a", user.Groups[0].Ref);
        Assert.Equal(Certificate, Assert.Single(user.X509Certificates).Value);
        Assert.Empty(user.Entitlements);
        Assert.Empty(user.Roles);
    }

    [Fact]
    public void ReadUser_FullUserExample_ReadsMetaDateTimesAsInstants()
    {
        var user = _serializer.ReadUser(Payloads.FileBytes(Payloads.FullUserFile));

        Assert.NotNull(user.Meta);
        Assert.Equal("User", user.Meta.ResourceType);
        Assert.Equal(Created, user.Meta.Created);
        Assert.Equal(TimeSpan.Zero, user.Meta.Created!.Value.Offset);
        Assert.Equal(LastModified, user.Meta.LastModified);
        Assert.Equal("W/\"a330bc54f0671c9\"", user.Meta.Version);
        Assert.Equal("https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646", user.Meta.Location);
    }

    [Fact]
    public void ReadUser_EnterpriseUserExample_FillsTypedExtension()
    {
        var user = _serializer.ReadUser(Payloads.FileBytes(Payloads.EnterpriseUserFile));

        Assert.Equal([Payloads.UserUrn, Payloads.EnterpriseUrn], user.Schemas);
        var enterprise = Assert.IsType<EnterpriseUser>(user.EnterpriseUser);
        Assert.Equal("701984", enterprise.EmployeeNumber);
        Assert.Equal("4130", enterprise.CostCenter);
        Assert.Equal("Universal Studios", enterprise.Organization);
        Assert.Equal("Theme Park", enterprise.Division);
        Assert.Equal("Tour Operations", enterprise.Department);
        Assert.NotNull(enterprise.Manager);
        Assert.Equal("26118915-6090-4610-87e4-49d8ca9f808d", enterprise.Manager.Value);
        Assert.Equal("../Users/26118915-6090-4610-87e4-49d8ca9f808d", enterprise.Manager.Ref);
        Assert.Equal("John Smith", enterprise.Manager.DisplayName);
        // The typed extension is not also kept as untyped JSON.
        Assert.Empty(user.Extensions);
        Assert.Equal("W/\"3694e05e9dff591\"", user.Meta?.Version);
    }

    [Fact]
    public void ReadGroup_GroupExample_FillsTypedProperties()
    {
        var group = _serializer.ReadGroup(Payloads.FileBytes(Payloads.GroupFile));

        Assert.Equal([Payloads.GroupUrn], group.Schemas);
        Assert.Equal("e9e30dba-f08f-4109-8486-d5c6a331660a", group.Id);
        Assert.Equal("Tour Guides", group.DisplayName);
        Assert.Equal(2, group.Members.Count);
        Assert.Equal("2819c223-7f76-453a-919d-413861904646", group.Members[0].Value);
        Assert.Equal("https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646", group.Members[0].Ref);
        Assert.Equal("Mandy Pepperidge", group.Members[1].Display);
        Assert.Null(group.Members[1].Type);
        Assert.Equal("Group", group.Meta?.ResourceType);
        Assert.Equal(Created, group.Meta?.Created);
        Assert.Equal(LastModified, group.Meta?.LastModified);
        Assert.Equal("W/\"3694e05e9dff592\"", group.Meta?.Version);
    }

    [Fact]
    public void ReadUser_DateTimeWithOffsetAndFraction_WritesSameInstantInUtc()
    {
        // 06:56:22.12 at +02:00 is 04:56:22.12 UTC: the text changes, the instant does not.
        var body = Payloads.NamedUser(""" "meta":{"created":"2010-01-23T06:56:22.1200+02:00"} """);

        var user = _serializer.ReadUser(Payloads.Utf8(body));
        var written = JsonTree.Parse(ScimSerializer.Serialize(user));

        var expected = new DateTimeOffset(2010, 1, 23, 4, 56, 22, 120, TimeSpan.Zero);
        Assert.Equal(expected, user.Meta?.Created);
        var text = written["meta"]?["created"]?.GetValue<string>();
        Assert.Equal("2010-01-23T04:56:22.12Z", text);
        Assert.Equal(expected, DateTimeOffset.Parse(text!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ReadUser_DateTimeWithoutOffset_IsTakenAsUtc()
    {
        var body = Payloads.NamedUser(""" "meta":{"lastModified":"2011-05-13T04:42:34"} """);

        var user = _serializer.ReadUser(Payloads.Utf8(body));

        Assert.Equal(LastModified, user.Meta?.LastModified);
    }
}
