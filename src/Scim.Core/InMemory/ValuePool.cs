using System.Collections.Concurrent;
using Scim.Core.Resources;

namespace Scim.Core.InMemory;

/// <summary>
/// Shares the short strings that repeat across users (<c>"work"</c>, <c>"User"</c>, a department
/// name...) so that 100,000 stored users do not hold 100,000 copies of each. Bounded: once full,
/// strings are kept as they are.
/// </summary>
internal static class ValuePool
{
    private const int MaxLength = 24;
    private const int MaxEntries = 4096;
    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);

    public static string? Share(string? value)
    {
        if (value is null || value.Length > MaxLength)
        {
            return value;
        }

        if (Pool.TryGetValue(value, out var shared))
        {
            return shared;
        }

        return Pool.Count < MaxEntries ? Pool.GetOrAdd(value, value) : value;
    }

    /// <summary>Shares the repeating values of a user about to be stored (the store owns it).</summary>
    public static void Compact(User user)
    {
        if (user.Meta is { } meta)
        {
            meta.ResourceType = Share(meta.ResourceType);
        }

        foreach (var list in User.RawCollections.Values)
        {
            if (list(user) is System.Collections.IEnumerable items)
            {
                foreach (var item in items)
                {
                    switch (item)
                    {
                        case MultiValuedAttribute value:
                            value.Type = Share(value.Type);
                            break;
                        case Address address:
                            address.Type = Share(address.Type);
                            address.Country = Share(address.Country);
                            break;
                    }
                }
            }
        }

        if (user.EnterpriseUser is { } enterprise)
        {
            enterprise.Department = Share(enterprise.Department);
            enterprise.Division = Share(enterprise.Division);
            enterprise.Organization = Share(enterprise.Organization);
            enterprise.CostCenter = Share(enterprise.CostCenter);
        }

        user.Locale = Share(user.Locale);
        user.PreferredLanguage = Share(user.PreferredLanguage);
        user.Timezone = Share(user.Timezone);
        user.UserType = Share(user.UserType);
    }
}
