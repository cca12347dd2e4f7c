using SemanticGen.Diffusion;
using SemanticGen.Models.DiT;
using SemanticGen.Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// Stage 2 shot by shot (<see cref="ShotRollout"/>): shot s's latent frames with the <c>context</c> shots before it,
/// through the same shifted windows of one shot (<see cref="WindowedLatentView"/>), so on the shifted layers the start
/// of shot s attends to the finished end of shot s − 1. Each shot draws its z_sem noise and its starting noise exactly
/// as <see cref="LongVideoSampler.SampleLatents"/> does.
/// </summary>
public static class LatentRollout
{
    private static readonly Scalar TimestepScale = ((double)FlowMatchSchedule.TrainTimesteps).ToScalar();

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="manifest"/>'s story latent generator was trained with clean context.</summary>
    public static void RequireCleanContextTrained(PipelineManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Stories is not { LatentCleanContextTrained: > 0 })
            throw new ArgumentException($"pipeline '{manifest.Name}': its story latent generator was not trained with clean context (pipeline.json " +
                "stories.latentCleanContextTrained is 0 or absent); train it with `recipe shapes-v1-stories --latent-clean-context 0.5` or sample without clean context.");
    }

    /// <summary>Normalised latents (1, z, S·F, h, w) from z_sem (1, S·N, d, μ space); progress counts S · steps.</summary>
    /// <param name="cleanContext">
    /// the finished shots enter clean, their VAE tokens modulated at t = 0 (<see cref="WindowedLatentView"/>'s cleanFrames),
    /// instead of re-noised; needs a story latent generator trained with clean context
    /// (<see cref="StoryGenerators.LatentCleanContextTrained"/> above 0), else refused
    /// </param>
    public static Tensor Sample(PipelineComponents components, Tensor zSem, Tensor text, Tensor emptyText, int shots, long seed, int steps,
        double guidance, int context, IProgress<int>? progress, bool cleanContext = false)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (cleanContext) RequireCleanContextTrained(components.Manifest);
        ArgumentOutOfRangeException.ThrowIfLessThan(shots, 1);
        if (text.shape[1] % shots != 0)
            throw new ArgumentException($"text of {text.shape[1]} tokens does not divide into {shots} prompts.", nameof(text));
        var manifest = components.Manifest;
        var grid = manifest.SemanticGrid;
        var video = manifest.Video;
        var patchFrames = manifest.LatentGenerator.Transformer.PatchSize[0];
        var view = new WindowedLatentView(components.LongVideoLatentGenerator, video.LatentFrames / patchFrames);
        var textLength = text.shape[1] / shots;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (semantics, noises) = LongVideoSampler.LatentInputs(components, zSem, shots, seed);
        var sigmas = FlowMatchSchedule.Sigmas(manifest.Sampling.LatentShift, steps).Sigmas;
        var shotTokenFrames = video.LatentFrames / patchFrames;
        var latents = ShotRollout.Sample(noises, 2, context, (first, count, x, t, conditional) =>
            view.forward(x, t.mul(TimestepScale), (conditional ? text : emptyText).narrow(1, first * textLength, count * textLength),
                cat(semantics[first..(first + count)], dim: 1), new WanTokenGrid(count * grid.T, grid.H, grid.W), count,
                cleanFrames: cleanContext ? (count - 1) * shotTokenFrames : 0),                 // (1, z, W·F, h, w)
            sigmas, guidance, progress, cleanContext);
        return latents.MoveToOuterDisposeScope();
    }
}
