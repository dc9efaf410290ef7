using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Filtering;
using Scim.Core.Patching;
using Scim.Core.Projection;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;
using Scim.Core.Versioning;

namespace Scim.Core.Provisioning;

/// <summary>
/// The provisioning service: create, get, list, replace, patch and delete users and groups. It
/// reads and checks the input, applies PATCH and PUT semantics, enforces mutability, uniqueness
/// and required attributes, checks <c>If-Match</c>, assigns id, timestamps and version, calls the
/// store, publishes one change event per change and returns the result for projection. The HTTP
/// adapter, Bulk and hosts (background jobs, tests) all go through it. Thread-safe.
/// </summary>
public sealed partial class ScimService
{
    private const int MemberCheckChunk = 50;

    private readonly IUserStore _users;
    private readonly IGroupStore? _groups;
    private readonly ScimSerializer _serializer;
    private readonly ScimPatcher _patcher;
    private readonly ScimReplacer _replacer;
    private readonly ScimEngine _engine;
    private readonly ScimEventPublisher _events;
    private readonly TimeProvider _time;
    private readonly ScimResourceType _userType;
    private readonly ScimResourceType? _groupType;

    /// <summary>Creates the service.</summary>
    /// <param name="serializer">Reads and checks request bodies (carries the schema registry).</param>
    /// <param name="users">The user store.</param>
    /// <param name="groups">The group store, or <see langword="null"/> when the host does not serve groups.</param>
    /// <param name="subscribers">The change-event subscribers.</param>
    /// <param name="options">Rules and limits.</param>
    /// <param name="logger">Where subscriber failures are logged.</param>
    /// <param name="timeProvider">The clock (tests pass a fake one).</param>
    public ScimService(
        ScimSerializer serializer,
        IUserStore users,
        IGroupStore? groups = null,
        IEnumerable<IScimEventSubscriber>? subscribers = null,
        ScimServiceOptions? options = null,
        ILogger<ScimService>? logger = null,
        TimeProvider? timeProvider = null)
        : this(new ScimEngine(serializer ?? throw new ArgumentNullException(nameof(serializer)), options ?? new ScimServiceOptions()), users, groups, subscribers, logger, timeProvider)
    {
    }

    internal ScimService(ScimEngine engine, IUserStore users, IGroupStore? groups, IEnumerable<IScimEventSubscriber>? subscribers, ILogger<ScimService>? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(users);
        Options = engine.Options;
        _serializer = engine.Serializer;
        Registry = engine.Serializer.Registry;
        _users = users;
        _groups = groups;
        _engine = engine;
        _patcher = engine.Patcher;
        _replacer = engine.Replacer;
        _events = new ScimEventPublisher(subscribers ?? [], logger);
        _time = timeProvider ?? TimeProvider.System;
        _userType = Registry.FindResourceType("User") ?? throw new InvalidOperationException("The schema registry has no User resource type.");
        _groupType = groups is null ? null : Registry.FindResourceType("Group") ?? throw new InvalidOperationException("The schema registry has no Group resource type.");
    }

    /// <summary>The schemas.</summary>
    public SchemaRegistry Registry { get; }

    /// <summary>The rules and limits.</summary>
    public ScimServiceOptions Options { get; }

    /// <summary>Whether groups are served.</summary>
    public bool ServesGroups => _groups is not null;

    /// <summary>Whether the stores page by cursor (RFC 9865): both implement <see cref="ICursorPagingStore"/>.</summary>
    public bool SupportsCursorPaging => _users is ICursorPagingStore && (_groups is null || _groups is ICursorPagingStore);

    /// <summary>The cursor timeout the stores advertise, when they page by cursor.</summary>
    public TimeSpan? CursorTimeout => (_users as ICursorPagingStore)?.CursorTimeout;

    /// <summary>The resource types this service serves, for discovery and routing.</summary>
    public IReadOnlyList<ScimResourceType> ResourceTypes => _groupType is null ? [Registry.Current(_userType)] : [Registry.Current(_userType), Registry.Current(_groupType)];

    /// <summary>Finds a served resource type by name (<c>User</c>) or endpoint (<c>Users</c>, <c>/Users</c>), case-insensitively.</summary>
    /// <param name="nameOrEndpoint">The name or endpoint.</param>
    /// <returns>The resource type, or <see langword="null"/> when it is not served.</returns>
    public ScimResourceType? FindResourceType(string nameOrEndpoint)
    {
        ArgumentNullException.ThrowIfNull(nameOrEndpoint);
        var found = Registry.FindResourceType(nameOrEndpoint);
        if (found is null)
        {
            return null;
        }

        if (string.Equals(found.Name, _userType.Name, StringComparison.Ordinal))
        {
            return found;
        }

        return _groupType is not null && string.Equals(found.Name, _groupType.Name, StringComparison.Ordinal) ? found : null;
    }

    // ---------------------------------------------------------------- create

