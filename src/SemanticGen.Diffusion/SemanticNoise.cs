using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion;

/// <summary>
/// The noise put on z_sem before it conditions stage 2 (docs/method.md §3, after RAE): it makes the latent generator
/// robust to the imperfect z_sem that stage 1 produces. Written on the rectified-flow path,
/// <c>(1 − σ)·z + σ·ε</c> (σ = 0: z unchanged, σ = 1: pure noise), the same form as the generators' own noising, so
/// σ also reads as a flow time. RAE's decoder training draws σ = 0.8·U(0, 1) per sample
/// (<see cref="TrainingSigma"/>); at inference σ is a configured constant.
/// </summary>
public static class SemanticNoise
{
    /// <summary>RAE's largest training σ.</summary>
    public const double RaeMaxSigma = 0.8;

    /// <summary><c>(1 − σ)·z + σ·ε</c> with one σ for the whole batch; ε ~ N(0, I) from <paramref name="generator"/> on z's device.</summary>
    public static Tensor Add(Tensor zSem, double sigma, Generator? generator)
    {
        if (!(sigma >= 0 && sigma <= 1))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must lie in [0, 1].");
        using var scope = NewDisposeScope();
        var t = tensor(sigma, zSem.dtype, zSem.device);                                   // ()
        return Add(zSem, t, generator).MoveToOuterDisposeScope();
    }

    /// <summary><c>(1 − σ)·z + σ·ε</c> with σ a scalar tensor or one per sample (B) (e.g. from <see cref="TrainingSigma"/>).</summary>
    public static Tensor Add(Tensor zSem, Tensor sigma, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var eps = randn(zSem.shape, zSem.dtype, zSem.device, generator: generator);      // like z
        return RectifiedFlow.Interpolate(zSem, eps, sigma).MoveToOuterDisposeScope();     // (1 − σ)·z + σ·ε
    }

    /// <summary>RAE's training σ: <c>max·U(0, 1)</c> per sample, (B) float32 on the CPU unless told.</summary>
    public static Tensor TrainingSigma(Generator? generator, int batch, double max = RaeMaxSigma, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (!(max >= 0 && max <= 1))
            throw new ArgumentOutOfRangeException(nameof(max), max, "The largest σ must lie in [0, 1].");
        using var scope = NewDisposeScope();
        using var scale = max.ToScalar();
        var u = rand(batch, dtype: ScalarType.Float32, generator: generator);               // (B) in [0, 1)
        return u.mul(scale).to(device ?? CPU).MoveToOuterDisposeScope();                   // (B)
    }
}
