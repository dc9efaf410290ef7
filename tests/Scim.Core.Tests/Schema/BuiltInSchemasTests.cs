using Scim.Core.Schema;

namespace Scim.Core.Tests.Schema;

/// <summary>
/// The built-in schemas checked row by row against RFC 7643 §8.7.1. Where §8.7.1 leaves a key out,
/// the §2.2 default is expected (caseExact false, uniqueness none, no canonical values). The three
/// documented deviations (Group displayName required; addresses.primary; members.display) are marked.
/// </summary>
public sealed class BuiltInSchemasTests
{
    private const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>
    /// schema, dotted name, type, multiValued, required, caseExact, mutability, returned, uniqueness,
    /// canonicalValues and referenceTypes (comma-separated, empty for none).
    /// </summary>
    public static TheoryData<string, string, AttributeType, bool, bool, bool, Mutability, Returned, Uniqueness, string, string> Characteristics => new()
    {
        { "User", "userName", AttributeType.String, false, true, false, Mutability.ReadWrite, Returned.Default, Uniqueness.Server, "", "" },
        { "User", "name", AttributeType.Complex, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "name.formatted", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "name.familyName", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "name.givenName", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "name.middleName", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "name.honorificPrefix", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "name.honorificSuffix", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "displayName", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "nickName", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "profileUrl", AttributeType.Reference, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "external" },
        { "User", "title", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "userType", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "preferredLanguage", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "locale", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "timezone", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "active", AttributeType.Boolean, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "password", AttributeType.String, false, false, false, Mutability.WriteOnly, Returned.Never, Uniqueness.None, "", "" },
        { "User", "emails", AttributeType.Complex, true, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "emails.value", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "emails.display", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "emails.type", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "work,home,other", "" },
        { "User", "emails.primary", AttributeType.Boolean, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "phoneNumbers", AttributeType.Complex, true, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "phoneNumbers.value", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "phoneNumbers.display", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "phoneNumbers.type", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "work,home,mobile,fax,pager,other", "" },
        { "User", "phoneNumbers.primary", AttributeType.Boolean, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "ims", AttributeType.Complex, true, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "ims.value", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "ims.display", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "ims.type", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "aim,gtalk,icq,xmpp,msn,skype,qq,yahoo", "" },
        { "User", "ims.primary", AttributeType.Boolean, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "photos", AttributeType.Complex, true, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "photos.value", AttributeType.Reference, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "external" },
        { "User", "photos.display", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "photos.type", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "photo,thumbnail", "" },
        { "User", "photos.primary", AttributeType.Boolean, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "addresses", AttributeType.Complex, true, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "addresses.formatted", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "addresses.streetAddress", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "addresses.locality", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "addresses.region", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "addresses.postalCode", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "addresses.country", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "addresses.type", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "work,home,other", "" },
        // Deviation: not in §8.7.1; §2.4 gives multi-valued attributes 'primary' and the §8.2 example sends it.
        { "User", "addresses.primary", AttributeType.Boolean, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "groups", AttributeType.Complex, true, false, false, Mutability.ReadOnly, Returned.Default, Uniqueness.None, "", "" },
        { "User", "groups.value", AttributeType.String, false, false, false, Mutability.ReadOnly, Returned.Default, Uniqueness.None, "", "" },
        { "User", "groups.$ref", AttributeType.Reference, false, false, false, Mutability.ReadOnly, Returned.Default, Uniqueness.None, "", "User,Group" },
        { "User", "groups.display", AttributeType.String, false, false, false, Mutability.ReadOnly, Returned.Default, Uniqueness.None, "", "" },
        { "User", "groups.type", AttributeType.String, false, false, false, Mutability.ReadOnly, Returned.Default, Uniqueness.None, "direct,indirect", "" },
        { "User", "entitlements", AttributeType.Complex, true, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "entitlements.value", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "entitlements.display", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "entitlements.type", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "entitlements.primary", AttributeType.Boolean, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "roles", AttributeType.Complex, true, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "roles.value", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "roles.display", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "roles.type", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "roles.primary", AttributeType.Boolean, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "x509Certificates", AttributeType.Complex, true, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "x509Certificates.value", AttributeType.Binary, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "x509Certificates.display", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "x509Certificates.type", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "User", "x509Certificates.primary", AttributeType.Boolean, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        // Deviation: §8.7.1 has required false; §4.2 and the description say REQUIRED.
        { "Group", "displayName", AttributeType.String, false, true, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "Group", "members", AttributeType.Complex, true, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "Group", "members.value", AttributeType.String, false, false, false, Mutability.Immutable, Returned.Default, Uniqueness.None, "", "" },
        { "Group", "members.$ref", AttributeType.Reference, false, false, false, Mutability.Immutable, Returned.Default, Uniqueness.None, "", "User,Group" },
        // Deviation: not in §8.7.1; §4.2 and RFC 7644 examples use members[].display. Set by the service provider.
        { "Group", "members.display", AttributeType.String, false, false, false, Mutability.ReadOnly, Returned.Default, Uniqueness.None, "", "" },
        { "Group", "members.type", AttributeType.String, false, false, false, Mutability.Immutable, Returned.Default, Uniqueness.None, "User,Group", "" },
        { "EnterpriseUser", "employeeNumber", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "EnterpriseUser", "costCenter", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "EnterpriseUser", "organization", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "EnterpriseUser", "division", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "EnterpriseUser", "department", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "EnterpriseUser", "manager", AttributeType.Complex, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "EnterpriseUser", "manager.value", AttributeType.String, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "" },
        { "EnterpriseUser", "manager.$ref", AttributeType.Reference, false, false, false, Mutability.ReadWrite, Returned.Default, Uniqueness.None, "", "User" },
        { "EnterpriseUser", "manager.displayName", AttributeType.String, false, false, false, Mutability.ReadOnly, Returned.Default, Uniqueness.None, "", "" },
    };

    /// <summary>schema, dotted name, description exactly as in §8.7.1.</summary>
    public static TheoryData<string, string, string> Descriptions => new()
    {
        { "User", "userName", "Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value.  This identifier MUST be unique across the service provider's entire set of Users. REQUIRED." },
        { "User", "name", "The components of the user's real name. Providers MAY return just the full name as a single string in the formatted sub-attribute, or they MAY return just the individual component attributes using the other sub-attributes, or they MAY return both.  If both variants are returned, they SHOULD be describing the same name, with the formatted name indicating how the component attributes should be combined." },
        { "User", "name.formatted", "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III')." },
        { "User", "name.familyName", "The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III')." },
        { "User", "name.givenName", "The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III')." },
        { "User", "name.middleName", "The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III')." },
        { "User", "name.honorificPrefix", "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III')." },
        { "User", "name.honorificSuffix", "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III')." },
        { "User", "displayName", "The name of the User, suitable for display to end-users.  The name SHOULD be the full name of the User being described, if known." },
        { "User", "nickName", "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'.  This attribute SHOULD NOT be used to represent a User's username (e.g., 'bjensen' or 'mpepperidge')." },
        { "User", "profileUrl", "A fully qualified URL pointing to a page representing the User's online profile." },
        { "User", "title", "The user's title, such as \"Vice President.\"" },
        { "User", "userType", "Used to identify the relationship between the organization and the user.  Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used." },
        { "User", "preferredLanguage", "Indicates the User's preferred written or spoken language.  Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US." },
        { "User", "locale", "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations." },
        { "User", "timezone", "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'." },
        { "User", "active", "A Boolean value indicating the User's administrative status." },
        { "User", "password", "The User's cleartext password.  This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password." },
        { "User", "emails", "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'." },
        { "User", "emails.value", "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'." },
        { "User", "emails.display", "A human-readable name, primarily used for display purposes.  READ-ONLY." },
        { "User", "emails.type", "A label indicating the attribute's function, e.g., 'work' or 'home'." },
        { "User", "emails.primary", "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address or primary email address.  The primary attribute value 'true' MUST appear no more than once." },
        { "User", "phoneNumbers", "Phone numbers for the User.  The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'." },
        { "User", "phoneNumbers.value", "Phone number of the User." },
        { "User", "phoneNumbers.display", "A human-readable name, primarily used for display purposes.  READ-ONLY." },
        { "User", "phoneNumbers.type", "A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'." },
        { "User", "phoneNumbers.primary", "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred phone number or primary phone number.  The primary attribute value 'true' MUST appear no more than once." },
        { "User", "ims", "Instant messaging addresses for the User." },
        { "User", "ims.value", "Instant messaging address for the User." },
        { "User", "ims.display", "A human-readable name, primarily used for display purposes.  READ-ONLY." },
        { "User", "ims.type", "A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'." },
        { "User", "ims.primary", "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred messenger or primary messenger.  The primary attribute value 'true' MUST appear no more than once." },
        { "User", "photos", "URLs of photos of the User." },
        { "User", "photos.value", "URL of a photo of the User." },
        { "User", "photos.display", "A human-readable name, primarily used for display purposes.  READ-ONLY." },
        { "User", "photos.type", "A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'." },
        { "User", "photos.primary", "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred photo or thumbnail.  The primary attribute value 'true' MUST appear no more than once." },
        { "User", "addresses", "A physical mailing address for this User. Canonical type values of 'work', 'home', and 'other'.  This attribute is a complex type with the following sub-attributes." },
        { "User", "addresses.formatted", "The full mailing address, formatted for display or use with a mailing label.  This attribute MAY contain newlines." },
        { "User", "addresses.streetAddress", "The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.  This attribute MAY contain newlines." },
        { "User", "addresses.locality", "The city or locality component." },
        { "User", "addresses.region", "The state or region component." },
        { "User", "addresses.postalCode", "The zip code or postal code component." },
        { "User", "addresses.country", "The country name component." },
        { "User", "addresses.type", "A label indicating the attribute's function, e.g., 'work' or 'home'." },
        // Deviation: not in §8.7.1; §2.4 gives multi-valued attributes 'primary' and the §8.2 example sends it.
        { "User", "addresses.primary", "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address.  The primary attribute value 'true' MUST appear no more than once." },
        { "User", "groups", "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated." },
        { "User", "groups.value", "The identifier of the User's group." },
        { "User", "groups.$ref", "The URI of the corresponding 'Group' resource to which the user belongs." },
        { "User", "groups.display", "A human-readable name, primarily used for display purposes.  READ-ONLY." },
        { "User", "groups.type", "A label indicating the attribute's function, e.g., 'direct' or 'indirect'." },
        { "User", "entitlements", "A list of entitlements for the User that represent a thing the User has." },
        { "User", "entitlements.value", "The value of an entitlement." },
        { "User", "entitlements.display", "A human-readable name, primarily used for display purposes.  READ-ONLY." },
        { "User", "entitlements.type", "A label indicating the attribute's function." },
        { "User", "entitlements.primary", "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'true' MUST appear no more than once." },
        { "User", "roles", "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'." },
        { "User", "roles.value", "The value of a role." },
        { "User", "roles.display", "A human-readable name, primarily used for display purposes.  READ-ONLY." },
        { "User", "roles.type", "A label indicating the attribute's function." },
        { "User", "roles.primary", "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'true' MUST appear no more than once." },
        { "User", "x509Certificates", "A list of certificates issued to the User." },
        { "User", "x509Certificates.value", "The value of an X.509 certificate." },
        { "User", "x509Certificates.display", "A human-readable name, primarily used for display purposes.  READ-ONLY." },
        { "User", "x509Certificates.type", "A label indicating the attribute's function." },
        { "User", "x509Certificates.primary", "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'true' MUST appear no more than once." },
        { "Group", "displayName", "A human-readable name for the Group. REQUIRED." },
        { "Group", "members", "A list of members of the Group." },
        { "Group", "members.value", "Identifier of the member of this Group." },
        { "Group", "members.$ref", "The URI corresponding to a SCIM resource that is a member of this Group." },
        // Deviation: not in §8.7.1; §4.2 and RFC 7644 examples use members[].display. Set by the service provider.
        { "Group", "members.display", "A human-readable name, primarily used for display purposes.  READ-ONLY." },
        { "Group", "members.type", "A label indicating the type of resource, e.g., 'User' or 'Group'." },
        { "EnterpriseUser", "employeeNumber", "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization." },
        { "EnterpriseUser", "costCenter", "Identifies the name of a cost center." },
        { "EnterpriseUser", "organization", "Identifies the name of an organization." },
        { "EnterpriseUser", "division", "Identifies the name of a division." },
        { "EnterpriseUser", "department", "Identifies the name of a department." },
        { "EnterpriseUser", "manager", "The User's manager.  A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User." },
        { "EnterpriseUser", "manager.value", "The id of the SCIM resource representing the User's manager.  REQUIRED." },
        { "EnterpriseUser", "manager.$ref", "The URI of the SCIM resource representing the User's manager.  REQUIRED." },
        { "EnterpriseUser", "manager.displayName", "The displayName of the User's manager. OPTIONAL and READ-ONLY." },
    };

    /// <summary>The dotted names of each schema in RFC order, with the documented additions in place.</summary>
    public static TheoryData<string, string[]> NamesInOrder => new()
    {
        {
            "User",
            [
                "userName",
                "name", "name.formatted", "name.familyName", "name.givenName", "name.middleName", "name.honorificPrefix", "name.honorificSuffix",
                "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale", "timezone", "active", "password",
                "emails", "emails.value", "emails.display", "emails.type", "emails.primary",
                "phoneNumbers", "phoneNumbers.value", "phoneNumbers.display", "phoneNumbers.type", "phoneNumbers.primary",
                "ims", "ims.value", "ims.display", "ims.type", "ims.primary",
                "photos", "photos.value", "photos.display", "photos.type", "photos.primary",
                "addresses", "addresses.formatted", "addresses.streetAddress", "addresses.locality", "addresses.region",
                "addresses.postalCode", "addresses.country", "addresses.type",
                "addresses.primary", // deviation: not in §8.7.1
                "groups", "groups.value", "groups.$ref", "groups.display", "groups.type",
                "entitlements", "entitlements.value", "entitlements.display", "entitlements.type", "entitlements.primary",
                "roles", "roles.value", "roles.display", "roles.type", "roles.primary",
                "x509Certificates", "x509Certificates.value", "x509Certificates.display", "x509Certificates.type", "x509Certificates.primary",
            ]
        },
        {
            "Group",
            [
                "displayName",
                "members", "members.value", "members.$ref",
                "members.display", // deviation: not in §8.7.1
                "members.type",
            ]
        },
        {
            "EnterpriseUser",
            ["employeeNumber", "costCenter", "organization", "division", "department", "manager", "manager.value", "manager.$ref", "manager.displayName"]
        },
    };

    public static TheoryData<string, string, string, string> SchemaHeaders => new()
    {
        { "User", UserUrn, "User", "User Account" },
        { "Group", GroupUrn, "Group", "Group" },
        { "EnterpriseUser", EnterpriseUrn, "EnterpriseUser", "Enterprise User" },
    };

    [Theory]
    [MemberData(nameof(Characteristics))]
    public void Attribute_Characteristics_MatchRfc7643Section871(
        string schema,
        string dottedName,
        AttributeType type,
        bool multiValued,
        bool required,
        bool caseExact,
        Mutability mutability,
        Returned returned,
        Uniqueness uniqueness,
        string canonicalValues,
        string referenceTypes)
    {
        var attribute = FindExact(SchemaFor(schema), dottedName);

        Assert.Equal(type, attribute.Type);
        Assert.Equal(multiValued, attribute.MultiValued);
        Assert.Equal(required, attribute.Required);
        Assert.Equal(caseExact, attribute.CaseExact);
        Assert.Equal(mutability, attribute.Mutability);
        Assert.Equal(returned, attribute.Returned);
        Assert.Equal(uniqueness, attribute.Uniqueness);
        Assert.Equal(SplitList(canonicalValues), attribute.CanonicalValues);
        Assert.Equal(SplitList(referenceTypes), attribute.ReferenceTypes);
    }

    [Theory]
    [MemberData(nameof(Descriptions))]
    public void Attribute_Description_EqualsRfc7643Text(string schema, string dottedName, string description)
    {
        var attribute = FindExact(SchemaFor(schema), dottedName);

        Assert.Equal(description, attribute.Description);
    }

    [Theory]
    [MemberData(nameof(NamesInOrder))]
    public void Attributes_DottedNames_AreRfcNamesPlusDocumentedAdditionsInRfcOrder(string schema, string[] expected)
    {
        var actual = DottedNames(SchemaFor(schema));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Attributes_Counts_AreRfcCountsPlusDocumentedAdditions()
    {
        // §8.7.1: User has 21 attributes and 66 names, Group 2 and 5, Enterprise User 6 and 9.
        Assert.Equal(21, BuiltInSchemas.User.Attributes.Count);
        Assert.Equal(66 + 1, DottedNames(BuiltInSchemas.User).Count);
        Assert.Equal(2, BuiltInSchemas.Group.Attributes.Count);
        Assert.Equal(5 + 1, DottedNames(BuiltInSchemas.Group).Count);
        Assert.Equal(6, BuiltInSchemas.EnterpriseUser.Attributes.Count);
        Assert.Equal(9, DottedNames(BuiltInSchemas.EnterpriseUser).Count);
    }

    [Fact]
    public void Attributes_AddressesSubAttributes_HaveNoDisplay()
    {
        var addresses = FindExact(BuiltInSchemas.User, "addresses");

        Assert.DoesNotContain(addresses.SubAttributes, a => a.Name == "display");
    }

    [Theory]
    [InlineData("User")]
    [InlineData("Group")]
    [InlineData("EnterpriseUser")]
    public void Attributes_CommonAttributes_AreNotPartOfTheSchema(string schema)
    {
        var attributes = SchemaFor(schema).Attributes;

        Assert.DoesNotContain(attributes, a => a.Name is "id" or "externalId" or "meta" or "schemas");
    }

    [Theory]
    [MemberData(nameof(SchemaHeaders))]
    public void Schema_IdNameAndDescription_MatchRfc(string schema, string id, string name, string description)
    {
        var actual = SchemaFor(schema);

        Assert.Equal(id, actual.Id);
        Assert.Equal(name, actual.Name);
        Assert.Equal(description, actual.Description);
        Assert.Equal(id, actual.ToString());
    }

    [Fact]
    public void ScimSchemaUris_BuiltInSchemaIds_AreRfcUrns()
    {
        Assert.Equal(UserUrn, ScimSchemaUris.User);
        Assert.Equal(GroupUrn, ScimSchemaUris.Group);
        Assert.Equal(EnterpriseUrn, ScimSchemaUris.EnterpriseUser);
    }

    [Fact]
    public void BuiltInSchemas_AccessedTwice_ReturnSameInstance()
    {
        Assert.Same(BuiltInSchemas.User, BuiltInSchemas.User);
        Assert.Same(BuiltInSchemas.Group, BuiltInSchemas.Group);
        Assert.Same(BuiltInSchemas.EnterpriseUser, BuiltInSchemas.EnterpriseUser);
    }

    [Theory]
    [InlineData("USERNAME", "userName")]
    [InlineData("x509certificates", "x509Certificates")]
    [InlineData("Emails", "emails")]
    public void FindAttribute_OtherCasing_ReturnsAttributeInSchemaCasing(string lookup, string expected)
    {
        var attribute = BuiltInSchemas.User.FindAttribute(lookup);

        Assert.NotNull(attribute);
        Assert.Equal(expected, attribute.Name);
    }

    [Theory]
    [InlineData("name", "GIVENNAME", "givenName")]
    [InlineData("groups", "$REF", "$ref")]
    [InlineData("emails", "Primary", "primary")]
    public void FindSubAttribute_OtherCasing_ReturnsSubAttributeInSchemaCasing(string attribute, string lookup, string expected)
    {
        var subAttribute = BuiltInSchemas.User.FindAttribute(attribute)?.FindSubAttribute(lookup);

        Assert.NotNull(subAttribute);
        Assert.Equal(expected, subAttribute.Name);
    }

    [Theory]
    [InlineData("name", "nickName")]
    [InlineData("userName", "value")]
    public void FindSubAttribute_Unknown_ReturnsNull(string attribute, string lookup)
    {
        var parent = BuiltInSchemas.User.FindAttribute(attribute);

        Assert.NotNull(parent);
        Assert.Null(parent.FindSubAttribute(lookup));
    }

    [Fact]
    public void FindAttribute_Unknown_ReturnsNull()
    {
        Assert.Null(BuiltInSchemas.User.FindAttribute("manager"));
        Assert.Null(BuiltInSchemas.User.FindAttribute("name.givenName"));
    }

    private static ScimSchema SchemaFor(string schema) => schema switch
    {
        "User" => BuiltInSchemas.User,
        "Group" => BuiltInSchemas.Group,
        "EnterpriseUser" => BuiltInSchemas.EnterpriseUser,
        _ => throw new ArgumentOutOfRangeException(nameof(schema), schema, "Unknown schema key."),
    };

    /// <summary>Finds an attribute by its dotted name, with exact (schema) casing.</summary>
    private static SchemaAttribute FindExact(ScimSchema schema, string dottedName)
    {
        var parts = dottedName.Split('.');
        var attribute = Assert.Single(schema.Attributes, a => a.Name == parts[0]);
        return parts.Length == 1 ? attribute : Assert.Single(attribute.SubAttributes, a => a.Name == parts[1]);
    }

    private static List<string> DottedNames(ScimSchema schema) =>
        [.. schema.Attributes.SelectMany(a => a.SubAttributes.Select(s => $"{a.Name}.{s.Name}").Prepend(a.Name))];

    private static string[] SplitList(string list) => list.Length == 0 ? [] : list.Split(',');
}
