using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion;

/// <summary>
/// Rectified-flow Euler sampling with classifier-free guidance (docs/method.md §4), as a pure function of the
/// velocity model, the starting noise and the σ grid: no scheduler state, no step counter.
/// </summary>
public static class FlowSampler
{
    /// <summary>
    /// Walks <paramref name="sigmas"/> (e.g. <see cref="FlowMatchSchedule.Sigmas"/>, from 1 down to 0): for each
    /// consecutive (σ, σ_next), <c>v = v_u + w·(v_c − v_u)</c> (<see cref="Guidance.Apply"/>; only v_c when w = 1) and
    /// <c>x ← x + (σ_next − σ)·v</c> (<see cref="FlowMatchSampler.EulerStep"/>). Each step runs in its own dispose
    /// scope, so the velocity function's temporaries are freed step by step.
    /// </summary>
    /// <param name="velocity">
    /// (x, t, conditional) → v, same shape as x. t is a (B) float32 tensor on x's device holding σ ∈ [0, 1]
    /// (multiply by <see cref="FlowMatchSchedule.TrainTimesteps"/> for a Wan-style denoiser); conditional = false asks
    /// for the text-dropped prediction. The returned tensor may be freed after the step.
    /// </param>
    /// <param name="noise">the start x at σ₀ (pure noise when σ₀ = 1), (B, …); not modified</param>
    /// <param name="sigmas">at least two values, σ₀ … σ_N</param>
    /// <param name="guidance">w; 1 is conditional only, 0 unconditional only</param>
    /// <param name="progress">receives the number of finished steps after each step</param>
    /// <returns>x at σ_N, a new tensor in the velocity's dtype</returns>
    public static Tensor Sample(
        Func<Tensor, Tensor, bool, Tensor> velocity,
        Tensor noise,
        IReadOnlyList<double> sigmas,
        double guidance = 1.0,
        IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(sigmas);
        if (sigmas.Count < 2)
            throw new ArgumentException($"A σ grid needs at least two values, got {sigmas.Count}.", nameof(sigmas));
        if (!double.IsFinite(guidance))
            throw new ArgumentOutOfRangeException(nameof(guidance), guidance, "The guidance weight must be finite.");

        using var outer = NewDisposeScope();
        var batch = noise.dim() == 0 ? 1 : noise.shape[0];
        var x = noise;
        for (var i = 0; i + 1 < sigmas.Count; i++)
        {
            Tensor next;
            using (var step = NewDisposeScope())
            {
                using var sigma = sigmas[i].ToScalar();
                var t = full([batch], sigma, ScalarType.Float32, x.device);                   // (B)
                var vCond = velocity(x, t, true);                                             // like x
                var v = guidance == 1.0 ? vCond : Guidance.Apply(velocity(x, t, false), vCond, guidance);
                next = FlowMatchSampler.EulerStep(x, v, sigmas[i], sigmas[i + 1]).MoveToOuterDisposeScope(); // x + (σ_next − σ)·v
            }
            if (!ReferenceEquals(x, noise))
            {
                x.Dispose();
            }
            x = next;
            progress?.Report(i + 1);
        }
        return x.MoveToOuterDisposeScope();
    }
}
