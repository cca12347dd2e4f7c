using TorchSharp;

namespace SemanticGen.Media.Tests;

/// <summary>Deterministic uint8 (T, H, W, 3) clips with solid regions, built with tensor ops.</summary>
internal static class SyntheticClips
{
    public static readonly byte[] Background = [20, 40, 160];
    public static readonly byte[] SquareColour = [230, 200, 30];
    public const int SquareSide = 16;

    /// <summary>A yellow 16×16 square moving over a blue background: frame i has its corner at (x = i, y = 16 + i / 2).</summary>
    public static torch.Tensor MovingSquare(int frames = 49, int size = 64)
    {
        var clip = Solid(frames, size, size, Background);
        for (var i = 0; i < frames; i++)
        {
            var (x, y) = SquareCorner(i);
            using var square = clip[i, torch.TensorIndex.Slice(y, y + SquareSide), torch.TensorIndex.Slice(x, x + SquareSide)];
            using var colour = torch.tensor(SquareColour);
            square.copy_(colour);
        }

        return clip;
    }

    public static (int X, int Y) SquareCorner(int frame) => (frame, 16 + frame / 2);

    /// <summary>Frame i is one flat colour (5i, 255 − 5i, 128), so any decoded frame tells which source frame it was.</summary>
    public static torch.Tensor ColourRamp(int frames = 49, int width = 64, int height = 64)
    {
        var clip = torch.empty([frames, height, width, 3], torch.ScalarType.Byte);
        for (var i = 0; i < frames; i++)
        {
            using var frame = clip[i];
            using var colour = torch.tensor(RampColour(i));
            frame.copy_(colour);
        }

        return clip;
    }

    public static byte[] RampColour(int frame) => [(byte)(5 * frame), (byte)(255 - 5 * frame), 128];

    /// <summary>Which ramp frame a decoded frame shows: the one whose red level is nearest to the frame's mean red.</summary>
    public static int RampFrameOf(torch.Tensor frame)
    {
        using var red = frame[torch.TensorIndex.Ellipsis, 0].to(torch.ScalarType.Float32);
        return (int)Math.Round(red.mean().item<float>() / 5);
    }

    /// <summary>Three vertical bands of equal width, left to right red, green, blue.</summary>
    public static torch.Tensor VerticalBands(int frames, int width, int height)
    {
        var clip = torch.empty([frames, height, width, 3], torch.ScalarType.Byte);
        byte[][] colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
        for (var band = 0; band < 3; band++)
        {
            using var region = clip[torch.TensorIndex.Colon, torch.TensorIndex.Colon, torch.TensorIndex.Slice(band * width / 3, (band + 1) * width / 3)];
            using var colour = torch.tensor(colours[band]);
            region.copy_(colour);
        }

        return clip;
    }

    public static torch.Tensor Solid(int frames, int width, int height, byte[] rgb)
    {
        using var colour = torch.tensor(rgb);
        return colour.expand(frames, height, width, 3).contiguous();
    }
}
