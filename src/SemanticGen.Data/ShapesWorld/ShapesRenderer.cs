using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// Renders Shapes World clips (shapes-world.md, "Rendering") as uint8 RGB tensors of shape (T, H, W, 3) with
/// tensor ops: pixel-centre grids compared against the shape, broadcast over frames.
/// </summary>
/// <remarks>
/// Geometry, with c = (cx, cy) the bounding-box centre of frame i, h = d/2, and p = (col + 0.5, row + 0.5) the
/// pixel centre. Hard edges: a pixel takes the object colour iff p is inside the shape.
/// <list type="bullet">
/// <item>square: cx − h ≤ px &lt; cx + h and cy − h ≤ py &lt; cy + h. Half-open (left/top edges in, right/bottom
/// out) so a square covers exactly d×d pixel centres wherever it is, like a raster fill rule.</item>
/// <item>circle: |p − c|² ≤ h² (boundary in).</item>
/// <item>triangle: apex at the top-centre (cx, cy − h), base along the bottom edge from (cx − h, cy + h) to
/// (cx + h, cy + h). With depth t = py − (cy − h): 0 ≤ t &lt; d (top in, base row rule as the square) and
/// |px − cx| ≤ t/2 (sloped sides in).</item>
/// </list>
/// Centres are continuous; frame i is at <see cref="ShapesRenderOptions.PositionAt"/> (linear schedule), computed
/// in double precision and then compared in float32.
/// </remarks>
public sealed class ShapesRenderer
{
    /// <summary>A renderer for <paramref name="options"/> (the spec's defaults when null).</summary>
    public ShapesRenderer(ShapesRenderOptions? options = null) =>
        Options = (options ?? ShapesRenderOptions.Default).Validate();

    /// <summary>The validated rendering options.</summary>
    public ShapesRenderOptions Options { get; }

    /// <summary>Renders <paramref name="clip"/>; the caller owns (and disposes) the (T, H, W, 3) uint8 tensor.</summary>
    public Tensor Render(ShapesClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return Render(clip.Composition, clip.Start);
    }

    /// <summary>
    /// Renders <paramref name="composition"/> starting at <paramref name="start"/> (the object may leave the
    /// margins if the start is outside <see cref="ShapesRenderOptions.StartRegion"/>; nothing is clamped here).
    /// The caller owns (and disposes) the (T, H, W, 3) uint8 tensor.
    /// </summary>
    public Tensor Render(ShapesComposition composition, CanvasPoint start)
    {
        ArgumentNullException.ThrowIfNull(composition);
        return Render(composition, start, composition.Colour.Rgb);
    }

    /// <summary>
    /// Renders <paramref name="composition"/> with its object painted <paramref name="objectColour"/> instead of the
    /// palette colour its caption names (shape, motion and background as the composition says). The caller owns the
    /// (T, H, W, 3) uint8 tensor.
    /// </summary>
    public Tensor Render(ShapesComposition composition, CanvasPoint start, Rgb objectColour)
    {
        ArgumentNullException.ThrowIfNull(composition);
        using var scope = NewDisposeScope();
        using var mask = ObjectMask(composition.Shape, composition.Motion, start);      // (T, H, W) bool
        var colour = Colour(objectColour);                                             // (3,) uint8
        var background = Colour(composition.Background.Rgb);                           // (3,) uint8
        var frames = where(mask.unsqueeze(-1), colour, background);                     // (T, H, W, 3) uint8
        return frames.MoveToOuterDisposeScope();
    }

    /// <summary>The (T, H, W) boolean mask of object pixels; the caller owns the tensor.</summary>
    public Tensor ObjectMask(ShapeKind shape, ShapeMotion motion, CanvasPoint start)
    {
        ArgumentNullException.ThrowIfNull(shape);
        using var scope = NewDisposeScope();
        var o = Options;
        var centres = Enumerable.Range(0, o.Frames).Select(i => o.PositionAt(start, motion, i)).ToArray();
        var cx = Floats(centres.Select(c => c.X)).view(o.Frames, 1, 1);                      // (T, 1, 1)
        var cy = Floats(centres.Select(c => c.Y)).view(o.Frames, 1, 1);                      // (T, 1, 1)
        var px = Floats(PixelCentres(o.Width)).view(1, 1, o.Width);                           // (1, 1, W)
        var py = Floats(PixelCentres(o.Height)).view(1, o.Height, 1);                         // (1, H, 1)
        var dx = px.sub(cx);                                                                  // (T, 1, W)
        var dy = py.sub(cy);                                                                  // (T, H, 1)

        // Every Scalar is a `using` local: TorchSharp passes libtorch only a Scalar's native handle, so a
        // temporary one (an implicit conversion, or the alpha that add() supplies) can be finalized by a GC on
        // another thread while libtorch still reads it ("Unknown scalar type").
        var half = o.ObjectSize / 2;
        using var one = 1.ToScalar();
        using var zero = 0.ToScalar();
        using var plusHalf = half.ToScalar();
        using var minusHalf = (-half).ToScalar();
        using var size = o.ObjectSize.ToScalar();
        using var slope = 0.5.ToScalar();
        using var radiusSquared = (half * half).ToScalar();

        Tensor mask;
        if (shape == ShapeKind.Square)
        {
            var inX = dx.ge(minusHalf).logical_and(dx.lt(plusHalf));                         // (T, 1, W)
            var inY = dy.ge(minusHalf).logical_and(dy.lt(plusHalf));                         // (T, H, 1)
            mask = inX.logical_and(inY);                                                     // (T, H, W)
        }
        else if (shape == ShapeKind.Circle)
        {
            mask = dx.mul(dx).add(dy.mul(dy), one).le(radiusSquared);                       // (T, H, W)
        }
        else if (shape == ShapeKind.Triangle)
        {
            var depth = dy.add(plusHalf, one);                                               // (T, H, 1) below the apex row
            var rows = depth.ge(zero).logical_and(depth.lt(size));                           // (T, H, 1)
            // Half-width grows linearly from 0 at the apex to d/2 at the base: t · (d/2) / d = t / 2.
            mask = dx.abs().le(depth.mul(slope)).logical_and(rows);                          // (T, H, W)
        }
        else
        {
            throw new ArgumentException($"unknown shape '{shape.Word}'", nameof(shape));
        }

        return mask.MoveToOuterDisposeScope();
    }

    private static IEnumerable<double> PixelCentres(int count) => Enumerable.Range(0, count).Select(i => i + 0.5);

    private static Tensor Floats(IEnumerable<double> values) => tensor(values.Select(v => (float)v).ToArray());

    private static Tensor Colour(Rgb rgb) => tensor(new[] { rgb.R, rgb.G, rgb.B }, dtype: ScalarType.Byte);
}
