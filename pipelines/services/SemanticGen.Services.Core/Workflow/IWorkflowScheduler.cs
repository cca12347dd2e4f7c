using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Workflow;

/// <summary>
/// Starts and stops the durable workflow instance of a job (deployed mode). The instance id is the job id, so scheduling
/// the same job again never starts a second instance.
/// </summary>
public interface IWorkflowScheduler
{
    /// <summary>
    /// Starts <see cref="TextToVideoWorkflow"/> for job <paramref name="jobId"/>; true when this call started it, false
    /// when an instance with that id already existed (nothing new runs).
    /// </summary>
    Task<bool> ScheduleTextToVideoAsync(string jobId, JobRequest request, CancellationToken cancellationToken = default);

    /// <summary>Terminates the job's workflow instance (a running activity finishes, no further one starts).</summary>
    Task TerminateAsync(string jobId, string reason, CancellationToken cancellationToken = default);
}
