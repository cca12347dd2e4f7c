using SemanticGen.Models.DiT;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Generators;

/// <summary>
/// The stage-2 rectified-flow loss (docs/method.md §4) on the VAE latents only: the generator's output covers the
/// VAE tokens alone, so the semantic tokens never enter the loss by construction. The path and target are
/// restated here (SemanticGen.Models does not reference SemanticGen.Diffusion); they equal
/// <c>RectifiedFlow.Interpolate</c> / <c>Target</c> / <c>Loss</c> without a mask.
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
        using var one = 1.ToScalar();
        using var timestepScale = model.Config.TimestepScale.ToScalar();
        var tb = t.to(x0.dtype).view([t.shape[0], .. Enumerable.Repeat(1L, (int)x0.dim() - 1)]); // (B, 1, 1, 1, 1)
        var target = noise.sub(x0);                                                             // (B, C, F, H, W): ε − x₀
        var xt = x0.add(target.mul(tb), one);                                                   // (B, C, F, H, W): (1−t)·x₀ + t·ε
        var velocity = model.forward(xt, t.mul(timestepScale), text, zSem, semanticGrid);      // (B, C, F, H, W)
        var loss = velocity.to(ScalarType.Float32).sub(target.to(ScalarType.Float32)).square().mean();
        return loss.MoveToOuterDisposeScope();
    }
}
