using Dapr.Workflow;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Running;

namespace SemanticGen.Services.Core.Workflow;

/// <summary>Workflow activity: caption the job's input video (idempotent, see <see cref="JobActivities"/>).</summary>
public sealed class CaptionActivity(JobActivities activities) : WorkflowActivity<CaptionActivityInput, string>
{
    /// <inheritdoc />
    public override Task<string> RunAsync(WorkflowActivityContext context, CaptionActivityInput input) =>
        activities.CaptionAsync(input.JobId, input.VideoPath, CancellationToken.None);
}

/// <summary>Workflow activity: stage 1 into the job's semantics path (idempotent).</summary>
public sealed class SemanticsActivity(JobActivities activities) : WorkflowActivity<SemanticsActivityInput, SemanticArtifact>
{
    /// <inheritdoc />
    public override Task<SemanticArtifact> RunAsync(WorkflowActivityContext context, SemanticsActivityInput input) =>
        activities.GenerateSemanticsAsync(input.JobId, input.Request, CancellationToken.None);
}

/// <summary>Workflow activity: stage 2 + decode into the job's video path (idempotent).</summary>
public sealed class RenderActivity(JobActivities activities) : WorkflowActivity<RenderActivityInput, GeneratedVideo>
{
    /// <inheritdoc />
    public override Task<GeneratedVideo> RunAsync(WorkflowActivityContext context, RenderActivityInput input) =>
        activities.RenderAsync(input.JobId, input.Semantics, input.Request, CancellationToken.None);
}
