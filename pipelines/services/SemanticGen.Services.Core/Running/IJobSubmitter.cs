using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Running;

/// <summary>
/// Accepts and cancels jobs for the job API: <see cref="JobSubmitter"/> (embedded runner, bounded queue) or
/// <see cref="WorkflowJobSubmitter"/> (a Dapr Workflow instance per job), as <c>Orchestration:Runner</c> selects.
/// </summary>
public interface IJobSubmitter
{
    /// <summary>Submits <paramref name="request"/>.</summary>
    Task<SubmitOutcome> SubmitAsync(JobRequest? request, CancellationToken cancellationToken = default);

    /// <summary>Cancels job <paramref name="jobId"/>; false when there is no such unfinished job.</summary>
    Task<bool> CancelAsync(string jobId, CancellationToken cancellationToken = default);
}
