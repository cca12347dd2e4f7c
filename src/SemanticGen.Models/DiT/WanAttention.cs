using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.DiT;

/// <summary>
/// Wan attention (diffusers <c>transformer_wan.py</c>, <c>WanAttention</c> + <c>WanAttnProcessor</c>, text-to-video):
/// q/k/v linears, RMS norm of q and k across all heads, RoPE on q and k (self-attention only), scaled dot-product
/// attention (scale D^−½), output linear <c>to_out.0</c>. Cross-attention takes keys/values from the text tokens.
/// </summary>
public sealed class WanAttention : nn.Module
{
    private readonly int _heads;

    // Field names are the checkpoint keys: blocks.{i}.attn{1,2}.{to_q,to_k,to_v,to_out.0,norm_q,norm_k}.
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<Linear> to_out;
    private readonly WanRmsNorm norm_q;
    private readonly WanRmsNorm norm_k;

    public WanAttention(int dim, int heads, double eps, Device? device = null) : base(nameof(WanAttention))
    {
        _heads = heads;
        to_q = nn.Linear(dim, dim, hasBias: true, device: device);
        to_k = nn.Linear(dim, dim, hasBias: true, device: device);
        to_v = nn.Linear(dim, dim, hasBias: true, device: device);
        // The reference's to_out.1 is a dropout (p = 0): nothing to load, nothing to run.
        to_out = new ModuleList<Linear>(nn.Linear(dim, dim, hasBias: true, device: device));
        norm_q = new WanRmsNorm(dim, eps, device);
        norm_k = new WanRmsNorm(dim, eps, device);
        RegisterComponents();
    }

