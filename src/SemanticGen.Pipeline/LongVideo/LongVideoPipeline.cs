using SemanticGen.Abstractions.Generation;
using SemanticGen.Abstractions.Media;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// SemanticGen's long-video pipeline (docs/method.md §5, issue 6, docs/long-video.md): shot plan + seed → mp4.
/// 1 validate → 2 encode each shot's text → 3 stage 1 over all shots at once, full self-attention, each semantic token
/// cross-attending to its own shot's text → 4 stage 2 over all shots' latent frames with shifted windows of one shot,
/// per-shot text the same way → 5 decode shot by shot (causal cache) → 6 stream to the mp4.
/// Stages 3–4 run the folder's story-trained generators when it has them (<see cref="PipelineManifest.Stories"/>, the
/// shapes-v1-stories recipe), else the short-video generators as they are.
/// </summary>
public sealed class LongVideoPipeline(PipelineComponents components, IVideoWriter writer) : ILongVideoPipeline
{
    // Kept alive for the process: an inline Scalar (also add's hidden alpha) may be finalized mid-call (docs/torchsharp-notes.md).
    private static readonly Scalar One = 1.0.ToScalar();

    /// <inheritdoc />
    public Task<GeneratedVideo> GenerateAsync(IReadOnlyList<string> shotPrompts, string outputPath, LongVideoRequest request,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        LongVideoWriting.WriteAsync(this, components, writer, shotPrompts, outputPath, request, progress, cancellationToken);

    /// <inheritdoc />
    public IEnumerable<Tensor> Shots(IReadOnlyList<string> prompts, LongVideoRequest request, IProgress<GenerationProgress>? progress = null) =>
        ShotsOf(LongVideoWriting.ValidatedPrompts(prompts, request.ResolvedFor(components.Manifest), components.Manifest), request, progress); // 1 validate (eagerly, before the lazy part)

    private IEnumerable<Tensor> ShotsOf(string[] prompts, LongVideoRequest request, IProgress<GenerationProgress>? progress) =>
        ShotDecoder.StreamShots(components, () => Latents(components, prompts, request, progress), prompts.Length, progress); // 2–4, then 5 shot by shot; 6 the caller streams

    /// <summary>Steps 2–4: the normalised VAE latents (1, z, S·F, h, w) of all shots, sampled as <paramref name="request"/> resolved for the folder says.</summary>
    public static Tensor Latents(PipelineComponents components, IReadOnlyList<string> prompts, LongVideoRequest request,
        IProgress<GenerationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(request);
        var manifest = components.Manifest;
        request = request.ResolvedFor(manifest);
        var (steps, guidance) = request.SamplingOf(manifest);
        lock (components)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            progress?.Report(new GenerationProgress(GenerationStages.EncodeText, 0, 1));
            var (text, empty) = LongVideoSampler.EncodeShots(components, prompts);            // 2 (1, S·L, D) each
            progress?.Report(new GenerationProgress(GenerationStages.EncodeText, 1, 1));
            var normalised = request.SemanticContext is int context
                ? SemanticRollout.Sample(components, text, empty, prompts.Count, request.Seed, steps, guidance, context,
                    GenerationSampler.StepsOf(progress, GenerationStages.Semantic, steps * prompts.Count), request.CleanSemanticContext,
                    request.SemanticContextGuidance ?? 0)                                                // 3 shot by shot
                : LongVideoSampler.SampleSemantics(components, text, empty, prompts.Count, request.Seed, steps, guidance,
                    GenerationSampler.StepsOf(progress, GenerationStages.Semantic, steps));    // 3 (1, S·N, d) all at once
            var (mean, std) = PipelineTensors.SemanticStatistics(manifest);
            var zSem = normalised.mul(std).add(mean, One);                                        // (1, S·N, d) μ space
            var latents = SampleLatents(components, zSem, text, empty, prompts.Count, request, steps, guidance, progress); // 4 (1, z, S·F, h, w)
            return latents.MoveToOuterDisposeScope();
        }
    }

    /// <summary>Step 4: stage 2 over all shots at once, or shot by shot when the request names a latent context.</summary>
    internal static Tensor SampleLatents(PipelineComponents components, Tensor zSem, Tensor text, Tensor empty, int shots, LongVideoRequest request,
        int steps, double guidance, IProgress<GenerationProgress>? progress) =>
        request.LatentContext is int context
            ? LatentRollout.Sample(components, zSem, text, empty, shots, request.Seed, steps, guidance, context,
                GenerationSampler.StepsOf(progress, GenerationStages.Latent, steps * shots), request.CleanLatentContext)
            : LongVideoSampler.SampleLatents(components, zSem, text, empty, shots, request.Seed, steps, guidance,
                GenerationSampler.StepsOf(progress, GenerationStages.Latent, steps));
}
