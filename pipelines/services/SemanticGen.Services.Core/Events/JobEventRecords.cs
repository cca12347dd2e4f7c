using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Events;

/// <summary>A past-tense fact about a job, published on pub/sub (topic: <see cref="Topic"/>).</summary>
public interface IJobEvent
{
    /// <summary>The job it is about.</summary>
    string JobId { get; }

    /// <summary>The pub/sub topic (one of <see cref="DaprNames.Topics"/>).</summary>
    string Topic { get; }
}

/// <summary>A job was stored and queued.</summary>
public sealed record JobAccepted(string JobId, JobKind Kind, DateTimeOffset At) : IJobEvent
{
    /// <inheritdoc />
    public string Topic => DaprNames.Topics.JobAccepted;
}

/// <summary>A job's z_sem artifact was written (once per job, even when the activity ran again).</summary>
public sealed record SemanticsGenerated(string JobId, string ArtifactPath, DateTimeOffset At) : IJobEvent
{
    /// <inheritdoc />
    public string Topic => DaprNames.Topics.SemanticsGenerated;
}

/// <summary>A job's video was written.</summary>
public sealed record VideoRendered(string JobId, string VideoPath, DateTimeOffset At) : IJobEvent
{
    /// <inheritdoc />
    public string Topic => DaprNames.Topics.VideoRendered;
}

/// <summary>A job failed; <see cref="Error"/> says why.</summary>
public sealed record JobFailed(string JobId, string Error, DateTimeOffset At) : IJobEvent
{
    /// <inheritdoc />
    public string Topic => DaprNames.Topics.JobFailed;
}
