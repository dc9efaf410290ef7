using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scim.Core.Caching;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

/// <summary>
/// Logs what the service left out of a request because the host chose to accept it rather than
/// refuse it: unknown attributes (<c>ScimServiceOptions.Reading.UnknownAttributes = Ignore</c>) and
/// members that are no user or group of the tenant (<see cref="ScimServiceOptions.UnknownMembers"/>
/// <c>= Ignore</c>). Names and ids only, never values. An identity provider that sends an attribute
/// the host does not keep sends it with every user, so an attribute is a warning the first time it
/// is seen for its resource type (while the bounded memory of names holds it) and a debug entry after.
/// Ids left out of a group are a warning each time: each is a membership the client believes it made.
/// </summary>
internal sealed partial class IgnoredInput(ILogger? logger, BoundedCache<string, bool> reportedAttributes)
{
    // Names and ids come from clients: a few, each cut short, are enough to act on.
    private const int MaxListed = 20;
    private const int MaxLength = 100;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Logs the unknown attributes one request named that were dropped.</summary>
    /// <param name="operation">create, replace or patch.</param>
    /// <param name="resourceType">The resource type's name.</param>
    /// <param name="names">The attributes' paths as sent.</param>
    public void Attributes(string operation, string resourceType, IReadOnlyList<string> names)
    {
        if (names.Count == 0 || (!_logger.IsEnabled(LogLevel.Warning) && !_logger.IsEnabled(LogLevel.Debug)))
        {
            return;
        }

        var seenBefore = true;
        foreach (var name in names)
        {
            var key = string.Concat(resourceType, "|", Short(name));
            if (!reportedAttributes.TryGetValue(key, out _))
            {
                reportedAttributes.Add(key, true);
                seenBefore = false;
            }
        }

        var level = seenBefore ? LogLevel.Debug : LogLevel.Warning;
        if (_logger.IsEnabled(level))
        {
            var listed = List(names);
            LogIgnoredAttributes(_logger, level, operation, resourceType, listed);
        }
    }

    /// <summary>Logs the members left out of a write to a group.</summary>
    /// <param name="context">The request's tenant.</param>
    /// <param name="groupId">The group's id.</param>
    /// <param name="ids">The member ids left out.</param>
    public void Members(ScimContext context, string groupId, IReadOnlyList<string> ids)
    {
        if (ids.Count > 0 && _logger.IsEnabled(LogLevel.Warning))
        {
            LogIgnoredMembers(_logger, groupId, context.Tenant, ids.Count, List(ids));
        }
    }

    private static string Short(string text) => text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), "…");

    private static string List(IReadOnlyList<string> items)
    {
        var listed = string.Join(", ", items.Take(MaxListed).Select(Short));
        return items.Count > MaxListed ? $"{listed} (and {items.Count - MaxListed} more)" : listed;
    }

    [LoggerMessage(EventId = 10, Message = "A SCIM {Operation} of a {ResourceType} named attributes this service does not have; they were ignored (Reading.UnknownAttributes is Ignore): {Attributes}")]
    private static partial void LogIgnoredAttributes(ILogger logger, LogLevel level, string operation, string resourceType, string attributes);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "SCIM group {GroupId} of tenant {Tenant}: {Count} members that are no user or group of the tenant were left out (UnknownMembers is Ignore): {MemberIds}")]
    private static partial void LogIgnoredMembers(ILogger logger, string groupId, string tenant, int count, string memberIds);
}
