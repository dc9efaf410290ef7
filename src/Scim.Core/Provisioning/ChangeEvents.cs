using System.Text.Json.Nodes;
using Scim.Core.Diagnostics;
using Scim.Core.Events;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

/// <summary>
/// Turns a change into its <see cref="ScimChangeEvent"/>: what kind of change it was (a change of
/// <c>active</c> is an activation or deactivation, a change of members alone is members added or
/// removed) and, when the host asks for values, the changed attributes before and after, sensitive
/// ones redacted. Each write gets a <see cref="ScimEventDraft"/> before the store call (a store
/// with an outbox completes and keeps it in its transaction); after the write, the event goes to
/// delivery unless the store kept it.
/// </summary>
internal sealed class ChangeEvents(SchemaRegistry registry, IEventDelivery delivery, bool allValues, bool resources)
{
    /// <summary>
    /// The attributes whose old and new values every event carries when they change, whatever
    /// <c>EventValues</c> says: what decides a user's access (group membership travels as ids).
    /// </summary>
    public static readonly IReadOnlyList<string> SecurityAttributes = ["active", "roles", "entitlements"];

    /// <summary>Whether anything consumes events (when nothing does, nothing is built).</summary>
    public bool Active => delivery.Active;

    /// <summary>
    /// A POST: <paramref name="tree"/> is the resource as asked (its id and version are the store's,
    /// given at completion). A store that says what it wrote (<see cref="ScimEventDraft.Written"/>:
    /// the EF Core store over a host's columns, which keeps one value per type, a type in its case)
    /// has the event describe that instead.
    /// </summary>
    public ScimEventDraft? Created(ScimContext context, ScimResourceType type, JsonObject tree, Patching.PatchDialects dialects, DateTimeOffset time, IReadOnlyList<string>? members = null)
    {
        ScimEventDraft? draft = null;
        draft = Draft((txn, id, version, _, _) =>
        {
            var kept = tree;
            var names = AttributeNames(tree, members is { Count: > 0 });
            if (draft?.Written is { } written)
            {
                // What was asked and kept (a password as asked: no read returns it), and what the
                // row holds unasked (a column's default, a value derived from another); members
                // travel as ids, named once.
                kept = ResourceTrees.ToTree(written);
                names = [.. Kept(AttributeNames(tree, false), [], kept, type).Where(p => !IsMembersPath(p)), .. members is { Count: > 0 } ? ["members"] : Array.Empty<string>()];
            }

            return Event(context, txn, "POST", type, id, (string?)kept["externalId"], ScimChangeKind.Created, names, version, time, null, null, members ?? [], [], Written(kept, id, version, type), Patching.DialectUse.Names(dialects));
        });
        return draft;
    }

