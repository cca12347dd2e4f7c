using SemanticGen.Abstractions.Generation;
using SemanticGen.Abstractions.Media;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Generation;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// The baseline of issue 6: every shot generated alone by the short pipeline (<see cref="InProcessGeneration"/>) with
/// seed <see cref="LongVideoSampler.ShotSeed"/> — the same noise per shot as <see cref="LongVideoPipeline"/>, but no
/// shared semantic plan, so nothing ties a shot to its neighbours.
/// </summary>
public sealed class IndependentShotsPipeline(PipelineComponents components, IVideoWriter writer) : ILongVideoPipeline
{
    /// <inheritdoc />
    public Task<GeneratedVideo> GenerateAsync(IReadOnlyList<string> shotPrompts, string outputPath, LongVideoRequest request,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        LongVideoWriting.WriteAsync(this, components, writer, shotPrompts, outputPath, request, progress, cancellationToken);

    /// <inheritdoc />
    public IEnumerable<Tensor> Shots(IReadOnlyList<string> prompts, LongVideoRequest request, IProgress<GenerationProgress>? progress = null) =>
        ShotsOf(LongVideoWriting.ValidatedPrompts(prompts, request), request, progress);

    private IEnumerable<Tensor> ShotsOf(string[] prompts, LongVideoRequest request, IProgress<GenerationProgress>? progress)
    {
        var manifest = components.Manifest;
        var (steps, guidance) = request.SamplingOf(manifest);
        for (var s = 0; s < prompts.Length; s++)
        {
            var frames = InProcessGeneration.Frames(components, prompts[s], LongVideoSampler.ShotSeed(request.Seed, s), steps, guidance); // (49, H, W, 3)
            progress?.Report(new GenerationProgress(GenerationStages.Decode, s + 1, prompts.Length));
            yield return frames;
        }
    }
}
