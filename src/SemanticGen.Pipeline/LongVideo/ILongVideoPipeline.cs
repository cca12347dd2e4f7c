using SemanticGen.Abstractions.Generation;
using SemanticGen.Abstractions.Media;
using SemanticGen.Pipeline.Components;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// Seed and sampling of a long video (null: the pipeline's defaults). <paramref name="SemanticContext"/> null samples
/// stage 1 over all shots at once; k ≥ 0 samples it shot by shot, each shot attending to the k shots before it
/// (<see cref="SemanticRollout"/>). <paramref name="LatentContext"/> the same for stage 2 (<see cref="LatentRollout"/>);
/// with <paramref name="CleanLatentContext"/> its context shots enter clean rather than re-noised (needs a story latent
/// generator trained with clean context, and a latent context); <paramref name="CleanSemanticContext"/> the same for stage 1.
/// A request that names no semantic (latent) context takes the folder's default (<see cref="StoryGenerators.SemanticContext"/>,
/// <see cref="StoryGenerators.LatentContext"/>, see <see cref="ResolvedFor"/>) unless <paramref name="Joint"/> asks for
/// joint sampling of both stages. <paramref name="SemanticContextGuidance"/> λ ≥ 0 strengthens what stage 1's context
/// implies for each shot (context guidance, <see cref="ShotRollout.Sample"/>); it needs a semantic context, and null
/// means the folder's (<see cref="StoryGenerators.SemanticContextGuidance"/>) where stage 1 samples as the folder says, else 0.
/// </summary>
public sealed record LongVideoRequest(long Seed = 0, int? Steps = null, double? Guidance = null, int? SemanticContext = null, int? LatentContext = null,
    bool CleanLatentContext = false, bool CleanSemanticContext = false, bool Joint = false, double? SemanticContextGuidance = null)
{
    /// <summary>
    /// This request with the folder's default sampling filled in, each stage on its own: a stage keeps the request's
    /// sampling when the request names its context, asks for <see cref="Joint"/> sampling, or the folder has no default
    /// for it; else it takes the folder's context and clean flag (and, for stage 1, the folder's context guidance unless
    /// the request names one).
    /// </summary>
    public LongVideoRequest ResolvedFor(PipelineManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (Joint || manifest.Stories is not { } stories) return this;
        var resolved = this;
        if (SemanticContext is null && stories.SemanticContext is int semantic)
            resolved = resolved with
            {
                SemanticContext = semantic, CleanSemanticContext = stories.CleanSemanticContext,
                SemanticContextGuidance = SemanticContextGuidance ?? stories.SemanticContextGuidance,
            };
        if (LatentContext is null && stories.LatentContext is int latent)
            resolved = resolved with { LatentContext = latent, CleanLatentContext = stories.CleanLatentContext };
        return resolved;
    }

    /// <summary>The Euler steps and guidance weight to sample with: this request's where set, else <paramref name="manifest"/>'s.</summary>
    public (int Steps, double Guidance) SamplingOf(PipelineManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return (Steps ?? manifest.Sampling.Steps, Guidance ?? manifest.Sampling.Guidance);
    }
}

/// <summary>
/// A shot plan's prompts (SemanticGen.Planning's <c>ShotPlan.Shots[i].Prompt</c>, in order) → one video, the shots back
/// to back (issue 6): <see cref="LongVideoPipeline"/> or the baseline <see cref="IndependentShotsPipeline"/>. Prompts, not
/// the plan itself: this library stays free of Semantic Kernel's dependency versions (the CLI plans).
/// </summary>
public interface ILongVideoPipeline
{
    /// <summary>
    /// Each shot's uint8 frames (T, H, W, 3), in order, lazily: the caller disposes each before asking for the next,
    /// so memory holds one shot of frames.
    /// </summary>
    IEnumerable<Tensor> Shots(IReadOnlyList<string> prompts, LongVideoRequest request, IProgress<GenerationProgress>? progress = null);

