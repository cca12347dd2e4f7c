using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SemanticGen.Services.Core.Events;

/// <summary>The embedded event sink: logs each event and keeps the most recent ones for inspection in this process.</summary>
public sealed partial class InProcessJobEvents(ILogger<InProcessJobEvents> logger) : IJobEvents
{
    private const int Kept = 10_000;
    private readonly ConcurrentQueue<IJobEvent> _recent = new();

    /// <summary>Events published so far (the last 10 000), oldest first.</summary>
    public IReadOnlyList<IJobEvent> Recent => [.. _recent];

    /// <inheritdoc />
    public Task PublishAsync(IJobEvent jobEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        _recent.Enqueue(jobEvent);
        while (_recent.Count > Kept && _recent.TryDequeue(out _))
        {
        }

        Log(logger, jobEvent.Topic, jobEvent.JobId, jobEvent);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Topic} job {JobId}: {Event}")]
    private static partial void Log(ILogger logger, string topic, string jobId, IJobEvent @event);
}
