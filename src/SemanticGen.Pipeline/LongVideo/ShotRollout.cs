using SemanticGen.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// Rectified-flow sampling of a video shot by shot (docs/long-video.md, "Rollout"): shot s is sampled together with the
/// <c>context</c> shots before it, whose finished values enter every step at that step's noise level —
/// x_ctx(σ) = (1 − σ)·x_ctx + σ·ε_ctx, with each context shot's own starting noise ε_ctx (the replacement method of
/// video-diffusion extension) — or, with clean context, as they are (for a generator trained to continue clean shots). Only shot s moves; it starts from its own noise, so with context 0 every shot is sampled
/// alone. Shared by <see cref="SemanticRollout"/> (stage 1) and <see cref="LatentRollout"/> (stage 2).
/// </summary>
public static class ShotRollout
{
    private static readonly Scalar One = 1.0.ToScalar();

    /// <summary>
    /// The shots sampled in order and concatenated along <paramref name="axis"/>.
    /// </summary>
    /// <param name="noises">each shot's starting noise, all the same shape</param>
    /// <param name="axis">the time axis the shots are concatenated along</param>
    /// <param name="context">how many finished shots each shot sees (0 or more)</param>
    /// <param name="windowVelocity">
    /// (first shot, shots in the window, x of the window, t (B) σ ∈ [0, 1], conditional) → the window's velocity, the
    /// shape of x: the generator run on shots first … first + count − 1 alone
    /// </param>
    /// <param name="progress">finished steps over all shots (S · steps in all)</param>
    /// <param name="cleanContext">
    /// the finished shots enter as they are, clean, at every step instead of re-noised to σ (for a generator trained
    /// with clean context, which it must be told through <paramref name="windowVelocity"/>: all shots of the window but
    /// the last are clean)
    /// </param>
    /// <param name="contextGuidance">
    /// λ ≥ 0 of context guidance (history guidance, Song et al. 2025, arXiv 2502.06764): shot s's conditional velocity
    /// becomes v(text, context) + λ·(v(text, context) − v(text, alone)), where "alone" is shot s in a window of itself,
    /// before classifier-free guidance over the text; so the step is v_u + w·(v_c − v_u) + w·λ·(v_c − v_alone). It
    /// pushes shot s toward what its context implies (where the previous shot ended). 0: no extra forward (the first
    /// shot, which has no context, never takes one).
    /// </param>
    public static Tensor Sample(IReadOnlyList<Tensor> noises, int axis, int context, Func<int, int, Tensor, Tensor, bool, Tensor> windowVelocity,
        IReadOnlyList<double> sigmas, double guidance, IProgress<int>? progress, bool cleanContext = false, double contextGuidance = 0)
    {
        ArgumentNullException.ThrowIfNull(noises);
        ArgumentNullException.ThrowIfNull(windowVelocity);
        ArgumentNullException.ThrowIfNull(sigmas);
        if (noises.Count == 0) throw new ArgumentException("a rollout needs at least one shot.", nameof(noises));
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        if (!(contextGuidance >= 0) || double.IsInfinity(contextGuidance))
            throw new ArgumentOutOfRangeException(nameof(contextGuidance), contextGuidance, "context guidance λ must be a finite number, 0 or more.");
        using var lambda = contextGuidance.ToScalar();
        var steps = sigmas.Count - 1;
        using var scope = NewDisposeScope();
        var done = new Tensor[noises.Count];
        for (var s = 0; s < noises.Count; s++)
        {
            using var shotScope = NewDisposeScope();                                           // this shot's context copies
            var first = Math.Max(0, s - context);
            var window = s - first + 1;                                                        // context shots + shot s
            var clean = first == s ? null : cat(done[first..s], dim: axis);
            var cleanNoise = first == s ? null : cat([.. noises.Skip(first).Take(s - first)], dim: axis);
            var shotLength = noises[s].shape[axis];
            var shotProgress = progress is null ? null : new OffsetProgress(progress, s * steps);
            done[s] = FlowSampler.Sample((x, t, conditional) =>
            {
                var input = clean is null ? x : cat([cleanContext ? clean : ContextAt(clean, cleanNoise!, t), x], dim: axis);
                var v = windowVelocity(first, window, input, t, conditional);
                var own = v.narrow(axis, (window - 1) * shotLength, shotLength);                // shot s's part
                if (contextGuidance == 0 || !conditional || clean is null) return own;
                var alone = windowVelocity(s, 1, x, t, true);                                    // shot s without its context
                return own.add(own.sub(alone), lambda);
            }, noises[s], sigmas, guidance, shotProgress).MoveToOuterDisposeScope();
        }
        return cat(done, dim: axis).MoveToOuterDisposeScope();
    }

    /// <summary>Finished context at noise level σ = <paramref name="t"/> (B), broadcast over the other axes: (1 − σ)·x + σ·ε.</summary>
    public static Tensor ContextAt(Tensor clean, Tensor noise, Tensor t)
    {
        var shape = Enumerable.Repeat(1L, (int)clean.dim()).ToArray();
        shape[0] = -1;
        var sigma = t.reshape(shape);                                                          // (B, 1, …, 1)
        return clean.mul(sigma.neg().add(One)).add(noise.mul(sigma));
    }

    private sealed class OffsetProgress(IProgress<int> inner, int offset) : IProgress<int>
    {
        public void Report(int value) => inner.Report(offset + value);
    }
}
