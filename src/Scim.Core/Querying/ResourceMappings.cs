using System.Linq.Expressions;
using Scim.Core.Resources;

namespace Scim.Core.Querying;

/// <summary>
/// Ready-made mappings of every User and Group attribute onto the typed <see cref="User"/> and
/// <see cref="Group"/> classes, for stores that keep those objects (the in-memory store, or a
/// document database) and query them with <see cref="LinqFilterTranslator"/>.
/// </summary>
internal static class ResourceMappings
{
    /// <summary>Every core User attribute, the Enterprise User extension and the common attributes.</summary>
    public static AttributeMapping<User> User { get; } = CreateUser(stored: false);

    /// <summary>
    /// <see cref="User"/> for users held by the in-memory store: the multi-valued attributes are
    /// read without allocating the empty lists a user does not have, so a query never changes a row;
    /// <c>groups</c>, which such a user does not hold, is not mapped.
    /// </summary>
    internal static AttributeMapping<User> StoredUser { get; } = CreateUser(stored: true);

    /// <summary>Every core Group attribute and the common attributes (no <c>meta.location</c>).</summary>
    public static AttributeMapping<Group> Group { get; } = CreateGroup(stored: false);

    /// <summary>
    /// <see cref="Group"/> for groups the in-memory store holds: a member is kept as its value and
    /// type only (its <c>display</c> and <c>$ref</c> are never the client's), so a filter on them
    /// is refused (400), as the database stores refuse it, rather than matching nothing.
    /// </summary>
    internal static AttributeMapping<Group> StoredGroup { get; } = CreateGroup(stored: true);

    private static AttributeMapping<User> CreateUser(bool stored)
    {
        var mapping = new AttributeMapping<User>();
        MapCommon(mapping, stored);
        mapping
            .Map("userName", u => u.UserName)
            .Map("name.formatted", u => u.Name!.Formatted)
            .Map("name.familyName", u => u.Name!.FamilyName)
            .Map("name.givenName", u => u.Name!.GivenName)
            .Map("name.middleName", u => u.Name!.MiddleName)
            .Map("name.honorificPrefix", u => u.Name!.HonorificPrefix)
            .Map("name.honorificSuffix", u => u.Name!.HonorificSuffix)
            .Map("displayName", u => u.DisplayName)
            .Map("nickName", u => u.NickName)
            .Map("profileUrl", u => u.ProfileUrl)
            .Map("title", u => u.Title)
            .Map("userType", u => u.UserType)
            .Map("preferredLanguage", u => u.PreferredLanguage)
            .Map("locale", u => u.Locale)
            .Map("timezone", u => u.Timezone)
            .Map("active", u => u.Active)
            .MapCollection("emails", Pick(stored, u => u.StoredEmails, u => u.Emails), MapMultiValued)
            .MapCollection("phoneNumbers", Pick(stored, u => u.StoredPhoneNumbers, u => u.PhoneNumbers), MapMultiValued)
            .MapCollection("ims", Pick(stored, u => u.StoredIms, u => u.Ims), MapMultiValued)
            .MapCollection("photos", Pick(stored, u => u.StoredPhotos, u => u.Photos), MapMultiValued)
            .MapCollection("entitlements", Pick(stored, u => u.StoredEntitlements, u => u.Entitlements), MapMultiValued)
            .MapCollection("roles", Pick(stored, u => u.StoredRoles, u => u.Roles), MapMultiValued)
            .MapCollection("x509Certificates", Pick(stored, u => u.StoredX509Certificates, u => u.X509Certificates), MapMultiValued)
            .MapCollection("addresses", Pick(stored, u => u.StoredAddresses, u => u.Addresses), a => a
                .Map("formatted", e => e.Formatted)
                .Map("streetAddress", e => e.StreetAddress)
                .Map("locality", e => e.Locality)
                .Map("region", e => e.Region)
                .Map("postalCode", e => e.PostalCode)
                .Map("country", e => e.Country)
                .Map("type", e => e.Type)
                .Map("primary", e => e.Primary))
            .Map("employeeNumber", u => u.EnterpriseUser!.EmployeeNumber)
            .Map("costCenter", u => u.EnterpriseUser!.CostCenter)
            .Map("organization", u => u.EnterpriseUser!.Organization)
            .Map("division", u => u.EnterpriseUser!.Division)
            .Map("department", u => u.EnterpriseUser!.Department)
            .Map("manager.value", u => u.EnterpriseUser!.Manager!.Value)
            .Map("manager.$ref", u => u.EnterpriseUser!.Manager!.Ref)
            .Map("manager.displayName", u => u.EnterpriseUser!.Manager!.DisplayName);
        if (!stored)
        {
            // A user the in-memory store holds has no groups: they are derived from the group
            // store as it is read, so a filter or a sort on them is refused (400), as the database
            // stores refuse it, rather than matching nothing.
            mapping.MapCollection("groups", u => u.Groups, g => g
                .Map("value", e => e.Value)
                .Map("$ref", e => e.Ref)
                .Map("display", e => e.Display)
                .Map("type", e => e.Type));
        }

        return mapping;
    }

    private static Expression<Func<User, IEnumerable<T>>> Pick<T>(bool stored, Expression<Func<User, IEnumerable<T>>> whenStored, Expression<Func<User, IEnumerable<T>>> otherwise) =>
        stored ? whenStored : otherwise;

    private static AttributeMapping<Group> CreateGroup(bool stored)
    {
        var mapping = new AttributeMapping<Group>();
        MapCommon(mapping, stored: true);
        mapping
            .Map("displayName", g => g.DisplayName)
            .MapCollection("members", g => g.Members, m =>
            {
                m.Map("value", e => e.Value).Map("type", e => e.Type);
                if (!stored)
                {
                    m.Map("$ref", e => e.Ref).Map("display", e => e.Display);
                }
            });
        return mapping;
    }

    /// <summary>
    /// The common attributes; <c>meta.location</c> only where the resource holds it (a resource the
    /// in-memory store holds has none: it is made from each request's base URL as it is written).
    /// </summary>
    private static void MapCommon<T>(AttributeMapping<T> mapping, bool stored)
        where T : ScimResource
    {
        mapping
            .Map("id", r => r.Id)
            .Map("externalId", r => r.ExternalId)
            .Map("meta.resourceType", r => r.Meta!.ResourceType)
            .Map("meta.created", r => r.Meta!.Created)
            .Map("meta.lastModified", r => r.Meta!.LastModified)
            .Map("meta.version", r => r.Meta!.Version);
        if (!stored)
        {
            mapping.Map("meta.location", r => r.Meta!.Location);
        }
    }

    private static void MapMultiValued<TElement>(AttributeMapping<TElement> mapping)
        where TElement : MultiValuedAttribute =>
        mapping
            .Map("value", e => e.Value)
            .Map("display", e => e.Display)
            .Map("type", e => e.Type)
            .Map("primary", e => e.Primary);
}