    /// <summary>Writes the shots' video to <paramref name="outputPath"/> (mp4, contact sheet beside it), shot by shot.</summary>
    Task<GeneratedVideo> GenerateAsync(IReadOnlyList<string> shotPrompts, string outputPath, LongVideoRequest request,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>The argument checks and the streaming mp4 writing the long-video pipelines share.</summary>
internal static class LongVideoWriting
{
    /// <summary>The prompts as an array after the checks every <see cref="ILongVideoPipeline.Shots"/> makes eagerly, before its lazy part.</summary>
    /// <param name="manifest">the folder that will sample, to refuse a clean latent context it was not trained for (null: not checked)</param>
    public static string[] ValidatedPrompts(IReadOnlyList<string> prompts, LongVideoRequest request, PipelineManifest? manifest = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(request);
        if (prompts.Count == 0) throw new ArgumentException("a long video needs at least one shot.", nameof(prompts));
        if (request.SemanticContext is < 0)
            throw new ArgumentOutOfRangeException(nameof(request), request.SemanticContext, "the semantic context (shots each shot attends to) must be 0 or more.");
        if (request.LatentContext is < 0)
            throw new ArgumentOutOfRangeException(nameof(request), request.LatentContext, "the latent context (shots each shot attends to) must be 0 or more.");
        if (request.CleanLatentContext && request.LatentContext is null)
            throw new ArgumentException("clean latent context needs a latent context (stage 2 shot by shot).", nameof(request));
        if (request.Joint && (request.SemanticContext is not null || request.LatentContext is not null))
            throw new ArgumentException("joint sampling and a semantic or latent context exclude each other.", nameof(request));
        if (request.CleanSemanticContext && request.SemanticContext is null)
            throw new ArgumentException("clean semantic context needs a semantic context (stage 1 shot by shot).", nameof(request));
        if (request.SemanticContextGuidance is { } lambda && (!(lambda >= 0) || double.IsInfinity(lambda)))
            throw new ArgumentOutOfRangeException(nameof(request), lambda, "the semantic context guidance λ must be a finite number, 0 or more.");
        if (request.SemanticContextGuidance is not null && request.SemanticContext is null)
            throw new ArgumentException("semantic context guidance needs a semantic context (stage 1 shot by shot).", nameof(request));
        if (request.CleanLatentContext && manifest is not null)
            LatentRollout.RequireCleanContextTrained(manifest);
        if (request.CleanSemanticContext && manifest is not null)
            SemanticRollout.RequireCleanContextTrained(manifest);
        return [.. prompts];
    }

    public static async Task<GeneratedVideo> WriteAsync(ILongVideoPipeline pipeline, PipelineComponents components, IVideoWriter writer,
        IReadOnlyList<string> shotPrompts, string outputPath, LongVideoRequest request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shotPrompts);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        if (shotPrompts.Count == 0)
            throw new ArgumentException("the shot plan has no shots.", nameof(shotPrompts));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var prompts = shotPrompts.ToArray();
        var video = components.Manifest.Video;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        // The sampling before the first shot is synchronous work: run the enumeration off the caller's thread.
        using var shots = await Task.Run(() => pipeline.Shots(prompts, request, progress).GetEnumerator(), cancellationToken).ConfigureAwait(false);
        await using var sink = await writer.OpenAsync(outputPath, video.Width, video.Height, new VideoWriteRequest(video.Fps), cancellationToken).ConfigureAwait(false);
        var frames = 0;
        while (await Task.Run(shots.MoveNext, cancellationToken).ConfigureAwait(false))
        {
            using var shot = shots.Current;
            await sink.AppendAsync(shot, cancellationToken).ConfigureAwait(false);
            frames += (int)shot.shape[0];
        }
        progress?.Report(new GenerationProgress(GenerationStages.Write, 0, 1));
        await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report(new GenerationProgress(GenerationStages.Write, 1, 1));
        var sheet = Path.ChangeExtension(outputPath, ".png");
        var warnings = prompts.Distinct().SelectMany(p => Generation.LatentGenerationStage.UnseenWordWarnings(components, p)).Distinct().ToArray();
        return new GeneratedVideo(outputPath, File.Exists(sheet) ? sheet : null, frames, video.Width, video.Height, video.Fps, warnings, clock.Elapsed);
    }
}