    /// <summary>
    /// The attributes a resource was created with (an extension's as <c>urn:...:name</c>; not its
    /// <c>id</c>, which the service gave it), and <c>members</c> when a group was created with some,
    /// as a change of its members names them.
    /// </summary>
    private static List<string> AttributeNames(JsonObject tree, bool withMembers)
    {
        var names = new List<string>();
        foreach (var (key, value) in tree)
        {
            if (key is "schemas" or "meta" or "members" or "id" || value is null)
            {
                continue;
            }

            if (value is JsonObject extension && key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
            {
                names.AddRange(extension.Where(e => e.Value is not null).Select(e => key + ":" + e.Key));
            }
            else
            {
                names.Add(key);
            }
        }

        if (withMembers)
        {
            names.Add("members");
        }

        return names;
    }

    /// <summary>
    /// A DELETE. A store that lets go of the deleted resource in others of its type as it deletes
    /// (a user that managed others: <c>MapManager</c> of the EF Core store) reports each of them
    /// through <see cref="ScimEventDraft.Release"/>: a <see cref="ScimChangeKind.Patched"/> event
    /// of the enterprise <c>manager</c>, in the delete's transaction.
    /// </summary>
    public ScimEventDraft? Deleted(ScimContext context, ScimResourceType type, string deletedId, string? externalId, DateTimeOffset time) =>
        Draft(
            (txn, id, _, _, _) => Event(context, txn, "DELETE", type, id, externalId, ScimChangeKind.Deleted, [], null, time, null, null, [], [], null),
            releases: (txn, id, version, tree) => Released(context, txn, type, id, version, tree, deletedId, time));

    /// <summary>The path of the enterprise extension's <c>manager</c>, as a change names it.</summary>
    private static readonly string ManagerPath = ScimSchemaUris.EnterpriseUser + ":manager";

    /// <summary>A user let go of its deleted manager: the manager's value before, none after.</summary>
    private ScimChangeEvent Released(ScimContext context, string txn, ScimResourceType type, string id, string? version, JsonObject? tree, string managerId, DateTimeOffset time)
    {
        var before = allValues ? new JsonObject { [ScimSchemaUris.EnterpriseUser] = new JsonObject { ["manager"] = new JsonObject { ["value"] = managerId } } } : null;
        return Event(context, txn, "DELETE", type, id, (string?)tree?["externalId"], ScimChangeKind.Patched, [ManagerPath], version, time, before, before is null ? null : [], [], [], tree is null ? null : Written(tree, id, version, type));
    }

    /// <summary>A deleted member leaves groups: one event per group the store changed, in the member's delete's transaction.</summary>
    public ScimEventDraft? MemberRemoved(ScimContext context, ScimResourceType groupType, string memberId, ScimEventDraft? deletion, DateTimeOffset time) =>
        Draft((txn, groupId, version, _, _) => Event(context, txn, "DELETE", groupType, groupId, null, ScimChangeKind.MembersRemoved, ["members"], version, time, null, null, [], [memberId], null), deletion?.Transaction);

    /// <summary>
    /// A PUT or PATCH: its kind follows from what changed; none when nothing did (members all there
    /// already). With <paramref name="stored"/> (the whole resource before the change) and the
    /// resource as the store wrote it (<see cref="ScimEventDraft.Written"/>), the event reports what
    /// changed between the two: a store over the host's columns may keep less than was asked (a
    /// column mapped read-only) or more (a value derived from another column).
    /// </summary>
    public ScimEventDraft? Changed(ScimContext context, ScimResourceType type, bool isReplace, IReadOnlyList<string> asked, JsonObject? before, JsonObject requested, Patching.PatchDialects dialects, DateTimeOffset time, ScimResource? stored = null)
    {
        ScimEventDraft? draft = null;
        draft = Draft((txn, id, version, added, removed) =>
        {
            // Compared only when the store handed over what it wrote (the EF Core store, whose map
            // may keep less or other than asked); a store that keeps what it is given costs nothing.
            var after = requested;
            var paths = asked;
            if (stored is not null && draft?.Written is { } written)
            {
                after = ResourceTrees.ToTree(written);
                paths = Kept(asked, ResourceTrees.ToTree(stored), after, type);
            }

            if (paths.Count == 0 && added.Count == 0 && removed.Count == 0)
            {
                return null;
            }

            var changedPaths = added.Count > 0 || removed.Count > 0 ? [.. paths, "members"] : paths;
            ScimChangeKind kind;
            if (paths.Any(p => string.Equals(p, "active", StringComparison.OrdinalIgnoreCase)))
            {
                kind = after["active"] is JsonValue active && active.TryGetValue<bool>(out var on) && on ? ScimChangeKind.Activated : ScimChangeKind.Deactivated;
            }
            else if (paths.Count == 0 && added.Count > 0 && removed.Count == 0)
            {
                kind = ScimChangeKind.MembersAdded;
            }
            else if (paths.Count == 0 && removed.Count > 0 && added.Count == 0)
            {
                kind = ScimChangeKind.MembersRemoved;
            }
            else
            {
                kind = isReplace ? ScimChangeKind.Replaced : ScimChangeKind.Patched;
            }

            return Event(context, txn, isReplace ? "PUT" : "PATCH", type, id, (string?)after["externalId"], kind, changedPaths, version, time, before, after, added, removed, Written(after, id, version, type), Patching.DialectUse.Names(dialects));
        });
        return draft;
    }

    /// <summary>
    /// The paths of a change as the store kept it: those asked for whose attribute differs between
    /// <paramref name="stored"/> and <paramref name="written"/> (or that is never returned, as a
    /// password, which no read can compare), then each other attribute that differs.
    /// </summary>
    private List<string> Kept(IReadOnlyList<string> asked, JsonObject stored, JsonObject written, ScimResourceType type)
    {
        var differ = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in stored.Select(p => p.Key).Union(written.Select(p => p.Key), StringComparer.Ordinal))
        {
            // Not compared: what the service gives (id, meta, schemas), and a user's groups, which
            // the service derives; a host type's own attributes of those names are compared.
            if (key is "id" or "meta" or "schemas" || (key == "groups" && type.Schema == ScimSchemaUris.User))
            {
                continue;
            }

            var was = stored[key];
            var now = written[key];
            if (key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) && (was is JsonObject || now is JsonObject))
            {
                foreach (var name in ((was as JsonObject)?.Select(p => p.Key) ?? []).Union((now as JsonObject)?.Select(p => p.Key) ?? [], StringComparer.Ordinal))
                {
                    if (!JsonNode.DeepEquals(was?[name], now?[name]))
                    {
                        differ.Add(key + ":" + name);
                    }
                }
            }
            else if (!JsonNode.DeepEquals(was, now))
            {
                differ.Add(key);
            }
        }

