using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Running;

/// <summary>What became of a submission: accepted, invalid, or refused because the queue is full.</summary>
public abstract record SubmitOutcome
{
    private SubmitOutcome()
    {
    }

    /// <summary>Stored and queued.</summary>
    public sealed record Accepted(JobRecord Job) : SubmitOutcome;

    /// <summary>Rejected: problems by JSON field.</summary>
    public sealed record Invalid(IDictionary<string, string[]> Errors) : SubmitOutcome;

    /// <summary>Refused: the queue is full; try again after <paramref name="RetryAfter"/>.</summary>
    public sealed record QueueFull(TimeSpan RetryAfter, int Capacity) : SubmitOutcome;
}
