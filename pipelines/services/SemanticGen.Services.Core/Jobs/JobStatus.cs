namespace SemanticGen.Services.Core.Jobs;

/// <summary>Where a job is. <see cref="Succeeded"/>, <see cref="Failed"/> and <see cref="Canceled"/> are terminal.</summary>
public enum JobStatus
{
    /// <summary>Stored and queued; not started.</summary>
    Accepted,

    /// <summary>A runner is working on it.</summary>
    Running,

    /// <summary>Done; the result is available.</summary>
    Succeeded,

    /// <summary>Stopped by an error (the job's error text says which).</summary>
    Failed,

    /// <summary>Stopped by a cancel request.</summary>
    Canceled,
}

/// <summary>Status helpers.</summary>
public static class JobStatusExtensions
{
    /// <summary>True for the statuses a job never leaves.</summary>
    public static bool IsTerminal(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;
}
