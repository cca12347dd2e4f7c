namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// Rendering parameters with the spec's defaults (shapes-world.md, "Rendering"): 64×64 canvas, 49 frames at
/// 24 fps, object size d = 16 px, straight-line travel of 32 px, and a 2 px margin the object never enters.
/// </summary>
public sealed record ShapesRenderOptions(
    int Width = 64,
    int Height = 64,
    int Frames = 49,
    double Fps = 24,
    double ObjectSize = 16,
    double Travel = 32,
    double Margin = 2)
{
    /// <summary>The spec's default configuration.</summary>
    public static ShapesRenderOptions Default { get; } = new();

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless the options describe a renderable clip: positive sizes, at
    /// least 2 frames (the motion schedule divides by T − 1), and room for the whole travel inside the margins.
    /// </summary>
    public ShapesRenderOptions Validate()
    {
        if (Width < 1 || Height < 1)
            throw new ArgumentException($"canvas must be at least 1×1, found {Width}×{Height}");
        if (Frames < 2)
            throw new ArgumentException($"a clip needs at least 2 frames, found {Frames}");
        if (!(Fps > 0))
            throw new ArgumentException($"fps must be positive, found {Fps}");
        if (!(ObjectSize > 0) || !(Travel >= 0) || !(Margin >= 0))
            throw new ArgumentException($"object size must be positive and travel, margin non-negative; found d={ObjectSize}, travel={Travel}, margin={Margin}");
        var room = Math.Min(Width, Height) - 2 * Margin - ObjectSize;
        if (room < Travel)
            throw new ArgumentException(
                $"a {Width}×{Height} canvas with margin {Margin} leaves {room} px of travel room for a {ObjectSize} px object; {Travel} px needed");
        return this;
    }

    /// <summary>
    /// The linear motion schedule: frame i (0-based) sits at start + travel · direction · i / (T − 1), so the
    /// first frame is at the start and the last exactly <see cref="Travel"/> px further.
    /// </summary>
    public CanvasPoint PositionAt(CanvasPoint start, ShapeMotion motion, int frame)
    {
        ArgumentNullException.ThrowIfNull(motion);
        var progress = Travel * frame / (Frames - 1);
        return new CanvasPoint(start.X + motion.DirectionX * progress, start.Y + motion.DirectionY * progress);
    }

    /// <summary>Where a clip starting at <paramref name="start"/> ends (its last frame's position).</summary>
    public CanvasPoint EndOf(CanvasPoint start, ShapeMotion motion) => PositionAt(start, motion, Frames - 1);

    /// <summary>The starts from which the whole of <paramref name="motion"/> stays inside the margins.</summary>
    public StartRegion StartRegion(ShapeMotion motion)
    {
        ArgumentNullException.ThrowIfNull(motion);
        // Position is the bounding-box centre, so it must stay in [margin + d/2, size − margin − d/2] on both
        // axes during the whole clip: the start range shrinks by the travel on the side the object moves to.
        var half = ObjectSize / 2;
        var travelX = motion.DirectionX * Travel;
        var travelY = motion.DirectionY * Travel;
        return new StartRegion(
            MinX: Margin + half - Math.Min(0, travelX),
            MaxX: Width - Margin - half - Math.Max(0, travelX),
            MinY: Margin + half - Math.Min(0, travelY),
            MaxY: Height - Margin - half - Math.Max(0, travelY));
    }
}
