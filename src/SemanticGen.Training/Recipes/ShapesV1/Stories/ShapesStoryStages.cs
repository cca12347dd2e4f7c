using SemanticGen.Diffusion;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Generators;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.LongVideo;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes.ShapesV1.Stories;

/// <summary>
/// The losses of the story fine-tune, written with the long pipeline's own forwards (<see cref="LongVideoSampler.SemanticVelocity"/>,
/// <see cref="WindowedLatentView"/>) so training and generation run exactly the same attention pattern.
/// </summary>
public static class ShapesStoryStages
{
    private static readonly Scalar TimestepScale = ((double)FlowMatchSchedule.TrainTimesteps).ToScalar();

    /// <summary>Shots per stage-1 sample at batch <paramref name="position"/>: 2, 3, …, <paramref name="maxShots"/>, 2, … .</summary>
    public static int SemanticShots(long position, int maxShots) => 2 + (int)(position % (maxShots - 1));

    /// <summary>
    /// Per-shot stage-1 targets (N, S, Ns, d): the frozen compressor's μ of every cached shot, normalised with the
    /// pipeline's own <see cref="PipelineManifest.SemanticMean"/>/<see cref="PipelineManifest.SemanticStd"/> (the space the
    /// short generator was trained in and the long sampler de-normalises from).
    /// </summary>
    public static Tensor SemanticTargets(PipelineComponents components, ShapesStoryData data)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(data);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (mean, std) = PipelineTensors.SemanticStatistics(components.Manifest);             // (d) each
        var features = data.Features.flatten(0, 1);                                            // (N·S, Ns, E)
        var mu = components.Compressor.Compress(features).Mean;                                // (N·S, Ns, d)
        var normalised = mu.sub(mean).div(std);
        return normalised.view(data.Stories, data.ShotsPerStory, mu.shape[1], mu.shape[2]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Stage 1 on stories: rectified flow over K consecutive shots' normalised z_sem (B, K·Ns, d) with full
    /// self-attention and per-shot text (<see cref="LongVideoSampler.SemanticVelocity"/>).
    /// </summary>
    public static TrainingStep SemanticStep(SemanticGenerator generator, PipelineComponents components, ShapesStoryData data, Tensor targets,
        long seed, int batch, int maxShots, double textDropout)
    {
        var grid = components.Manifest.SemanticGrid;
        return (position, rng) =>
        {
            using var scope = NewDisposeScope();
            var shots = SemanticShots(position, maxShots);
            var windows = data.Windows(seed, position, batch, shots);
            var x0 = data.TokensOf(targets, windows);                                          // (B, K·Ns, d)
            var text = data.TextOf(windows, textDropout, rng);                                  // (B, K·L, D)
            var noise = randn(x0.shape, generator: rng);
            var t = TimestepSampling.LogitNormal(rng, batch);                                   // (B)
            var xt = RectifiedFlow.Interpolate(x0, noise, t);
            var velocity = LongVideoSampler.SemanticVelocity(generator, xt, grid, shots, t.mul(TimestepScale), text);
            return RectifiedFlow.Loss(velocity, RectifiedFlow.Target(x0, noise)).MoveToOuterDisposeScope();
        };
    }

    /// <summary>
    /// Stage 2 on stories: rectified flow over K shots' latents (B, z, K·T, h, w) through <see cref="WindowedLatentView"/>
    /// (one shot per window, odd layers shifted across the shot boundaries, per-shot text), conditioned on the frozen
    /// compressor's z_sem sample of each shot plus RAE noise σ ~ 0.8·U(0, 1) as in shapes-v1's stage 2.
    /// </summary>
    public static TrainingStep LatentStep(LatentGenerator generator, PipelineComponents components, ShapesStoryData data,
        long seed, int batch, int shots, double textDropout)
    {
        var manifest = components.Manifest;
        var grid = manifest.SemanticGrid;
        var view = new WindowedLatentView(generator, manifest.Video.LatentFrames / manifest.LatentGenerator.Transformer.PatchSize[0]);
        var semanticGrid = new WanTokenGrid(shots * grid.T, grid.H, grid.W);
        return (position, rng) =>
        {
            using var scope = NewDisposeScope();
            var windows = data.Windows(seed, position, batch, shots);
            var x0 = data.LatentsOf(windows);                                                  // (B, z, K·T, h, w)
            var text = data.TextOf(windows, textDropout, rng);                                  // (B, K·L, D)
            Tensor zSem;
            using (no_grad())
            {
                var compressed = components.Compressor.Compress(data.FeaturesOf(windows), rng).Sample; // (B, K·Ns, d)
                zSem = SemanticNoise.Add(compressed, SemanticNoise.TrainingSigma(rng, batch), rng);
            }
            var noise = randn(x0.shape, generator: rng);
            var t = TimestepSampling.LogitNormal(rng, batch);                                   // (B)
            var xt = RectifiedFlow.Interpolate(x0, noise, t);
            var velocity = view.forward(xt, t.mul(TimestepScale), text, zSem, semanticGrid, shots); // (B, z, K·T, h, w)
            return RectifiedFlow.Loss(velocity, RectifiedFlow.Target(x0, noise)).MoveToOuterDisposeScope();
        };
    }
}
