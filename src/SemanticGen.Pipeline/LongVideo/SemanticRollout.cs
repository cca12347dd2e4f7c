using SemanticGen.Diffusion;
using SemanticGen.Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// Stage 1 shot by shot (<see cref="ShotRollout"/>): shot s with full self-attention over itself and the
/// <c>context</c> shots before it, each token cross-attending to its own shot's text. No training of its own: story
/// stage 1 was trained on shots that share one noise level, which is what the window holds at every step. Shot s starts
/// from the noise the joint sampler (<see cref="LongVideoSampler.SampleSemantics"/>) gives it.
/// </summary>
public static class SemanticRollout
{
    private static readonly Scalar TimestepScale = ((double)FlowMatchSchedule.TrainTimesteps).ToScalar();

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="manifest"/>'s story semantic generator was trained with clean context.</summary>
    public static void RequireCleanContextTrained(PipelineManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Stories is not { SemanticCleanContextTrained: > 0 })
            throw new ArgumentException($"pipeline '{manifest.Name}': its story semantic generator was not trained with clean context (pipeline.json " +
                "stories.semanticCleanContextTrained is 0 or absent); train it with `recipe shapes-v1-stories --semantic-clean-context 0.5` or sample without clean context.");
    }

    /// <summary>
    /// Normalised z_sem (1, S·N, d) of <paramref name="shots"/> shots; <paramref name="text"/> and
    /// <paramref name="emptyText"/> as <see cref="LongVideoSampler.EncodeShots"/> gives them. Progress counts steps over
    /// all shots (S · steps in all).
    /// </summary>
    /// <param name="cleanContext">
    /// the finished shots enter clean, their tokens modulated at t = 0 (<see cref="CleanContext"/>), instead of re-noised;
    /// needs a story semantic generator trained with clean context, else refused
    /// </param>
    /// <param name="contextGuidance">λ ≥ 0 of context guidance (<see cref="ShotRollout.Sample"/>): one more forward per step, of shot s alone</param>
    public static Tensor Sample(PipelineComponents components, Tensor text, Tensor emptyText, int shots, long seed, int steps, double guidance,
        int context, IProgress<int>? progress, bool cleanContext = false, double contextGuidance = 0)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (cleanContext) RequireCleanContextTrained(components.Manifest);
        ArgumentOutOfRangeException.ThrowIfLessThan(shots, 1);
        if (text.shape[1] % shots != 0)
            throw new ArgumentException($"text of {text.shape[1]} tokens does not divide into {shots} prompts.", nameof(text));
        var manifest = components.Manifest;
        var grid = manifest.SemanticGrid;
        var textLength = text.shape[1] / shots;
        var generator = components.LongVideoSemanticGenerator;
        var sigmas = FlowMatchSchedule.Sigmas(manifest.Sampling.SemanticShift, steps).Sigmas;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var noises = LongVideoSampler.SemanticNoises(components, shots, seed);                // (1, N, d) each, as the joint sampler draws them
        var z = ShotRollout.Sample(noises, 1, context, (first, count, x, t, conditional) =>
            LongVideoSampler.SemanticVelocity(generator, x, grid, count, t.mul(TimestepScale),
                (conditional ? text : emptyText).narrow(1, first * textLength, count * textLength), cleanContext ? count - 1 : 0), // (1, W·N, d)
            sigmas, guidance, progress, cleanContext, contextGuidance);
        return z.MoveToOuterDisposeScope();                                                    // (1, S·N, d)
    }
}
