using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// Clean context for the story generators: finished shots at the start of a sequence enter as they are and their tokens
/// are modulated at t = 0 (Wan2.2's per-token timesteps), while the shots being generated keep the sample's t. Used by
/// <see cref="LongVideoSampler.SemanticVelocity"/> and <see cref="WindowedLatentView"/>, in training and in the rollouts.
/// </summary>
public static class CleanContext
{
    /// <summary>
    /// Per-token timesteps (B, N): the first <paramref name="cleanTokens"/> tokens at 0, the rest at each sample's
    /// timestep (<paramref name="timestep"/> (B,) or (1,), broadcast to <paramref name="batch"/>).
    /// </summary>
    public static Tensor PerTokenTimesteps(Tensor timestep, long batch, long cleanTokens, long tokens)
    {
        ArgumentNullException.ThrowIfNull(timestep);
        if (cleanTokens < 0 || cleanTokens > tokens)
            throw new ArgumentOutOfRangeException(nameof(cleanTokens), cleanTokens, $"clean tokens must lie in 0…{tokens}.");
        using var scope = NewDisposeScope();
        var noisy = ones(tokens, dtype: timestep.dtype, device: timestep.device);              // (N,)
        noisy.narrow(0, 0, cleanTokens).zero_();
        return timestep.reshape(-1, 1).expand(batch, tokens).mul(noisy.unsqueeze(0)).MoveToOuterDisposeScope(); // (B, N)
    }
}
