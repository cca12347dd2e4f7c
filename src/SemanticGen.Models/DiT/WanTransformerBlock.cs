using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.DiT;

/// <summary>
/// One Wan block (diffusers <c>transformer_wan.py</c>, <c>WanTransformerBlock</c>): adaLN-modulated self-attention
/// with RoPE, (optionally normed) cross-attention to the text, adaLN-modulated tanh-GELU MLP. The six modulations
/// are <c>scale_shift_table</c> + the time projection; as in the reference, the norms and the modulation/gating
/// arithmetic run in float32 and results return to the stream's dtype, so bf16 models round like diffusers.
/// </summary>
public sealed class WanTransformerBlock : nn.Module
{
    private readonly Scalar _one = 1.0.ToScalar();
    private readonly long[] _normShape;
    private readonly double _eps;

    // Field names are the checkpoint keys: blocks.{i}.{attn1,attn2,norm2,ffn,scale_shift_table}.
    private readonly WanAttention attn1;
    private readonly WanAttention attn2;
    private readonly LayerNorm? norm2;
    private readonly WanFeedForward ffn;
    private readonly Parameter scale_shift_table;

    public WanTransformerBlock(WanTransformerConfig config, Device? device = null) : base(nameof(WanTransformerBlock))
    {
        var dim = config.InnerDim;
        _normShape = [dim];
        _eps = config.Eps;
        attn1 = new WanAttention(dim, config.NumAttentionHeads, config.Eps, device);
        attn2 = new WanAttention(dim, config.NumAttentionHeads, config.Eps, device);
        norm2 = config.CrossAttnNorm ? nn.LayerNorm(dim, config.Eps, elementwise_affine: true, device: device) : null;
        ffn = new WanFeedForward(dim, config.FfnDim, device);
        scale_shift_table = new Parameter(empty(1, 6, dim, device: device));
        RegisterComponents();
    }

    /// <summary>Casts attention and MLP; the adaLN table and the cross-attention norm stay float32 (as in diffusers).</summary>
    internal void CastProjections(ScalarType dtype)
    {
        attn1.to(dtype);
        attn2.to(dtype);
        ffn.to(dtype);
    }

    /// <param name="x">video tokens (B, N, D)</param>
    /// <param name="text">text tokens (B, L, D)</param>
    /// <param name="modulation">time projection (B, 6, D), or per token (B, N, 6, D) in the order of <paramref name="x"/></param>
    /// <param name="cos">RoPE (N, D_head/2)</param>
    /// <param name="sin">RoPE (N, D_head/2)</param>
    /// <param name="windows">self-attention windows (sizes of consecutive token spans, see <see cref="WanAttention.forward"/>); null: full</param>
    /// <param name="crossSegments">cross-attention block mask (each segment's tokens see only its text); null: all text</param>
    public Tensor forward(Tensor x, Tensor text, Tensor modulation, Tensor cos, Tensor sin, IReadOnlyList<long>? windows = null, CrossAttentionSegments? crossSegments = null)
    {
        using var scope = NewDisposeScope();
        var dtype = x.dtype;
        var mods = Modulations(modulation);                                                  // 6 × (B, 1, D) or (B, N, D)
        var (shift, scale, gate) = (mods[0], mods[1], mods[2]);
        var (ffnShift, ffnScale, ffnGate) = (mods[3], mods[4], mods[5]);

        // 1. self-attention, adaLN-modulated and gated in float32
        var normed = Modulate(PlainNorm(x), shift, scale).to(dtype);                          // (B, N, D)
        var attended = attn1.forward(normed, null, cos, sin, windows);                        // (B, N, D)
        x = x.to(ScalarType.Float32).add(attended.mul(gate), _one).to(dtype);                           // (B, N, D)

        // 2. cross-attention to the text, plain residual
        normed = norm2 is null ? x : norm2.forward(x.to(ScalarType.Float32)).to(dtype);       // (B, N, D)
        x = x.add(attn2.forward(normed, text, null, null, null, crossSegments), _one);                 // (B, N, D)

        // 3. feed-forward, adaLN-modulated and gated in float32
        normed = Modulate(PlainNorm(x), ffnShift, ffnScale).to(dtype);                        // (B, N, D)
        var fed = ffn.forward(normed).to(ScalarType.Float32);                                 // (B, N, D)
        x = x.to(ScalarType.Float32).add(fed.mul(ffnGate), _one).to(dtype);                             // (B, N, D)
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The six modulations in float32, table + projection: from (B, 6, D) six (B, 1, D) that broadcast over the tokens;
    /// from per-token (B, N, 6, D) six (B, N, D).
    /// </summary>
    private Tensor[] Modulations(Tensor modulation)
    {
        var table = scale_shift_table.to(ScalarType.Float32);                                 // (1, 6, D)
        if (modulation.dim() == 3)
            return table.add(modulation.to(ScalarType.Float32), _one).chunk(6, dim: 1);      // 6 × (B, 1, D)
        if (modulation.dim() != 4 || modulation.shape[2] != 6)
            throw new ArgumentException($"modulation ({string.Join(", ", modulation.shape)}) must be (B, 6, D) or (B, N, 6, D).", nameof(modulation));
        return [.. table.unsqueeze(0).add(modulation.to(ScalarType.Float32), _one).chunk(6, dim: 2).Select(m => m.squeeze(2))]; // 6 × (B, N, D)
    }

    /// <summary>LayerNorm without affine, in float32 (the reference's FP32LayerNorm norm1/norm3).</summary>
    private Tensor PlainNorm(Tensor x) => nn.functional.layer_norm(x.to(ScalarType.Float32), _normShape, eps: _eps);

    private Tensor Modulate(Tensor normed, Tensor shift, Tensor scale) => normed.mul(scale.add(_one, _one)).add(shift, _one);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _one.Dispose();
            attn1.Dispose();
            attn2.Dispose();
            norm2?.Dispose();
            ffn.Dispose();
            scale_shift_table.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// diffusers <c>FeedForward(activation_fn="gelu-approximate")</c>: <c>net.0.proj</c> linear → tanh-GELU →
/// (net.1: dropout, p = 0) → <c>net.2</c> linear.
/// </summary>
public sealed class WanFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    public WanFeedForward(int dim, int hidden, Device? device = null) : base(nameof(WanFeedForward))
    {
        net = new ModuleList<nn.Module<Tensor, Tensor>>(
            new WanGeluProjection(dim, hidden, device),
            nn.Identity(),
            nn.Linear(hidden, dim, hasBias: true, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var hidden = net[0].forward(x);                                                       // (B, N, F)
        return net[2].forward(hidden).MoveToOuterDisposeScope();                              // (B, N, D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            net.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>diffusers <c>GELU(approximate="tanh")</c>: a linear named <c>proj</c>, then tanh-approximated GELU.</summary>
public sealed class WanGeluProjection : nn.Module<Tensor, Tensor>
{
    private readonly Linear proj;

    public WanGeluProjection(int dim, int hidden, Device? device = null) : base(nameof(WanGeluProjection))
    {
        proj = nn.Linear(dim, hidden, hasBias: true, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return nn.functional.gelu(proj.forward(x), GELU.Approximate.tanh).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            proj.Dispose();
        }
        base.Dispose(disposing);
    }
}
