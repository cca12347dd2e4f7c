using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Data.ShapesWorld.Scoring;

/// <summary>
/// Scores a clip against its prompt by pixel analysis (shapes-world.md, "Scoring"), with tensor ops over the
/// whole (T, H, W, 3) uint8 clip. Choices where the spec is silent:
/// <list type="bullet">
/// <item>Background: the exact-RGB mode of each frame's 1 px border ring, mapped to the nearest palette
/// background; frames vote and the majority wins (a tie goes to the earlier palette entry).</item>
/// <item>"Farthest from the background": distance D = |RGB − background| per pixel over the whole clip; a robust
/// maximum Dmax = the smallest of the top 0.1 % of D (so a few stray pixels cannot set it); the foreground is
/// D ≥ Dmax / 2 and the farthest pixels are its upper half (D ≥ its median). That drops the edge pixels that
/// yuv420p's half-resolution chroma and ringing blend with the background, and keeps the solid interior.</item>
/// <item>No object: when Dmax &lt; <see cref="ShapesScoringOptions.MinObjectContrast"/>, colour, shape and motion
/// are null. A frame without alpha &gt; 0.5 is skipped for shape and motion; with none at all both are null.</item>
/// <item>Fill ratio and centroid use alpha inside each frame's bounding box of alpha &gt; 0.5 only: faint
/// alpha from noise across the whole background would otherwise swamp a 16 px object.</item>
/// <item>Motion: centroid mean of the first 5 and of the last 5 frames that contain the object (the clip's first
/// and last 5 when it is always visible); |displacement| &lt; 6 px is "stays still", else the dominant axis
/// (|dx| ≥ |dy| counts as horizontal) and sign, y growing downward.</item>
/// </list>
/// </summary>
public sealed class ShapesScorer
{
    // Share of all pixels treated as possible outliers when taking the "maximum" distance from the background;
    // far below the share a d = 16 object covers on 64×64 (triangle: 128 / 4096 ≈ 3 %).
    private const double OutlierShare = 0.001;

    /// <summary>A scorer with <paramref name="options"/> (the spec's thresholds when null).</summary>
    public ShapesScorer(ShapesScoringOptions? options = null) => Options = options ?? ShapesScoringOptions.Default;

    /// <summary>The thresholds in use.</summary>
    public ShapesScoringOptions Options { get; }

    /// <summary>Scores <paramref name="frames"/> (T, H, W, 3) uint8 against <paramref name="prompt"/>.</summary>
    public ShapesScore Score(Tensor frames, ShapesComposition prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new ShapesScore(prompt, Detect(frames));
    }

    /// <summary>
    /// Reads background, colour, shape and motion from <paramref name="frames"/>, a uint8 RGB tensor of shape
    /// (T, H, W, 3) with T ≥ 1 and H, W ≥ 3 on any device; anything else is an <see cref="ArgumentException"/>.
    /// </summary>
    public ShapesDetection Detect(Tensor frames)
    {
        Validate(frames);
        using var scope = NewDisposeScope();
        var t = (int)frames.shape[0];
        // Channel planes: reductions over a trailing dimension of 3 are slow; over the leading one they are not.
        var planes = frames.permute(3, 0, 1, 2).to_type(ScalarType.Float32).contiguous(); // (3, T, H, W)

        var background = DetectBackground(planes);
        var distance = Distance(planes, background.Rgb);                                 // (T, H, W)
        var robustMax = RobustMax(distance);
        if (robustMax < Options.MinObjectContrast)
            return new ShapesDetection(background, null, null, null, t, 0, null, null, null);

        var objectColour = FarthestMean(planes, distance, robustMax);
        var colour = ShapeColour.NearestTo(objectColour.R, objectColour.G, objectColour.B);
        var alpha = Alpha(planes, background.Rgb.Luma, colour.Rgb.Luma);                // (T, H, W)
        var (present, fill, centroidX, centroidY) = Measure(alpha);
        var withObject = Enumerable.Range(0, t).Where(i => present[i]).ToArray();
        if (withObject.Length == 0)
            return new ShapesDetection(background, colour, null, null, t, 0, objectColour, null, null);

        var fillRatio = withObject.Average(i => (double)fill[i]);
        var shape = Nearest(ShapeKind.All, s => Math.Abs(s.FillRatio - fillRatio));
        var n = Math.Min(Options.EndpointFrames, withObject.Length);
        var first = withObject.Take(n).ToArray();
        var last = withObject.TakeLast(n).ToArray();
        var displacement = new CanvasPoint(
            last.Average(i => (double)centroidX[i]) - first.Average(i => (double)centroidX[i]),
            last.Average(i => (double)centroidY[i]) - first.Average(i => (double)centroidY[i]));
        return new ShapesDetection(
            background, colour, shape, Classify(displacement), t, withObject.Length, objectColour, fillRatio, displacement);
    }

