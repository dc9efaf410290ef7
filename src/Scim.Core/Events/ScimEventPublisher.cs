using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Scim.Core.Events;

/// <summary>Calls every subscriber for each event, isolating failures.</summary>
internal sealed partial class ScimEventPublisher
{
    private readonly IScimEventSubscriber[] _subscribers;
    private readonly ILogger _logger;

    public ScimEventPublisher(IEnumerable<IScimEventSubscriber> subscribers, ILogger? logger = null)
    {
        _subscribers = [.. subscribers];
        _logger = logger ?? NullLogger.Instance;
    }

    public bool HasSubscribers => _subscribers.Length > 0;

    public async Task PublishAsync(ScimChangeEvent change)
    {
        foreach (var subscriber in _subscribers)
        {
            try
            {
                await subscriber.OnChangeAsync(change, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a subscriber's failure must not fail the change that already happened
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogSubscriberFailed(_logger, exception, subscriber.GetType().Name, change.Kind, change.ResourceType, change.ResourceId);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "SCIM event subscriber {Subscriber} failed on {Kind} of {ResourceType} {ResourceId}")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, string subscriber, ScimChangeKind kind, string resourceType, string resourceId);
}
