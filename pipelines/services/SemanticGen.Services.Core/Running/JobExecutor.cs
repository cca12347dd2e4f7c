using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Data.Captioned;
using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Core.Running;

/// <summary>
/// Runs one job to its result with <see cref="JobActivities"/>: text-to-video is caption-if-needed → semantic generation
/// → latent generation; long-video needs an <see cref="ILongVideoPipeline"/>; caption-folder captions every video of a
/// folder into its captions.jsonl.
/// </summary>
public sealed class JobExecutor(JobActivities activities, IJobStore store, ArtifactRoot root, IServiceProvider services)
{
    /// <summary>The error of a long-video job where no long-video pipeline is registered.</summary>
    public const string LongVideoUnavailable =
        "long-video generation is not available in this build (no ILongVideoPipeline is registered; see issue 6).";

    /// <summary>File extensions a caption-folder job treats as videos.</summary>
    public static IReadOnlyList<string> VideoExtensions { get; } = [".mp4", ".webm", ".mkv", ".mov", ".avi"];

    /// <summary>Runs <paramref name="job"/>; an exception means the job failed (its message becomes the job's error).</summary>
    public Task<JobResult> RunAsync(JobRecord job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Request.Kind switch
        {
            JobKind.TextToVideo => TextToVideoAsync(job.Id, job.Request, cancellationToken),
            JobKind.LongVideo => LongVideoAsync(job.Id, job.Request, cancellationToken),
            JobKind.CaptionFolder => CaptionFolderAsync(job.Id, job.Request, cancellationToken),
            _ => throw new InvalidOperationException($"unknown job kind {job.Request.Kind}."),
        };
    }

    private async Task<JobResult> TextToVideoAsync(string jobId, JobRequest request, CancellationToken cancellationToken)
    {
        var prompt = request.Prompt;
        if (prompt is null)
        {
            await store.ReportProgressAsync(jobId, "caption input video", 0.05, cancellationToken).ConfigureAwait(false);
            prompt = await activities.CaptionAsync(jobId, request.Video!, cancellationToken).ConfigureAwait(false);
        }

        var generation = new GenerationRequest(prompt, request.Seed, request.Steps, request.Guidance).Validated();
        var semantics = await activities.GenerateSemanticsAsync(jobId, generation, cancellationToken).ConfigureAwait(false);
        var video = await activities.RenderAsync(jobId, semantics, generation, cancellationToken).ConfigureAwait(false);
        return new JobResult(video.VideoPath, video.ContactSheetPath, semantics.Path, Prompt: prompt, Count: 1);
    }

    private async Task<JobResult> LongVideoAsync(string jobId, JobRequest request, CancellationToken cancellationToken)
    {
        var pipeline = services.GetService<ILongVideoPipeline>() ?? throw new InvalidOperationException(LongVideoUnavailable);
        await store.ReportProgressAsync(jobId, "long video", 0.05, cancellationToken).ConfigureAwait(false);
        var video = await pipeline.GenerateAsync(request.Outline!, request.Seed, root.VideoPath(jobId), null, cancellationToken).ConfigureAwait(false);
        return new JobResult(video.VideoPath, video.ContactSheetPath, Prompt: request.Outline, Count: 1);
    }

    private async Task<JobResult> CaptionFolderAsync(string jobId, JobRequest request, CancellationToken cancellationToken)
    {
        var folder = root.Resolve(request.Folder, "folder");
        var videos = Directory.EnumerateFiles(folder)
            .Where(file => VideoExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            .Where(file => !Path.GetFileName(file).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (videos.Count == 0)
            throw new InvalidOperationException($"folder '{request.Folder}' has no videos ({string.Join(", ", VideoExtensions)}).");

        var captions = new List<(string Video, string Caption)>();
        for (var i = 0; i < videos.Count; i++)
        {
            var name = Path.GetFileName(videos[i]);
            await store.ReportProgressAsync(jobId, $"caption {i + 1}/{videos.Count}", (double)i / videos.Count, cancellationToken).ConfigureAwait(false);
            captions.Add((name, await activities.CaptionAsync(jobId, videos[i], cancellationToken, $"caption:{name}").ConfigureAwait(false)));
        }

        // Written beside the videos (so the folder loads as a captioned training folder), atomically.
        var target = Path.Combine(folder, CaptionedVideoFolder.CaptionsFileName);
        var temporary = Path.Combine(folder, $".{CaptionedVideoFolder.CaptionsFileName}.{jobId}.tmp");
        using (var writer = new CaptionsJsonlWriter(temporary))
        {
            foreach (var (video, caption) in captions)
                writer.Write(video, caption);
        }

        File.Move(temporary, target, overwrite: true);
        return new JobResult(CaptionsPath: target, Count: captions.Count);
    }
}
