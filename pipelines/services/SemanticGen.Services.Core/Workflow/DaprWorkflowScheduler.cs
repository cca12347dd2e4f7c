using Dapr.Workflow;
using Grpc.Core;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Workflow;

/// <summary>
/// <see cref="IWorkflowScheduler"/> over the Dapr Workflow client (the sidecar's workflow API): instance id = job id,
/// workflow name <c>nameof(TextToVideoWorkflow)</c>, input <see cref="TextToVideoInput"/>. Idempotent: an instance that
/// already exists (asked first, and asked again when the start is refused, e.g. a concurrent or repeated submission) is
/// left running and reported as not started.
/// </summary>
public sealed class DaprWorkflowScheduler(IDaprWorkflowClient client) : IWorkflowScheduler
{
    /// <summary>The registered name of the text-to-video workflow.</summary>
    public const string TextToVideoWorkflowName = nameof(TextToVideoWorkflow);

    /// <inheritdoc />
    public async Task<bool> ScheduleTextToVideoAsync(string jobId, JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentNullException.ThrowIfNull(request);
        if (await ExistsAsync(jobId, cancellationToken).ConfigureAwait(false))
            return false;
        try
        {
            await client.ScheduleNewWorkflowAsync(TextToVideoWorkflowName, jobId, new TextToVideoInput(jobId, request), startTime: null,
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RpcException)
        {
            // Refused: when another submission of the same job started it first, that instance is the job's; else a real error.
            if (await ExistsAsync(jobId, cancellationToken).ConfigureAwait(false))
                return false;
            throw;
        }
    }

    /// <inheritdoc />
    public Task TerminateAsync(string jobId, string reason, CancellationToken cancellationToken = default) =>
        client.TerminateWorkflowAsync(jobId, reason, cancellationToken);

    private async Task<bool> ExistsAsync(string jobId, CancellationToken cancellationToken) =>
        (await client.GetWorkflowStateAsync(jobId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false)).Exists;
}