        var kept = new List<string>(asked.Count);
        var covered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in asked)
        {
            if (!registry.TryResolveAttribute(type, path, out var resolved, out _))
            {
                kept.Add(path);
                continue;
            }

            var key = resolved.IsExtension ? resolved.Schema.Id + ":" + resolved.Attribute.Name : resolved.Attribute.Name;
            if (differ.Contains(key) || resolved.Attribute.Returned == Returned.Never)
            {
                kept.Add(path);
                covered.Add(key);
            }
        }

        kept.AddRange(differ.Where(key => !covered.Contains(key)));
        return kept;
    }

    /// <summary>
    /// After a successful write: the events the store kept are the outbox's to deliver; otherwise
    /// the draft is completed here, for each resource the write changed, and queued.
    /// </summary>
    public async ValueTask PublishAsync(ScimEventDraft? draft, IEnumerable<(string Id, string? Version)> changed, IReadOnlyList<string>? added, IReadOnlyList<string>? removed, CancellationToken cancellationToken)
    {
        if (draft is null)
        {
            return;
        }

        if (draft.TakenByStore)
        {
            foreach (var kept in draft.Completed.Concat(draft.Released))
            {
                ScimTelemetry.Published(kept);
            }

            delivery.Recorded();
            return;
        }

        foreach (var (id, version) in changed)
        {
            if (draft.Complete(id, draft.VersionOf(id, version), added, removed) is { } change)
            {
                ScimTelemetry.Published(change);
                await delivery.EnqueueAsync(change, cancellationToken).ConfigureAwait(false);
            }
        }

        // What the store let go of the deleted resource in, after the delete's own event.
        foreach (var change in draft.Released)
        {
            ScimTelemetry.Published(change);
            await delivery.EnqueueAsync(change, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After a successful write of one resource.</summary>
    public ValueTask PublishAsync(ScimEventDraft? draft, string id, string? version, CancellationToken cancellationToken, IReadOnlyList<string>? added = null, IReadOnlyList<string>? removed = null) =>
        PublishAsync(draft, [(id, version)], added, removed, cancellationToken);

    /// <summary>Whether a changed path is a group's <c>members</c> (which travel as ids, not values).</summary>
    public static bool IsMembersPath(string path) =>
        path.Equals("members", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("members.", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("members[", StringComparison.OrdinalIgnoreCase);

    private ScimEventDraft? Draft(Func<string, string, string?, IReadOnlyList<string>, IReadOnlyList<string>, ScimChangeEvent?> complete, string? transaction = null, Func<string, string, string?, JsonObject?, ScimChangeEvent?>? releases = null)
    {
        if (!delivery.Active)
        {
            return null;
        }

        var txn = transaction ?? Guid.CreateVersion7().ToString();
        return new ScimEventDraft((id, version, added, removed) => complete(txn, id, version, added, removed))
        {
            Transaction = txn,
            Releases = releases is null ? null : (id, version, tree) => releases(txn, id, version, tree),
        };
    }

    /// <summary>With <c>EventResources</c>: the resource as written, for the event; otherwise none.</summary>
    private JsonObject? Written(JsonObject tree, string id, string? version, ScimResourceType type)
    {
        if (!resources)
        {
            return null;
        }

        var resource = EventValues.Resource(tree, type, registry);
        resource["id"] = id;
        if (resource["meta"] is JsonObject meta)
        {
            meta["version"] = version;
        }

        return resource;
    }

    private ScimChangeEvent Event(ScimContext context, string transaction, string method, ScimResourceType type, string id, string? externalId, ScimChangeKind kind, IReadOnlyList<string> paths, string? version, DateTimeOffset time, JsonObject? before, JsonObject? after, IReadOnlyList<string> added, IReadOnlyList<string> removed, JsonObject? resource, IReadOnlyList<string>? dialects = null) => new()
    {
        Dialects = dialects ?? [],
        ResourceType = type.Name,
        ResourceId = id,
        ExternalId = externalId,
        Tenant = context.Tenant,
        Actor = context.Actor,
        Method = method,
        Transaction = transaction,
        Resource = resource,
        Kind = kind,
        ChangedPaths = paths,
        AddedMemberIds = added,
        RemovedMemberIds = removed,
        Version = version,
        Time = time,
        // Member changes travel as ids; the trees never hold members, so their values would read as none.
        Before = before is null ? null : Values(before, paths, type),
        After = before is null || after is null ? null : Values(after, paths, type),
    };

    /// <summary>The values an event carries: of every changed attribute, or of the security attributes alone (none: null).</summary>
    private JsonObject? Values(JsonObject tree, IReadOnlyList<string> paths, ScimResourceType type)
    {
        var carried = allValues ? [.. paths.Where(p => !IsMembersPath(p))] : paths.Where(IsSecurityPath).ToList();
        return allValues || carried.Count > 0 ? EventValues.Select(tree, carried, type, registry) : null;
    }

    /// <summary>Whether a changed path is one of the <see cref="SecurityAttributes"/> or below one (<c>roles[value eq "admin"].primary</c>).</summary>
    private static bool IsSecurityPath(string path) =>
        SecurityAttributes.Any(a => path.Equals(a, StringComparison.OrdinalIgnoreCase)
            || (path.StartsWith(a, StringComparison.OrdinalIgnoreCase) && path.Length > a.Length && path[a.Length] is '.' or '['));

    /// <summary>
    /// What an event needs of the resource before a change: all of it with <c>EventValues</c>,
    /// otherwise the security attributes alone; nothing when nothing consumes events.
    /// </summary>
    public JsonObject? Before(JsonObject tree)
    {
        if (!delivery.Active)
        {
            return null;
        }

        if (allValues)
        {
            return tree.DeepClone().AsObject();
        }

        var before = new JsonObject();
        foreach (var name in SecurityAttributes)
        {
            if (tree[name] is { } value)
            {
                before[name] = value.DeepClone();
            }
        }

        return before;
    }
}
