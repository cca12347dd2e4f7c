using Dapr.Client;

namespace SemanticGen.Services.Core.Events;

/// <summary>Publishes job events on the Dapr pub/sub component <see cref="DaprNames.PubSub"/>, one topic per event type.</summary>
public sealed class DaprJobEvents(DaprClient dapr) : IJobEvents
{
    /// <inheritdoc />
    public Task PublishAsync(IJobEvent jobEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        // The runtime type, so the payload carries the event's own fields (not just IJobEvent's).
        return jobEvent switch
        {
            JobAccepted e => dapr.PublishEventAsync(DaprNames.PubSub, e.Topic, e, cancellationToken),
            SemanticsGenerated e => dapr.PublishEventAsync(DaprNames.PubSub, e.Topic, e, cancellationToken),
            VideoRendered e => dapr.PublishEventAsync(DaprNames.PubSub, e.Topic, e, cancellationToken),
            JobFailed e => dapr.PublishEventAsync(DaprNames.PubSub, e.Topic, e, cancellationToken),
            _ => throw new ArgumentException($"unknown job event type {jobEvent.GetType().Name}.", nameof(jobEvent)),
        };
    }
}
