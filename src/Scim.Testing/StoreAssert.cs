using Scim.Core.Resources;

namespace Scim.Testing;

/// <summary>Comparisons of stored resources that allow what a database may change (a date's offset, list order).</summary>
public static class StoreAssert
{
    /// <summary>Fails unless <paramref name="actual"/> has every attribute of <paramref name="expected"/>.</summary>
    /// <param name="expected">The user as written.</param>
    /// <param name="actual">The user as read.</param>
    public static void SameUser(User expected, User actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var who = $"user {expected.Id}";
        Equal(expected.Id, actual.Id, who, "id");
        Equal(expected.ExternalId, actual.ExternalId, who, "externalId");
        Equal(expected.UserName, actual.UserName, who, "userName");
        Equal(expected.DisplayName, actual.DisplayName, who, "displayName");
        Equal(expected.NickName, actual.NickName, who, "nickName");
        Equal(expected.Title, actual.Title, who, "title");
        Assert.True(expected.Active == actual.Active, $"{who}: active is {actual.Active}, expected {expected.Active}.");
        Equal(expected.Name?.GivenName, actual.Name?.GivenName, who, "name.givenName");
        Equal(expected.Name?.FamilyName, actual.Name?.FamilyName, who, "name.familyName");
        Equal(expected.Name?.Formatted, actual.Name?.Formatted, who, "name.formatted");
        Equal(Values(expected.Emails), Values(actual.Emails), who, "emails");
        Equal(Values(expected.PhoneNumbers), Values(actual.PhoneNumbers), who, "phoneNumbers");
        Equal(Addresses(expected), Addresses(actual), who, "addresses");
        Equal(expected.EnterpriseUser?.EmployeeNumber, actual.EnterpriseUser?.EmployeeNumber, who, "employeeNumber");
        Equal(expected.EnterpriseUser?.Department, actual.EnterpriseUser?.Department, who, "department");
        Equal(expected.EnterpriseUser?.Manager?.Value, actual.EnterpriseUser?.Manager?.Value, who, "manager.value");
        Equal(expected.Meta?.Version, actual.Meta?.Version, who, "meta.version");
        Assert.True(expected.Meta?.Created == actual.Meta?.Created, $"{who}: meta.created is {actual.Meta?.Created:O}, expected {expected.Meta?.Created:O}.");
        Assert.True(expected.Meta?.LastModified == actual.Meta?.LastModified, $"{who}: meta.lastModified is {actual.Meta?.LastModified:O}, expected {expected.Meta?.LastModified:O}.");
    }

    private static string Values(IEnumerable<MultiValuedAttribute> values) =>
        string.Join(" | ", values.Select(v => $"{v.Value};{v.Type};{v.Primary}").Order(StringComparer.Ordinal));

    private static string Addresses(User user) =>
        string.Join(" | ", user.Addresses.Select(a => $"{a.Type};{a.StreetAddress};{a.Locality};{a.PostalCode};{a.Country};{a.Primary}").Order(StringComparer.Ordinal));

    private static void Equal(string? expected, string? actual, string who, string attribute) =>
        Assert.True(string.Equals(expected, actual, StringComparison.Ordinal), $"{who}: {attribute} is '{actual ?? "null"}', expected '{expected ?? "null"}'.");
}