    /// <summary>
    /// The alpha-weighted centroid (px, y downward) of each frame of <paramref name="frames"/> (T, H, W, 3) uint8, as
    /// <see cref="Detect"/> measures it for motion; null for a frame without the object (or every frame when the clip
    /// has none). Long videos use it for continuity across shot boundaries (issue 6).
    /// </summary>
    public IReadOnlyList<CanvasPoint?> Centroids(Tensor frames)
    {
        Validate(frames);
        using var scope = NewDisposeScope();
        var t = (int)frames.shape[0];
        var planes = frames.permute(3, 0, 1, 2).to_type(ScalarType.Float32).contiguous(); // (3, T, H, W)
        var background = DetectBackground(planes);
        var distance = Distance(planes, background.Rgb);                                 // (T, H, W)
        var robustMax = RobustMax(distance);
        if (robustMax < Options.MinObjectContrast)
            return new CanvasPoint?[t];
        var objectColour = FarthestMean(planes, distance, robustMax);
        var colour = ShapeColour.NearestTo(objectColour.R, objectColour.G, objectColour.B);
        var (present, _, centroidX, centroidY) = Measure(Alpha(planes, background.Rgb.Luma, colour.Rgb.Luma));
        return [.. Enumerable.Range(0, t).Select(i => present[i] ? new CanvasPoint(centroidX[i], centroidY[i]) : (CanvasPoint?)null)];
    }

    private static void Validate(Tensor frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var shape = $"({string.Join(", ", frames.shape)})";
        if (frames.dim() != 4 || frames.shape[3] != 3)
            throw new ArgumentException($"expected frames of shape (T, H, W, 3), found {shape}", nameof(frames));
        if (frames.dtype != ScalarType.Byte)
            throw new ArgumentException($"expected uint8 (Byte) frames, found {frames.dtype} of shape {shape}", nameof(frames));
        if (frames.shape[0] < 1 || frames.shape[1] < 3 || frames.shape[2] < 3)
            throw new ArgumentException($"expected at least 1 frame of at least 3×3 pixels, found {shape}", nameof(frames));
    }

    // Per frame: exact-RGB mode of the 1 px border ring → nearest palette background; majority over frames.
    // (Every Scalar in this class is a `using` local; see ShapesRenderer.ObjectMask for why.)
    private static ShapeBackground DetectBackground(Tensor planes)
    {
        using var scope = NewDisposeScope();
        using var red = 65536.ToScalar();
        using var green = 256.ToScalar();
        using var one = 1.ToScalar();
        var (h, w) = (planes.shape[2], planes.shape[3]);
        var wide = planes.to_type(ScalarType.Int32);                                         // (3, T, H, W)
        var key = wide[0].mul(red).add(wide[1].mul(green), one).add(wide[2], one);           // (T, H, W) one int per RGB
        var ring = cat(
        [
            key.select(1, 0), key.select(1, h - 1),                                           // (T, W) top, bottom
            key.narrow(1, 1, h - 2).select(2, 0), key.narrow(1, 1, h - 2).select(2, w - 1),   // (T, H−2) left, right
        ], dim: 1);                                                                            // (T, 2W + 2H − 4)
        var modes = ring.mode(dim: 1).values.cpu().data<int>().ToArray();                     // T values
        var votes = new int[ShapeBackground.All.Count];
        foreach (var mode in modes)
        {
            var (r, g, b) = (mode >> 16, (mode >> 8) & 255, mode & 255);
            var nearest = Enumerable.Range(0, votes.Length).MinBy(i => ShapeBackground.All[i].Rgb.DistanceTo(r, g, b));
            votes[nearest]++;
        }

        return ShapeBackground.All[Array.IndexOf(votes, votes.Max())];
    }

    private static Tensor Distance(Tensor planes, Rgb background)
    {
        using var scope = NewDisposeScope();
        var colour = tensor(new float[] { background.R, background.G, background.B }, device: planes.device).view(3, 1, 1, 1);
        var difference = planes.sub(colour);                                                   // (3, T, H, W)
        return difference.mul(difference).sum([0]).sqrt().MoveToOuterDisposeScope();          // (T, H, W)
    }

    private static double RobustMax(Tensor distance)
    {
        using var scope = NewDisposeScope();
        var flat = distance.flatten();                                                         // (N,)
        var k = (int)Math.Max(1, Math.Ceiling(flat.shape[0] * OutlierShare));
        return flat.topk(k).values.min().item<float>();
    }

    private static MeanColour FarthestMean(Tensor planes, Tensor distance, double robustMax)
    {
        using var scope = NewDisposeScope();
        using var halfMax = (robustMax / 2).ToScalar();
        var foreground = distance.masked_select(distance.ge(halfMax));                         // (F,)
        var farthest = distance.ge(foreground.median());                                       // (T, H, W)
        var mean = planes.mul(farthest).sum([1, 2, 3]).div(farthest.sum()).cpu().data<float>().ToArray(); // (3,)
        return new MeanColour(mean[0], mean[1], mean[2]);
    }

