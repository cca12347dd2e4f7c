namespace SemanticGen.Services.Core.Jobs;

/// <summary>
/// Durable job state: the records <c>GET /jobs/{id}</c> shows and the completion of each activity, so a job survives a
/// process restart and a re-run activity sees its earlier output instead of producing a second artifact.
/// </summary>
public interface IJobStore
{
    /// <summary>Stores a new job (status <see cref="JobStatus.Accepted"/>).</summary>
    Task AddAsync(JobRecord job, CancellationToken cancellationToken = default);

    /// <summary>The job, or null when there is none with that id.</summary>
    Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Jobs that are not terminal (Accepted or Running), oldest first: the ones to resume after a restart.</summary>
    Task<IReadOnlyList<JobRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks the job running and counts an attempt.</summary>
    Task MarkRunningAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Records progress: the stage and the fraction done (0–1).</summary>
    Task ReportProgressAsync(string id, string stage, double progress, CancellationToken cancellationToken = default);

    /// <summary>Moves the job to a terminal status with its result or error text; a terminal job is never changed again.</summary>
    Task CompleteAsync(string id, JobStatus status, JobResult? result, string? error, CancellationToken cancellationToken = default);

    /// <summary>The recorded output of activity <paramref name="activity"/> of the job, or null when it never completed.</summary>
    Task<string?> GetActivityOutputAsync(string id, string activity, CancellationToken cancellationToken = default);

    /// <summary>Records that activity <paramref name="activity"/> completed with <paramref name="output"/> (JSON); the first record wins.</summary>
    Task RecordActivityAsync(string id, string activity, string output, CancellationToken cancellationToken = default);
}