    /// <summary>Creates a resource from a request body (POST).</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint (<c>User</c> or <c>Users</c>).</param>
    /// <param name="body">The UTF-8 JSON body.</param>
    /// <param name="options">Projection of the returned resource.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created resource.</returns>
    /// <exception cref="ScimException">400 for bad input, 404 for an unknown resource type, 409 <c>uniqueness</c>.</exception>
    public async Task<ScimResourceResult> CreateAsync(ScimContext context, string resourceType, ReadOnlyMemory<byte> body, ScimRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = RequireType(resourceType);
        var projection = ProjectionOf(type, options);
        var tree = _serializer.ReadResource(body, type);
        RemoveReadOnly(tree, type);
        var now = _time.GetUtcNow();
        var id = ResourceIds.Shared.Next(now);
        var version = NewVersion();
        tree["id"] = id;
        tree["meta"] = new JsonObject
        {
            ["resourceType"] = type.Name,
            ["created"] = ScimDateTime.Format(now),
            ["lastModified"] = ScimDateTime.Format(now),
            ["version"] = version,
        };

        ScimResource stored;
        if (IsUser(type))
        {
            var user = ScimSerializer.ToUser(tree);
            await CheckExternalIdAsync(context, type, user.ExternalId, null, cancellationToken).ConfigureAwait(false);
            var written = await _users.CreateAsync(context, user, cancellationToken).ConfigureAwait(false);
            stored = Written(written, type, id, null) ?? user;
        }
        else
        {
            var group = ScimSerializer.ToGroup(tree);
            await CheckExternalIdAsync(context, type, group.ExternalId, null, cancellationToken).ConfigureAwait(false);
            group.Members = await CheckMembersAsync(context, id, group.Members, cancellationToken).ConfigureAwait(false);
            var written = await _groups!.CreateAsync(context, group, cancellationToken).ConfigureAwait(false);
            stored = Written(written, type, id, null) ?? group;
        }

        await PublishAsync(context, type, stored.Id!, ScimChangeKind.Created, [], stored.Meta?.Version, now, null, null, [], []).ConfigureAwait(false);
        return await ResultAsync(context, type, stored, projection, changed: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a user from a typed resource (for hosts: imports, jobs, tests). Same checks as a POST.</summary>
    /// <param name="context">Tenant and actor.</param>
    /// <param name="user">The user; id and meta are ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created user.</returns>
    public Task<ScimResourceResult> CreateAsync(ScimContext context, User user, CancellationToken cancellationToken = default) =>
        CreateAsync(context, "User", Bytes(user), null, cancellationToken);

    /// <summary>Creates a group from a typed resource. Same checks as a POST.</summary>
    /// <param name="context">Tenant and actor.</param>
    /// <param name="group">The group; id and meta are ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created group.</returns>
    public Task<ScimResourceResult> CreateAsync(ScimContext context, Group group, CancellationToken cancellationToken = default) =>
        CreateAsync(context, "Group", Bytes(group), null, cancellationToken);

    // ---------------------------------------------------------------- read

    /// <summary>Gets one resource (GET by id).</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="id">The id.</param>
    /// <param name="options">Projection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resource.</returns>
    /// <exception cref="ScimException">404 when the tenant has no such resource.</exception>
    public async Task<ScimResourceResult> GetAsync(ScimContext context, string resourceType, string id, ScimRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var type = RequireType(resourceType);
        var projection = ProjectionOf(type, options);
        var resource = await LoadAsync(context, type, id, projection, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound(type, id);
        return await ResultAsync(context, type, resource, projection, changed: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists resources (GET with filter, or POST .search).</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="request">Filter, sort, paging and projection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ScimException">400 <c>invalidFilter</c>, <c>invalidPath</c>, <c>invalidCursor</c>...</exception>
    public async Task<ScimListResult> ListAsync(ScimContext context, string resourceType, ScimListRequest? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = RequireType(resourceType);
        request ??= new ScimListRequest();
        var projection = _engine.Projection(type, request.Attributes, request.ExcludedAttributes);
        var query = QueryOf(type, request, projection);
        if (IsUser(type))
        {
            var page = await _users.QueryAsync(context, query, cancellationToken).ConfigureAwait(false);
            return await ListResultAsync(context, type, page.Resources, page, query, projection, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var page = await _groups!.QueryAsync(context, query, cancellationToken).ConfigureAwait(false);
            return await ListResultAsync(context, type, page.Resources, page, query, projection, cancellationToken).ConfigureAwait(false);
        }
    }

    // ---------------------------------------------------------------- replace

    /// <summary>Replaces a resource (PUT): readWrite attributes not sent are cleared, readOnly ones ignored, immutable ones must match.</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="id">The id from the URL.</param>
    /// <param name="body">The UTF-8 JSON body.</param>
    /// <param name="options">If-Match and projection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resource after the replace.</returns>
    /// <exception cref="ScimException">400, 404, 409, or 412 when If-Match does not match.</exception>
    public async Task<ScimResourceResult> ReplaceAsync(ScimContext context, string resourceType, string id, ReadOnlyMemory<byte> body, ScimRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var type = RequireType(resourceType);
        var projection = ProjectionOf(type, options);
        var replacement = _serializer.ReadResource(body, type);
        return await WriteWithRetryAsync(context, type, id, options, projection, (tree, _) => _replacer.Replace(tree, replacement.DeepClone().AsObject(), type), isReplace: true, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- patch

    /// <summary>Patches a resource (PATCH, RFC 7644 §3.5.2 and the IdPs' dialects).</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="id">The id.</param>
    /// <param name="body">The UTF-8 JSON PatchOp body.</param>
    /// <param name="options">If-Match, projection, and whether the resource is needed back.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resource after the patch; <see cref="ScimResourceResult.Changed"/> tells whether anything changed.</returns>
    /// <exception cref="ScimException">400, 404, 409, or 412 when If-Match does not match.</exception>
    public Task<ScimResourceResult> PatchAsync(ScimContext context, string resourceType, string id, ReadOnlyMemory<byte> body, ScimRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        PatchAsync(context, resourceType, id, _patcher.ReadRequest(body), options, cancellationToken);

    /// <summary>Patches a resource with a request already read.</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="id">The id.</param>
    /// <param name="request">The operations.</param>
    /// <param name="options">If-Match, projection, and whether the resource is needed back.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resource after the patch.</returns>
    public async Task<ScimResourceResult> PatchAsync(ScimContext context, string resourceType, string id, PatchRequest request, ScimRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(request);
        var type = RequireType(resourceType);
        var projection = ProjectionOf(type, options);
        return await WriteWithRetryAsync(context, type, id, options, projection, (tree, _) => _patcher.Apply(tree, type, request), isReplace: false, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- delete

    /// <summary>Deletes a resource; a deleted user or group is also removed from every group that listed it.</summary>
    /// <param name="context">Tenant and actor.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="id">The id.</param>
    /// <param name="options">If-Match.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the resource is gone.</returns>
    /// <exception cref="ScimException">404, or 412 when If-Match does not match.</exception>
    public async Task DeleteAsync(ScimContext context, string resourceType, string id, ScimRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var type = RequireType(resourceType);
        var ifMatch = options?.IfMatch;
        for (var attempt = 0; ; attempt++)
        {
            string? expected = null;
            if (!string.IsNullOrWhiteSpace(ifMatch))
            {
                var current = await LoadAsync(context, type, id, IdOnly(type), cancellationToken).ConfigureAwait(false) ?? throw NotFound(type, id);
                var version = current.Meta?.Version ?? string.Empty;
                if (!ResourceVersion.SatisfiesIfMatch(ifMatch, version))
                {
                    throw PreconditionFailed(type, id);
                }

                expected = version;
            }

            var status = IsUser(type)
                ? (await _users.DeleteAsync(context, id, expected, cancellationToken).ConfigureAwait(false)).Status
                : (await _groups!.DeleteAsync(context, id, expected, cancellationToken).ConfigureAwait(false)).Status;
            switch (status)
            {
                case StoreWriteStatus.NotFound:
                    throw NotFound(type, id);
                case StoreWriteStatus.VersionMismatch when attempt < Options.MaxWriteRetries:
                    continue; // changed between the check and the delete: check the header again
                case StoreWriteStatus.VersionMismatch:
                    throw PreconditionFailed(type, id);
                case StoreWriteStatus.Conflict:
                    throw ScimException.Conflict($"{type.Name} '{id}' cannot be deleted now.");
            }

            break;
        }

        var now = _time.GetUtcNow();
        await PublishAsync(context, type, id, ScimChangeKind.Deleted, [], null, now, null, null, [], []).ConfigureAwait(false);
        if (_groups is not null)
        {
            var version = NewVersion();
            var changedGroups = await _groups.RemoveMemberFromAllGroupsAsync(context, id, version, now, cancellationToken).ConfigureAwait(false);
            foreach (var groupId in changedGroups)
            {
                await PublishAsync(context, _groupType!, groupId, ScimChangeKind.MembersRemoved, ["members"], version, now, null, null, [], [id]).ConfigureAwait(false);
            }
        }
    }

    // ---------------------------------------------------------------- the write loop

    private async Task<ScimResourceResult> WriteWithRetryAsync(
        ScimContext context,
        ScimResourceType type,
        string id,
        ScimRequestOptions? options,
        ScimProjection projection,
        Func<JsonObject, ScimResource, PatchResult> change,
        bool isReplace,
        CancellationToken cancellationToken)
    {
        var ifMatch = options?.IfMatch;
        var isUser = IsUser(type);
        for (var attempt = 0; ; attempt++)
        {
            // Groups are read without their members: membership changes go to the store as deltas.
            var loadProjection = isUser ? null : WithoutMembers(type);
            var stored = await LoadAsync(context, type, id, loadProjection, cancellationToken).ConfigureAwait(false) ?? throw NotFound(type, id);
            var storedVersion = stored.Meta?.Version ?? string.Empty;
            if (!ResourceVersion.SatisfiesIfMatch(ifMatch, storedVersion))
            {
                throw PreconditionFailed(type, id);
            }

            var tree = ScimSerializer.ToJsonObject(stored);
            if (!isUser)
            {
                tree.Remove("members");
            }
            else if (stored is User { Password: { } password })
            {
                tree["password"] = password; // writeOnly, so not in the canonical tree; PATCH remove and PUT must still see it
            }

            var before = Options.EventValues ? tree.DeepClone().AsObject() : null;
            var result = change(tree, stored);
            var paths = result.ChangedPaths.Where(p => !IsMembersPath(p)).ToList();
            var members = result.Members ?? MembershipDelta.Empty;
            if (paths.Count == 0 && members.IsEmpty)
            {
                return await FinishAsync(context, type, stored, projection, options, changed: false, cancellationToken).ConfigureAwait(false);
            }

            var now = _time.GetUtcNow();
            var version = NewVersion();
            if (paths.Count > 0)
            {
                var meta = tree["meta"] as JsonObject ?? [];
                tree["meta"] = meta;
                meta["lastModified"] = ScimDateTime.Format(now);
                meta["version"] = version;
                meta["resourceType"] = type.Name;
                meta.Remove("location");
                tree["id"] = id;
            }

            if (isUser)
            {
                var user = ScimSerializer.ToUser(tree);
                if (!result.ChangedPaths.Any(p => string.Equals(p, "password", StringComparison.OrdinalIgnoreCase)))
                {
                    user.Password = ((User)stored).Password; // writeOnly: never in the tree, kept unless changed
                }

                if (!string.Equals(user.ExternalId, stored.ExternalId, StringComparison.Ordinal))
                {
                    await CheckExternalIdAsync(context, type, user.ExternalId, id, cancellationToken).ConfigureAwait(false);
                }

                var written = await _users.ReplaceAsync(context, user, storedVersion, cancellationToken).ConfigureAwait(false);
                if (written.Status == StoreWriteStatus.VersionMismatch && string.IsNullOrWhiteSpace(ifMatch) && attempt < Options.MaxWriteRetries)
                {
                    await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                    continue; // lost a race with another writer: re-read and re-apply
                }

                var saved = Written(written, type, id, ifMatch) ?? user;
                await PublishChangeAsync(context, type, id, isReplace, paths, before, tree, saved.Meta?.Version, now, [], []).ConfigureAwait(false);
                return await FinishAsync(context, type, saved, projection, options, changed: true, cancellationToken).ConfigureAwait(false);
            }

            var group = paths.Count > 0 ? ScimSerializer.ToGroup(tree) : null;
            if (group is not null && !string.Equals(group.ExternalId, stored.ExternalId, StringComparison.Ordinal))
            {
                await CheckExternalIdAsync(context, type, group.ExternalId, id, cancellationToken).ConfigureAwait(false);
            }

            if (members.Added.Count > 0)
            {
                var checkedMembers = await CheckMembersAsync(context, id, members.Added, cancellationToken).ConfigureAwait(false);
                members = new MembershipDelta(members.RemoveAll, checkedMembers, members.Removed);
            }

            var patch = new GroupPatch
            {
                Id = id,
                Attributes = group,
                Members = members,
                // Membership deltas commute: only attribute changes (or the client's If-Match) need the version check.
                ExpectedVersion = group is not null || !string.IsNullOrWhiteSpace(ifMatch) ? storedVersion : null,
                NewVersion = version,
                LastModified = now,
            };
            var patched = await _groups!.PatchAsync(context, patch, cancellationToken).ConfigureAwait(false);
            switch (patched.Status)
            {
                case StoreWriteStatus.VersionMismatch when string.IsNullOrWhiteSpace(ifMatch) && attempt < Options.MaxWriteRetries:
                    await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                case StoreWriteStatus.VersionMismatch:
                    throw string.IsNullOrWhiteSpace(ifMatch) ? ScimException.Conflict($"Group '{id}' kept changing while this request was applied; retry it.") : PreconditionFailed(type, id);
                case StoreWriteStatus.NotFound:
                    throw NotFound(type, id);
                case StoreWriteStatus.Conflict:
                    throw Uniqueness(patched.ConflictAttribute);
            }

            var changed = group is not null || patched.AddedMemberIds.Count > 0 || patched.RemovedMemberIds.Count > 0;
            var current = patched.Group ?? stored;
            if (changed)
            {
                var changedPaths = patched.AddedMemberIds.Count > 0 || patched.RemovedMemberIds.Count > 0 ? [.. paths, "members"] : paths;
                await PublishChangeAsync(context, type, id, isReplace, changedPaths, before, tree, current.Meta?.Version, now, patched.AddedMemberIds, patched.RemovedMemberIds).ConfigureAwait(false);
            }

            if (options?.ReturnResource == false)
            {
                return await ResultAsync(context, type, current, projection, changed, cancellationToken).ConfigureAwait(false);
            }

            // The response carries members only when asked: read the group again with the request's projection.
            var fresh = await LoadAsync(context, type, id, projection, cancellationToken).ConfigureAwait(false) ?? current;
            return await ResultAsync(context, type, fresh, projection, changed, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a lost race, waits a short random time (growing with the attempt, at most 31 ms) before
    /// re-reading, so that writers contending for one resource spread out instead of colliding again.
    /// </summary>
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(Random.Shared.Next(0, 1 << Math.Min(attempt + 1, 5)), cancellationToken);

    private async Task<ScimResourceResult> FinishAsync(ScimContext context, ScimResourceType type, ScimResource resource, ScimProjection projection, ScimRequestOptions? options, bool changed, CancellationToken cancellationToken)
    {
        if (!IsUser(type) && options?.ReturnResource != false && projection.Includes("members"))
        {
            resource = await LoadAsync(context, type, resource.Id!, projection, cancellationToken).ConfigureAwait(false) ?? resource;
        }

        return await ResultAsync(context, type, resource, projection, changed, cancellationToken).ConfigureAwait(false);
    }

    private Task PublishChangeAsync(ScimContext context, ScimResourceType type, string id, bool isReplace, IReadOnlyList<string> paths, JsonObject? before, JsonObject after, string? version, DateTimeOffset now, IReadOnlyList<string> added, IReadOnlyList<string> removed)
    {
        ScimChangeKind kind;
        var activeChanged = paths.Any(p => string.Equals(p, "active", StringComparison.OrdinalIgnoreCase));
        if (activeChanged && IsUser(type))
        {
            kind = after["active"] is JsonValue active && active.TryGetValue<bool>(out var on) && on ? ScimChangeKind.Activated : ScimChangeKind.Deactivated;
        }
        else if (paths.All(IsMembersPath) && added.Count > 0 && removed.Count == 0)
        {
            kind = ScimChangeKind.MembersAdded;
        }
        else if (paths.All(IsMembersPath) && removed.Count > 0 && added.Count == 0)
        {
            kind = ScimChangeKind.MembersRemoved;
        }
        else
        {
            kind = isReplace ? ScimChangeKind.Replaced : ScimChangeKind.Patched;
        }

        return PublishAsync(context, type, id, kind, paths, version, now, before, after, added, removed);
    }

    private async Task PublishAsync(ScimContext context, ScimResourceType type, string id, ScimChangeKind kind, IReadOnlyList<string> paths, string? version, DateTimeOffset now, JsonObject? before, JsonObject? after, IReadOnlyList<string> added, IReadOnlyList<string> removed)
    {
        if (!_events.HasSubscribers)
        {
            return;
        }

        await _events.PublishAsync(new ScimChangeEvent
        {
            ResourceType = type.Name,
            ResourceId = id,
            Tenant = context.Tenant,
            Actor = context.Actor,
            Kind = kind,
            ChangedPaths = paths,
            AddedMemberIds = added,
            RemovedMemberIds = removed,
            Version = version,
            Time = now,
            // Member changes travel as ids; the trees never hold members, so their values would read as none.
            Before = before is null ? null : EventValues.Select(before, [.. paths.Where(p => !IsMembersPath(p))], type, Registry),
            After = before is null || after is null ? null : EventValues.Select(after, [.. paths.Where(p => !IsMembersPath(p))], type, Registry),
        }).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- helpers

    private ScimResourceType RequireType(string resourceType)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        return FindResourceType(resourceType) ?? throw ScimException.NotFound($"Resource type '{resourceType}' is not served here.");
    }

    private bool IsUser(ScimResourceType type) => string.Equals(type.Name, _userType.Name, StringComparison.Ordinal);

    private static bool IsMembersPath(string path) => path.Equals("members", StringComparison.OrdinalIgnoreCase) || path.StartsWith("members.", StringComparison.OrdinalIgnoreCase) || path.StartsWith("members[", StringComparison.OrdinalIgnoreCase);

    private ScimProjection ProjectionOf(ScimResourceType type, ScimRequestOptions? options) =>
        _engine.Projection(type, options?.Attributes, options?.ExcludedAttributes);

    private ScimProjection WithoutMembers(ScimResourceType type) => _engine.Projection(type, null, "members");

    private ScimProjection IdOnly(ScimResourceType type) => _engine.Projection(type, "id", null);

    private async Task<ScimResource?> LoadAsync(ScimContext context, ScimResourceType type, string id, ScimProjection? projection, CancellationToken cancellationToken) =>
        IsUser(type)
            ? await _users.GetAsync(context, id, projection, cancellationToken).ConfigureAwait(false)
            : await _groups!.GetAsync(context, id, projection, cancellationToken).ConfigureAwait(false);

    private ScimQuery QueryOf(ScimResourceType type, ScimListRequest request, ScimProjection projection)
    {
        FilterExpression? filter = null;
        if (!string.IsNullOrWhiteSpace(request.Filter))
        {
            filter = _engine.Filter(type, request.Filter);
        }

        if (request.SortBy is not null && !Registry.TryResolveAttribute(type, request.SortBy, out _, out var sortError))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"sortBy '{request.SortBy}': {sortError}");
        }

        if (request.Cursor is not null && !SupportsCursorPaging)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, "Cursor paging is not supported by this service; page with startIndex and count.");
        }

        var count = request.Count ?? Options.DefaultCount;
        count = Math.Clamp(count, 0, Options.MaxCount);
        return new ScimQuery
        {
            Filter = filter,
            SortBy = request.SortBy,
            SortOrder = ScimSorter.ParseOrder(request.SortOrder),
            StartIndex = Math.Max(1, request.StartIndex ?? 1),
            Count = count,
            Cursor = request.Cursor,
            Projection = projection,
        };
    }

    private async ValueTask<ScimListResult> ListResultAsync<T>(ScimContext context, ScimResourceType type, IReadOnlyList<T> resources, ScimPage<T> page, ScimQuery query, ScimProjection projection, CancellationToken cancellationToken)
        where T : ScimResource
    {
        var results = new ScimResourceResult[resources.Count];
        var locations = new ResourceLocations(context.BaseUri, type);
        if (resources.Count == 1)
        {
            // A lookup's one user (the usual list an IdP asks for) takes the single-user path for its groups.
            var only = resources[0];
            var groups = WithGroups(type, projection) ? await GroupsOfUserAsync(context, only.Id!, cancellationToken).ConfigureAwait(false) : null;
            results[0] = new ScimResourceResult(type, only, projection, locations, groups, changed: false);
        }
        else
        {
            var groups = WithGroups(type, projection) && resources.Count > 0
                ? await GroupsOfAsync(context, resources.Select(r => r.Id!).ToList(), cancellationToken).ConfigureAwait(false)
                : null;
            for (var i = 0; i < results.Length; i++)
            {
                var resource = resources[i];
                results[i] = new ScimResourceResult(type, resource, projection, locations, groups?.GetValueOrDefault(resource.Id!), changed: false);
            }
        }

        return new ScimListResult(results, page.TotalResults, query.StartIndex, page.NextCursor, query.UsesCursor);
    }

    private async ValueTask<ScimResourceResult> ResultAsync(ScimContext context, ScimResourceType type, ScimResource resource, ScimProjection projection, bool changed, CancellationToken cancellationToken)
    {
        var groups = WithGroups(type, projection) ? await GroupsOfUserAsync(context, resource.Id!, cancellationToken).ConfigureAwait(false) : null;
        return new ScimResourceResult(type, resource, projection, new ResourceLocations(context.BaseUri, type), groups, changed);
    }

    /// <summary>Whether results of this type and projection carry a user's derived <c>groups</c>.</summary>
    private bool WithGroups(ScimResourceType type, ScimProjection projection) => _groups is not null && IsUser(type) && projection.Includes("groups");

    /// <summary>
    /// The derived <c>groups</c> of one user. When the store knows the tenant has no group inside
    /// another, every membership is direct and one store call answers it, with nothing built per
    /// call beyond the entries; otherwise the walk of <see cref="GroupsOfAsync"/> does.
    /// </summary>
    private async ValueTask<List<UserGroup>?> GroupsOfUserAsync(ScimContext context, string userId, CancellationToken cancellationToken)
    {
        if (_groups is not IKnowsGroupNesting nesting || nesting.MayHaveNestedGroups(context))
        {
            return (await GroupsOfAsync(context, [userId], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(userId);
        }

        var direct = await _groups.GetGroupsOfMembersAsync(context, [userId], cancellationToken).ConfigureAwait(false);
        if (direct.Count == 0)
        {
            return null;
        }

        var locations = new ResourceLocations(context.BaseUri, _groupType!);
        var list = new List<UserGroup>(direct.Count);
        HashSet<string>? listed = direct.Count > 8 ? new(direct.Count, StringComparer.Ordinal) : null;
        for (var i = 0; i < direct.Count; i++)
        {
            var membership = direct[i];
            if (listed is null ? !Listed(list, membership.GroupId) : listed.Add(membership.GroupId))
            {
                list.Add(GroupEntries.Make(locations, membership, "direct"));
            }
        }

        return list;
    }

    /// <summary>The derived <c>groups</c> of each user (RFC 7643 §4.1.2): direct memberships, then the groups containing those, as "indirect".</summary>
    private async ValueTask<Dictionary<string, List<UserGroup>>> GroupsOfAsync(ScimContext context, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        var direct = await _groups!.GetGroupsOfMembersAsync(context, userIds, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, List<UserGroup>>(StringComparer.Ordinal);
        if (direct.Count == 0)
        {
            return result;
        }

        var entries = new GroupEntries(new ResourceLocations(context.BaseUri, _groupType!), direct.Count);

        // Walk upwards once for all users: parents of every group reached so far (nothing is
        // allocated for the walk when the groups have no parents, the usual case).
        Dictionary<string, List<MemberGroup>>? parents = null;
        HashSet<string>? seen = null;
        // A store that knows the tenant has no group inside another spares the walk its first call.
        List<string> frontier = _groups is IKnowsGroupNesting nesting && !nesting.MayHaveNestedGroups(context) ? []
            : direct.Count == 1 ? [direct[0].GroupId] : [.. direct.Select(d => d.GroupId).Distinct(StringComparer.Ordinal)];
        while (frontier.Count > 0)
        {
            var up = await _groups.GetGroupsOfMembersAsync(context, frontier, cancellationToken).ConfigureAwait(false);
            if (up.Count == 0)
            {
                break;
            }

            seen ??= new HashSet<string>(frontier, StringComparer.Ordinal);
            parents ??= new Dictionary<string, List<MemberGroup>>(StringComparer.Ordinal);
            var next = new List<string>();
            foreach (var link in up)
            {
                if (!parents.TryGetValue(link.MemberId, out var list))
                {
                    parents[link.MemberId] = list = [];
                }

                list.Add(link);
                if (seen.Add(link.GroupId))
                {
                    next.Add(link.GroupId);
                }
            }

            frontier = next;
        }

        if (parents is null)
        {
            // No nested groups above these (the usual case): every membership is direct.
            foreach (var membership in direct)
            {
                if (!result.TryGetValue(membership.MemberId, out var list))
                {
                    result[membership.MemberId] = list = [];
                }

                if (!Listed(list, membership.GroupId))
                {
                    list.Add(entries.Direct(membership));
                }
            }

            return result;
        }

        foreach (var byUser in direct.GroupBy(d => d.MemberId, StringComparer.Ordinal))
        {
            var array = new List<UserGroup>();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>();
            foreach (var membership in byUser)
            {
                if (listed.Add(membership.GroupId))
                {
                    array.Add(entries.Direct(membership));
                    queue.Enqueue(membership.GroupId);
                }
            }

            while (queue.TryDequeue(out var groupId))
            {
                foreach (var parent in parents.GetValueOrDefault(groupId) ?? [])
                {
                    if (listed.Add(parent.GroupId))
                    {
                        array.Add(entries.Indirect(parent));
                        queue.Enqueue(parent.GroupId);
                    }
                }
            }

            result[byUser.Key] = array;
        }

        return result;
    }

    private static bool Listed(List<UserGroup> groups, string groupId)
    {
        foreach (var group in groups)
        {
            if (string.Equals(group.Value, groupId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The <c>groups</c> entries of one call, made once per group and kind and shared by every user
    /// listed in that group (a page of 100 users of one large group builds one <c>$ref</c>, not 100).
    /// </summary>
    private sealed class GroupEntries(ResourceLocations locations, int memberships)
    {
        // One map per kind, keyed by the id alone: ordinal string keys hash fast, tuples of strings do not.
        private readonly Dictionary<string, UserGroup>? _direct = memberships > 1 ? new(StringComparer.Ordinal) : null;
        private Dictionary<string, UserGroup>? _indirect;

        public UserGroup Direct(MemberGroup membership) => Of(membership, _direct, "direct");

        public UserGroup Indirect(MemberGroup membership) => Of(membership, _direct is null ? null : _indirect ??= new(StringComparer.Ordinal), "indirect");

        private UserGroup Of(MemberGroup membership, Dictionary<string, UserGroup>? made, string kind)
        {
            if (made is null)
            {
                return Make(locations, membership, kind);
            }

            if (!made.TryGetValue(membership.GroupId, out var entry))
            {
                made[membership.GroupId] = entry = Make(locations, membership, kind);
            }

            return entry;
        }

        public static UserGroup Make(ResourceLocations locations, MemberGroup membership, string kind) => new()
        {
            Value = membership.GroupId,
            Ref = locations.Of(membership.GroupId),
            Display = membership.GroupDisplayName,
            Type = kind,
        };
    }

    /// <summary>
    /// Checks that every member to add exists in the tenant (as a user or a group), is not the group
    /// itself, and fills in its <c>type</c>. Looks members up in chunks, never one by one.
    /// </summary>
    private async Task<List<GroupMember>> CheckMembersAsync(ScimContext context, string groupId, IReadOnlyList<GroupMember> members, CancellationToken cancellationToken)
    {
        var result = new List<GroupMember>(members.Count);
        if (members.Count == 0)
        {
            return result;
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = members.Select(m => m.Value ?? string.Empty).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
        {
            if (id.Length == 0)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, "A member has no 'value' (the member's id).");
            }

            if (string.Equals(id, groupId, StringComparison.Ordinal))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, "A group cannot be a member of itself.");
            }
        }

        await FindExistingAsync(context, _userType, ids, types, "User", cancellationToken).ConfigureAwait(false);
        var missing = ids.Where(id => !types.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            await FindExistingAsync(context, _groupType!, missing, types, "Group", cancellationToken).ConfigureAwait(false);
            missing = [.. missing.Where(id => !types.ContainsKey(id))];
            if (missing.Count > 0)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"Member '{missing[0]}' is not a user or group of this tenant{(missing.Count > 1 ? $" (and {missing.Count - 1} more)" : string.Empty)}.");
            }
        }

        var added = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (!added.Add(member.Value!))
            {
                continue;
            }

            var actual = types[member.Value!];
            if (member.Type is not null && !string.Equals(member.Type, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"Member '{member.Value}' is a {actual}, not a {member.Type}.");
            }

            result.Add(new GroupMember { Value = member.Value, Type = actual, Display = member.Display, Ref = member.Ref });
        }

        return result;
    }

    private async Task FindExistingAsync(ScimContext context, ScimResourceType type, List<string> ids, Dictionary<string, string> found, string typeName, CancellationToken cancellationToken)
    {
        var projection = IdOnly(type);
        for (var start = 0; start < ids.Count; start += MemberCheckChunk)
        {
            var chunk = ids.GetRange(start, Math.Min(MemberCheckChunk, ids.Count - start));
            var query = new ScimQuery { Filter = AnyOf("id", chunk), Count = chunk.Count, Projection = projection };
            IReadOnlyList<ScimResource> hits = IsUser(type)
                ? (await _users.QueryAsync(context, query, cancellationToken).ConfigureAwait(false)).Resources
                : (await _groups!.QueryAsync(context, query, cancellationToken).ConfigureAwait(false)).Resources;
            foreach (var hit in hits)
            {
                found[hit.Id!] = typeName;
            }
        }
    }

    /// <summary><c>attribute eq v1 or attribute eq v2 ...</c>, as a balanced tree (its depth grows with the log of the count).</summary>
    internal static FilterExpression AnyOf(string attribute, IReadOnlyList<string> values)
    {
        var path = new AttributePath(null, attribute, null);
        FilterExpression Build(int from, int to) => to - from == 1
            ? new ComparisonFilter(path, ComparisonOperator.Equal, new StringValue(values[from]))
            : new OrFilter(Build(from, from + ((to - from) / 2)), Build(from + ((to - from) / 2), to));
        return Build(0, values.Count);
    }

    private async Task CheckExternalIdAsync(ScimContext context, ScimResourceType type, string? externalId, string? selfId, CancellationToken cancellationToken)
    {
        if (!Options.UniqueExternalId || string.IsNullOrEmpty(externalId))
        {
            return;
        }

        var query = new ScimQuery { Filter = AnyOf("externalId", [externalId]), Count = 2, Projection = IdOnly(type) };
        IReadOnlyList<ScimResource> hits = IsUser(type)
            ? (await _users.QueryAsync(context, query, cancellationToken).ConfigureAwait(false)).Resources
            : (await _groups!.QueryAsync(context, query, cancellationToken).ConfigureAwait(false)).Resources;
        if (hits.Any(h => !string.Equals(h.Id, selfId, StringComparison.Ordinal)))
        {
            throw Uniqueness("externalId");
        }
    }

    private static T? Written<T>(StoreWriteResult<T> written, ScimResourceType type, string id, string? ifMatch)
        where T : ScimResource => written.Status switch
        {
            StoreWriteStatus.Succeeded => written.Resource,
            StoreWriteStatus.NotFound => throw NotFound(type, id),
            StoreWriteStatus.VersionMismatch when string.IsNullOrWhiteSpace(ifMatch) => throw ScimException.Conflict($"{type.Name} '{id}' kept changing while this request was applied; retry it."),
            StoreWriteStatus.VersionMismatch => throw PreconditionFailed(type, id),
            _ => throw Uniqueness(written.ConflictAttribute),
        };

    private static ScimException Uniqueness(string? attribute) =>
        new(409, ScimErrorType.Uniqueness, $"Another resource of this tenant already has this {attribute ?? "value"}.");

    private static ScimException NotFound(ScimResourceType type, string id) => ScimException.NotFound($"{type.Name} '{id}' not found.");

    private static ScimException PreconditionFailed(ScimResourceType type, string id) =>
        new(412, null, $"{type.Name} '{id}' has changed: its version does not match If-Match.");

    private void RemoveReadOnly(JsonObject tree, ScimResourceType type)
    {
        // RFC 7643 §7: readOnly values sent by a client are ignored (id, meta, a user's groups, ...).
        tree.Remove("id");
        tree.Remove("meta");
        RemoveReadOnly(tree, Registry.FindSchema(type.Schema));
        foreach (var extension in type.SchemaExtensions)
        {
            if (tree[extension.Schema] is JsonObject values)
            {
                RemoveReadOnly(values, Registry.FindSchema(extension.Schema));
            }
        }
    }

    private static void RemoveReadOnly(JsonObject owner, ScimSchema? schema)
    {
        foreach (var key in owner.Select(p => p.Key).ToList())
        {
            var attribute = schema?.FindAttribute(key);
            if (attribute is { Mutability: Mutability.ReadOnly })
            {
                owner.Remove(key);
            }
            else if (attribute is { MultiValued: false, SubAttributes.Count: > 0 } && owner[key] is JsonObject complex)
            {
                // e.g. the enterprise manager's displayName. (A group member's display, multi-valued, is kept as the client sends it.)
                foreach (var sub in attribute.SubAttributes.Where(s => s.Mutability == Mutability.ReadOnly))
                {
                    complex.Remove(sub.Name);
                }
            }
        }
    }

    private static string NewVersion() => $"W/\"{Random.Shared.NextInt64():x16}\"";

    private static byte[] Bytes(ScimResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var tree = ScimSerializer.ToJsonObject(resource);
        if (resource is User { Password: { } password })
        {
            tree["password"] = password;
        }

        return System.Text.Encoding.UTF8.GetBytes(tree.ToJsonString());
    }
}