    // Alpha from luma (spec): (Y − Y_bg) / (Y_obj − Y_bg), clipped to [0, 1]; palette colours are brighter than
    // every background, so the denominator is always ≥ 48.
    private static Tensor Alpha(Tensor planes, double backgroundLuma, double objectLuma)
    {
        using var scope = NewDisposeScope();
        using var lumaOffset = backgroundLuma.ToScalar();
        using var lumaRange = (objectLuma - backgroundLuma).ToScalar();
        using var zero = 0.ToScalar();
        using var one = 1.ToScalar();
        var weights = tensor(new[] { 0.299f, 0.587f, 0.114f }, device: planes.device).view(3, 1, 1, 1);
        var luma = planes.mul(weights).sum([0]);                                               // (T, H, W)
        return luma.sub(lumaOffset).div(lumaRange).clamp(zero, one).MoveToOuterDisposeScope();
    }

    // Per frame: presence, fill ratio and alpha-weighted centroid, all inside the bounding box of alpha > threshold.
    private (bool[] Present, float[] Fill, float[] CentroidX, float[] CentroidY) Measure(Tensor alpha)
    {
        using var scope = NewDisposeScope();
        var (h, w) = (alpha.shape[1], alpha.shape[2]);
        using var threshold = Options.AlphaThreshold.ToScalar();
        using var lastRow = (h - 1).ToScalar();
        using var lastColumn = (w - 1).ToScalar();
        using var one = 1.ToScalar();
        using var tiny = 1e-6.ToScalar();
        var solid = alpha.gt(threshold);                                                       // (T, H, W)
        var rows = solid.any(2).to_type(ScalarType.Int32);                                     // (T, H)
        var cols = solid.any(1).to_type(ScalarType.Int32);                                     // (T, W)
        // argmax returns the first maximal index: the first row/column with the object, seen from either end.
        var top = rows.argmax(1);                                                              // (T,)
        var bottom = rows.flip(1).argmax(1).neg().add(lastRow, one);                           // (T,)
        var left = cols.argmax(1);                                                             // (T,)
        var right = cols.flip(1).argmax(1).neg().add(lastColumn, one);                         // (T,)
        var iy = Indices(h, alpha.device).unsqueeze(0);                                        // (1, H)
        var ix = Indices(w, alpha.device).unsqueeze(0);                                        // (1, W)
        var inRows = iy.ge(top.unsqueeze(1)).logical_and(iy.le(bottom.unsqueeze(1)));          // (T, H)
        var inCols = ix.ge(left.unsqueeze(1)).logical_and(ix.le(right.unsqueeze(1)));          // (T, W)
        var boxed = alpha.mul(inRows.unsqueeze(2).logical_and(inCols.unsqueeze(1)));           // (T, H, W)
        var mass = boxed.sum([1, 2]);                                                          // (T,)
        var area = bottom.sub(top).add(one, one).mul(right.sub(left).add(one, one)).clamp_min(one); // (T,)
        var safeMass = mass.clamp_min(tiny);
        var centreX = PixelCentres(w, alpha.device).view(1, 1, w);                             // (1, 1, W)
        var centreY = PixelCentres(h, alpha.device).view(1, h, 1);                             // (1, H, 1)
        var cx = boxed.mul(centreX).sum([1, 2]).div(safeMass);                                 // (T,)
        var cy = boxed.mul(centreY).sum([1, 2]).div(safeMass);                                 // (T,)
        return (
            rows.any(1).cpu().data<bool>().ToArray(),
            mass.div(area).cpu().data<float>().ToArray(),
            cx.cpu().data<float>().ToArray(),
            cy.cpu().data<float>().ToArray());
    }

    private static Tensor Indices(long count, Device device) =>
        tensor(Enumerable.Range(0, (int)count).Select(i => (long)i).ToArray(), device: device);

    private static Tensor PixelCentres(long count, Device device) =>
        tensor(Enumerable.Range(0, (int)count).Select(i => i + 0.5f).ToArray(), device: device);

    private ShapeMotion Classify(CanvasPoint displacement)
    {
        var (dx, dy) = (displacement.X, displacement.Y);
        if (Math.Sqrt(dx * dx + dy * dy) < Options.StillThreshold)
            return ShapeMotion.StaysStill;
        if (Math.Abs(dx) >= Math.Abs(dy))
            return dx > 0 ? ShapeMotion.MovesRight : ShapeMotion.MovesLeft;
        return dy > 0 ? ShapeMotion.MovesDown : ShapeMotion.MovesUp;
    }

    private static T Nearest<T>(IReadOnlyList<T> choices, Func<T, double> distance) =>
        choices.MinBy(distance)!;
}
