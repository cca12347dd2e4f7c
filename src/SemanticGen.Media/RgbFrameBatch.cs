using TorchSharp;

namespace SemanticGen.Media;

/// <summary>Checks frames handed to a writer and brings them to one layout: contiguous uint8 on the CPU, (T, H, W, 3).</summary>
internal static class RgbFrameBatch
{
    /// <summary>
    /// A new (T, H, W, 3) handle on <paramref name="frames"/> (the caller disposes it; the input is not touched), or an
    /// <see cref="ArgumentException"/> naming expected and found dtype and shape.
    /// </summary>
    public static torch.Tensor Normalize(torch.Tensor frames, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var shape = frames.shape;
        var fits = shape.Length switch
        {
            4 => shape[1] == height && shape[2] == width && shape[3] == 3,
            3 => shape[0] == height && shape[1] == width && shape[2] == 3,
            _ => false,
        };
        if (!fits || frames.dtype != torch.ScalarType.Byte)
        {
            throw new ArgumentException(
                $"expected uint8 frames of shape (T, {height}, {width}, 3) or ({height}, {width}, 3), found {DtypeName(frames.dtype)} ({string.Join(", ", shape)})",
                nameof(frames));
        }

        using var cpu = frames.cpu();
        if (shape.Length == 4)
        {
            return cpu.contiguous();
        }

        using var batch = cpu.unsqueeze(0);
        return batch.contiguous();
    }

    private static string DtypeName(torch.ScalarType dtype) =>
        dtype == torch.ScalarType.Byte ? "uint8" : dtype.ToString().ToLowerInvariant();
}
