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
    /// self-attention and per-shot text (<see cref="LongVideoSampler.SemanticVelocity"/>). With probability
    /// <paramref name="cleanContext"/> a step's first c shots, c drawn uniformly from 1…K−1, are clean context instead
    /// (<see cref="CleanContextSemanticLoss"/>); at 0 no draw is made, so the step is exactly the one without the option.
    /// </summary>
    public static TrainingStep SemanticStep(SemanticGenerator generator, PipelineComponents components, ShapesStoryData data, Tensor targets,
        long seed, int batch, int maxShots, double textDropout, double cleanContext = 0)
    {
        if (cleanContext is < 0 or > 1 || double.IsNaN(cleanContext))
            throw new ArgumentOutOfRangeException(nameof(cleanContext), cleanContext, "the clean-context share must lie in [0, 1].");
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
            if (cleanContext > 0 && rand(1, generator: rng).item<float>() < cleanContext)
            {
                var clean = 1 + (int)randint(shots - 1, [1], generator: rng).item<long>();    // 1 … K − 1
                return CleanContextSemanticLoss(generator, grid, x0, noise, t, text, shots, clean).MoveToOuterDisposeScope();
            }
            var xt = RectifiedFlow.Interpolate(x0, noise, t);
            var velocity = LongVideoSampler.SemanticVelocity(generator, xt, grid, shots, t.mul(TimestepScale), text);
            return RectifiedFlow.Loss(velocity, RectifiedFlow.Target(x0, noise)).MoveToOuterDisposeScope();
        };
    }

    /// <summary>
    /// The rectified-flow loss of shots c + 1…K given the first <paramref name="cleanShots"/> = c shots as clean context:
    /// they enter as their z_sem x0, their tokens modulated at t = 0; the rest at z_t = (1 − t)·x0 + t·ε; the loss covers
    /// the rest only.
    /// </summary>
    /// <param name="x0">normalised z_sem of K shots (B, K·N, d)</param>
    /// <param name="noise">ε, the shape of <paramref name="x0"/> (the clean shots' part is not used)</param>
    /// <param name="t">(B) σ ∈ [0, 1]</param>
    public static Tensor CleanContextSemanticLoss(SemanticGenerator generator, SemanticGen.Abstractions.Encoders.SemanticGrid grid, Tensor x0, Tensor noise,
        Tensor t, Tensor text, int shots, int cleanShots)
    {
        if (cleanShots < 1 || cleanShots >= shots)
            throw new ArgumentOutOfRangeException(nameof(cleanShots), cleanShots, $"clean context needs 1…{shots - 1} of {shots} shots clean.");
        using var scope = NewDisposeScope();
        var cleanTokens = cleanShots * grid.Count;
        var rest = x0.shape[1] - cleanTokens;
        var later = x0.narrow(1, cleanTokens, rest);                                           // (B, (K−c)·N, d)
        var laterNoise = noise.narrow(1, cleanTokens, rest);
        var input = cat([x0.narrow(1, 0, cleanTokens), RectifiedFlow.Interpolate(later, laterNoise, t)], dim: 1); // (B, K·N, d)
        var velocity = LongVideoSampler.SemanticVelocity(generator, input, grid, shots, t.mul(TimestepScale), text, cleanShots);
        return RectifiedFlow.Loss(velocity.narrow(1, cleanTokens, rest), RectifiedFlow.Target(later, laterNoise)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Stage 2 on stories: rectified flow over K shots' latents (B, z, K·T, h, w) through <see cref="WindowedLatentView"/>
    /// (one shot per window, odd layers shifted across the shot boundaries, per-shot text), conditioned on the frozen
    /// compressor's z_sem sample of each shot plus RAE noise σ ~ 0.8·U(0, 1) as in shapes-v1's stage 2.
    /// With probability <paramref name="cleanContext"/> a step's first shot is clean context instead (its latents as
    /// they are, its VAE tokens modulated at t = 0, no loss on it; <see cref="WindowedLatentView"/>'s cleanFrames), which
    /// teaches the generator to continue a finished shot: what <see cref="LatentRollout"/> samples with clean context.
    /// At 0 no draw is made, so the step is exactly the one without the option.
    /// </summary>
    public static TrainingStep LatentStep(LatentGenerator generator, PipelineComponents components, ShapesStoryData data,
        long seed, int batch, int shots, double textDropout, double cleanContext = 0)
    {
        if (cleanContext is < 0 or > 1 || double.IsNaN(cleanContext))
            throw new ArgumentOutOfRangeException(nameof(cleanContext), cleanContext, "the clean-context share must lie in [0, 1].");
        var manifest = components.Manifest;
        var grid = manifest.SemanticGrid;
        var patchFrames = manifest.LatentGenerator.Transformer.PatchSize[0];
        var view = new WindowedLatentView(generator, manifest.Video.LatentFrames / patchFrames);
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
            if (cleanContext > 0 && rand(1, generator: rng).item<float>() < cleanContext)
                return CleanContextLoss(view, x0, noise, t, text, zSem, semanticGrid, shots, patchFrames).MoveToOuterDisposeScope();
            var xt = RectifiedFlow.Interpolate(x0, noise, t);
            var velocity = view.forward(xt, t.mul(TimestepScale), text, zSem, semanticGrid, shots); // (B, z, K·T, h, w)
            return RectifiedFlow.Loss(velocity, RectifiedFlow.Target(x0, noise)).MoveToOuterDisposeScope();
        };
    }

    /// <summary>
    /// The rectified-flow loss of shots 2…K given shot 1 as clean context: shot 1 enters as its latents x0, its VAE
    /// tokens modulated at t = 0; shots 2…K at z_t = (1 − t)·x0 + t·ε with the sample's t; the loss covers shots 2…K only.
    /// </summary>
    /// <param name="x0">latents of K shots back to back (B, z, K·T, h, w)</param>
    /// <param name="noise">ε, the shape of <paramref name="x0"/> (shot 1's part is not used)</param>
    /// <param name="t">(B) σ ∈ [0, 1]</param>
    /// <param name="patchFrames">latent frames per token frame (the transformer's temporal patch)</param>
    public static Tensor CleanContextLoss(WindowedLatentView view, Tensor x0, Tensor noise, Tensor t, Tensor text, Tensor zSem, WanTokenGrid semanticGrid,
        int shots, int patchFrames)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (shots < 2 || x0.shape[2] % shots != 0)
            throw new ArgumentException($"clean context needs at least 2 equal shots; {x0.shape[2]} latent frames in {shots} shots.", nameof(shots));
        using var scope = NewDisposeScope();
        var shotFrames = x0.shape[2] / shots;                                                  // T
        var rest = x0.shape[2] - shotFrames;                                                   // (K − 1)·T
        var later = x0.narrow(2, shotFrames, rest);                                            // (B, z, (K−1)·T, h, w)
        var laterNoise = noise.narrow(2, shotFrames, rest);
        var input = cat([x0.narrow(2, 0, shotFrames), RectifiedFlow.Interpolate(later, laterNoise, t)], dim: 2); // shot 1 clean
        var velocity = view.forward(input, t.mul(TimestepScale), text, zSem, semanticGrid, shots, cleanFrames: shotFrames / patchFrames); // (B, z, K·T, h, w)
        return RectifiedFlow.Loss(velocity.narrow(2, shotFrames, rest), RectifiedFlow.Target(later, laterNoise)).MoveToOuterDisposeScope();
    }
}
