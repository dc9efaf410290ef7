using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Scim.Core.Events;

/// <summary>Offers one event to every subscriber in turn; one subscriber's failure neither stops the others nor the caller.</summary>
internal sealed partial class ScimEventPublisher(ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Calls each subscriber; returns the first failure, or <see langword="null"/> when every one succeeded.</summary>
    public async Task<Exception?> PublishAsync(IEnumerable<IScimEventSubscriber> subscribers, ScimChangeEvent change, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        foreach (var subscriber in subscribers)
        {
            try
            {
                await subscriber.OnChangeAsync(change, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a subscriber's failure must not fail the change that already happened
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LogSubscriberFailed(_logger, exception, subscriber.GetType().Name, change.Kind, change.ResourceType, change.ResourceId, change.EventId);
                failure ??= exception;
            }
        }

        return failure;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "SCIM event subscriber {Subscriber} failed on {Kind} of {ResourceType} {ResourceId} (event {EventId})")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, string subscriber, ScimChangeKind kind, string resourceType, string resourceId, string eventId);
}
