using Microsoft.Extensions.DependencyInjection;
using Scim.Core;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>
/// All the SCIM code the host application needs over its existing tables: which columns hold which
/// attributes. The key stays an int (the store's ids), IsDisabled is read and written inverted,
/// and what is not mapped is not advertised or kept.
/// </summary>
public static class AccountsScim
{
    public const string Department = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";

    public static ScimBuilder AddAccountsStores(this ScimBuilder scim) => scim
        .AddEntityFrameworkCoreStores<AccountsDbContext>(stores => stores
            .Users<Account>(users => users
                .Id(a => a.AccountId)
                .Map("userName", a => a.Email)
                .Map("name.givenName", a => a.FirstName)
                .Map("name.familyName", a => a.LastName)
                .Map("active", a => !a.IsDisabled, (a, active) => a.IsDisabled = !active)
                .Map(Department, a => a.Department)
                .Created(a => a.CreatedAt))
            .Groups<Team, TeamMembership>(
                groups => groups
                    .Id(t => t.TeamId)
                    .Map("displayName", t => t.Name),
                members => members.Keys(m => m.TeamId, m => m.AccountId)));
}
