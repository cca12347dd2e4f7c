using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.VideoVae;

/// <summary>
/// The diagonal Gaussian over latents (diffusers <c>DiagonalGaussianDistribution</c>): the encoder's moments split
/// into mean and log-variance along channels, log-variance clamped to [−30, 20]. Owns its tensors.
/// </summary>
public sealed class WanVaePosterior : IDisposable
{
    private WanVaePosterior(Tensor mean, Tensor logVar)
    {
        Mean = mean;
        LogVar = logVar;
    }

    /// <summary>(B, z, T, h, w); also the reference's <c>mode()</c>.</summary>
    public Tensor Mean { get; }

    /// <summary>(B, z, T, h, w), clamped to [−30, 20].</summary>
    public Tensor LogVar { get; }

    internal static WanVaePosterior FromMoments(Tensor moments)
    {
        using var scope = NewDisposeScope();
        var halves = moments.chunk(2, 1);                                             // 2 × (B, z, T, h, w)
        var logVar = halves[1].clamp(WanVaeScalars.LogVarMin, WanVaeScalars.LogVarMax);
        return new WanVaePosterior(halves[0].MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }

    internal WanVaePosterior MoveToOuterDisposeScope()
    {
        Mean.MoveToOuterDisposeScope();
        LogVar.MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>The standard deviation exp(logvar / 2).</summary>
    public Tensor Std()
    {
        using var scope = NewDisposeScope();
        return LogVar.mul(WanVaeScalars.Half).exp().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// mean + std · ε, ε ~ N(0, 1) drawn on the CPU from <paramref name="generator"/> (so a seed gives the same draw
    /// on any device) and moved to the posterior's device. Differentiable in mean and logvar (reparameterisation).
    /// </summary>
    public Tensor Sample(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var noise = randn(Mean.shape, dtype: Mean.dtype, generator: generator).to(Mean.device);
        return Mean.add(Std().mul(noise), WanVaeScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// KL(q ‖ N(0, I)) per sample, summed over all latent dims: (B). (diffusers sums only dims 1–3 of a 5-D latent,
    /// leaving (B, w); the full sum is the actual KL.)
    /// </summary>
    public Tensor Kl()
    {
        using var scope = NewDisposeScope();
        var terms = Mean.square().add(LogVar.exp(), WanVaeScalars.One).sub(WanVaeScalars.One).sub(LogVar);
        return terms.flatten(1).sum(1).mul(WanVaeScalars.Half).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Mean.Dispose();
        LogVar.Dispose();
    }
}
