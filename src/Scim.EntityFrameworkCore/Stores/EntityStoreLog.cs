using Microsoft.Extensions.Logging;

namespace Scim.EntityFrameworkCore;

/// <summary>What the EF Core stores log.</summary>
internal static partial class EntityStoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The manager '{Manager}' of {ResourceType} '{Id}' is not a user of its tenant and was left out (UnknownMembers = Ignore)")]
    public static partial void ManagerLeftOut(ILogger logger, string resourceType, string id, string manager);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The manager '{Manager}' of the new {ResourceType} '{UserName}' is not a user of its tenant and was left out (UnknownMembers = Ignore)")]
    public static partial void ManagerLeftOutOfNew(ILogger logger, string resourceType, string? userName, string manager);
}
