using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// V-JEPA 2's 3D rotary position embedding on queries and keys (transformers <c>models/vjepa2/modeling_vjepa2.py</c>:
/// <c>rotate_queries_or_keys</c>, <c>VJEPA2RopeAttention.get_position_ids</c> / <c>apply_rotary_embeddings</c>).
/// The head dim D holds three bands of <c>2·⌊⌊D/3⌋/2⌋</c> channels rotated by the token's frame, row and column
/// index; the rest of D passes unrotated. Two quirks of the reference are kept on purpose, since the weights were
/// trained with them: channels are paired adjacently, (x0,x1),(x2,x3)…, yet the cos/sin tables are tiled, so within
/// a band of width b the channel j uses frequency <c>ω[j mod b/2]</c>, <c>ω_i = 10000^(−i/(b/2))</c>.
/// Positions come from the actual token grid: for the square grid crop/patch (all our preprocessing produces) this
/// equals the reference, which derives rows from the configured crop; Meta's code passes the input's grid instead.
/// </summary>
internal sealed class VJepa2Rope : IDisposable
{
    private readonly int _band;
    private readonly object _lock = new();
    private readonly Dictionary<(SemanticGrid Grid, string Device, ScalarType Dtype), (Tensor Cos, Tensor Sin)> _tables = [];

    public VJepa2Rope(int headDim)
    {
        HeadDim = headDim;
        _band = 2 * (headDim / 3 / 2);
    }

    public int HeadDim { get; }

    /// <summary>Channels rotated per head, 3 bands.</summary>
    public int RotatedDim => 3 * _band;

    /// <summary>
    /// cos and sin tables (N, 3·band) for a (T', H', W') token grid in raster order, computed once per grid, device
    /// and dtype and kept until disposal (they live outside every dispose scope). Callers must not dispose them.
    /// </summary>
    public (Tensor Cos, Tensor Sin) Tables(SemanticGrid grid, Device device, ScalarType dtype)
    {
        lock (_lock)
        {
            var key = (grid, device.ToString(), dtype);
            if (!_tables.TryGetValue(key, out var tables))
            {
                tables = Build(grid, device, dtype);
                _tables[key] = tables;
            }
            return tables;
        }
    }

    /// <summary>Rotates <paramref name="x"/> (B, heads, N, D) with tables from <see cref="Tables"/>.</summary>
    public Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        if (RotatedDim == 0)
            return x.alias();
        using var scope = NewDisposeScope();
        var rotated = x.narrow(-1, 0, RotatedDim);                          // (B, h, N, R)
        var pairs = rotated.unflatten(x.dim() - 1, [RotatedDim / 2, 2]);    // (B, h, N, R/2, 2)
        var even = pairs.select(-1, 0);                                     // (B, h, N, R/2)
        var odd = pairs.select(-1, 1);                                      // (B, h, N, R/2)
        var turned = stack([odd.neg(), even], -1).flatten(-2);              // (B, h, N, R): (−x1, x0, −x3, x2, …)
        var result = rotated * cos + turned * sin;                          // (B, h, N, R)
        if (RotatedDim < HeadDim)
            result = cat([result, x.narrow(-1, RotatedDim, HeadDim - RotatedDim)], -1);  // (B, h, N, D)
        return result.MoveToOuterDisposeScope();
    }

    private (Tensor Cos, Tensor Sin) Build(SemanticGrid grid, Device device, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        // Position ids per token, raster order (t outermost): the reference's id // (H·W), (id mod H·W) // W, id mod W.
        var frame = arange(grid.T, ScalarType.Int64).view(-1, 1, 1).expand(grid.T, grid.H, grid.W).reshape(-1);   // (N)
        var row = arange(grid.H, ScalarType.Int64).view(1, -1, 1).expand(grid.T, grid.H, grid.W).reshape(-1);     // (N)
        var column = arange(grid.W, ScalarType.Int64).view(1, 1, -1).expand(grid.T, grid.H, grid.W).reshape(-1);  // (N)
        var angles = cat([BandAngles(frame), BandAngles(row), BandAngles(column)], -1);                            // (N, R)
        // Computed in float32 like the reference does for float32 models; lower-precision models get them rounded.
        var cos = angles.cos().to(dtype, device).DetachFromDisposeScope();
        var sin = angles.sin().to(dtype, device).DetachFromDisposeScope();
        return (cos, sin);
    }

    /// <summary>Angles (N, band) of one band: <c>pos·ω</c> with ω tiled twice, as the reference's repeat(…, 2).</summary>
    private Tensor BandAngles(Tensor positions)
    {
        var half = _band / 2;
        using var halfScalar = ((double)half).ToScalar();
        using var theta = 10000.0.ToScalar();
        // Same float32 operations as the reference: arange / (b/2), then 1 / 10000^ω.
        var exponent = arange(half, ScalarType.Float32).div(halfScalar);           // (b/2)
        var omega = full_like(exponent, theta).pow(exponent).reciprocal();          // (b/2)
        var frequencies = positions.unsqueeze(-1) * omega;                          // (N, b/2)
        return cat([frequencies, frequencies], -1);                                 // (N, b)
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (cos, sin) in _tables.Values)
            {
                cos.Dispose();
                sin.Dispose();
            }
            _tables.Clear();
        }
    }
}
