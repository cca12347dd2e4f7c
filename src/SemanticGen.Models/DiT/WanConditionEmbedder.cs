using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.DiT;

/// <summary>
/// Timestep and text conditioning (diffusers <c>transformer_wan.py</c>, <c>WanTimeTextImageEmbedding</c>, text-to-video
/// part): sinusoidal features of t → <c>time_embedder</c> (linear, SiLU, linear) = temb (B, D); SiLU → <c>time_proj</c>
/// = the six block modulations (B, 6D); text hidden states → <c>text_embedder</c> (linear, tanh-GELU, linear).
/// </summary>
public sealed class WanConditionEmbedder : nn.Module
{
    private readonly int _freqDim;

    // Field names are the checkpoint keys: condition_embedder.{time_embedder,time_proj,text_embedder}.
    private readonly WanTwoLayerMlp time_embedder;
    private readonly Linear time_proj;
    private readonly WanTwoLayerMlp text_embedder;

    public WanConditionEmbedder(WanTransformerConfig config, Device? device = null) : base(nameof(WanConditionEmbedder))
    {
        _freqDim = config.FreqDim;
        time_embedder = new WanTwoLayerMlp(config.FreqDim, config.InnerDim, tanhGelu: false, device);
        time_proj = nn.Linear(config.InnerDim, 6L * config.InnerDim, hasBias: true, device: device);
        text_embedder = new WanTwoLayerMlp(config.TextDim, config.InnerDim, tanhGelu: true, device);
        RegisterComponents();
    }

    /// <summary>Casts the time projection and text embedder; the time MLP stays float32 (diffusers' _keep_in_fp32_modules).</summary>
    internal void CastProjections(ScalarType dtype)
    {
        time_proj.to(dtype);
        text_embedder.to(dtype);
    }

    /// <summary>
    /// Sinusoidal timestep features (diffusers <c>embeddings.py</c>, <c>get_timestep_embedding</c> with
    /// flip_sin_to_cos = true, downscale_freq_shift = 0, max period 10⁴): [cos(t·f_i), sin(t·f_i)] with
    /// f_i = exp(−ln(10⁴)·i / (dim/2)), i &lt; dim/2, in float32. Timesteps may be fractional.
    /// </summary>
    public static Tensor TimestepFeatures(Tensor timesteps, int dim)
    {
        using var scope = NewDisposeScope();
        var half = dim / 2;
        using var negLogPeriod = (-Math.Log(10_000.0)).ToScalar();
        using var halfScalar = ((float)half).ToScalar();
        var exponent = arange(half, dtype: ScalarType.Float32, device: timesteps.device).mul(negLogPeriod).div(halfScalar); // (dim/2)
        var args = timesteps.to(ScalarType.Float32).unsqueeze(1) * exponent.exp().unsqueeze(0);                             // (B, dim/2)
        return cat([args.cos(), args.sin()], dim: 1).MoveToOuterDisposeScope();                                             // (B, dim)
    }

    /// <param name="timestep">
    /// (B,) one timestep per sample, or (B, N) one per token (Wan2.2's per-token timesteps: e.g. clean context tokens at
    /// t = 0 beside noisy ones); float, fractional values allowed
    /// </param>
    /// <param name="text">(B, L, text_dim)</param>
    /// <returns>
    /// temb (B, D) and the block modulations (B, 6, D) — or per token (B, N, D) and (B, N, 6, D) — both in text's dtype;
    /// text tokens (B, L, D).
    /// </returns>
    public (Tensor Temb, Tensor Modulation, Tensor Text) forward(Tensor timestep, Tensor text)
    {
        if (timestep.dim() is not (1 or 2))
            throw new ArgumentException($"timestep ({string.Join(", ", timestep.shape)}) must be (B,) or per token (B, N).", nameof(timestep));
        using var scope = NewDisposeScope();
        var perToken = timestep.dim() == 2;
        var features = TimestepFeatures(timestep.flatten(), _freqDim);                        // (B, F) or (B·N, F)
        var timeDtype = time_embedder.DType;
        var temb = time_embedder.forward(features.to(timeDtype)).to(text.dtype);             // (B, D) or (B·N, D)
        var modulation = time_proj.forward(nn.functional.silu(temb).to(time_proj.weight!.dtype));   // (B, 6D) or (B·N, 6D)
        modulation = modulation.unflatten(1, [6, modulation.shape[1] / 6]);                  // (B, 6, D) or (B·N, 6, D)
        if (perToken)
        {
            temb = temb.unflatten(0, timestep.shape);                                         // (B, N, D)
            modulation = modulation.unflatten(0, timestep.shape);                             // (B, N, 6, D)
        }
        var tokens = text_embedder.forward(text.to(text_embedder.DType));                    // (B, L, D)
        return (temb.MoveToOuterDisposeScope(), modulation.MoveToOuterDisposeScope(), tokens.MoveToOuterDisposeScope());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            time_embedder.Dispose();
            time_proj.Dispose();
            text_embedder.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// linear_1 → activation → linear_2: diffusers <c>TimestepEmbedding</c> (SiLU) and <c>PixArtAlphaTextProjection</c>
/// (tanh-approximated GELU); the key names are the same in both.
/// </summary>
public sealed class WanTwoLayerMlp : nn.Module<Tensor, Tensor>
{
    private readonly bool _tanhGelu;
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    public WanTwoLayerMlp(int inFeatures, int outFeatures, bool tanhGelu, Device? device = null) : base(nameof(WanTwoLayerMlp))
    {
        _tanhGelu = tanhGelu;
        linear_1 = nn.Linear(inFeatures, outFeatures, hasBias: true, device: device);
        linear_2 = nn.Linear(outFeatures, outFeatures, hasBias: true, device: device);
        RegisterComponents();
    }

    internal ScalarType DType => linear_1.weight!.dtype;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var hidden = linear_1.forward(x);                                                     // (..., D)
        hidden = _tanhGelu
            ? nn.functional.gelu(hidden, GELU.Approximate.tanh)
            : nn.functional.silu(hidden);
        return linear_2.forward(hidden).MoveToOuterDisposeScope();                            // (..., D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            linear_1.Dispose();
            linear_2.Dispose();
        }
        base.Dispose(disposing);
    }
}
