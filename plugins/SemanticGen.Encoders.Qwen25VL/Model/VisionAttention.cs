using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// <c>Qwen2_5_VLVisionAttention</c> (transformers modeling_qwen2_5_vl.py): fused qkv with bias (rows [q; k; v]),
/// rotate-half 2D RoPE on q and k in float32, attention restricted to one window or one temporal slot, then proj.
/// The input is in window order (see <see cref="VisionLayout"/>).
/// </summary>
internal sealed class VisionAttention : nn.Module
{
    // Field names = checkpoint keys.
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly Scalar _one = 1.ToScalar();

    public VisionAttention(int width, int heads, Device? device = null) : base(nameof(VisionAttention))
    {
        _heads = heads;
        _headDim = width / heads;
        qkv = nn.Linear(width, 3L * width, hasBias: true, device: device);
        proj = nn.Linear(width, width, hasBias: true, device: device);
        RegisterComponents();
    }

    /// <param name="x">(B, N, D) in window order.</param>
    /// <param name="layout">The grid's cached indices, RoPE tables and mask.</param>
    /// <param name="fullAttention">True: attend within the temporal slot; false: within the window.</param>
    public Tensor Forward(Tensor x, VisionLayout layout, bool fullAttention)
    {
        using var scope = NewDisposeScope();
        var (batch, tokens, width) = (x.shape[0], x.shape[1], x.shape[2]);
        var parts = qkv.forward(x).view(batch, tokens, 3, _heads, _headDim).unbind(2);   // 3 × (B, N, H, hd)
        var q = Rotate(parts[0], layout);                                                  // (B, N, H, hd)
        var k = Rotate(parts[1], layout);                                                  // (B, N, H, hd)
        var v = parts[2];                                                                  // (B, N, H, hd)

        Tensor attended;
        if (fullAttention)
        {
            // One segment per temporal slot (HF cu_seqlens): equal lengths, so a plain reshape.
            var segments = batch * layout.GridT;
            attended = Attend(Segments(q, segments, layout.SlotTokens), Segments(k, segments, layout.SlotTokens),
                Segments(v, segments, layout.SlotTokens), mask: null);                    // (B·gt, H, S, hd)
        }
        else
        {
            // One segment per window (HF cu_window_seqlens), padded to equal length; pads masked as keys.
            var segments = batch * layout.GridT * layout.Windows;
            var mask = layout.KeyMask?.repeat(batch, 1, 1, 1);                             // (B·gt·windows, 1, 1, L)
            attended = Attend(
                Segments(q.index_select(1, layout.PadGather), segments, layout.WindowTokens),
                Segments(k.index_select(1, layout.PadGather), segments, layout.WindowTokens),
                Segments(v.index_select(1, layout.PadGather), segments, layout.WindowTokens), mask); // (B·gt·windows, H, L, hd)
        }
        var merged = attended.transpose(1, 2).reshape(batch, -1, width);                  // (B, segments·len, D)
        if (!fullAttention)
        {
            merged = merged.index_select(1, layout.UnpadGather);                           // (B, N, D)
        }
        return proj.forward(merged).MoveToOuterDisposeScope();                             // (B, N, D)
    }

    // (B, N, H, hd) → (segments, H, len, hd)
    private Tensor Segments(Tensor t, long segments, long length) =>
        t.reshape(segments, length, _heads, _headDim).transpose(1, 2);

    private static Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor? mask) =>
        nn.functional.scaled_dot_product_attention(q, k, v, mask);                        // scale 1/√hd, as HF

    // apply_rotary_pos_emb_vision: q·cos + rotate_half(q)·sin in float32, back to the input dtype.
    private Tensor Rotate(Tensor t, VisionLayout layout)
    {
        var t32 = t.to_type(ScalarType.Float32);                                           // (B, N, H, hd)
        var halves = t32.chunk(2, -1);                                                     // 2 × (B, N, H, hd/2)
        var rotated = cat([halves[1].neg(), halves[0]], -1);                               // (B, N, H, hd)
        return t32.mul(layout.Cos).add(rotated.mul(layout.Sin), _one).to_type(t.dtype);     // (B, N, H, hd)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            qkv.Dispose();
            proj.Dispose();
            _one.Dispose();
        }
        base.Dispose(disposing);
    }
}
