using TorchSharp;

namespace SemanticGen.Media;

/// <summary>
/// H.264 in yuv420p stores colour per 2×2 block, so both sides must be even. An odd side grows by one, a copy of the last
/// column or row: unlike black padding this adds no edge that bleeds into the colour of the real border pixels, and
/// unlike cropping it loses nothing. Readers then see the stored (even) size.
/// </summary>
internal static class EvenFrameSize
{
    public static int Of(int size) => size + (size & 1);

    /// <summary>A new handle on <paramref name="batch"/> (T, H, W, 3) with even H and W; the caller disposes it.</summary>
    public static torch.Tensor Pad(torch.Tensor batch)
    {
        var result = batch.alias();
        foreach (var dim in new[] { 1L, 2L })
        {
            var size = result.shape[dim];
            if (size % 2 == 0)
            {
                continue;
            }

            using var last = result.narrow(dim, size - 1, 1);
            using var previous = result;
            result = torch.cat([previous, last], dim);
        }

        return result;
    }
}
