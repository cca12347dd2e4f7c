using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Data.Tests.ShapesWorld.Scoring;

/// <summary>
/// Imitates what H.264 yuv420p does to a 64×64 clip, for robustness tests of the scorer (not a substitute for a
/// real mp4 round trip): chroma averaged over aligned 2×2 blocks (half-resolution Cb/Cr, full-range BT.601),
/// optionally a soft luma edge (a [1 2 1]/4 blur standing in for ringing and deblocking), then integer noise of
/// ±amplitude per channel. Scalars are `using` locals (see ShapesRenderer.ObjectMask).
/// </summary>
internal static class CompressionLikeDegradation
{
    // Row-vector convention: (…, 3) RGB @ ToYcc = (…, 3) Y, Cb, Cr; and back with FromYcc.
    private static readonly float[] ToYcc = [0.299f, -0.168736f, 0.5f, 0.587f, -0.331264f, -0.418688f, 0.114f, 0.5f, -0.081312f];
    private static readonly float[] FromYcc = [1f, 1f, 1f, 0f, -0.344136f, 1.772f, 1.402f, -0.714136f, 0f];

    public static Tensor Apply(Tensor frames, long seed, int noise = 6, bool blurLuma = false)
    {
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        using var black = 0.ToScalar();
        using var white = 255.ToScalar();
        var ycc = frames.to_type(ScalarType.Float32).matmul(tensor(ToYcc).view(3, 3));      // (T, H, W, 3)
        var channels = ycc.permute(0, 3, 1, 2);                                               // (T, 3, H, W)
        var luma = channels.narrow(1, 0, 1);                                                  // (T, 1, H, W)
        var chroma = HalfResolution(channels.narrow(1, 1, 2));                                // (T, 2, H, W)
        if (blurLuma)
            luma = SoftEdges(luma);
        var rgb = cat([luma, chroma], 1).permute(0, 2, 3, 1).matmul(tensor(FromYcc).view(3, 3)); // (T, H, W, 3)
        using var generator = new Generator((ulong)seed);
        var jitter = randint(-noise, noise + 1, rgb.shape, generator: generator).to_type(ScalarType.Float32);
        return rgb.add(jitter, one).round().clamp(black, white).to_type(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    // Average each aligned 2×2 block and spread it back, as yuv420p subsampling and upsampling do.
    private static Tensor HalfResolution(Tensor channels) =>
        nn.functional.avg_pool2d(channels, 2).repeat_interleave(2, 2).repeat_interleave(2, 3);

    private static Tensor SoftEdges(Tensor luma)
    {
        using var one = 1.ToScalar();
        using var two = 2.ToScalar();
        using var four = 4.ToScalar();
        var (h, w) = (luma.shape[2], luma.shape[3]);
        var padded = nn.functional.pad(luma, [1, 1, 1, 1], PaddingModes.Replicate);         // (T, 1, H+2, W+2)
        var across = padded.narrow(3, 0, w).add(padded.narrow(3, 1, w).mul(two), one).add(padded.narrow(3, 2, w), one).div(four);
        return across.narrow(2, 0, h).add(across.narrow(2, 1, h).mul(two), one).add(across.narrow(2, 2, h), one).div(four);
    }
}
