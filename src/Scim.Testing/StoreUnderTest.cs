using System.Text.Json.Nodes;
using Scim.Core.Schema;
using Scim.Core.Resources;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// The stores one conformance test runs against, as a suite's <c>CreateStoresAsync</c> returns them:
/// the user store, the group store and what the suite may expect of them. By default the suite
/// expects a store that keeps every attribute of RFC 7643 User and Group, stores the ids and
/// versions the service proposes and separates tenants; a store over a host's existing tables
/// states what it does differently with the claims below, and the suite then tests exactly that.
/// Every test a claim rules out is skipped with a reason that names the claim.
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
    /// The schemas the service serves over these stores, after the stores' declarations
    /// (<c>DeclareStoredAttributes</c>, <c>DeclareMemberTypes</c> on the builder): hand over the
    /// <see cref="SchemaRegistry"/> of the host's service container (the suite freezes it if nothing
    /// has yet). <see langword="null"/>: the built-in schemas, every attribute kept.
    /// </summary>
    /// <remarks>
    /// The suite reads from it what the stores keep, and expects exactly that back: what a store
    /// returns is compared with what it was given reduced to the kept attributes (an attribute a
    /// store returns but does not keep fails the test, as it would mislead a client). It keeps
    /// <c>externalId</c> only when declared, and <c>meta.created</c> or <c>meta.lastModified</c> only
    /// when declared by that path (or <c>meta</c>), unless the type declares nothing (then
    /// everything is kept). A filter or <c>sortBy</c> that names an attribute the stores do not keep
    /// is skipped with the attribute as reason; the expected result of the others is computed over
    /// the population reduced to what is kept. When the <c>members.type</c> of Group does not allow
    /// <c>Group</c>, the tests with nested groups are skipped; when <c>externalId</c> is not kept,
    /// the <c>externalId</c> tests are.
    /// </remarks>
    public SchemaRegistry? Schemas { get; init; }

    /// <summary>
    /// Whether the stores ignore <see cref="ScimContext.Tenant"/> (one organisation's database with
    /// no tenant column). The tests that need two tenants (<see cref="TenantIsolationConformanceTests"/>)
    /// are then skipped. Every other test still gets a context of its own, which such stores
    /// ignore, so <c>CreateStoresAsync</c> must then give each test new, empty stores (a new
    /// database, or an emptied one), or the tests see each other's data.
    /// </summary>
    public bool SingleTenant { get; init; }

    /// <summary>
    /// Whether <c>CreateAsync</c> ignores the id the service proposes (<c>resource.Id</c>) and
    /// assigns its own (an identity column): the created resource it returns carries the assigned
    /// id. The suite then uses the returned ids everywhere (as members, in filters, for reads and
    /// writes) and never expects the proposed one; a filter that compares ids with an operator other
    /// than <c>eq</c> or <c>ne</c> is skipped, as the order of assigned ids is the store's own.
    /// When <see langword="false"/>, the returned id must be the proposed one.
    /// </summary>
    public bool AssignsIds { get; init; }

    /// <summary>
    /// Whether the stores keep <c>meta.version</c> as the service gives it (the default). Set it to
    /// <see langword="false"/> for stores that compute the version from what they keep (a row
    /// version, a hash of the columns): it must change exactly when the resource changes (for a
    /// group, also when its members change) and never otherwise. The suite then never expects the
    /// version it passed in (nor a patch's or a deleted member's new version); it checks that each
    /// returned version is set, changes when and only when the resource changes, and that a write
    /// conditioned on a version the resource no longer has is <see cref="StoreWriteStatus.VersionMismatch"/>.
    /// </summary>
    public bool KeepsVersions { get; init; } = true;

    /// <summary>
    /// The values the user store holds for attributes a user leaves out, because their column
    /// cannot be empty: a non-nullable <c>IsDisabled</c> column keeps an absent <c>active</c> as
    /// <c>{ ["active"] = true }</c>. Top-level core attributes only. The suite expects these values
    /// where its input has none (in what is read back and in what filters select); empty by default.
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode> AbsentUserValues { get; init; } = new Dictionary<string, JsonNode>();

    /// <summary>
    /// Writes many users at once, as a host's import would, and returns their ids in order: the
    /// large-group suite's 100,000 members, which one <c>CreateAsync</c> each would make slow on a
    /// real database. <see langword="null"/> (the default): one <c>CreateAsync</c> per user.
    /// </summary>
    public Func<ScimContext, IReadOnlyList<User>, CancellationToken, Task<IReadOnlyList<string>>>? SeedUsers { get; init; }

    /// <summary>
    /// Run after the test, e.g. to dispose stores made for this test alone or to drop the test's
    /// tenant; <see langword="null"/> for nothing. Stores shared between tests must not be disposed here.
    /// </summary>
    public Func<ValueTask>? Cleanup { get; init; }
}
