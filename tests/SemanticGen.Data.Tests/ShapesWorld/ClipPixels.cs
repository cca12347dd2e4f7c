using SemanticGen.Data.ShapesWorld;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Data.Tests.ShapesWorld;

/// <summary>Pixel facts about rendered clips, measured independently of the renderer's geometry code.</summary>
internal static class ClipPixels
{
    /// <summary>(T, H, W) bool: pixels that differ from <paramref name="background"/> in any channel.</summary>
    public static Tensor ObjectMask(Tensor frames, Rgb background)
    {
        using var bg = tensor(new[] { background.R, background.G, background.B }, dtype: ScalarType.Byte);
        using var same = frames.eq(bg).all(-1);
        return same.logical_not();
    }

    /// <summary>Object pixel count per frame.</summary>
    public static long[] CountPerFrame(Tensor mask)
    {
        using var counts = mask.sum([1, 2]);
        return counts.data<long>().ToArray();
    }

    /// <summary>Centroid (pixel centres) of the mask's pixels in one frame.</summary>
    public static CanvasPoint Centroid(Tensor mask, int frame)
    {
        using var scope = NewDisposeScope();
        var m = mask[frame].to_type(ScalarType.Float64);                         // (H, W)
        var ys = tensor(Enumerable.Range(0, (int)m.shape[0]).Select(i => i + 0.5).ToArray()).unsqueeze(1);   // (H, 1)
        var xs = tensor(Enumerable.Range(0, (int)m.shape[1]).Select(i => i + 0.5).ToArray()).unsqueeze(0);   // (1, W)
        var n = m.sum().item<double>();
        return new CanvasPoint(m.mul(xs).sum().item<double>() / n, m.mul(ys).sum().item<double>() / n);
    }

    /// <summary>True when no pixel within <paramref name="margin"/> px of the canvas edge is object in any frame.</summary>
    public static bool MarginIsClear(Tensor mask, int margin)
    {
        var (h, w) = ((int)mask.shape[1], (int)mask.shape[2]);
        using var inner = zeros(h, w, dtype: ScalarType.Bool);
        inner[TensorIndex.Slice(margin, h - margin), TensorIndex.Slice(margin, w - margin)] = tensor(true);
        using var outside = mask.logical_and(inner.logical_not());
        return !outside.any().item<bool>();
    }

    /// <summary>The set of distinct RGB colours in one frame.</summary>
    public static HashSet<Rgb> Colours(Tensor frames, int frame)
    {
        using var scope = NewDisposeScope();
        var bytes = frames[frame].contiguous().data<byte>().ToArray();
        var set = new HashSet<Rgb>();
        for (var i = 0; i < bytes.Length; i += 3)
            set.Add(new Rgb(bytes[i], bytes[i + 1], bytes[i + 2]));
        return set;
    }
}
