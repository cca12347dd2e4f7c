using Dapr.Workflow;
using SemanticGen.Services.Core.Events;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Workflow;

/// <summary>Workflow activity: records the job's terminal status (a terminal job is never changed again) and publishes JobFailed.</summary>
public sealed class CompleteJobActivity(IJobStore store, IJobEvents events, TimeProvider clock) : WorkflowActivity<CompleteJobInput, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(WorkflowActivityContext context, CompleteJobInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var before = await store.GetAsync(input.JobId).ConfigureAwait(false);
        await store.CompleteAsync(input.JobId, input.Status, input.Result, input.Error).ConfigureAwait(false);
        if (input.Status == JobStatus.Failed && before is { Status: not JobStatus.Failed })
            await events.PublishAsync(new JobFailed(input.JobId, input.Error ?? "failed", clock.GetUtcNow())).ConfigureAwait(false);
        return true;
    }
}
