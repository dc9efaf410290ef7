namespace Scim.Core.Schema;

/// <summary>
/// The schemas RFC 7643 defines for resources: core User (§4.1), core Group (§4.2) and the
/// Enterprise User extension (§4.3), with the characteristics of their §8.7.1 representations.
/// Where §8.7.1 disagrees with the prose of §4 or with the RFC's own examples, the prose wins and
/// the attribute says so in a comment (see docs/schema.md, "Deviations").
/// </summary>
internal static class BuiltInSchemas
{
    /// <summary>The core User schema, <c>urn:ietf:params:scim:schemas:core:2.0:User</c>.</summary>
    public static ScimSchema User { get; } = CreateUser();

    /// <summary>The core Group schema, <c>urn:ietf:params:scim:schemas:core:2.0:Group</c>.</summary>
    public static ScimSchema Group { get; } = CreateGroup();

    /// <summary>The Enterprise User extension, <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User</c>.</summary>
    public static ScimSchema EnterpriseUser { get; } = CreateEnterpriseUser();

    private const string Display = "A human-readable name, primarily used for display purposes.  READ-ONLY.";

    private static SchemaAttribute Text(string name, string description) =>
        new(name, AttributeType.String) { Description = description };

    private static SchemaAttribute Primary(string description) =>
        new("primary", AttributeType.Boolean) { Description = description };

    private static SchemaAttribute TypeLabel(string description, params string[] canonicalValues) =>
        new("type", AttributeType.String) { Description = description, CanonicalValues = canonicalValues };

    private static SchemaAttribute MultiValuedComplex(string name, string description, params SchemaAttribute[] subAttributes) =>
        new(name, AttributeType.Complex) { MultiValued = true, Description = description, SubAttributes = subAttributes };

