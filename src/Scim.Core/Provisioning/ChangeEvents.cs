using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scim.Core.Events;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

/// <summary>
/// Turns a finished change into its <see cref="ScimChangeEvent"/>: what kind of change it was
/// (a change of <c>active</c> is an activation or deactivation, a change of members alone is
/// members added or removed) and, when the host asks for values, the changed attributes before
/// and after, sensitive ones redacted.
/// </summary>
internal sealed class ChangeEvents(SchemaRegistry registry, IEnumerable<IScimEventSubscriber> subscribers, ILogger? logger)
{
    private readonly ScimEventPublisher _publisher = new(subscribers, logger);

    /// <summary>Whether anyone listens (when nobody does, nothing is built).</summary>
    public bool HasSubscribers => _publisher.HasSubscribers;

    public Task CreatedAsync(ScimContext context, ScimResourceType type, string id, string? version, DateTimeOffset time) =>
        PublishAsync(context, type, id, ScimChangeKind.Created, [], version, time, null, null, [], []);

    public Task DeletedAsync(ScimContext context, ScimResourceType type, string id, DateTimeOffset time) =>
        PublishAsync(context, type, id, ScimChangeKind.Deleted, [], null, time, null, null, [], []);

    public Task MemberRemovedAsync(ScimContext context, ScimResourceType groupType, string groupId, string memberId, string version, DateTimeOffset time) =>
        PublishAsync(context, groupType, groupId, ScimChangeKind.MembersRemoved, ["members"], version, time, null, null, [], [memberId]);

    /// <summary>A PUT or PATCH: its kind follows from what changed.</summary>
    public Task ChangedAsync(ScimContext context, ScimResourceType type, string id, bool isReplace, IReadOnlyList<string> paths, JsonObject? before, JsonObject after, string? version, DateTimeOffset time, IReadOnlyList<string> added, IReadOnlyList<string> removed)
    {
        ScimChangeKind kind;
        if (paths.Any(p => string.Equals(p, "active", StringComparison.OrdinalIgnoreCase)))
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

        return PublishAsync(context, type, id, kind, paths, version, time, before, after, added, removed);
    }

    /// <summary>Whether a changed path is a group's <c>members</c> (which travel as ids, not values).</summary>
    public static bool IsMembersPath(string path) =>
        path.Equals("members", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("members.", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("members[", StringComparison.OrdinalIgnoreCase);

    private async Task PublishAsync(ScimContext context, ScimResourceType type, string id, ScimChangeKind kind, IReadOnlyList<string> paths, string? version, DateTimeOffset time, JsonObject? before, JsonObject? after, IReadOnlyList<string> added, IReadOnlyList<string> removed)
    {
        if (!_publisher.HasSubscribers)
        {
            return;
        }

        await _publisher.PublishAsync(new ScimChangeEvent
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
            Time = time,
            // Member changes travel as ids; the trees never hold members, so their values would read as none.
            Before = before is null ? null : EventValues.Select(before, [.. paths.Where(p => !IsMembersPath(p))], type, registry),
            After = before is null || after is null ? null : EventValues.Select(after, [.. paths.Where(p => !IsMembersPath(p))], type, registry),
        }).ConfigureAwait(false);
    }
}
