using System.Diagnostics;
using System.Text.Json.Nodes;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Evaluation;

/// <summary>What <see cref="ShapesEvaluation.Run"/> measures.</summary>
/// <param name="Split">The prompts' split.</param>
/// <param name="Accuracy">Text-following accuracy per attribute and all-correct.</param>
/// <param name="Flickering">Mean temporal-flickering score.</param>
/// <param name="Smoothness">Mean motion-smoothness score.</param>
/// <param name="SubjectConsistency">Mean subject consistency on the pipeline's semantic-encoder features.</param>
/// <param name="SecondsPerClip">Mean generation time per clip (scoring excluded).</param>
/// <param name="Scores">Each prompt's detection.</param>
public sealed record ShapesEvaluationResult(
    ShapesSplitKind Split, ShapesAccuracy Accuracy, double Flickering, double Smoothness, double SubjectConsistency, double SecondsPerClip,
    IReadOnlyList<ShapesScore> Scores)
{
    public JsonObject ToJson() => new()
    {
        ["split"] = Split.ToString().ToLowerInvariant(),
        ["accuracy"] = Accuracy.ToJson(),
        ["temporal_flickering"] = Flickering,
        ["motion_smoothness"] = Smoothness,
        ["subject_consistency"] = SubjectConsistency,
        ["seconds_per_clip"] = SecondsPerClip,
        ["clips"] = new JsonArray([.. Scores.Select(s => (JsonNode)s.ToJson())]),
    };
}

/// <summary>
/// Generates clips from the prompts of a Shapes World split and scores them (shapes-world.md "Scoring", on the
/// decoded frames) with the quality metrics. Prompt k is composition (k + offset) mod |split| in the split's order,
/// offset drawn from the seed, so N ≥ |split| covers every composition; clip k uses seed + k.
/// </summary>
public static class ShapesEvaluation
{
    public static ShapesEvaluationResult Run(PipelineComponents components, ShapesSplitKind split, int count, long seed, int? steps = null,
        double? guidance = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        Evaluate(components, split, count, seed, progress, cancellationToken, (composition, clipSeed) =>
            InProcessGeneration.Frames(components, composition.Caption, clipSeed,
                steps ?? components.Manifest.Sampling.Steps, guidance ?? components.Manifest.Sampling.Guidance));

    /// <summary>
    /// The ceiling of <see cref="Run"/>: the same prompts, but each clip is a rendered Shapes World clip of the prompt
    /// passed through the pipeline's VAE (encode, decode) instead of generated — what a perfect generator could score.
    /// </summary>
    public static ShapesEvaluationResult RunReconstruction(PipelineComponents components, ShapesSplitKind split, int count, long seed,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        Evaluate(components, split, count, seed, progress, cancellationToken, (composition, clipSeed) => ReconstructedFrames(components, composition, clipSeed));

    /// <summary>
    /// Stage 2 alone: the same prompts, but stage 2 is conditioned on the z_sem of a rendered clip of the prompt
    /// (<see cref="FramesFromClipSemantics"/>) instead of stage 1's sample. Set beside <see cref="Run"/>, it splits the
    /// generated clips' errors between the two stages: what this run gets right and <see cref="Run"/> gets wrong,
    /// stage 1 planned wrong.
    /// </summary>
    public static ShapesEvaluationResult RunFromClipSemantics(PipelineComponents components, ShapesSplitKind split, int count, long seed,
        int? steps = null, double? guidance = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        Evaluate(components, split, count, seed, progress, cancellationToken, (composition, clipSeed) =>
            FramesFromClipSemantics(components, composition, clipSeed, steps ?? components.Manifest.Sampling.Steps, guidance ?? components.Manifest.Sampling.Guidance));

    /// <summary>A rendered clip of the composition through the VAE (encode, posterior mean, decode): uint8 frames (F, H, W, 3).</summary>
    public static Tensor ReconstructedFrames(PipelineComponents components, ShapesComposition composition, long clipSeed)
    {
        ArgumentNullException.ThrowIfNull(components);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var video = RenderedVideo(composition, clipSeed);                                          // (1, 3, F, H, W)
        using var posterior = components.Vae.Encode(video);
        return PipelineTensors.ToFrames(components.Vae.Decode(posterior.Mean))[0].MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Stage 2 and the decoder on the z_sem of a rendered clip of the composition — semantic encoder → compressor μ,
    /// what stage 1 is trained to produce — with the composition's caption and the clip seed's stage-2 noise: uint8
    /// frames (F, H, W, 3). The semantic generator takes no part.
    /// </summary>
    public static Tensor FramesFromClipSemantics(PipelineComponents components, ShapesComposition composition, long clipSeed, int steps, double guidance)
    {
        ArgumentNullException.ThrowIfNull(components);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var manifest = components.Manifest;
        var video = RenderedVideo(composition, clipSeed);                                          // (1, 3, F, H, W)
        var features = PipelineTensors.SemanticFeatures(components.SemanticEncoder, video, manifest.SemanticSampling); // (1, N, E)
        var zSem = components.Compressor.Compress(features).Mean;                                  // (1, N, d), μ space
        var (text, empty) = GenerationSampler.TextStates(components, composition.Caption);
        var latents = GenerationSampler.SampleLatents(components, zSem, text, empty, clipSeed, steps, guidance, null);
        return GenerationSampler.DecodeFrames(components, latents).MoveToOuterDisposeScope();
    }

    /// <summary>A rendered Shapes World clip of the composition (a start that fits its motion), (1, 3, F, H, W) in [−1, 1].</summary>
    private static Tensor RenderedVideo(ShapesComposition composition, long clipSeed)
    {
        var source = new ShapesClipSource(clipSeed, [composition]);
        using var rendered = source.Render(source.ClipAt(0));                                       // (F, H, W, 3) uint8
        return PipelineTensors.FromFrames(rendered);
    }

    private static ShapesEvaluationResult Evaluate(PipelineComponents components, ShapesSplitKind split, int count, long seed,
        IProgress<int>? progress, CancellationToken cancellationToken, Func<ShapesComposition, long, Tensor> clipOf)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var compositions = ShapesSplit.Compositions(split);
        var offset = (int)(new Random(unchecked((int)seed)).NextInt64(compositions.Count));
        var scorer = new ShapesScorer();
        var scores = new List<ShapesScore>(count);
        double flicker = 0, smooth = 0, consistency = 0, seconds = 0;
        for (var k = 0; k < count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var composition = compositions[(k + offset) % compositions.Count];
            var clock = Stopwatch.StartNew();
            using var frames = clipOf(composition, seed + k);
            seconds += clock.Elapsed.TotalSeconds;
            using var scope = NewDisposeScope();
            scores.Add(scorer.Score(frames, composition));
            flicker += VideoQualityMetrics.TemporalFlickering(frames);
            smooth += VideoQualityMetrics.MotionSmoothness(frames);
            consistency += VideoQualityMetrics.SubjectConsistency(components.SemanticEncoder, components.Manifest, frames);
            progress?.Report(k + 1);
        }
        return new ShapesEvaluationResult(split, ShapesAccuracy.Of(scores), flicker / count, smooth / count, consistency / count, seconds / count, scores);
    }
}
