using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// VideoMAE's fixed sin-cos position table over the flat token index (transformers
/// <c>modeling_videomae.py</c> <c>get_sinusoid_encoding_table</c>): angle(pos, j) = pos / 10000^(2⌊j/2⌋/E), sin on
/// even j, cos on odd j. Computed in float64 like the reference (numpy) and rounded once to the requested dtype.
/// </summary>
public static class SinusoidTable
{
    /// <summary>The (<paramref name="positions"/>, <paramref name="dim"/>) table.</summary>
    public static Tensor Build(long positions, long dim, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        using var scope = NewDisposeScope();
        using var two = 2L.ToScalar();
        using var dimScalar = ((double)dim).ToScalar();
        using var logTheta = Math.Log(10000.0).ToScalar();
        using var zero = 0L.ToScalar();
        var pos = arange(positions, dtype: ScalarType.Float64).unsqueeze(1);                  // (N, 1)
        var j = arange(dim, dtype: ScalarType.Int64);                                           // (E)
        var exponent = j.div(two, rounding_mode: RoundingMode.floor).mul(two).to(ScalarType.Float64).div(dimScalar); // (E) 2⌊j/2⌋/E
        var angle = pos.div(exponent.mul(logTheta).exp());                                     // (N, E) pos / 10000^(…)
        var even = j.remainder(two).eq(zero);                                                   // (E)
        var table = where(even, angle.sin(), angle.cos());                                      // (N, E)
        return table.to(dtype, device ?? CPU).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Tables built once per (token count, dtype, device) and kept until disposed: a forward pass only looks one up.
/// Inputs larger than the configured clip (more frames, larger frames) get the same formula extended to their token
/// count, which is what the reference's table would hold had it been built for that many positions.
/// </summary>
internal sealed class SinusoidTableCache(long dim) : IDisposable
{
    private readonly Dictionary<(long, ScalarType, string), Tensor> _tables = [];
    private readonly Lock _lock = new();

    /// <summary>The (N, dim) table; owned by the cache (do not dispose).</summary>
    public Tensor Get(long positions, ScalarType dtype, Device device)
    {
        lock (_lock)
        {
            var key = (positions, dtype, device.ToString());
            if (!_tables.TryGetValue(key, out var table))
            {
                // Detached so that the dispose scope of the forward pass that first asks does not free it.
                table = SinusoidTable.Build(positions, dim, dtype, device).DetachFromDisposeScope();
                _tables.Add(key, table);
            }
            return table;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var table in _tables.Values)
            {
                table.Dispose();
            }
            _tables.Clear();
        }
    }
}
