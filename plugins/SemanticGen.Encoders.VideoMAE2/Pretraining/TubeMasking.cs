using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// Which tokens of each clip the encoder sees: <paramref name="Visible"/> (B, Nv) and <paramref name="Masked"/> (B, Nm)
/// flat raster-order token indices (int64), each row ascending, every clip with the same counts. The holder owns both.
/// </summary>
public sealed record TubeMask(Tensor Visible, Tensor Masked) : IDisposable
{
    public void Dispose()
    {
        Visible.Dispose();
        Masked.Dispose();
    }

    /// <summary>Hugging Face's <c>bool_masked_pos</c> (B, N): true where a token is masked.</summary>
    public Tensor ToBoolMask(long tokens)
    {
        using var scope = NewDisposeScope();
        var mask = zeros([Masked.shape[0], tokens], ScalarType.Bool, Masked.device);    // (B, N)
        mask.scatter_(1, Masked, ones_like(Masked, ScalarType.Bool));
        return mask.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// VideoMAE's tube masking (github.com/MCG-NJU/VideoMAE <c>masking_generator.py</c> <c>TubeMaskingGenerator</c>): per clip,
/// ⌊ratio · H·W⌋ spatial positions are masked, the same ones in every temporal slot, so a masked patch cannot be copied
/// from its neighbour in time. Seeded and pure: the same arguments give the same mask.
/// </summary>
public static class TubeMasking
{
    /// <summary>Masks for <paramref name="batch"/> clips of <paramref name="grid"/>; clip b uses its own shuffle of the same seeded stream.</summary>
    public static TubeMask Create(SemanticGrid grid, int batch, double ratio, int seed, Device? device = null)
    {
        var spatial = grid.H * grid.W;
        var maskedPerSlot = (int)(ratio * spatial);
        if (!(ratio >= 0 && ratio < 1) || maskedPerSlot == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, $"must mask at least one and keep at least one of the {spatial} positions per slot.");
        }
        var random = new Random(seed);
        var visible = new List<long>();
        var masked = new List<long>();
        for (var clip = 0; clip < batch; clip++)
        {
            var isMasked = new bool[spatial];
            Array.Fill(isMasked, true, 0, maskedPerSlot);
            random.Shuffle(isMasked);
            for (var t = 0; t < grid.T; t++)
            {
                for (var s = 0; s < spatial; s++)
                {
                    (isMasked[s] ? masked : visible).Add((long)t * spatial + s);
                }
            }
        }
        return new TubeMask(
            tensor(visible.ToArray(), [batch, visible.Count / batch], device: device),
            tensor(masked.ToArray(), [batch, masked.Count / batch], device: device));
    }
}