    /// <param name="x">queries' tokens (B, N, D)</param>
    /// <param name="context">keys' and values' tokens (B, L, D); null for self-attention</param>
    /// <param name="cos">RoPE (N, D_head/2) or null (cross-attention)</param>
    /// <param name="sin">RoPE (N, D_head/2) or null</param>
    /// <param name="windows">
    /// self-attention only: sizes of consecutive token windows (summing to N) that attend only within themselves
    /// (SemanticGen's shifted-window latent attention); null attends over all N tokens
    /// </param>
    /// <param name="segments">
    /// cross-attention only: a block-diagonal mask as spans (each shot's tokens see only its own text, long videos);
    /// null attends to all L text tokens
    /// </param>
    public Tensor forward(Tensor x, Tensor? context, Tensor? cos, Tensor? sin, IReadOnlyList<long>? windows = null, CrossAttentionSegments? segments = null)
    {
        using var scope = NewDisposeScope();
        var source = context ?? x;
        var q = norm_q.forward(to_q.forward(x)).unflatten(2, [_heads, -1]);                   // (B, N, h, d)
        var k = norm_k.forward(to_k.forward(source)).unflatten(2, [_heads, -1]);              // (B, L, h, d)
        var v = to_v.forward(source).unflatten(2, [_heads, -1]);                              // (B, L, h, d)
        if (cos is not null && sin is not null)
        {
            q = WanRotaryEmbedding.Apply(q, cos, sin);                                        // (B, N, h, d)
            k = WanRotaryEmbedding.Apply(k, cos, sin);                                        // (B, N, h, d)
        }
        var attended = segments is not null && context is not null
            ? SegmentedAttention(q, k, v, segments)                                           // (B, h, N, d)
            : windows is null
            ? nn.functional.scaled_dot_product_attention(
                q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))                      // (B, h, N, d)
            : WindowedAttention(q, k, v, windows);                                            // (B, h, N, d)
        var merged = attended.transpose(1, 2).flatten(2).to(q.dtype);                         // (B, N, D)
        return to_out[0].forward(merged).MoveToOuterDisposeScope();                           // (B, N, D)
    }

    /// <summary>
    /// Attention within consecutive windows of q, k, v (B, N, h, d): each run of equal-size windows becomes one
    /// (B·n, h, L_w, d) batch for SDPA, so no scores outside a window are computed and no mask is needed.
    /// </summary>
    private static Tensor WindowedAttention(Tensor q, Tensor k, Tensor v, IReadOnlyList<long> windows)
    {
        var (batch, tokens, heads, dim) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3]);
        if (k.shape[1] != tokens || windows.Sum() != tokens)
            throw new ArgumentException($"windows (sum {windows.Sum()}) must tile the self-attention's {tokens} tokens.", nameof(windows));
        using var scope = NewDisposeScope();
        var runs = new List<Tensor>();
        long start = 0;
        for (var i = 0; i < windows.Count;)
        {
            var length = windows[i];
            var count = 1;
            while (i + count < windows.Count && windows[i + count] == length)
                count++;
            var span = count * length;
            Tensor Batched(Tensor t) => t.narrow(1, start, span).reshape(batch * count, length, heads, dim).transpose(1, 2); // (B·n, h, L_w, d)
            var attended = nn.functional.scaled_dot_product_attention(Batched(q), Batched(k), Batched(v)); // (B·n, h, L_w, d)
            runs.Add(attended.transpose(1, 2).reshape(batch, span, heads, dim));              // (B, n·L_w, h, d)
            start += span;
            i += count;
        }
        var all = runs.Count == 1 ? runs[0] : cat(runs, dim: 1);                              // (B, N, h, d)
        return all.transpose(1, 2).MoveToOuterDisposeScope();                                 // (B, h, N, d)
    }

    /// <summary>
    /// Block-diagonal attention of queries (B, N, h, d) to keys/values (B, L, h, d): segment i's query span attends to
    /// its text span only. Runs of segments with equal spans become one (B·n, h, ·, d) batch for SDPA.
    /// </summary>
    private static Tensor SegmentedAttention(Tensor q, Tensor k, Tensor v, CrossAttentionSegments segments)
    {
        var (batch, heads, dim) = (q.shape[0], q.shape[2], q.shape[3]);
        segments.Check(q.shape[1], k.shape[1]);
        using var scope = NewDisposeScope();
        var runs = new List<Tensor>();
        long queryStart = 0, textStart = 0;
        for (var i = 0; i < segments.Queries.Count;)
        {
            var (queries, text) = (segments.Queries[i], segments.Text[i]);
            var count = 1;
            while (i + count < segments.Queries.Count && segments.Queries[i + count] == queries && segments.Text[i + count] == text)
                count++;
            Tensor Batched(Tensor t, long start, long length) =>
                t.narrow(1, start, count * length).reshape(batch * count, length, heads, dim).transpose(1, 2); // (B·n, h, len, d)
            var attended = nn.functional.scaled_dot_product_attention(
                Batched(q, queryStart, queries), Batched(k, textStart, text), Batched(v, textStart, text)); // (B·n, h, N_s, d)
            runs.Add(attended.transpose(1, 2).reshape(batch, count * queries, heads, dim));  // (B, n·N_s, h, d)
            queryStart += count * queries;
            textStart += count * text;
            i += count;
        }
        var all = runs.Count == 1 ? runs[0] : cat(runs, dim: 1);                              // (B, N, h, d)
        return all.transpose(1, 2).MoveToOuterDisposeScope();                                 // (B, h, N, d)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            to_q.Dispose();
            to_k.Dispose();
            to_v.Dispose();
            to_out.Dispose();
            norm_q.Dispose();
            norm_k.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// RMS norm with a learned scale (torch <c>nn.RMSNorm</c>): x · (mean(x²) + eps)^−½ · weight, computed in float32 and
/// returned in x's dtype. A shared layer candidate: it lives in DiT/ until a Layers/ folder is agreed.
/// </summary>
public sealed class WanRmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Scalar _eps;
    private readonly Scalar _one = 1.0.ToScalar();   // explicit alpha (docs/torchsharp-notes.md)
    private readonly Parameter weight;

    public WanRmsNorm(int dim, double eps, Device? device = null) : base(nameof(WanRmsNorm))
    {
        _eps = eps.ToScalar();
        weight = new Parameter(ones(dim, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);                                                   // (..., D)
        var inverseRms = x32.square().mean([-1], keepdim: true).add(_eps, _one).rsqrt();            // (..., 1)
        var normed = (x32 * inverseRms).to(x.dtype) * weight.to(x.dtype);                     // (..., D)
        return normed.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _eps.Dispose();
            _one.Dispose();
            weight.Dispose();
        }
        base.Dispose(disposing);
    }
}
