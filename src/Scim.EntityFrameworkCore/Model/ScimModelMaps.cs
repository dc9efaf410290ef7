using Scim.Core.Schema;

namespace Scim.EntityFrameworkCore;

/// <summary>The maps of the SCIM-owned model: every column of <see cref="ScimUserEntity"/> and <see cref="ScimGroupEntity"/> to its attribute.</summary>
internal static class ScimModelMaps
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser + ":";

    public static EntityMap<ScimUserEntity> Users()
    {
        var map = new EntityMap<ScimUserEntity>()
            .Id(u => u.Id)
            .Tenant(u => u.Tenant)
            .MapNormalized("userName", u => u.UserName, u => u.NormalizedUserName)
            .Map("externalId", u => u.ExternalId)
            .Map("displayName", u => u.DisplayName)
            .Map("nickName", u => u.NickName)
            .Map("profileUrl", u => u.ProfileUrl)
            .Map("title", u => u.Title)
            .Map("userType", u => u.UserType)
            .Map("preferredLanguage", u => u.PreferredLanguage)
            .Map("locale", u => u.Locale)
            .Map("timezone", u => u.Timezone)
            .Map("active", u => u.Active)
            .Map("name.formatted", u => u.NameFormatted)
            .Map("name.familyName", u => u.FamilyName)
            .Map("name.givenName", u => u.GivenName)
            .Map("name.middleName", u => u.MiddleName)
            .Map("name.honorificPrefix", u => u.HonorificPrefix)
            .Map("name.honorificSuffix", u => u.HonorificSuffix)
            .Map(Enterprise + "employeeNumber", u => u.EmployeeNumber)
            .Map(Enterprise + "costCenter", u => u.CostCenter)
            .Map(Enterprise + "organization", u => u.Organization)
            .Map(Enterprise + "division", u => u.Division)
            .Map(Enterprise + "department", u => u.Department)
            .Map(Enterprise + "manager.value", u => u.ManagerId)
            .Map(Enterprise + "manager.$ref", u => u.ManagerRef)
            .Map(Enterprise + "manager.displayName", u => u.ManagerDisplayName)
            .Created(u => u.Created)
            .LastModified(u => u.LastModified)
            .Version(u => u.Version);
        map.Parts = new ScimUserValues();
        return map;
    }

    public static EntityMap<ScimGroupEntity> Groups()
    {
        var map = new EntityMap<ScimGroupEntity>()
            .Id(g => g.Id)
            .Tenant(g => g.Tenant)
            .MapNormalized("displayName", g => g.DisplayName, g => g.NormalizedDisplayName)
            .Map("externalId", g => g.ExternalId)
            .Created(g => g.Created)
            .LastModified(g => g.LastModified)
            .Version(g => g.Version);
        map.Parts = new ExtensionsJson<ScimGroupEntity>(g => g.Extensions, (g, json) => g.Extensions = json, []);
        return map;
    }
}
