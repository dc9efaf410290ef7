using Microsoft.Extensions.Logging;
using Scim.Core.Bulk;
using Scim.Core.Diagnostics;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

/// <summary>
/// The provisioning service: every SCIM operation — create, get, list and search, replace, patch,
/// delete, bulk and the discovery documents. It reads and checks the input, applies PATCH and PUT
/// semantics, enforces mutability, uniqueness and required attributes, checks <c>If-Match</c>,
/// assigns id, timestamps and version, calls the store, hands one change event per change to delivery and
/// returns the result for projection. The HTTP adapter, Bulk and hosts (background jobs, tests) all
/// go through it. Get it from dependency injection (<c>AddScim()</c> or <c>AddScimCore()</c>);
/// thread-safe.
/// </summary>
public sealed partial class ScimService
{
    private readonly ScimEngine _engine;
    private readonly ServedType _users;
    private readonly ServedType? _groups;
    private readonly IGroupStore? _groupStore;
    private readonly DerivedGroups? _derivedGroups;
    private readonly MemberCheck? _members;
    private readonly bool _groupsMayBeMembers;
    private readonly ChangeEvents _events;
    private readonly IgnoredInput _ignored;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ScimResourceType> _resourceTypes;

    internal ScimService(ScimEngine engine, IUserStore users, IGroupStore? groups, IEventDelivery events, ILogger<ScimService>? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(users);
        _engine = engine;
        var registry = engine.Registry;
        var userType = registry.FindResourceType("User") ?? throw new InvalidOperationException("The schema registry has no User resource type.");
        _users = new ServedType<User>(userType, users, ResourceTrees.ToUser);
        if (groups is not null)
        {
            var groupType = registry.FindResourceType("Group") ?? throw new InvalidOperationException("The schema registry has no Group resource type.");
            _groups = new ServedType<Group>(groupType, groups, ResourceTrees.ToGroup);
            _groupStore = groups;
            _derivedGroups = new DerivedGroups(groups, groupType);
            // As declared (members.type may not be kept by the store), else as the schema says.
            var memberTypes = registry.DeclaredMemberTypes(groupType)
                ?? registry.FindSchema(groupType.Schema)?.FindAttribute("members")?.FindSubAttribute("type")?.CanonicalValues
                ?? [];
            _groupsMayBeMembers = memberTypes.Count == 0 || memberTypes.Contains("Group", StringComparer.OrdinalIgnoreCase);
            _members = new MemberCheck(_users, _groups, IdOnly(userType).Hints, IdOnly(groupType).Hints, _groupsMayBeMembers, engine.Options.UnknownMembers);
        }

        _resourceTypes = _groups is null ? [userType] : [userType, _groups.Type];
        _events = new ChangeEvents(registry, events, engine.Options.EventValues, engine.Options.EventResources);
        _time = timeProvider ?? TimeProvider.System;
        _ignored = new IgnoredInput(logger, engine.ReportedUnknownAttributes);
    }

    /// <summary>A service without dependency injection (the library's tests and benchmarks).</summary>
    internal static ScimService Create(SchemaRegistry registry, IUserStore users, IGroupStore? groups = null, ScimServiceOptions? options = null, params IScimEventSubscriber[] subscribers) =>
        new(new ScimEngine(registry, options ?? new ScimServiceOptions()), users, groups, new InlineDelivery(subscribers), null, null);

    /// <summary>The rules and limits the service runs with.</summary>
    public ScimServiceOptions Options => _engine.Options;

    /// <summary>The resource types this service serves (those with a store), for discovery and routing.</summary>
    public IReadOnlyList<ScimResourceType> ResourceTypes => _resourceTypes;

    /// <summary>The schemas (frozen).</summary>
    internal SchemaRegistry Registry => _engine.Registry;

    /// <summary>Whether every store pages by cursor (RFC 9865), so cursor paging is offered.</summary>
    internal bool SupportsCursorPaging => _users.PagesByCursor && (_groups is null || _groups.PagesByCursor);

    /// <summary>Finds a served resource type by name (<c>User</c>) or endpoint (<c>Users</c>, <c>/Users</c>), case-insensitively.</summary>
    /// <param name="nameOrEndpoint">The name or endpoint.</param>
    /// <returns>The resource type, or <see langword="null"/> when it is not served.</returns>
    public ScimResourceType? FindResourceType(string nameOrEndpoint) => Find(nameOrEndpoint)?.Type;

    /// <summary>Processes a BulkRequest (RFC 7644 §3.7): each operation runs through this service as a single request would.</summary>
    /// <param name="context">Tenant, actor and base URL, shared by every operation.</param>
    /// <param name="body">The UTF-8 JSON BulkRequest.</param>
    /// <param name="cancellationToken">Cancels the remaining operations.</param>
    /// <returns>The BulkResponse.</returns>
    /// <exception cref="ScimException">400 for a malformed request, 413 for too many operations, 501 when bulk is off.</exception>
    public Task<ScimDocument> BulkAsync(ScimContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ScimTelemetry.Observe("bulk", null, context, (this, context, body, cancellationToken), static s => new ScimBulkProcessor(s.Item1).ProcessAsync(s.context, s.body, s.cancellationToken));
    }

    /// <summary>The served type's name for a name or endpoint (<c>Users</c> is <c>User</c>), or what was asked when none is served.</summary>
    private string TypeNameOf(string nameOrEndpoint) => Find(nameOrEndpoint)?.Type.Name ?? nameOrEndpoint;

    private ServedType? Find(string nameOrEndpoint)
    {
        ArgumentNullException.ThrowIfNull(nameOrEndpoint);
        var found = Registry.FindResourceType(nameOrEndpoint);
        if (found is null)
        {
            return null;
        }

        if (ReferenceEquals(found, _users.Type))
        {
            return _users;
        }

        return _groups is not null && ReferenceEquals(found, _groups.Type) ? _groups : null;
    }

    private ServedType Require(string resourceType) =>
        Find(resourceType) ?? throw ScimException.NotFound($"Resource type '{resourceType}' is not served here.");

    private Projection.ScimProjection ProjectionOf(ScimResourceType type, ScimRequestOptions? options) =>
        _engine.Projection(type, options?.Attributes, options?.ExcludedAttributes);

    private Projection.ScimProjection WithoutMembers(ScimResourceType type) => _engine.Projection(type, null, "members");

    private Projection.ScimProjection IdOnly(ScimResourceType type) => _engine.Projection(type, "id", null);

    private static string NewVersion() => $"W/\"{Random.Shared.NextInt64():x16}\"";

    private static ScimException Uniqueness(string? attribute) =>
        new(409, ScimErrorType.Uniqueness, $"Another resource of this tenant already has this {attribute ?? "value"}.");

    private static ScimException NotFound(ServedType type, string id) => ScimException.NotFound($"{type.Name} '{id}' not found.");

    private static ScimException PreconditionFailed(ServedType type, string id) =>
        new(412, null, $"{type.Name} '{id}' has changed: its version does not match If-Match.");
}
