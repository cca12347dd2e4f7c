using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Events;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Core.Running;

/// <summary>
/// The activities of a job, shared by the embedded runner and the Dapr workflow. Each is idempotent: its output goes to
/// a path fixed by the job id (<see cref="ArtifactRoot"/>), the stages write atomically, and its completion is recorded in
/// the <see cref="IJobStore"/>; an activity whose completion is recorded returns the recorded output without running
/// again, so a retry or a restart never produces a second artifact or repeats finished work. (A crash after the artifact
/// is written but before the completion is recorded re-runs the stage, which replaces the same file atomically.)
/// </summary>
public sealed class JobActivities(IJobStore store, IStageInvoker stages, IJobEvents events, ArtifactRoot root, TimeProvider clock)
{
    /// <summary>Activity name of captioning a job's input video.</summary>
    public const string Caption = "caption";

    /// <summary>Activity name of stage 1.</summary>
    public const string Semantics = "semantics";

    /// <summary>Activity name of stage 2 + decode.</summary>
    public const string Render = "render";

    /// <summary>The caption of <paramref name="videoPath"/> (under the artifact root), recorded as activity <paramref name="activity"/>.</summary>
    public async Task<string> CaptionAsync(string jobId, string videoPath, CancellationToken cancellationToken, string activity = Caption)
    {
        var recorded = await store.GetActivityOutputAsync(jobId, activity, cancellationToken).ConfigureAwait(false);
        if (recorded is not null)
            return JobJson.Deserialize<string>(recorded);
        var caption = await stages.CaptionAsync(root.Resolve(videoPath, "video"), cancellationToken).ConfigureAwait(false);
        return await RecordAsync(jobId, activity, caption, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stage 1 into the job's semantics path; publishes <see cref="SemanticsGenerated"/> when it first completes.</summary>
    public async Task<SemanticArtifact> GenerateSemanticsAsync(string jobId, GenerationRequest request, CancellationToken cancellationToken)
    {
        var recorded = await store.GetActivityOutputAsync(jobId, Semantics, cancellationToken).ConfigureAwait(false);
        if (recorded is not null)
            return JobJson.Deserialize<SemanticArtifact>(recorded);
        await store.ReportProgressAsync(jobId, GenerationStages.Semantic, 0.1, cancellationToken).ConfigureAwait(false);
        var artifact = await stages.GenerateSemanticsAsync(request, root.SemanticsPath(jobId), cancellationToken).ConfigureAwait(false);
        var kept = await RecordAsync(jobId, Semantics, artifact, cancellationToken).ConfigureAwait(false);
        await store.ReportProgressAsync(jobId, GenerationStages.Semantic, 0.5, cancellationToken).ConfigureAwait(false);
        await events.PublishAsync(new SemanticsGenerated(jobId, kept.Path, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return kept;
    }

    /// <summary>Stage 2 + decode into the job's video path; publishes <see cref="VideoRendered"/> when it first completes.</summary>
    public async Task<GeneratedVideo> RenderAsync(string jobId, SemanticArtifact semantics, GenerationRequest request, CancellationToken cancellationToken)
    {
        var recorded = await store.GetActivityOutputAsync(jobId, Render, cancellationToken).ConfigureAwait(false);
        if (recorded is not null)
            return JobJson.Deserialize<GeneratedVideo>(recorded);
        await store.ReportProgressAsync(jobId, GenerationStages.Latent, 0.6, cancellationToken).ConfigureAwait(false);
        var video = await stages.RenderAsync(semantics, request, root.VideoPath(jobId), cancellationToken).ConfigureAwait(false);
        var kept = await RecordAsync(jobId, Render, video, cancellationToken).ConfigureAwait(false);
        await store.ReportProgressAsync(jobId, GenerationStages.Write, 0.95, cancellationToken).ConfigureAwait(false);
        await events.PublishAsync(new VideoRendered(jobId, kept.VideoPath, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return kept;
    }

    // Records the output unless another run recorded one first; returns the output that is kept (the first one).
    private async Task<T> RecordAsync<T>(string jobId, string activity, T output, CancellationToken cancellationToken)
    {
        await store.RecordActivityAsync(jobId, activity, JobJson.Serialize(output), CancellationToken.None).ConfigureAwait(false);
        var kept = await store.GetActivityOutputAsync(jobId, activity, cancellationToken).ConfigureAwait(false);
        return JobJson.Deserialize<T>(kept!);
    }
}