    private static ScimSchema CreateUser()
    {
        const string Emails = "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'.";
        return new ScimSchema(ScimSchemaUris.User, "User", "User Account",
        [
            new SchemaAttribute("userName", AttributeType.String)
            {
                Description = "Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value.  This identifier MUST be unique across the service provider's entire set of Users. REQUIRED.",
                Required = true,
                Uniqueness = Uniqueness.Server,
            },
            new SchemaAttribute("name", AttributeType.Complex)
            {
                Description = "The components of the user's real name. Providers MAY return just the full name as a single string in the formatted sub-attribute, or they MAY return just the individual component attributes using the other sub-attributes, or they MAY return both.  If both variants are returned, they SHOULD be describing the same name, with the formatted name indicating how the component attributes should be combined.",
                SubAttributes =
                [
                    Text("formatted", "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III')."),
                    Text("familyName", "The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III')."),
                    Text("givenName", "The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III')."),
                    Text("middleName", "The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III')."),
                    Text("honorificPrefix", "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III')."),
                    Text("honorificSuffix", "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III')."),
                ],
            },
            Text("displayName", "The name of the User, suitable for display to end-users.  The name SHOULD be the full name of the User being described, if known."),
            Text("nickName", "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'.  This attribute SHOULD NOT be used to represent a User's username (e.g., 'bjensen' or 'mpepperidge')."),
            new SchemaAttribute("profileUrl", AttributeType.Reference)
            {
                Description = "A fully qualified URL pointing to a page representing the User's online profile.",
                ReferenceTypes = ["external"],
            },
            Text("title", "The user's title, such as \"Vice President.\""),
            Text("userType", "Used to identify the relationship between the organization and the user.  Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used."),
            Text("preferredLanguage", "Indicates the User's preferred written or spoken language.  Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US."),
            Text("locale", "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
            Text("timezone", "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
            new SchemaAttribute("active", AttributeType.Boolean) { Description = "A Boolean value indicating the User's administrative status." },
            new SchemaAttribute("password", AttributeType.String)
            {
                Description = "The User's cleartext password.  This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password.",
                Mutability = Mutability.WriteOnly,
                Returned = Returned.Never,
            },
            MultiValuedComplex("emails", Emails,
                Text("value", Emails),
                Text("display", Display),
                TypeLabel("A label indicating the attribute's function, e.g., 'work' or 'home'.", "work", "home", "other"),
                Primary("A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address or primary email address.  The primary attribute value 'true' MUST appear no more than once.")),
            MultiValuedComplex("phoneNumbers", "Phone numbers for the User.  The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'.",
                Text("value", "Phone number of the User."),
                Text("display", Display),
                TypeLabel("A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'.", "work", "home", "mobile", "fax", "pager", "other"),
                Primary("A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred phone number or primary phone number.  The primary attribute value 'true' MUST appear no more than once.")),
            MultiValuedComplex("ims", "Instant messaging addresses for the User.",
                Text("value", "Instant messaging address for the User."),
                Text("display", Display),
                TypeLabel("A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'.", "aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"),
                Primary("A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred messenger or primary messenger.  The primary attribute value 'true' MUST appear no more than once.")),
            MultiValuedComplex("photos", "URLs of photos of the User.",
                new SchemaAttribute("value", AttributeType.Reference) { Description = "URL of a photo of the User.", ReferenceTypes = ["external"] },
                Text("display", Display),
                TypeLabel("A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.", "photo", "thumbnail"),
                Primary("A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred photo or thumbnail.  The primary attribute value 'true' MUST appear no more than once.")),
            MultiValuedComplex("addresses", "A physical mailing address for this User. Canonical type values of 'work', 'home', and 'other'.  This attribute is a complex type with the following sub-attributes.",
                Text("formatted", "The full mailing address, formatted for display or use with a mailing label.  This attribute MAY contain newlines."),
                Text("streetAddress", "The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.  This attribute MAY contain newlines."),
                Text("locality", "The city or locality component."),
                Text("region", "The state or region component."),
                Text("postalCode", "The zip code or postal code component."),
                Text("country", "The country name component."),
                TypeLabel("A label indicating the attribute's function, e.g., 'work' or 'home'.", "work", "home", "other"),
                // Not in §8.7.1, but §4.1.2 gives every multi-valued attribute 'primary' and the §8.2 example sends it.
                Primary("A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address.  The primary attribute value 'true' MUST appear no more than once.")),
            new SchemaAttribute("groups", AttributeType.Complex)
            {
                MultiValued = true,
                Description = "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.",
                Mutability = Mutability.ReadOnly,
                SubAttributes =
                [
                    new SchemaAttribute("value", AttributeType.String) { Description = "The identifier of the User's group.", Mutability = Mutability.ReadOnly },
                    new SchemaAttribute("$ref", AttributeType.Reference)
                    {
                        Description = "The URI of the corresponding 'Group' resource to which the user belongs.",
                        ReferenceTypes = ["User", "Group"],
                        Mutability = Mutability.ReadOnly,
                    },
                    new SchemaAttribute("display", AttributeType.String) { Description = Display, Mutability = Mutability.ReadOnly },
                    new SchemaAttribute("type", AttributeType.String)
                    {
                        Description = "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
                        CanonicalValues = ["direct", "indirect"],
                        Mutability = Mutability.ReadOnly,
                    },
                ],
            },
            MultiValuedComplex("entitlements", "A list of entitlements for the User that represent a thing the User has.",
                Text("value", "The value of an entitlement."),
                Text("display", Display),
                TypeLabel("A label indicating the attribute's function."),
                Primary("A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'true' MUST appear no more than once.")),
            MultiValuedComplex("roles", "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.",
                Text("value", "The value of a role."),
                Text("display", Display),
                TypeLabel("A label indicating the attribute's function."),
                Primary("A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'true' MUST appear no more than once.")),
            MultiValuedComplex("x509Certificates", "A list of certificates issued to the User.",
                new SchemaAttribute("value", AttributeType.Binary) { Description = "The value of an X.509 certificate." },
                Text("display", Display),
                TypeLabel("A label indicating the attribute's function."),
                Primary("A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'true' MUST appear no more than once.")),
        ]);
    }

    private static ScimSchema CreateGroup() => new(ScimSchemaUris.Group, "Group", "Group",
    [
        // §8.7.1 says required: false; §4.2 says displayName is REQUIRED, and a group without a name is useless to every IdP.
        new SchemaAttribute("displayName", AttributeType.String) { Description = "A human-readable name for the Group. REQUIRED.", Required = true },
        new SchemaAttribute("members", AttributeType.Complex)
        {
            MultiValued = true,
            Description = "A list of members of the Group.",
            SubAttributes =
            [
                new SchemaAttribute("value", AttributeType.String) { Description = "Identifier of the member of this Group.", Mutability = Mutability.Immutable },
                new SchemaAttribute("$ref", AttributeType.Reference)
                {
                    Description = "The URI corresponding to a SCIM resource that is a member of this Group.",
                    ReferenceTypes = ["User", "Group"],
                    Mutability = Mutability.Immutable,
                },
                // Not in §8.7.1; §4.2 and every IdP use 'display' for the member's name. Derived by the service provider.
                new SchemaAttribute("display", AttributeType.String) { Description = Display, Mutability = Mutability.ReadOnly },
                new SchemaAttribute("type", AttributeType.String)
                {
                    Description = "A label indicating the type of resource, e.g., 'User' or 'Group'.",
                    CanonicalValues = ["User", "Group"],
                    Mutability = Mutability.Immutable,
                },
            ],
        },
    ]);

    private static ScimSchema CreateEnterpriseUser() => new(ScimSchemaUris.EnterpriseUser, "EnterpriseUser", "Enterprise User",
    [
        Text("employeeNumber", "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization."),
        Text("costCenter", "Identifies the name of a cost center."),
        Text("organization", "Identifies the name of an organization."),
        Text("division", "Identifies the name of a division."),
        Text("department", "Identifies the name of a department."),
        new SchemaAttribute("manager", AttributeType.Complex)
        {
            Description = "The User's manager.  A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.",
            SubAttributes =
            [
                Text("value", "The id of the SCIM resource representing the User's manager.  REQUIRED."),
                new SchemaAttribute("$ref", AttributeType.Reference)
                {
                    Description = "The URI of the SCIM resource representing the User's manager.  REQUIRED.",
                    ReferenceTypes = ["User"],
                },
                new SchemaAttribute("displayName", AttributeType.String)
                {
                    Description = "The displayName of the User's manager. OPTIONAL and READ-ONLY.",
                    Mutability = Mutability.ReadOnly,
                },
            ],
        },
    ]);
}
