using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// The stores one conformance test runs against, as a suite's <c>CreateStoresAsync</c> returns them:
/// the user store, the group store and what the suite may expect of them.
/// </summary>
public sealed class StoreUnderTest
{
    /// <summary>Creates the description of the stores under test.</summary>
    /// <param name="users">The user store.</param>
    /// <param name="groups">The group store (it shares the tenants of <paramref name="users"/>).</param>
    /// <param name="enforcesUniqueExternalId">Whether the stores reject a second resource with the same <c>externalId</c> in a tenant.</param>
    public StoreUnderTest(IUserStore users, IGroupStore groups, bool enforcesUniqueExternalId = false)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(groups);
        Users = users;
        Groups = groups;
        EnforcesUniqueExternalId = enforcesUniqueExternalId;
    }

    /// <summary>The user store.</summary>
    public IUserStore Users { get; }

    /// <summary>The group store.</summary>
    public IGroupStore Groups { get; }

    /// <summary>Whether <c>externalId</c> is unique per tenant (the stores answer <see cref="StoreWriteStatus.Conflict"/> with <c>externalId</c>).</summary>
    public bool EnforcesUniqueExternalId { get; }

    /// <summary>
    /// Run after the test, e.g. to dispose stores made for this test alone or to drop the test's
    /// tenant; <see langword="null"/> for nothing. Stores shared between tests must not be disposed here.
    /// </summary>
    public Func<ValueTask>? Cleanup { get; init; }
}
