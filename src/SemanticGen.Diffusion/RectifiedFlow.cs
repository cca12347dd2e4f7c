using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion;

/// <summary>
/// The rectified-flow training path (docs/method.md §4): <c>z_t = (1−t)·z₀ + t·ε</c> (t = 1 is noise), target
/// velocity <c>v = ε − z₀</c>, loss <c>‖v_θ − v‖²</c>. Pure tensor functions.
/// </summary>
public static class RectifiedFlow
{
    /// <summary><c>(1−t)·x₀ + t·ε</c>, written as <c>x₀ + t·(ε − x₀)</c>.</summary>
    /// <param name="x0">Data, (B, …).</param>
    /// <param name="noise">ε, same shape.</param>
    /// <param name="t">(B) one time per sample, or a scalar tensor; broadcast over the trailing dimensions.</param>
    public static Tensor Interpolate(Tensor x0, Tensor noise, Tensor t)
    {
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        var tb = PerSample(t, x0);                                                           // (B, 1, …, 1)
        return x0.add(noise.sub(x0).mul(tb), one).MoveToOuterDisposeScope();                 // (B, …)
    }

    /// <summary>The velocity of the straight path: <c>ε − x₀</c>.</summary>
    public static Tensor Target(Tensor x0, Tensor noise) => noise.sub(x0);

    /// <summary>
    /// Mean squared error. With <paramref name="mask"/> (broadcastable to the prediction, 1 = counts, 0 = ignore)
    /// the squared errors are weighted by it and divided by the number of counted elements (mask broadcast), so
    /// padding does not dilute the loss. A scalar, in float32.
    /// </summary>
    public static Tensor Loss(Tensor prediction, Tensor target, Tensor? mask = null)
    {
        using var scope = NewDisposeScope();
        var squared = prediction.to(ScalarType.Float32).sub(target.to(ScalarType.Float32)).square(); // (B, …)
        if (mask is null)
        {
            return squared.mean().MoveToOuterDisposeScope();
        }
        var weights = mask.to(ScalarType.Float32).expand_as(squared);                                  // (B, …)
        return squared.mul(weights).sum().div(weights.sum()).MoveToOuterDisposeScope();
    }

    private static Tensor PerSample(Tensor t, Tensor like)
    {
        var values = t.to(like.dtype, like.device);
        if (values.dim() == 0)
        {
            return values;
        }
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = values.shape[0];
        return values.reshape(shape);
    }
}
