using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.Generators;

/// <summary>How semantic features become z_sem: a learned Gaussian bottleneck, or the features themselves (ablation).</summary>
public enum SemanticCompressionMode
{
    /// <summary>MLP → mean and log-variance of a diagonal Gaussian of <see cref="SemanticCompressorConfig.OutputDim"/> channels.</summary>
    Compressed,

    /// <summary>Identity: z_sem is the encoder's features (the paper's "uncompressed" ablation), KL 0, no parameters.</summary>
    Uncompressed,
}

/// <summary>
/// Sizes of the compression MLP (docs/method.md §2). <paramref name="OutputDim"/> 8 was the paper's best (8 &gt; 64 &gt;
/// uncompressed on every VBench metric). <paramref name="HiddenDim"/> is not given by the paper; null means
/// <paramref name="InputDim"/> (our choice).
/// </summary>
public sealed record SemanticCompressorConfig(
    int InputDim,
    int OutputDim = 8,
    int? HiddenDim = null,
    SemanticCompressionMode Mode = SemanticCompressionMode.Compressed)
{
    /// <summary>Channels of one z_sem token: <see cref="OutputDim"/>, or <see cref="InputDim"/> when uncompressed.</summary>
    public int TokenDim => Mode == SemanticCompressionMode.Uncompressed ? InputDim : OutputDim;

    /// <summary>Width of the MLP's hidden layer.</summary>
    public int Hidden => HiddenDim ?? InputDim;

    public SemanticCompressorConfig Validated()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(InputDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(OutputDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Hidden);
        if (!Enum.IsDefined(Mode))
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown compression mode.");
        return this;
    }
}

/// <summary>
/// z_sem of a batch: the Gaussian's <see cref="Mean"/> and clamped <see cref="LogVar"/> (null when uncompressed) and
/// the <see cref="Sample"/> fed to the generators, each (B, N, d). The tensors belong to the caller's dispose scope.
/// </summary>
public sealed record CompressedSemantics(Tensor Mean, Tensor? LogVar, Tensor Sample)
{
    /// <summary>
    /// KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_c (μ² + σ² − 1 − log σ²), summed over the d channels of a token and
    /// averaged over the B·N tokens (so the value does not grow with the grid, and a weight on it transfers across
    /// resolutions). A float32 scalar; exactly 0 when uncompressed.
    /// </summary>
    public Tensor Kl()
    {
        using var scope = NewDisposeScope();
        if (LogVar is null)
        {
            return zeros([], ScalarType.Float32, Mean.device).MoveToOuterDisposeScope();
        }
        using var one = 1.ToScalar();
        using var half = 0.5.ToScalar();
        using var minusOne = (-1).ToScalar();
        var mean = Mean.to(ScalarType.Float32);                                               // (B, N, d)
        var logVar = LogVar.to(ScalarType.Float32);                                           // (B, N, d)
        var terms = mean.square().add(logVar.exp(), one).add(logVar, minusOne).sub(one);           // μ² + σ² − log σ² − 1
        return terms.sum(-1).mean().mul(half).MoveToOuterDisposeScope();                     // ()
    }
}

/// <summary>
/// SemanticGen's compression MLP (arXiv 2512.20619 §3; docs/method.md §2): each semantic token (B, N, D_in) →
/// Linear → GELU → Linear to 2·d, split into mean μ and log-variance log σ² (clamped to [−30, 20] like the VAE's
/// <c>DiagonalGaussianDistribution</c>), <c>z_sem = μ + σ·ε</c>. GELU (exact) follows the Qwen2.5-VL merger the
/// features come from; the paper does not name the activation.
/// </summary>
public sealed class SemanticCompressor : nn.Module
{
    private readonly Scalar _logVarMin = (-30.0).ToScalar();
    private readonly Scalar _logVarMax = 20.0.ToScalar();
    private readonly Scalar _half = 0.5.ToScalar();
    private readonly Scalar _one = 1.ToScalar();

    // Field names are the checkpoint keys (proj_in.weight, proj_out.bias, …); both are null when uncompressed.
    private readonly Linear? proj_in;
    private readonly Linear? proj_out;

    public SemanticCompressor(SemanticCompressorConfig config, Device? device = null)
        : base(nameof(SemanticCompressor))
    {
        Config = config.Validated();
        if (config.Mode == SemanticCompressionMode.Compressed)
        {
            proj_in = nn.Linear(config.InputDim, config.Hidden, hasBias: true, device: device);
            proj_out = nn.Linear(config.Hidden, 2 * config.OutputDim, hasBias: true, device: device);
        }
        RegisterComponents();
    }

    public SemanticCompressorConfig Config { get; }

    /// <summary>
    /// Features (B, N, D_in) → z_sem. <see cref="CompressedSemantics.Sample"/> is μ + σ·ε with ε drawn from
    /// <paramref name="generator"/> (on the features' device) while the module is training; with no generator, or
    /// in eval mode, it is μ itself (deterministic). Uncompressed: Mean = Sample = features, no LogVar.
    /// </summary>
    public CompressedSemantics Compress(Tensor features, Generator? generator = null)
    {
        if (features.dim() != 3 || features.shape[2] != Config.InputDim)
            throw new ArgumentException($"features ({string.Join(", ", features.shape)}) must be (B, N, {Config.InputDim}).", nameof(features));
        if (proj_in is null || proj_out is null)
        {
            return new CompressedSemantics(features.alias(), null, features.alias());
        }
        using var scope = NewDisposeScope();
        var hidden = nn.functional.gelu(proj_in.forward(features.to(proj_in.weight!.dtype)));   // (B, N, H)
        var moments = proj_out.forward(hidden).chunk(2, dim: -1);                              // 2 × (B, N, d)
        var mean = moments[0];                                                                // (B, N, d)
        var logVar = moments[1].clamp(_logVarMin, _logVarMax);                                 // (B, N, d)
        var sample = mean;
        if (generator is not null && training)
        {
            var eps = randn(mean.shape, mean.dtype, mean.device, generator: generator);        // (B, N, d)
            sample = mean.add(logVar.mul(_half).exp().mul(eps), _one);                         // μ + σ·ε
        }
        return new CompressedSemantics(mean.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope(),
            ReferenceEquals(sample, mean) ? mean.alias().MoveToOuterDisposeScope() : sample.MoveToOuterDisposeScope());
    }

    /// <summary>Features (B, N, D_in) → z_sem sample (B, N, d); see <see cref="Compress"/>.</summary>
    public Tensor forward(Tensor features, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        return Compress(features, generator).Sample.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _logVarMin.Dispose();
            _logVarMax.Dispose();
            _half.Dispose();
            _one.Dispose();
            proj_in?.Dispose();
            proj_out?.Dispose();
        }
        base.Dispose(disposing);
    }
}
