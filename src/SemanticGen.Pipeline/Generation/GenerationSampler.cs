using SemanticGen.Abstractions.Generation;
using SemanticGen.Diffusion;
using SemanticGen.Models.DiT;
using SemanticGen.Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;
using SemanticGen.Abstractions;

namespace SemanticGen.Pipeline.Generation;

/// <summary>
/// The two samplers of generation as functions of the loaded components: stage 1 (text → normalised z_sem) and
/// stage 2 (z_sem + text → normalised VAE latents), each an Euler walk down a shifted σ grid with classifier-free
/// guidance on the text (the unconditional branch uses the empty prompt, as training drops text to ""). Both
/// generators take Wan's timestep scale, σ·1000.
/// </summary>
public static class GenerationSampler
{
    private static readonly Scalar TimestepScale = ((double)FlowMatchSchedule.TrainTimesteps).ToScalar();

    /// <summary>Seed of stage 2's generator for a request seed (so a separate latent service reproduces it without stage 1's state).</summary>
    public static long LatentSeed(long seed) => unchecked(seed * 6364136223846793005L + 1442695040888963407L);

    /// <summary>Stage 1: normalised z_sem (1, N, d) for text states <paramref name="text"/> (1, L, D) and <paramref name="emptyText"/>.</summary>
    public static Tensor SampleSemantics(PipelineComponents components, Tensor text, Tensor emptyText, long seed, int steps, double guidance, IProgress<int>? progress)
    {
        var manifest = components.Manifest;
        var grid = manifest.SemanticGrid;
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var noise = randn([1, grid.Count, manifest.Compressor.TokenDim], generator: generator);   // (1, N, d)
        var sigmas = FlowMatchSchedule.Sigmas(manifest.Sampling.SemanticShift, steps).Sigmas;
        var z = FlowSampler.Sample(
            (x, t, conditional) => components.SemanticGenerator.forward(x, grid, t.mul(TimestepScale), conditional ? text : emptyText),
            noise, sigmas, guidance, progress);
        return z.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Stage 2: normalised VAE latents (1, z, T, h, w) for z_sem <paramref name="zSem"/> (1, N, d, in the compressor's
    /// μ space), text states and the request seed. z_sem gets noise σ = <see cref="SamplingDefaults.SemanticNoise"/> first.
    /// </summary>
    public static Tensor SampleLatents(PipelineComponents components, Tensor zSem, Tensor text, Tensor emptyText, long seed, int steps, double guidance, IProgress<int>? progress)
    {
        var manifest = components.Manifest;
        var grid = manifest.SemanticGrid;
        var semanticGrid = new WanTokenGrid(grid.T, grid.H, grid.W);
        using var generator = new Generator((ulong)LatentSeed(seed));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var noisySemantics = SemanticNoise.Add(zSem, manifest.Sampling.SemanticNoise, generator);     // (1, N, d)
        var video = manifest.Video;
        var noise = randn([1, manifest.Vae.ZDim, video.LatentFrames, video.Height / 8, video.Width / 8], generator: generator);
        var sigmas = FlowMatchSchedule.Sigmas(manifest.Sampling.LatentShift, steps).Sigmas;
        var latents = FlowSampler.Sample(
            (x, t, conditional) => components.LatentGenerator.forward(x, t.mul(TimestepScale), conditional ? text : emptyText, noisySemantics, semanticGrid),
            noise, sigmas, guidance, progress);
        return latents.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Stage 1 in the compressor's μ space: <see cref="SampleSemantics"/> de-normalised with the manifest's z_sem
    /// statistics, (1, N, d) — what the artifact stores and stage 2 takes.
    /// </summary>
    public static Tensor SemanticPlan(PipelineComponents components, Tensor text, Tensor emptyText, long seed, int steps, double guidance, IProgress<int>? progress)
    {
        using var scope = NewDisposeScope();
        var normalised = SampleSemantics(components, text, emptyText, seed, steps, guidance, progress);
        var (mean, std) = PipelineTensors.SemanticStatistics(components.Manifest);
        return normalised.mul(std).add(mean, TorchScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>Normalised latents (1, z, T, h, w) → uint8 frames (F, H, W, 3) through the VAE's chunked causal decoder.</summary>
    public static Tensor DecodeFrames(PipelineComponents components, Tensor latents)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var video = components.Vae.Decode(components.Vae.Denormalize(latents));               // (1, 3, F, H, W) in [−1, 1]
        return PipelineTensors.ToFrames(video)[0].MoveToOuterDisposeScope();
    }

    /// <summary>The prompt's and the empty prompt's text states, (1, L, D) each.</summary>
    public static (Tensor Text, Tensor Empty) TextStates(PipelineComponents components, string prompt) =>
        (PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [prompt]),
         PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [""]));

    /// <summary>Adapts an <see cref="IProgress{T}"/> of generation stages to the sampler's step counter.</summary>
    public static IProgress<int>? StepsOf(IProgress<GenerationProgress>? progress, string stage, int steps) =>
        progress is null ? null : new StepProgress(done => progress.Report(new GenerationProgress(stage, done, steps)));

    /// <summary>Reports on the sampling thread, in order (<see cref="Progress{T}"/> would post to the thread pool and arrive late).</summary>
    private sealed class StepProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
