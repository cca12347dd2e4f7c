using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion;

/// <summary>
/// The Euler update of rectified-flow sampling (docs/method.md §4; diffusers
/// <c>FlowMatchEulerDiscreteScheduler.step</c>): a pure function, the caller walks the grid.
/// </summary>
public static class FlowMatchSampler
{
    /// <summary>
    /// <c>z + (σ_next − σ)·v</c>, computed in float32 (like diffusers, which upcasts the sample) and returned in the
    /// dtype of <paramref name="modelOutput"/>. diffusers' dt is a float32 difference of float32 sigmas; so is ours.
    /// </summary>
    /// <param name="sample">z at σ, any shape.</param>
    /// <param name="modelOutput">The predicted velocity v = ε − z₀, same shape.</param>
    public static Tensor EulerStep(Tensor sample, Tensor modelOutput, double sigma, double sigmaNext)
    {
        using var scope = NewDisposeScope();
        using var dt = ((float)sigmaNext - (float)sigma).ToScalar();
        var next = sample.to(ScalarType.Float32).add(modelOutput.to(ScalarType.Float32), dt); // z + (σ_next − σ)·v
        return next.to(modelOutput.dtype).MoveToOuterDisposeScope();
    }
}
