using Microsoft.Extensions.Logging;

namespace Scim.EntityFrameworkCore;

/// <summary>What the EF Core stores and their outbox log.</summary>
internal static partial class EntityStoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The manager '{Manager}' of {ResourceType} '{Id}' is not a user of its tenant and was left out (UnknownMembers = Ignore)")]
    public static partial void ManagerLeftOut(ILogger logger, string resourceType, string id, string manager);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The manager '{Manager}' of the new {ResourceType} '{UserName}' is not a user of its tenant and was left out (UnknownMembers = Ignore)")]
    public static partial void ManagerLeftOutOfNew(ILogger logger, string resourceType, string? userName, string manager);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The model of {Context} has no SCIM event outbox (ApplyScimEvents()): events are delivered from an in-process queue, and those not delivered when the process stops are lost. Add modelBuilder.ApplyScimEvents() and a migration to keep them with their changes")]
    public static partial void NoOutboxTable(ILogger logger, string context);
}
