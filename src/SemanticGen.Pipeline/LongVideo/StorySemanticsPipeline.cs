using SemanticGen.Abstractions.Generation;
using SemanticGen.Abstractions.Media;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Stories;
using SemanticGen.Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// A diagnostic beside <see cref="LongVideoPipeline"/>: stage 2 (shifted windows) and the decoder on the z_sem of the
/// <em>rendered</em> story — each shot of <see cref="ShapesStoryPlan.Create"/>(story, seed), which follows the
/// continuity rule, through the semantic encoder and the compressor's μ, what story stage 1 is trained to produce —
/// instead of stage 1's sample. Scored beside the long pipeline, it splits continuity and identity errors between the
/// two stages. The prompts must be Shapes World captions of one story (one subject and background); each shot draws
/// stage 2's noise as <see cref="LongVideoSampler.SampleLatents"/> does.
/// </summary>
public sealed class StorySemanticsPipeline(PipelineComponents components, IVideoWriter writer) : ILongVideoPipeline
{
    /// <inheritdoc />
    public Task<GeneratedVideo> GenerateAsync(IReadOnlyList<string> shotPrompts, string outputPath, LongVideoRequest request,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        LongVideoWriting.WriteAsync(this, components, writer, shotPrompts, outputPath, request, progress, cancellationToken);

    /// <inheritdoc />
    public IEnumerable<Tensor> Shots(IReadOnlyList<string> prompts, LongVideoRequest request, IProgress<GenerationProgress>? progress = null)
    {
        var validated = LongVideoWriting.ValidatedPrompts(prompts, request, components.Manifest);
        return ShotsOf(StoryOf(validated), validated, request, progress);
    }

    /// <summary>The Shapes World story whose shot captions are <paramref name="prompts"/>; a clear error when they are not one.</summary>
    public static ShapesStory StoryOf(IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) throw new ArgumentException("a long video needs at least one shot.", nameof(prompts));
        var compositions = new List<ShapesComposition>(prompts.Count);
        for (var s = 0; s < prompts.Count; s++)
        {
            if (!ShapesCaption.TryParse(prompts[s], out var composition, out var error))
                throw new ArgumentException($"shot {s + 1}'s prompt '{prompts[s]}': {error}; story semantics are rendered from captions.", nameof(prompts));
            compositions.Add(composition);
        }
        var first = compositions[0];
        var other = compositions.FindIndex(c => c.Colour != first.Colour || c.Shape != first.Shape || c.Background != first.Background);
        if (other >= 0)
            throw new ArgumentException($"shot {other + 1} ('{prompts[other]}') changes the subject or background of shot 1 ('{prompts[0]}'); a rendered story keeps them.", nameof(prompts));
        return new ShapesStory(first.Colour, first.Shape, first.Background, compositions.Select(c => c.Motion));
    }

    private IEnumerable<Tensor> ShotsOf(ShapesStory story, string[] prompts, LongVideoRequest request, IProgress<GenerationProgress>? progress) =>
        ShotDecoder.StreamShots(components, () => Latents(components, story, prompts, request, progress), prompts.Length, progress);

    /// <summary>The rendered story's z_sem (1, S·N, d, μ space), shot by shot, then stage 2: normalised latents (1, z, S·F, h, w).</summary>
    public static Tensor Latents(PipelineComponents components, ShapesStory story, IReadOnlyList<string> prompts, LongVideoRequest request,
        IProgress<GenerationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(components);
        var manifest = components.Manifest;
        var (steps, guidance) = request.SamplingOf(manifest);
        lock (components)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var perShot = new List<Tensor>(prompts.Count);
            foreach (var rendered in ShapesStoryPlan.Create(story, request.Seed).RenderShots())
            {
                using (rendered)
                {
                    var video = PipelineTensors.FromFrames(rendered);                                   // (1, 3, F, H, W)
                    var features = PipelineTensors.SemanticFeatures(components.SemanticEncoder, video, manifest.SemanticSampling); // (1, N, E)
                    perShot.Add(components.Compressor.Compress(features).Mean);                        // (1, N, d)
                }
            }
            var zSem = cat(perShot, dim: 1);                                                         // (1, S·N, d)
            var (text, empty) = LongVideoSampler.EncodeShots(components, prompts);                   // (1, S·L, D) each
            var latents = LongVideoPipeline.SampleLatents(components, zSem, text, empty, prompts.Count, request, steps, guidance, progress); // (1, z, S·F, h, w)
            return latents.MoveToOuterDisposeScope();
        }
    }
}
