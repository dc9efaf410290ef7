using System.Text.Json.Nodes;
using Scim.Core.Diagnostics;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Patching;
using Scim.Core.Projection;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;
using Scim.Core.Versioning;

namespace Scim.Core.Provisioning;

// The writes: POST, PUT, PATCH and DELETE, and the read-change-write loop PUT and PATCH share.
public sealed partial class ScimService
{
    /// <summary>Creates a resource from a request body (POST).</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint (<c>User</c> or <c>Users</c>).</param>
    /// <param name="body">The UTF-8 JSON body.</param>
    /// <param name="options">Projection of the returned resource.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created resource.</returns>
    /// <exception cref="ScimException">400 for bad input, 404 for an unknown resource type, 409 <c>uniqueness</c>.</exception>
    public Task<ScimResourceResult> CreateAsync(ScimContext context, string resourceType, ReadOnlyMemory<byte> body, ScimRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        ScimTelemetry.Observe("create", TypeNameOf(resourceType), context, (this, context, resourceType, body, options, cancellationToken), static s => s.Item1.CreateCoreAsync(s.context, s.resourceType, s.body, s.options, s.cancellationToken));

    private async Task<ScimResourceResult> CreateCoreAsync(ScimContext context, string resourceType, ReadOnlyMemory<byte> body, ScimRequestOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = Require(resourceType);
        var projection = ProjectionOf(type.Type, options);
        Patching.DialectUse.Begin();
        var tree = _engine.Serializer.ReadResourceNotingIgnored(body, type.Type, out var ignored);
        var dialects = Patching.DialectUse.End();
        _ignored.Attributes("create", type.Name, ignored);
        RemoveReadOnly(tree, type.Type);
        CheckPasswordChange(tree.ContainsKey("password"));
        var now = Now();
        var id = ResourceIds.Shared.Next(now);
        tree["id"] = id;
        tree["meta"] = new JsonObject
        {
            ["resourceType"] = type.Name,
            ["created"] = ScimDateTime.Format(now),
            ["lastModified"] = ScimDateTime.Format(now),
            ["version"] = NewVersion(),
        };

        var references = await _references.CheckAsync(context, type, tree, null, id, cancellationToken).ConfigureAwait(false);
        var resource = type.FromTree(tree);
        await CheckExternalIdAsync(context, type, resource.ExternalId, null, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> ignoredMembers = [];
        var proposedMembers = resource is Group proposed ? proposed.Members : null;
        ScimEventDraft? events;
        StoreWriteResult<ScimResource> written;
        for (var attempt = 1; ; attempt++)
        {
            if (resource is Group group)
            {
                (group.Members, ignoredMembers) = await _members!.CheckAsync(context, id, proposedMembers!, cancellationToken).ConfigureAwait(false);
            }

            // A group's first members are told as added, as any later ones are.
            events = _events.Created(context, type.Type, tree, dialects, now, resource is Group { Members.Count: > 0 } created ? [.. created.Members.Select(m => m.Value!)] : null);
            written = await type.CreateAsync(context.WithEvents(events), resource, cancellationToken).ConfigureAwait(false);
            if (written.Status != StoreWriteStatus.VersionMismatch || resource is not Group || attempt >= Options.MaxWriteRetries)
            {
                break;
            }

            // A member was deleted while the group was written: its members are checked again.
            await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        var stored = Written(written, type, id, null);
        _ignored.Members(context, stored.Id!, ignoredMembers);
        await _events.PublishAsync(events, stored.Id!, stored.Meta?.Version, cancellationToken).ConfigureAwait(false);
        stored = await ReleaseVanishedAsync(context, type, stored, references, cancellationToken).ConfigureAwait(false);
        return await ResultAsync(context, type, stored, projection, changed: true, cancellationToken, created: true).ConfigureAwait(false);
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

    /// <summary>Replaces a resource (PUT): readWrite attributes not sent are cleared, readOnly ones ignored, immutable ones must match.</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="id">The id from the URL.</param>
    /// <param name="body">The UTF-8 JSON body.</param>
    /// <param name="options">If-Match and projection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resource after the replace.</returns>
    /// <exception cref="ScimException">400, 404, 409, or 412 when If-Match does not match.</exception>
    public Task<ScimResourceResult> ReplaceAsync(ScimContext context, string resourceType, string id, ReadOnlyMemory<byte> body, ScimRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        ScimTelemetry.Observe("replace", TypeNameOf(resourceType), context, (this, context, resourceType, id, body, options, cancellationToken), static s => s.Item1.ReplaceCoreAsync(s.context, s.resourceType, s.id, s.body, s.options, s.cancellationToken));

    private async Task<ScimResourceResult> ReplaceCoreAsync(ScimContext context, string resourceType, string id, ReadOnlyMemory<byte> body, ScimRequestOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var type = Require(resourceType, id);
        var projection = ProjectionOf(type.Type, options);
        Patching.DialectUse.Begin();
        var replacement = _engine.Serializer.ReadResourceNotingIgnored(body, type.Type, out var ignored);
        var dialects = Patching.DialectUse.End();
        _ignored.Attributes("replace", type.Name, ignored);
        return await WriteAsync(
            context,
            type,
            id,
            options,
            projection,
            tree =>
            {
                var result = _engine.Replacer.Replace(tree, replacement.DeepClone().AsObject(), type.Type);
                result.Dialects = dialects;
                return result;
            },
            isReplace: true,
            cancellationToken).ConfigureAwait(false);
    }

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
        ScimTelemetry.Observe("patch", TypeNameOf(resourceType), context, (this, context, resourceType, id, body, options, cancellationToken), static s => s.Item1.PatchCoreAsync(s.context, s.resourceType, s.id, s.body, s.options, s.cancellationToken));

    private async Task<ScimResourceResult> PatchCoreAsync(ScimContext context, string resourceType, string id, ReadOnlyMemory<byte> body, ScimRequestOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var request = _engine.Patcher.ReadRequest(body);
        var type = Require(resourceType, id);
        var projection = ProjectionOf(type.Type, options);
        return await WriteAsync(context, type, id, options, projection, tree =>
        {
            var result = _engine.Patcher.Apply(tree, type.Type, request);
            _ignored.Attributes("patch", type.Name, result.IgnoredAttributes);
            return result;
        }, isReplace: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a resource; a deleted member (a user, a group, or a resource of another type groups may list) is also removed from every group that listed it.</summary>
    /// <param name="context">Tenant and actor.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="id">The id.</param>
    /// <param name="options">If-Match.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the resource is gone.</returns>
    /// <exception cref="ScimException">404, or 412 when If-Match does not match.</exception>
    public Task DeleteAsync(ScimContext context, string resourceType, string id, ScimRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        ScimTelemetry.Observe("delete", TypeNameOf(resourceType), context, (this, context, resourceType, id, options, cancellationToken), static s => s.Item1.DeleteCoreAsync(s.context, s.resourceType, s.id, s.options, s.cancellationToken));

    private async Task DeleteCoreAsync(ScimContext context, string resourceType, string id, ScimRequestOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var type = Require(resourceType, id);
        var ifMatch = options?.IfMatch;
        IReadOnlyList<string> formerGroups = [];
        DateTimeOffset now;
        ScimEventDraft? events;

        // Only what may be a member is looked up as one: a store whose members are users keeps user
        // keys in its membership rows, and a group's id there could name a user.
        var mayBeMember = _groupStore is not null && _memberTypes.Contains(type);
        for (var attempt = 0; ; attempt++)
        {
            // The groups that list it, read before the delete: with a cascading foreign key its
            // membership rows go with it, and the store could not tell afterwards which groups changed.
            if (mayBeMember)
            {
                formerGroups = [.. (await _groupStore!.GetGroupsOfMembersAsync(context, [id], cancellationToken).ConfigureAwait(false)).Select(m => m.GroupId).Distinct(StringComparer.Ordinal)];
            }

            string? expected = null;
            if (!string.IsNullOrWhiteSpace(options?.IfNoneMatch))
            {
                var current = await type.GetAsync(context, id, IdOnly(type.Type).Hints, cancellationToken).ConfigureAwait(false) ?? throw NotFound(type, id);
                if (NoneMatchFails(options.IfNoneMatch, current.Meta?.Version ?? string.Empty))
                {
                    throw PreconditionFailed(type, id);
                }
            }

            if (!string.IsNullOrWhiteSpace(ifMatch))
            {
                var current = await type.GetAsync(context, id, IdOnly(type.Type).Hints, cancellationToken).ConfigureAwait(false) ?? throw NotFound(type, id);
                var version = current.Meta?.Version ?? string.Empty;
                if (!await SatisfiesIfMatchAsync(context, type, current, ifMatch, cancellationToken).ConfigureAwait(false))
                {
                    throw PreconditionFailed(type, id);
                }

                expected = version;
            }

            now = Now();
            events = _events.Deleted(context, type.Type, id, null, now);
            switch (await type.DeleteAsync(context.WithEvents(events), id, expected, cancellationToken).ConfigureAwait(false))
            {
                case StoreWriteStatus.NotFound:
                    throw NotFound(type, id);
                case StoreWriteStatus.VersionMismatch when attempt < Options.MaxWriteRetries:
                    continue; // changed between the check and the delete: check the header again
                case StoreWriteStatus.VersionMismatch when string.IsNullOrWhiteSpace(ifMatch):
                    throw KeptChanging(type, id);
                case StoreWriteStatus.VersionMismatch:
                    throw PreconditionFailed(type, id);
                case StoreWriteStatus.Conflict:
                    throw new ScimException(409, null, $"{type.Name} '{id}' cannot be deleted now."); // not a uniqueness conflict: no scimType
            }

            break;
        }

        await _events.PublishAsync(events, id, null, cancellationToken).ConfigureAwait(false);
        if (mayBeMember)
        {
            var version = NewVersion();
            var removals = _events.MemberRemoved(context, _groups!.Type, id, events, now);
            var changedGroups = await _groupStore!.MemberDeletedAsync(context.WithEvents(removals), id, formerGroups, version, now, cancellationToken).ConfigureAwait(false);
            await _events.PublishAsync(removals, changedGroups.Select(groupId => (groupId, (string?)version)), null, null, cancellationToken).ConfigureAwait(false);
        }

        await ReleaseReferencesAsync(context, type, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After a write that added references: one whose resource was deleted in the meantime is let
    /// go (the delete's clean-up may have looked before this write was there), and a hierarchy
    /// reference that another write of the same moment turned into a cycle is let go too, and the
    /// request answered 409, since what it asked for is not what stays.
    /// </summary>
    /// <returns>The resource as it is after letting go, or <paramref name="written"/> when nothing had to go.</returns>
    private async Task<ScimResource> ReleaseVanishedAsync(ScimContext context, ServedType type, ScimResource written, IReadOnlyList<ReferenceCheck.Added> references, CancellationToken cancellationToken)
    {
        if (references.Count == 0)
        {
            return written;
        }

        var gone = await _references.VanishedAsync(context, type, written.Id!, references, cancellationToken).ConfigureAwait(false);
        foreach (var reference in gone)
        {
            await ReleaseAsync(context, type, written.Id!, reference.Extension, reference.Attribute, reference.Id, string.Join(" or ", reference.Reference.Targets.Select(t => t.Name)), cancellationToken).ConfigureAwait(false);
        }

        if (gone.FirstOrDefault(g => g.ClosesCycle) is { } cycle)
        {
            throw new ScimException(409, null, $"'{cycle.Attribute.Name}' was set to '{cycle.Id}' while another request made '{cycle.Id}' a descendant of this {type.Name}; the two would make a cycle, so it was not kept.");
        }

        return gone.Count == 0 ? written : await type.GetAsync(context, written.Id!, ReadHints.All, cancellationToken).ConfigureAwait(false) ?? written;
    }

    /// <summary>
    /// After a delete, the resources of host types that referred to it (an agent's <c>owners</c> or
    /// <c>parent</c>, an application's <c>agents</c>) let go of it, each as a change of its own, with
    /// its new version and its change event, as a group lets go of a deleted member.
    /// </summary>
    private async Task ReleaseReferencesAsync(ScimContext context, ServedType deleted, string id, CancellationToken cancellationToken)
    {
        foreach (var (holder, extension, attribute) in _references.HoldersOf(deleted))
        {
            foreach (var holderId in await _references.FindHoldersAsync(context, holder, extension, attribute, id, cancellationToken).ConfigureAwait(false))
            {
                await ReleaseAsync(context, holder, holderId, extension, attribute, id, deleted.Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One resource lets go of a reference, written as a PATCH would be.</summary>
    private async Task ReleaseAsync(ScimContext context, ServedType holder, string holderId, string? extension, Schema.SchemaAttribute attribute, string id, string referencedType, CancellationToken cancellationToken)
    {
        var keptAsRequired = false;
        try
        {
            await WriteAsync(
                context,
                holder,
                holderId,
                new ScimRequestOptions { ReturnResource = false },
                IdOnly(holder.Type),
                tree => ReferenceCheck.Release(tree, holder.Type, extension, attribute, id, out keptAsRequired),
                isReplace: false,
                cancellationToken).ConfigureAwait(false);
        }
        catch (ScimException gone) when (gone.Status == 404)
        {
            // Deleted meanwhile: nothing left to let go.
        }

        if (keptAsRequired)
        {
            LogReferenceKept(_logger, holder.Name, holderId, attribute.Name, referencedType, id);
        }
    }

    /// <summary>
    /// PUT and PATCH: read the stored resource, check <c>If-Match</c>, apply the change to its tree,
    /// write it conditioned on the version read, and start over (after a short random wait) when
    /// another writer got there first and the client did not pin a version. A group's members never
    /// enter the tree: they reach the store as a delta.
    /// </summary>
    private async Task<ScimResourceResult> WriteAsync(ScimContext context, ServedType type, string id, ScimRequestOptions? options, ScimProjection projection, Func<JsonObject, PatchResult> change, bool isReplace, CancellationToken cancellationToken)
    {
        var ifMatch = options?.IfMatch;
        var pinned = !string.IsNullOrWhiteSpace(ifMatch);
        var isGroup = ReferenceEquals(type, _groups);
        WriteGates.Turn? turn = null;
        IReadOnlyList<ReferenceCheck.Added> references = [];
        ScimResourceResult written;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                if (attempt == 1)
                {
                    // Lost a race: from now on, writers of this resource in this process take turns.
                    turn = await _engine.Gates.EnterAsync(context.Tenant, type.Name, id, cancellationToken).ConfigureAwait(false);
                }

                if (await AttemptAsync(attempt).ConfigureAwait(false) is { } result)
                {
                    written = result;
                    break;
                }
            }
        }
        finally
        {
            turn?.Dispose();
        }

        // Outside the turn: letting go is a write of this same resource, which may take its turn too.
        if (references.Count > 0 && await ReleaseVanishedAsync(context, type, written.Resource, references, cancellationToken).ConfigureAwait(false) is var after && !ReferenceEquals(after, written.Resource))
        {
            written = await FinishAsync(context, type, after, projection, options, changed: true, cancellationToken).ConfigureAwait(false);
        }

        return written;

        // One read, change and write; null when it lost a race and should run again.
        async Task<ScimResourceResult?> AttemptAsync(int attempt)
        {
            var stored = await type.GetAsync(context, id, isGroup ? WithoutMembers(type.Type).Hints : ReadHints.All, cancellationToken).ConfigureAwait(false) ?? throw NotFound(type, id);
            var storedVersion = stored.Meta?.Version ?? string.Empty;
            if (!await SatisfiesIfMatchAsync(context, type, stored, ifMatch, cancellationToken).ConfigureAwait(false) || NoneMatchFails(options?.IfNoneMatch, storedVersion))
            {
                throw PreconditionFailed(type, id);
            }

            var tree = ResourceTrees.ToTree(stored);
            if (isGroup)
            {
                tree.Remove("members");
            }

            var before = _events.Before(tree);
            var original = _references.Checks(type) ? (JsonObject)tree.DeepClone() : null;
            var result = change(tree);
            var paths = isGroup ? result.ChangedPaths.Where(p => !ChangeEvents.IsMembersPath(p)).ToList() : [.. result.ChangedPaths];
            var members = result.Members ?? MembershipChange.None;
            if (paths.Count == 0 && members.IsEmpty)
            {
                return await FinishAsync(context, type, stored, projection, options, changed: false, cancellationToken).ConfigureAwait(false);
            }

            CheckPasswordChange(paths.Any(p => string.Equals(p, "password", StringComparison.OrdinalIgnoreCase)));
            IReadOnlyList<ReferenceCheck.Added> checkedReferences = [];
            if (original is not null && paths.Count > 0)
            {
                checkedReferences = await _references.CheckAsync(context, type, tree, original, id, cancellationToken).ConfigureAwait(false);
            }

            var now = Now();
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
                if (!string.Equals((string?)tree["externalId"], stored.ExternalId, StringComparison.Ordinal))
                {
                    await CheckExternalIdAsync(context, type, (string?)tree["externalId"], id, cancellationToken).ConfigureAwait(false);
                }
            }

            ScimResource saved;
            IReadOnlyList<string> added = [], removed = [];
            // A resource other than a group is written whole: a store that says what it wrote has its
            // event compare that with the resource before (a group's members travel as a delta).
            var events = _events.Changed(context, type.Type, isReplace, paths, before, tree, result.Dialects, now, isGroup ? null : stored);
            var writing = context.WithEvents(events);
            if (!isGroup)
            {
                var written = await type.ReplaceAsync(writing, type.FromTree(tree), storedVersion, cancellationToken).ConfigureAwait(false);
                if (written.Status == StoreWriteStatus.VersionMismatch && !pinned && attempt < Options.MaxWriteRetries)
                {
                    await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                    return null; // lost a race with another writer: re-read and re-apply
                }

                saved = Written(written, type, id, ifMatch);
                if (written.Unchanged)
                {
                    // The store keeps none of what changed (a value of a type it does not keep): no new version, no event.
                    return await FinishAsync(context, type, saved, projection, options, changed: false, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                IReadOnlyList<string> ignoredMembers = [];
                if (members.Added.Count > 0)
                {
                    var checkedMembers = await _members!.CheckAsync(context, id, members.Added, cancellationToken).ConfigureAwait(false);
                    ignoredMembers = checkedMembers.Ignored;
                    members = new MembershipChange(members.RemoveAll, checkedMembers.Members, members.Removed);
                    if (paths.Count == 0 && members.IsEmpty)
                    {
                        // Every member added was left out as unknown: nothing to write, and the version stays.
                        _ignored.Members(context, id, ignoredMembers);
                        return await FinishAsync(context, type, stored, projection, options, changed: false, cancellationToken).ConfigureAwait(false);
                    }
                }

                var patched = await _groupStore!.PatchAsync(writing, new GroupPatch
                {
                    Id = id,
                    Attributes = paths.Count > 0 ? ResourceTrees.ToGroup(tree) : null,
                    Members = members,
                    // Membership deltas commute: only attribute changes (or the client's If-Match) need the version check.
                    ExpectedVersion = paths.Count > 0 || pinned ? storedVersion : null,
                    NewVersion = version,
                    LastModified = now,
                }, cancellationToken).ConfigureAwait(false);
                if (patched.Status == StoreWriteStatus.VersionMismatch && !pinned && attempt < Options.MaxWriteRetries)
                {
                    await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                    return null;
                }

                saved = Written(new StoreWriteResult<ScimResource>(patched.Status, patched.Group ?? stored, patched.ConflictAttribute), type, id, ifMatch);
                _ignored.Members(context, id, ignoredMembers);
                if (patched.Group is null && patched.Succeeded)
                {
                    // The store did not hand the group back: its new version and attributes are read again.
                    saved = await type.GetAsync(context, id, WithoutMembers(type.Type).Hints, cancellationToken).ConfigureAwait(false) ?? saved;
                }

                added = patched.AddedMemberIds;
                removed = patched.RemovedMemberIds;
                if ((paths.Count == 0 || patched.AttributesUnchanged) && added.Count == 0 && removed.Count == 0)
                {
                    // Every added member was there already, every removed one gone, and the store kept
                    // no attribute that changed: nothing changed.
                    return await FinishAsync(context, type, saved, projection, options, changed: false, cancellationToken).ConfigureAwait(false);
                }
            }

            await _events.PublishAsync(events, id, saved.Meta?.Version, cancellationToken, added, removed).ConfigureAwait(false);
            references = checkedReferences; // looked at again once the turn is over
            return await FinishAsync(context, type, saved, projection, options, changed: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>If-None-Match</c> on a PUT, PATCH or DELETE (RFC 9110 §13.1.2): it fails, and the method is
    /// not performed (412), when it is <c>*</c> or names the stored version (or one made from it).
    /// </summary>
    private static bool NoneMatchFails(string? ifNoneMatch, string storedVersion) =>
        !string.IsNullOrWhiteSpace(ifNoneMatch)
        && (!ResourceVersion.SatisfiesIfNoneMatch(ifNoneMatch, storedVersion) || ResourceVersion.MayNameDerived(ifNoneMatch, storedVersion));

    /// <summary>
    /// <c>If-Match</c> against the versions a client may have been given for the resource: the
    /// stored one, or one that also covers the derived values a response carried (a user's
    /// <c>groups</c>: <see cref="ResourceVersion.WithDerived"/>), which are read only when the
    /// header names such a version.
    /// </summary>
    private async ValueTask<bool> SatisfiesIfMatchAsync(ScimContext context, ServedType type, ScimResource stored, string? ifMatch, CancellationToken cancellationToken)
    {
        var version = stored.Meta?.Version ?? string.Empty;
        if (ResourceVersion.SatisfiesIfMatch(ifMatch, version))
        {
            return true;
        }

        if (!ResourceVersion.MayNameDerived(ifMatch, version))
        {
            return false;
        }

        // Read whole: a store that reads a user's groups with the user does so only when asked for them.
        var whole = await type.GetAsync(context, stored.Id!, ReadHints.All, cancellationToken).ConfigureAwait(false);
        if (whole is null || !string.Equals(whole.Meta?.Version, version, StringComparison.Ordinal))
        {
            return false; // deleted or changed since: the version the client names is not the current one
        }

        var seen = await ResultAsync(context, type, whole, ProjectionOf(type.Type, null), changed: false, cancellationToken, read: true).ConfigureAwait(false);
        return ResourceVersion.SatisfiesIfMatch(ifMatch, seen.Version);
    }

    /// <summary>
    /// After a lost race, waits a short random time (growing with the attempt, at most 31 ms) before
    /// re-reading, so that writers contending for one resource spread out instead of colliding again.
    /// </summary>
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(Random.Shared.Next(0, 1 << Math.Min(attempt + 1, 5)), cancellationToken);

    /// <summary>
    /// The result of a write. A group's members are never read by the write; they are read again
    /// only when the response carries them and the caller wants the resource whatever it costs.
    /// </summary>
    private async Task<ScimResourceResult> FinishAsync(ScimContext context, ServedType type, ScimResource resource, ScimProjection projection, ScimRequestOptions? options, bool changed, CancellationToken cancellationToken)
    {
        var needsMembers = ReferenceEquals(type, _groups) && projection.Includes("members");
        var returnResource = options is null ? true : options.ReturnResource;
        if (needsMembers && returnResource == true)
        {
            resource = await type.GetAsync(context, resource.Id!, projection.Hints, cancellationToken).ConfigureAwait(false) ?? resource;
        }

        var result = await ResultAsync(context, type, resource, projection, changed, cancellationToken).ConfigureAwait(false);
        result.BodyOmitted = returnResource == false || (needsMembers && returnResource is null);
        return result;
    }

    /// <summary>Refuses a request that sets or changes a password when the host does not accept them or its user store does not keep them (<c>changePassword.supported</c> is false).</summary>
    private void CheckPasswordChange(bool changesPassword)
    {
        if (changesPassword && !_engine.AcceptsPasswords)
        {
            throw ScimException.BadRequest(ScimErrorType.Mutability, "This service provider does not accept passwords (changePassword is not supported); leave 'password' out.");
        }
    }

    private async Task CheckExternalIdAsync(ScimContext context, ServedType type, string? externalId, string? selfId, CancellationToken cancellationToken)
    {
        if (!Options.UniqueExternalId || string.IsNullOrEmpty(externalId))
        {
            return;
        }

        var query = new ScimQuery { Filter = MemberCheck.AnyOf("externalId", [externalId]), Count = 2, Hints = IdOnly(type.Type).Hints };
        var hits = (await type.QueryAsync(context, query, cancellationToken).ConfigureAwait(false)).Resources;
        if (hits.Any(h => !string.Equals(h.Id, selfId, StringComparison.Ordinal)))
        {
            throw Uniqueness("externalId");
        }
    }

    /// <summary>The resource a store wrote, or the SCIM error its status stands for.</summary>
    private static ScimResource Written(StoreWriteResult<ScimResource> written, ServedType type, string id, string? ifMatch) => written.Status switch
    {
        StoreWriteStatus.Succeeded => written.Resource!,
        StoreWriteStatus.NotFound => throw NotFound(type, id),
        StoreWriteStatus.VersionMismatch when string.IsNullOrWhiteSpace(ifMatch) => throw KeptChanging(type, id),
        StoreWriteStatus.VersionMismatch => throw PreconditionFailed(type, id),
        _ => throw Uniqueness(written.ConflictAttribute),
    };

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

    private static byte[] Bytes(ScimResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return System.Text.Encoding.UTF8.GetBytes(ResourceTrees.ToTree(resource).ToJsonString());
    }
}
