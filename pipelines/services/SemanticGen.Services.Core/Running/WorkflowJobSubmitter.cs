using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Events;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Workflow;

namespace SemanticGen.Services.Core.Running;

/// <summary>
/// Accepts jobs as Dapr Workflow instances (<c>Orchestration:Runner=Workflow</c>): validates, stores the job (Accepted),
/// schedules <see cref="TextToVideoWorkflow"/> with the job id as instance id and publishes <see cref="JobAccepted"/>.
/// The workflow's activities update the job store from then on. There is no local queue: the workflow runtime bounds how
/// many workflows and activities run at once. Only text-to-video jobs have a workflow; other kinds are refused (400).
/// </summary>
public sealed class WorkflowJobSubmitter(IJobStore store, IWorkflowScheduler workflows, IJobEvents events, ArtifactRoot root, TimeProvider clock)
    : IJobSubmitter
{
    /// <summary>The validation error of a job kind that has no workflow.</summary>
    public const string KindWithoutWorkflow =
        "only text-to-video jobs run as a Dapr workflow (Orchestration:Runner=Workflow); long-video and caption-folder need Runner=Embedded.";

    /// <inheritdoc />
    public async Task<SubmitOutcome> SubmitAsync(JobRequest? request, CancellationToken cancellationToken = default)
    {
        var errors = JobRequestValidator.Validate(request, root);
        if (errors.Count == 0 && request!.Kind != JobKind.TextToVideo)
            errors["kind"] = [KindWithoutWorkflow];
        if (errors.Count > 0)
            return new SubmitOutcome.Invalid(errors);

        var now = clock.GetUtcNow();
        var job = new JobRecord(JobId.New(), request!, JobStatus.Accepted, null, 0, null, null, now, now);
        await store.AddAsync(job, cancellationToken).ConfigureAwait(false);
        try
        {
            await workflows.ScheduleTextToVideoAsync(job.Id, job.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Nothing will run it: say so in the store, then let the caller see the error (500).
            await store.CompleteAsync(job.Id, JobStatus.Failed, null,
                $"the workflow could not be scheduled: {error.GetType().Name}: {error.Message}", CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await events.PublishAsync(new JobAccepted(job.Id, job.Request.Kind, now), CancellationToken.None).ConfigureAwait(false);
        return new SubmitOutcome.Accepted(job);
    }

    /// <inheritdoc />
    public async Task<bool> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = await store.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job is null || job.Status.IsTerminal())
            return false;
        await workflows.TerminateAsync(jobId, "canceled by request.", cancellationToken).ConfigureAwait(false);
        await store.CompleteAsync(jobId, JobStatus.Canceled, null, "canceled by request.", CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
