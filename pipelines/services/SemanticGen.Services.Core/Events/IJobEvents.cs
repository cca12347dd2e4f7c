namespace SemanticGen.Services.Core.Events;

/// <summary>Publishes job events: in-process (<see cref="InProcessJobEvents"/>) or on Dapr pub/sub (<see cref="DaprJobEvents"/>).</summary>
public interface IJobEvents
{
    /// <summary>Publishes <paramref name="jobEvent"/> to its topic.</summary>
    Task PublishAsync(IJobEvent jobEvent, CancellationToken cancellationToken = default);
}
