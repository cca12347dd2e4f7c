namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// The axis-aligned box of clip start positions from which the object stays inside the canvas margins for a
/// whole clip (shapes-world.md, "Rendering": start positions; "Long videos": continuity).
/// </summary>
public readonly record struct StartRegion(double MinX, double MaxX, double MinY, double MaxY)
{
    /// <summary>True when <paramref name="point"/> lies in the region (bounds included).</summary>
    public bool Contains(CanvasPoint point) =>
        point.X >= MinX && point.X <= MaxX && point.Y >= MinY && point.Y <= MaxY;

    /// <summary>
    /// The region's point nearest to <paramref name="point"/>: a per-axis clamp. Because the region is a box,
    /// this is the least move (in every norm) that makes a start feasible — the story continuity rule.
    /// </summary>
    public CanvasPoint Clamp(CanvasPoint point) =>
        new(Math.Clamp(point.X, MinX, MaxX), Math.Clamp(point.Y, MinY, MaxY));

    /// <summary>A uniform (continuous) draw: x first, then y, each from its own <see cref="SplitMix64.NextDouble"/>.</summary>
    public CanvasPoint Sample(ref SplitMix64 random)
    {
        var x = MinX + (MaxX - MinX) * random.NextDouble();
        var y = MinY + (MaxY - MinY) * random.NextDouble();
        return new CanvasPoint(x, y);
    }
}
