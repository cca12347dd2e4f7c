using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.DiT;

/// <summary>
/// Wan's 3-axis rotary position embedding (diffusers <c>transformer_wan.py</c>, <c>WanRotaryPosEmbed</c> and the
/// <c>apply_rotary_emb</c> of <c>WanAttnProcessor</c>). The head dim is split into (t, h, w) bands — h = w =
/// 2·⌊D/6⌋, t = D − h − w (44/42/42 for D = 128) — each rotating consecutive channel pairs (2i, 2i+1) by
/// position · θ^(−2i/band), θ = 10⁴. Angles come from explicit (t, h, w) position tensors, so tokens that are not
/// on the latent grid (SemanticGen's semantic tokens) can be given fractional positions on the same axes.
/// A shared layer candidate: it lives in DiT/ until a Layers/ folder is agreed.
/// </summary>
public sealed class WanRotaryEmbedding : IDisposable
{
    private readonly Dictionary<(long F, long H, long W, string Device), (Tensor Cos, Tensor Sin)> _cache = [];
    private readonly Lock _lock = new();

    public WanRotaryEmbedding(int headDim, double theta = 10_000.0)
    {
        HeadDim = headDim;
        Theta = theta;
        var hw = 2 * (headDim / 6);
        Bands = [headDim - 2 * hw, hw, hw];
    }

    public int HeadDim { get; }

    public double Theta { get; }

    /// <summary>Channels of the (t, h, w) bands; they sum to the head dim.</summary>
    public IReadOnlyList<int> Bands { get; }

    /// <summary>The (t, h, w) positions of a latent grid in token order (t slowest, w fastest): (F·H·W, 3) float64.</summary>
    public static Tensor GridPositions(long frames, long height, long width, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var t = arange(frames, dtype: ScalarType.Float64, device: device).view(frames, 1, 1).expand(frames, height, width);
        var h = arange(height, dtype: ScalarType.Float64, device: device).view(1, height, 1).expand(frames, height, width);
        var w = arange(width, dtype: ScalarType.Float64, device: device).view(1, 1, width).expand(frames, height, width);
        return stack([t, h, w], dim: -1).reshape(frames * height * width, 3).MoveToOuterDisposeScope();   // (N, 3)
    }

    /// <summary>
    /// cos and sin of every pair's angle, (N, D/2) float32 each, from positions (N, 3) (any float dtype; the angles
    /// are computed in float64 like the reference's tables, then rounded to float32).
    /// </summary>
    public (Tensor Cos, Tensor Sin) Tables(Tensor positions)
    {
        using var scope = NewDisposeScope();
        var pos = positions.to(ScalarType.Float64);                                          // (N, 3)
        var angles = new List<Tensor>(3);
        for (var axis = 0; axis < 3; axis++)
        {
            var band = Bands[axis];
            // θ^(−2i/band), i < band/2, as 1 / θ^(2i/band) in float64 (get_1d_rotary_pos_embed).
            using var bandScalar = ((double)band).ToScalar();
            var exponents = arange(0, band, 2, dtype: ScalarType.Float64, device: pos.device).div(bandScalar);
            var inverse = tensor(Theta, ScalarType.Float64, pos.device).pow(exponents).reciprocal();                           // (band/2)
            angles.Add(pos[.., axis].unsqueeze(1) * inverse.unsqueeze(0));                     // (N, band/2)
        }
        var all = cat(angles, dim: 1);                                                        // (N, D/2)
        var cos = all.cos().to(ScalarType.Float32);
        var sin = all.sin().to(ScalarType.Float32);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The tables of an (F, H, W) token grid on <paramref name="device"/>, computed once and kept (owned by this
    /// object: callers must not dispose them).
    /// </summary>
    public (Tensor Cos, Tensor Sin) ForGrid(long frames, long height, long width, Device device)
    {
        var key = (frames, height, width, device.ToString());
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var cached))
            {
                return cached;
            }
            using var scope = NewDisposeScope();
            var (cos, sin) = Tables(GridPositions(frames, height, width, device));
            var entry = (cos.DetachFromDisposeScope(), sin.DetachFromDisposeScope());
            _cache[key] = entry;
            return entry;
        }
    }

    /// <summary>
    /// Rotates each channel pair (2i, 2i+1) of <paramref name="x"/> (B, N, heads, D) by the angles whose
    /// cos/sin are (N, D/2); computed in float32 and returned in x's dtype, as the reference does.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var pairs = x.to(ScalarType.Float32).unflatten(x.dim() - 1, [x.shape[^1] / 2, 2]);            // (B, N, h, D/2, 2)
        var x1 = pairs.select(-1, 0);                                                         // (B, N, h, D/2)
        var x2 = pairs.select(-1, 1);                                                         // (B, N, h, D/2)
        var c = cos.unsqueeze(1);                                                             // (N, 1, D/2)
        var s = sin.unsqueeze(1);                                                             // (N, 1, D/2)
        var even = x1 * c - x2 * s;                                                           // (B, N, h, D/2)
        var odd = x1 * s + x2 * c;                                                            // (B, N, h, D/2)
        var rotated = stack([even, odd], dim: -1).flatten(-2);                                // (B, N, h, D)
        return rotated.to(x.dtype).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (cos, sin) in _cache.Values)
            {
                cos.Dispose();
                sin.Dispose();
            }
            _cache.Clear();
        }
    }
}
