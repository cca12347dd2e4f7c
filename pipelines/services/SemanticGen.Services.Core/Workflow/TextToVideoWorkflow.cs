using Dapr.Workflow;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Workflow;

/// <summary>
/// The deployed text-to-video job as a Dapr Workflow: caption-if-needed → semantic generation → latent generation, each
/// an idempotent activity with a retry policy, then the job's terminal status. Deterministic: no clock, random, I/O or
/// environment here — everything that touches the world is an activity, so a replay takes the same path.
/// </summary>
public sealed class TextToVideoWorkflow : Workflow<TextToVideoInput, JobResult>
{
    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(WorkflowContext context, TextToVideoInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var request = input.Request;
        try
        {
            var prompt = request.Prompt;
            if (prompt is null)
            {
                context.SetCustomStatus("caption input video");
                prompt = await context.CallActivityAsync<string>(
                    nameof(CaptionActivity), new CaptionActivityInput(input.JobId, request.Video!), WorkflowRetries.Stage);
            }

            var generation = new GenerationRequest(prompt, request.Seed, request.Steps, request.Guidance).Validated();
            context.SetCustomStatus(GenerationStages.Semantic);
            var semantics = await context.CallActivityAsync<SemanticArtifact>(
                nameof(SemanticsActivity), new SemanticsActivityInput(input.JobId, generation), WorkflowRetries.Stage);
            context.SetCustomStatus(GenerationStages.Latent);
            var video = await context.CallActivityAsync<GeneratedVideo>(
                nameof(RenderActivity), new RenderActivityInput(input.JobId, semantics, generation), WorkflowRetries.Stage);

            var result = new JobResult(video.VideoPath, video.ContactSheetPath, semantics.Path, Prompt: prompt, Count: 1);
            await context.CallActivityAsync<bool>(nameof(CompleteJobActivity),
                new CompleteJobInput(input.JobId, JobStatus.Succeeded, result, null), WorkflowRetries.Bookkeeping);
            return result;
        }
        catch (Exception error) when (error is WorkflowTaskFailedException or ArgumentException)
        {
            var message = error is WorkflowTaskFailedException failed && failed.FailureDetails is { } details
                ? $"{details.ErrorType}: {details.ErrorMessage}"
                : $"{error.GetType().Name}: {error.Message}";
            await context.CallActivityAsync<bool>(nameof(CompleteJobActivity),
                new CompleteJobInput(input.JobId, JobStatus.Failed, null, message), WorkflowRetries.Bookkeeping);
            throw;
        }
    }
}
