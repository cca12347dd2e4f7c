using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion;

/// <summary>Training-time t ∈ (0, 1) samplers (docs/method.md §4); pure given the generator, float32, on the CPU unless told.</summary>
public static class TimestepSampling
{
    /// <summary>Logit-normal: <c>t = sigmoid(u)</c>, <c>u ~ N(mean, std²)</c> (SD3's default mean 0, std 1).</summary>
    public static Tensor LogitNormal(Generator? generator, int n, double mean = 0.0, double std = 1.0, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        using var scope = NewDisposeScope();
        using var meanScalar = mean.ToScalar();
        using var stdScalar = std.ToScalar();
        using var one = 1.ToScalar();
        var u = randn(n, dtype: ScalarType.Float32, generator: generator).mul(stdScalar).add(meanScalar, one); // (n)
        return u.sigmoid().to(device ?? CPU).MoveToOuterDisposeScope();                                         // (n)
    }

    /// <summary>Uniform on [0, 1), then <see cref="FlowMatchSchedule.Shift"/>ed by <paramref name="shift"/>.</summary>
    public static Tensor UniformShifted(Generator? generator, int n, double shift, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        using var scope = NewDisposeScope();
        using var s = shift.ToScalar();
        using var sMinusOne = (shift - 1).ToScalar();
        using var one = 1.ToScalar();
        var t = rand(n, dtype: ScalarType.Float32, generator: generator);                 // (n)
        var shifted = t.mul(s).div(t.mul(sMinusOne).add(one, one));                          // s·t / (1 + (s−1)·t)
        return shifted.to(device ?? CPU).MoveToOuterDisposeScope();
    }
}
