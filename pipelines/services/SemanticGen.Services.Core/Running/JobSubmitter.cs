using Microsoft.Extensions.Options;
using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Events;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Running;

/// <summary>Accepts jobs: validates, reserves a queue slot, stores the job, queues it and publishes <see cref="JobAccepted"/>.</summary>
public sealed class JobSubmitter(
    IJobStore store, JobQueue queue, IJobEvents events, ArtifactRoot root, IOptions<JobsOptions> options, TimeProvider clock,
    JobCancellations cancellations) : IJobSubmitter
{
    /// <inheritdoc />
    public async Task<SubmitOutcome> SubmitAsync(JobRequest? request, CancellationToken cancellationToken = default)
    {
        var errors = JobRequestValidator.Validate(request, root);
        if (errors.Count > 0)
            return new SubmitOutcome.Invalid(errors);
        if (!queue.TryReserve())
            return new SubmitOutcome.QueueFull(TimeSpan.FromSeconds(options.Value.RetryAfterSeconds), options.Value.QueueCapacity);

        var now = clock.GetUtcNow();
        var job = new JobRecord(JobId.New(), request!, JobStatus.Accepted, null, 0, null, null, now, now);
        try
        {
            await store.AddAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            queue.Release();
            throw;
        }

        queue.Enqueue(job.Id);
        await events.PublishAsync(new JobAccepted(job.Id, job.Request.Kind, now), CancellationToken.None).ConfigureAwait(false);
        return new SubmitOutcome.Accepted(job);
    }

    /// <summary>
    /// Cancels job <paramref name="jobId"/>: a running one is stopped, a queued one is marked canceled (the runner skips
    /// it). False when there is no such unfinished job.
    /// </summary>
    public async Task<bool> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = await store.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job is null || job.Status.IsTerminal())
            return false;
        if (!cancellations.Cancel(jobId))
            await store.CompleteAsync(jobId, JobStatus.Canceled, null, "canceled by request before it started.", cancellationToken).ConfigureAwait(false);
        return true;
    }
}
