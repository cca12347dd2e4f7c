using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion;

/// <summary>Classifier-free guidance (docs/method.md §4; Wan uses w = 5).</summary>
public static class Guidance
{
    /// <summary><c>v_u + w·(v_c − v_u)</c>: w = 1 is the conditional prediction, w = 0 the unconditional.</summary>
    public static Tensor Apply(Tensor vUncond, Tensor vCond, double w)
    {
        using var scope = NewDisposeScope();
        using var weight = w.ToScalar();
        return vUncond.add(vCond.sub(vUncond), weight).MoveToOuterDisposeScope();
    }
}
