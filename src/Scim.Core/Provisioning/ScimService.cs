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
    private readonly bool _usersCarryGroups;
    private readonly MemberCheck? _members;
    private readonly ServedType[] _served;
    private readonly ServedType[] _memberTypes;
    private readonly HashSet<ServedType> _derivesGroups = [];
    private readonly ReferenceCheck _references;
    private readonly InverseReferences _inverses;
    private readonly ChangeEvents _events;
    private readonly IgnoredInput _ignored;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ScimResourceType> _resourceTypes;
    private readonly ILogger _logger;
    private readonly Dictionary<ScimResourceType, HashSet<string>> _derivedOnRead = [];

    internal ScimService(ScimEngine engine, IUserStore users, IGroupStore? groups, IEventDelivery events, ILogger<ScimService>? logger, TimeProvider? timeProvider, Func<ScimResourceType, IResourceStore<JsonResource>?>? hostedStores = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(users);
        _engine = engine;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var registry = engine.Registry;
        var userType = registry.FindResourceType("User") ?? throw new InvalidOperationException("The schema registry has no User resource type.");
        var groupType = registry.FindResourceType("Group");
        _users = new ServedType<User>(userType, users, ResourceTrees.ToUser);
        var served = new List<ServedType> { _users };
        if (groups is not null)
        {
            groupType = groupType ?? throw new InvalidOperationException("The schema registry has no Group resource type.");
            _groups = new ServedType<Group>(groupType, groups, ResourceTrees.ToGroup);
            _groupStore = groups;
            _derivedGroups = new DerivedGroups(groups, groupType);
            _usersCarryGroups = users is IUserGroupsStore reading && reading.ReadsGroupsOf(groups);
            served.Add(_groups);
        }

        // Every other registered type is the host's: served through its store, like users and groups.
        foreach (var type in registry.ResourceTypes)
        {
            if (ReferenceEquals(type, userType) || ReferenceEquals(type, groupType))
            {
                continue;
            }

            var store = hostedStores?.Invoke(type) ?? throw new InvalidOperationException(
                $"Resource type '{type.Name}' is registered but has no store: call AddResourceStore<TStore>(\"{type.Name}\"), AddInMemoryStore(\"{type.Name}\") or AddInMemoryStores() on the builder AddScim()/AddScimCore() returns.");
            var schema = type.Schema;
            served.Add(new ServedType<JsonResource>(type, store, tree => JsonResource.FromJson(tree, schema)));
        }

        _served = [.. served];
        if (_groups is not null)
        {
            // As declared (members.type may not be kept by the store), else as the schema says.
            var memberTypes = registry.DeclaredMemberTypes(_groups.Type)
                ?? registry.FindSchema(_groups.Type.Schema)?.FindAttribute("members")?.FindSubAttribute("type")?.CanonicalValues
                ?? [];
            memberTypes = memberTypes.Count == 0 ? ["User", "Group"] : memberTypes;
            _memberTypes = [.. _served.Where(t => ReferenceEquals(t, _users) || memberTypes.Contains(t.Name, StringComparer.OrdinalIgnoreCase))];
            _members = new MemberCheck([.. _memberTypes.Select(t => (t, IdOnly(t.Type).Hints))], _memberTypes.Contains(_groups), engine.Options.UnknownMembers);

            // A member type whose schema has a read-only 'groups' (a user's, an agent's) gets it derived from the groups that list it.
            foreach (var type in _memberTypes)
            {
                if (ReferenceEquals(type, _users) || registry.FindSchema(type.Type.Schema)?.FindAttribute("groups") is { Mutability: Mutability.ReadOnly })
                {
                    _derivesGroups.Add(type);
                }
            }
        }
        else
        {
            _memberTypes = [];
        }

        _references = new ReferenceCheck(registry, _served, t => IdOnly(t.Type).Hints, engine.Options.UnknownMembers);
        _inverses = new InverseReferences(registry, _served, t => ReadHints.All);

        // What the service derives as it reads a host type's resources, which its store does not
        // hold: a filter or a sort on it is refused (QueryOf) rather than answered from nothing.
        foreach (var type in _served.Where(t => t is ServedType<JsonResource>))
        {
            var derived = new HashSet<string>(_inverses.Attributes(type), StringComparer.OrdinalIgnoreCase);
            if (_derivesGroups.Contains(type))
            {
                derived.Add("groups");
            }

            if (derived.Count > 0)
            {
                _derivedOnRead[type.Type] = derived;
            }
        }

        _resourceTypes = [.. _served.Select(t => t.Type)];
        _events = new ChangeEvents(registry, events, engine.Options.EventValues, engine.Options.EventResources);
        _time = timeProvider ?? TimeProvider.System;
        _ignored = new IgnoredInput(logger, engine.ReportedUnknownAttributes);
    }

    /// <summary>A service without dependency injection (the library's tests and benchmarks).</summary>
    internal static ScimService Create(SchemaRegistry registry, IUserStore users, IGroupStore? groups = null, ScimServiceOptions? options = null, params IScimEventSubscriber[] subscribers) =>
        new(new ScimEngine(registry, options ?? new ScimServiceOptions()), users, groups, new InlineDelivery(subscribers), null, null);

    /// <summary>A service without dependency injection that also serves host-registered types, each through its store.</summary>
    internal static ScimService Create(SchemaRegistry registry, IUserStore users, IGroupStore? groups, IReadOnlyDictionary<string, IResourceStore<JsonResource>> hostedStores, ScimServiceOptions? options = null, params IScimEventSubscriber[] subscribers) =>
        new(new ScimEngine(registry, options ?? new ScimServiceOptions()), users, groups, new InlineDelivery(subscribers), null, null, type => hostedStores.GetValueOrDefault(type.Name));

    /// <summary>The rules and limits the service runs with.</summary>
    public ScimServiceOptions Options => _engine.Options;

    /// <summary>The resource types this service serves (those with a store), for discovery and routing.</summary>
    public IReadOnlyList<ScimResourceType> ResourceTypes => _resourceTypes;

    /// <summary>The schemas (frozen).</summary>
    internal SchemaRegistry Registry => _engine.Registry;

    /// <summary>Whether every store pages by cursor (RFC 9865), so cursor paging is offered.</summary>
    internal bool SupportsCursorPaging => _served.All(t => t.PagesByCursor);

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

        foreach (var type in _served)
        {
            if (ReferenceEquals(found, type.Type))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>Logs an operation of a BulkRequest that failed with an exception no SCIM error describes; the operation is answered 500 and the others go on.</summary>
    internal void BulkOperationFailed(Exception error, string method, string? path) => LogBulkOperationFailed(_logger, error, method, path ?? string.Empty);

    [LoggerMessage(EventId = 40, Level = LogLevel.Error, Message = "A bulk operation ({Method} {Path}) failed; it is answered 500 and the request's other operations go on.")]
    private static partial void LogBulkOperationFailed(ILogger logger, Exception error, string method, string path);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "{HolderType} '{HolderId}' still refers to the deleted {DeletedType} '{DeletedId}': '{Attribute}' is required and would be left without a value.")]
    private static partial void LogReferenceKept(ILogger logger, string holderType, string holderId, string attribute, string deletedType, string deletedId);

    private ServedType Require(string resourceType) =>
        Find(resourceType) ?? throw ScimException.NotFound($"Resource type '{resourceType}' is not served here.");

    /// <summary>The served type, for a resource of it by id: an id no stored value can be (a NUL, a lone surrogate) names none (404).</summary>
    private ServedType Require(string resourceType, string id)
    {
        var type = Require(resourceType);
        return Serialization.StoredText.IsAccepted(id) ? type : throw NotFound(type, id);
    }

    private Projection.ScimProjection ProjectionOf(ScimResourceType type, ScimRequestOptions? options) =>
        _engine.Projection(type, options?.Attributes, options?.ExcludedAttributes);

    private Projection.ScimProjection WithoutMembers(ScimResourceType type) => _engine.Projection(type, null, "members");

    private Projection.ScimProjection IdOnly(ScimResourceType type) => _engine.Projection(type, "id", null);

    /// <summary>
    /// The time of a write, in whole microseconds: what PostgreSQL's <c>timestamptz</c> keeps, so a
    /// write's response and every later read show the same <c>created</c> and <c>lastModified</c>,
    /// whatever the store.
    /// </summary>
    private DateTimeOffset Now()
    {
        var now = _time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    private static string NewVersion() => $"W/\"{Random.Shared.NextInt64():x16}\"";

    private static ScimException Uniqueness(string? attribute) =>
        new(409, ScimErrorType.Uniqueness, $"Another resource of this tenant already has this {attribute ?? "value"}.");

    private static ScimException NotFound(ServedType type, string id) => ScimException.NotFound($"{type.Name} '{id}' not found.");

    private static ScimException PreconditionFailed(ServedType type, string id) =>
        new(412, null, $"{type.Name} '{id}' has changed: its version does not match If-Match.");

    /// <summary>A write without If-Match that lost every race it ran (or whose store kept reporting a change).</summary>
    private static ScimException KeptChanging(ServedType type, string id) =>
        new(409, null, $"{type.Name} '{id}' kept changing while this request was applied; retry it.");
}
