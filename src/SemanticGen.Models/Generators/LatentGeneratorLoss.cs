using SemanticGen.Diffusion;
using SemanticGen.Models.DiT;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Generators;

/// <summary>
/// The stage-2 rectified-flow loss (docs/method.md §4) on the VAE latents only: the generator's output covers the
/// VAE tokens alone, so the semantic tokens never enter the loss by construction. Path, target and loss are
/// <see cref="RectifiedFlow"/>'s.
/// </summary>
public static class LatentGeneratorLoss
{
    /// <param name="model">the generator</param>
    /// <param name="x0">clean VAE latents (B, C, F, H, W)</param>
    /// <param name="noise">ε, same shape</param>
    /// <param name="t">(B,) in [0, 1], t = 1 is noise; the model sees t·<see cref="LatentGeneratorConfig.TimestepScale"/></param>
    /// <param name="text">text hidden states (B, L, text_dim)</param>
    /// <param name="zSem">clean semantic tokens (B, Ns, SemanticDim), or null</param>
    /// <param name="semanticGrid">grid of <paramref name="zSem"/></param>
    /// <returns>mean squared error of the velocity, a float32 scalar</returns>
    public static Tensor Compute(LatentGenerator model, Tensor x0, Tensor noise, Tensor t, Tensor text, Tensor? zSem, WanTokenGrid semanticGrid)
    {
        using var scope = NewDisposeScope();
        using var timestepScale = model.Config.TimestepScale.ToScalar();
        var xt = RectifiedFlow.Interpolate(x0, noise, t.to(x0.dtype));                          // (B, C, F, H, W): (1−t)·x₀ + t·ε
        var velocity = model.forward(xt, t.mul(timestepScale), text, zSem, semanticGrid);      // (B, C, F, H, W)
        return RectifiedFlow.Loss(velocity, RectifiedFlow.Target(x0, noise)).MoveToOuterDisposeScope();
    }
}
